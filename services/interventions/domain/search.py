"""Searching addresses as a French user expects: case and accents ignored ("saint-etienne" finds
"Saint-Étienne", "eglise" finds "Église", "oe" finds "œ"), the text typed matched literally
(``%``, ``_`` and ``\\`` are plain characters, not wildcards).

A building stores its address, postcode and city once normalised (``search_text``, filled at
import); a search normalises what it is given the same way and looks for it as a substring.
"""

import unicodedata

# Letters NFKD does not take apart
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'", "ʼ": "'"})
# Between the fields of search_text: no text field may hold it, so no match spans two fields.
SEPARATOR = "\x1f"
LIKE_ESCAPE = "\\"


def normalised(text: str) -> str:
    """``text`` lower-cased, without accents nor ligatures."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_text(address: str, postcode: str, city: str) -> str:
    """What a building's address is searched in."""
    return SEPARATOR.join(normalised(part) for part in (address, postcode, city))


def like_pattern(typed: str) -> str:
    """A LIKE pattern (escape character LIKE_ESCAPE) finding ``typed``, normalised, as a substring."""
    escaped = normalised(typed).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
