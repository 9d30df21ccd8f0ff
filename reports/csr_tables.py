"""The building blocks of the CSR report's pages: how a headline figure is written, notes as
letters, and tables whose numbers are right-aligned, headers wrap and totals are bold."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Table, TableStyle

from reports.fonts import fonts
from reports.formatting import Formatter
from reports.page import Paragraph, TextTable, styles

HEADER = colors.HexColor("#dfe7ee")
GROUP = colors.HexColor("#eef3f7")
DECIMALS = {"tCO2e": 1, "MWh PCI": 1, "kgCO2e/m2": 1, "kWh PCI/m2": 0, "trips": 0, "km": 0, "interventions": 0}


def shown(fmt: Formatter, unit: str, value: float | None) -> str:
    """A headline value as the report prints it: a share as a percentage, a number with the
    decimals of its unit; n.d. / n/a when there is none."""
    return fmt.percent(value) if unit == "share" else fmt.number(value, DECIMALS.get(unit, 1))


def trend(fmt: Formatter, unit: str, now: float | None, before: float | None) -> str:
    """A share changes in points, any other figure in per cent of the earlier value."""
    return fmt.points(now, before) if unit == "share" else fmt.change(now, before)


SUPERSCRIPT = dict(zip("abcdefghijklmnoprstuvwxyz", "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", strict=True))


@dataclass
class Notes:
    """Note codes met while drawing, each given a letter (a, b, ...) in order of first use, written
    as a superscript after the figure it explains (plain text, so that a table cell stays a
    string: a paragraph per cell would make the report several times slower to draw)."""

    words: dict[str, str]
    letters: dict[str, str] = field(default_factory=dict)

    def mark(self, codes: str) -> str:
        """The letters of comma-separated note codes."""
        return self._letters(list(filter(None, codes.split(","))))

    def mark_one(self, note: str) -> str:
        """The letter of one note that may hold commas (a factor's fallback reason)."""
        return self._letters([note] if note else [])

    def _letters(self, codes: list[str]) -> str:
        marks = []
        for code in codes:
            if code not in self.letters:
                self.letters[code] = list(SUPERSCRIPT)[len(self.letters) % len(SUPERSCRIPT)]
            marks.append(self.letters[code])
        if not marks:
            return ""
        if fonts().unicode:
            return "".join(SUPERSCRIPT[m] for m in marks)
        return " (" + ",".join(marks) + ")"

    def paragraphs(self) -> list[Paragraph]:
        small = styles()["small"]
        return [
            Paragraph(f"<super>{letter}</super> {escape(self.words[code])}", small)
            for code, letter in self.letters.items()
        ]


@dataclass(frozen=True)
class Markup:
    """A table cell written in reportlab's paragraph markup (bold, colour ...); any other string
    cell is plain text."""

    text: str


def cell_styles() -> dict[str, ParagraphStyle]:
    """Built once a process, as styles()."""
    return dict(_cell_styles())


@cache
def _cell_styles() -> dict[str, ParagraphStyle]:
    small = styles()["small"]
    return {
        "text": ParagraphStyle("cell", parent=small, fontSize=7.5, leading=9),
        "header": ParagraphStyle("cell_header", parent=small, fontName=fonts().bold, fontSize=7.5, leading=9),
        "header_number": ParagraphStyle(
            "cell_header_number", parent=small, fontName=fonts().bold, fontSize=7.5, leading=9, alignment=TA_RIGHT
        ),
        "text_number": ParagraphStyle("cell_text_number", parent=small, fontSize=7.5, leading=9, alignment=TA_RIGHT),
        "bold": ParagraphStyle("cell_bold", parent=small, fontName=fonts().bold, fontSize=7.5, leading=9),
        "bold_number": ParagraphStyle(
            "cell_bold_number", parent=small, fontName=fonts().bold, fontSize=7.5, leading=9, alignment=TA_RIGHT
        ),
        "mono": ParagraphStyle("cell_mono", parent=small, fontName=fonts().mono, fontSize=6.8, leading=8.5),
    }


def text(value: Any) -> str:
    """Data written into a paragraph: escaped, so that "&" or "<" in a name stays text."""
    return escape(str(value))


FONT_SIZE, LEADING, PADDING = 7.5, 9, 3


TOP_PADDING, BOTTOM_PADDING = 2, 2.5


def _plain_heights(body: Sequence[Sequence[Any]]) -> list[float | None]:
    """Each row's height when all its cells are plain strings, as Table would size it (its
    leading per line plus the paddings, LEADING for every cell here), else None (Table sizes the
    row): Table then skips looking at every cell of the rows known, a tenth of a report's time."""
    return [
        LEADING * max(v.count("\n") + 1 for v in row) + (BOTTOM_PADDING + TOP_PADDING)
        if all(isinstance(v, str) for v in row)
        else None
        for row in body
    ]


def grid(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    text_columns: int = 1,
    numbers: Sequence[int] | None = None,
    bold_rows: Sequence[int] = (),
    group_rows: Sequence[int] = (),
    over_header: Sequence[tuple[str, int, int]] = (),
) -> Table:
    """A table: the first ``text_columns`` columns are text, the others numbers (right-aligned),
    unless ``numbers`` lists the number columns. A plain string whose lines fit its column stays a
    string (fast to draw); one that does not wraps in a paragraph; a Markup
    or a flowable is drawn as it is. Rows are counted from 0 after the header; ``group_rows``
    span the table as a section title; ``over_header`` puts titles (label, first column, last
    column) above the header."""
    cells = cell_styles()
    bold = set(bold_rows) | set(group_rows)
    numeric = {c for c in range(len(header)) if (c in numbers if numbers is not None else c >= text_columns)}

    def cell(value: Any, column: int, strong: bool) -> Any:
        kind = ("bold" if strong else "text") + ("_number" if column in numeric else "")
        if isinstance(value, Markup):
            return Paragraph(value.text, cells[kind])
        if not isinstance(value, str):
            return value
        font = fonts().bold if strong else fonts().regular
        lines = value.split("\n")
        if len(lines) == 1 or all(line and " ".join(line.split()) == line for line in lines):
            # drawn where a paragraph would put its lines (which drops an empty one), without its layout
            if all(stringWidth(line, font, FONT_SIZE) <= widths[column] - 2 * PADDING for line in lines):
                return value
        return Paragraph(escape(value).replace("\n", "<br/>"), cells[kind])

    top = []
    if over_header:
        top_row: list[Any] = [""] * len(header)
        for label, first, _ in over_header:
            top_row[first] = label  # a plain string: centred over its columns
        top.append(top_row)
    header_row = [cell(h, c, True) for c, h in enumerate(header)]
    body = [*top, header_row, *[[cell(v, c, r in bold) for c, v in enumerate(row)] for r, row in enumerate(rows)]]
    heads = len(top) + 1
    table = TextTable(body, colWidths=list(widths), rowHeights=_plain_heights(body), repeatRows=heads)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts().regular, FONT_SIZE, LEADING),
        ("FONT", (0, 0), (-1, heads - 1), fonts().bold, FONT_SIZE, LEADING),
        ("BACKGROUND", (0, 0), (-1, heads - 1), HEADER),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5ae")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), TOP_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), BOTTOM_PADDING),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
    ]
    style += [("ALIGN", (c, 0), (c, -1), "RIGHT") for c in sorted(numeric)]
    style += [("FONT", (0, r + heads), (-1, r + heads), fonts().bold, FONT_SIZE, LEADING) for r in bold]
    style += [("SPAN", (first, 0), (last, 0)) for _, first, last in over_header]
    style += [("ALIGN", (0, 0), (-1, 0), "CENTER")] if over_header else []
    for r in group_rows:
        style += [("SPAN", (0, r + heads), (-1, r + heads)), ("BACKGROUND", (0, r + heads), (-1, r + heads), GROUP)]
    table.setStyle(TableStyle(style))
    return table
