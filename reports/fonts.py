"""The fonts every report uses. DejaVu Sans (Debian's fonts-dejavu-core, found in the usual
folders or in $QUITUS_REPORT_FONTS) covers what French figures need: the narrow no-break space
of thousands (U+202F), arrows for trends, the euro sign. Without it the reports fall back to
Helvetica, whose encoding lacks U+202F: Formatter then writes a plain no-break space instead.
The same machine always picks the same font, so the same report gives the same bytes."""

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_FOLDERS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts"]


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    mono: str
    unicode: bool  # whether the narrow no-break space and arrows can be drawn


def _find(name: str) -> Path | None:
    folders = [os.environ["QUITUS_REPORT_FONTS"]] if os.environ.get("QUITUS_REPORT_FONTS") else []
    for folder in [*folders, *_FOLDERS]:
        path = Path(folder) / name
        if path.is_file():
            return path
    return None


@cache
def fonts() -> Fonts:
    """Found and registered on first use, not at import."""
    regular, bold, mono = _find("DejaVuSans.ttf"), _find("DejaVuSans-Bold.ttf"), _find("DejaVuSansMono.ttf")
    if regular is None or bold is None or mono is None:
        return Fonts("Helvetica", "Helvetica-Bold", "Courier", unicode=False)
    for name, path in (("Quitus", regular), ("Quitus-Bold", bold), ("Quitus-Mono", mono)):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily("Quitus", normal="Quitus", bold="Quitus-Bold")
    return Fonts("Quitus", "Quitus-Bold", "Quitus-Mono", unicode=True)
