"""What every report page carries: a title band on the first page (report kind, perimeter,
period, data cut-off) and, on every page, "page x / y", the report id and the first 12
characters of the figures hash, so that a page separated from its report still says where it
comes from. A4; reproducible bytes (reportlab's invariant mode: no creation date, no random id).
A report may carry a table of contents: its "h1" headings with their page numbers."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table, TableStyle
from reportlab.platypus import Paragraph as PlatypusParagraph
from reportlab.platypus.paragraph import _FUZZ

from reports.fonts import fonts

BAND = colors.HexColor("#1f3b57")
LABELS = {
    "fr": {"page": "page {x} / {y}", "report": "rapport", "figures": "chiffres", "as_of": "données au"},
    "en": {"page": "page {x} / {y}", "report": "report", "figures": "figures", "as_of": "data as of"},
}


# Paragraphs parsed and laid out in this process, by text and style (and width): a report's fixed
# texts (methodology, notes, introductions) come back on each of a monthly run's hundreds of
# reports, and reportlab parses and breaks each anew. Emptied when full: a run's distinct texts
# are a few thousand.
_PARSED: dict[tuple, tuple] = {}
_LAID: dict[tuple, tuple] = {}
_KEPT = 4096


def _keep(memo: dict[Any, tuple], key: Any, value: tuple) -> None:
    if len(memo) >= _KEPT:
        memo.clear()
    memo[key] = value


class Paragraph(PlatypusParagraph):
    """reportlab's Paragraph, parsed once per text and style and whose lines are broken once per
    width in this process: a table breaks a cell's lines to size its row, again to draw it, a split
    asks once more, and the next report asks for the same text again, each time for the same lines
    (the same PDF bytes). A paragraph made from fragments (a split's parts) is laid out as
    reportlab does, once per width."""

    def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:  # noqa: N803
        if frags is not None or not isinstance(text, str):
            super()._setup(text, style, bulletText, frags, cleaner)
            return
        key = (text, style, bulletText, self.caseSensitive)
        parsed = _PARSED.get(key)
        if parsed is None:
            super()._setup(text, style, bulletText, frags, cleaner)
            mine: dict[str, Any] = self.__dict__
            _keep(_PARSED, key, (mine["text"], mine["frags"], mine["style"], mine["bulletText"]))
        else:
            self.__dict__.update(zip(("text", "frags", "style", "bulletText"), parsed, strict=True), debug=0)
        self._source = key

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        if availWidth < _FUZZ:
            return super().wrap(availWidth, availHeight)
        source = self.__dict__.get("_source")
        memo: dict[Any, tuple] = _LAID if source else self.__dict__.setdefault("_laid", {})
        key = (source, availWidth)
        laid = memo.get(key)
        if laid is not None:
            self.width, self.height, self._wrapWidths, self.blPara, self._width_max = laid
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        _keep(memo, key, (self.width, self.height, self._wrapWidths, self.blPara, self._width_max))
        return size


@dataclass(frozen=True)
class PageFrame:
    kind: str  # e.g. "Fiche prestataires"
    perimeter: str
    period: str
    as_of: str  # formatted cut-off
    report_id: str
    figures_sha256: str
    lang: str = "fr"
    landscape: bool = False


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles, built once a process (a report asks for them for every table); a dict
    of its own for each caller, the styles shared and never changed."""
    return dict(_styles())


@cache
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=fonts().regular, fontSize=9, leading=12)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=fonts().bold, fontSize=14, leading=18, spaceBefore=6, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=fonts().bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4
        ),
        "mono": ParagraphStyle("mono", parent=base, fontName=fonts().mono, fontSize=7, leading=9),
    }


class TextTable(Table):
    """A Table whose plain-string cells are written together once every cell is placed, each at
    the place and in the font and colour reportlab's Table gives it, with the font and colour set
    only when they change, instead of a text object built and its font and colour set again for
    every cell: the same page, in about half the drawing time of a table of figures. Paragraph
    cells are drawn by Table."""

    def _drawCell(self, cellval: Any, cellstyle: Any, pos: tuple[float, float], size: tuple[float, float]) -> None:  # noqa: N802 (reportlab's name)
        if (
            not isinstance(cellval, str)
            or cellstyle.href
            or cellstyle.destination
            or cellstyle.direction
            or cellstyle.shaping
            or cellstyle.valign not in ("MIDDLE", "TOP")
            or cellstyle.alignment not in ("LEFT", "RIGHT", "CENTRE", "CENTER")
        ):
            self._write_pending_text()  # the cells before it first: the page reads in the same order
            super()._drawCell(cellval, cellstyle, pos, size)
            return
        colpos, rowpos = pos
        colwidth, rowheight = size
        font, font_size, leading, just = cellstyle.fontname, cellstyle.fontsize, cellstyle.leading, cellstyle.alignment
        lines = cellval.split("\n")
        # the arithmetic of Table._drawCell, so that the numbers are the same
        if cellstyle.valign == "TOP":
            y = rowpos + rowheight - cellstyle.topPadding - font_size
        else:
            y = rowpos + (cellstyle.bottomPadding + rowheight - cellstyle.topPadding + len(lines) * leading) / 2.0
            y = y - font_size
        for line in lines:
            if just == "LEFT":
                x = colpos + cellstyle.leftPadding
            elif just == "RIGHT":
                x = colpos + colwidth - cellstyle.rightPadding - stringWidth(line, font, font_size)
            else:
                x = colpos + (colwidth + cellstyle.leftPadding - cellstyle.rightPadding) * 0.5
                x = x - 0.5 * stringWidth(line, font, font_size)
            self._pending_text.append((font, font_size, leading, cellstyle.color, x, y, line))
            y -= leading

    def draw(self) -> None:
        self._pending_text: list[tuple[str, float, float, Any, float, float, str]] = []
        super().draw()

    def _drawLines(self) -> None:  # noqa: N802 (reportlab's name): called by draw once every cell is drawn
        self._write_pending_text()
        super()._drawLines()

    def _write_pending_text(self) -> None:
        if not self._pending_text:
            return
        _, _, _, _, x, y, _ = self._pending_text[0]
        text = self.canv.beginText(x, y)
        current: tuple[Any, ...] = ()
        colour = None
        for n, (font, font_size, leading, color, x, y, value) in enumerate(self._pending_text):
            if n:
                # a text object per cell, as Table writes them (text extraction reads each cell on
                # its line); the font and colour set in the first carry over to the next
                text._code.append("ET BT")
                text.setTextOrigin(x, y)
            if current != (font, font_size, leading):
                text.setFont(font, font_size, leading)
                current = (font, font_size, leading)
            if color != colour:
                text.setFillColor(color)
                colour = color
            text._textOut(value, 1)  # and to the next line after it, as Table's drawString does
        self.canv.drawText(text)
        self._pending_text = []
        self._curcellstyle = None  # Table sets its font and colour again for the next cell it draws


def manifest_table(manifest: dict[str, str], key_width: float, value_width: float) -> Table:
    """The audit manifest, one line per entry, in a fixed-width font an auditor can copy from."""
    mono = styles()["mono"]
    padding = 6  # Table's own

    def cell(value: str, width: float) -> str | Paragraph:
        """A line that fits as it is, drawn where its paragraph would be; a paragraph otherwise."""
        plain = "<" not in value and "&" not in value and " ".join(value.split()) == value
        if plain and stringWidth(value, mono.fontName, mono.fontSize) <= width - 2 * padding:
            return value
        return Paragraph(value, mono)

    table = TextTable(
        [[cell(k, key_width), cell(v, value_width)] for k, v in manifest.items()], colWidths=[key_width, value_width]
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, -1), mono.fontName, mono.fontSize, mono.leading),
            ]
        )
    )
    return table


def _canvas_class(frame: PageFrame) -> type[Canvas]:
    words = LABELS[frame.lang]

    class NumberedCanvas(Canvas):
        """Holds every page until the end, so that each footer can say how many there are."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self.heading_pages: dict[str, int] = {}  # "h1" heading -> its page (_ContentsDoc)
            self.contents_lines: list[tuple[int, str, float, float]] = []  # page, heading, x, y (Contents)

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, total)
                self._contents_numbers(number)
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            width, _ = self._pagesize
            self.setFont(fonts().regular, 7)
            self.setFillColor(colors.HexColor("#555555"))
            left = f"{words['report']} {frame.report_id} · {words['figures']} {frame.figures_sha256[:12]}"
            self.drawString(1.5 * cm, 0.9 * cm, left)
            self.drawRightString(width - 1.5 * cm, 0.9 * cm, words["page"].format(x=number, y=total))

        def _contents_numbers(self, number: int) -> None:
            """The page numbers of the contents lines drawn on page ``number``."""
            style = styles()["body"]
            for page, heading, x, y in self.contents_lines:
                if page == number and heading in self.heading_pages:
                    self.setFont(style.fontName, 9)
                    self.setFillColor(colors.black)
                    self.drawRightString(x, y, str(self.heading_pages[heading]))

    return NumberedCanvas


def _title_band(frame: PageFrame) -> Any:
    words = LABELS[frame.lang]

    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        width, height = doc.pagesize
        canvas.saveState()
        canvas.setFillColor(BAND)
        canvas.rect(0, height - 2.4 * cm, width, 2.4 * cm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(fonts().bold, 15)
        canvas.drawString(1.5 * cm, height - 1.2 * cm, frame.kind)
        canvas.setFont(fonts().regular, 9)
        canvas.drawString(1.5 * cm, height - 1.9 * cm, f"{frame.perimeter} · {frame.period}")
        canvas.drawRightString(width - 1.5 * cm, height - 1.9 * cm, f"{words['as_of']} {frame.as_of}")
        canvas.restoreState()

    return draw


class Contents(Flowable):
    """The table of contents, laid out once: one line per "h1" heading, with dotted leaders up to
    its page number. A heading's page is known only once the document is laid out, so the line
    leaves its number's place empty and the canvas writes the number when it saves the document
    (it holds every page until then, as for the footers). Reportlab's TableOfContents lays the
    whole document out twice for the same result (its numbers settle in the second layout)."""

    def __init__(self, headings: Sequence[str], style: ParagraphStyle) -> None:
        super().__init__()
        self.headings = list(headings)
        self.style = style

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        self.width = availWidth
        return availWidth, self.style.leading * len(self.headings)

    def draw(self) -> None:
        canvas, style = self.canv, self.style
        number_room = canvas.stringWidth("0000", style.fontName, style.fontSize)
        dot_width = canvas.stringWidth(" .", style.fontName, style.fontSize)
        canvas.setFont(style.fontName, style.fontSize)
        for line, heading in enumerate(self.headings, start=1):
            y = self.style.leading * (len(self.headings) - line) + (style.leading - style.fontSize) / 2
            canvas.drawString(0, y, heading)
            text_end = canvas.stringWidth(heading, style.fontName, style.fontSize)
            dots = int((self.width - number_room - text_end) / dot_width)
            if dots > 0:
                canvas.drawRightString(self.width - number_room, y, " ." * dots)
            x, at = canvas.absolutePosition(self.width, y)
            canvas.contents_lines.append((canvas.getPageNumber(), heading, x, at))


def table_of_contents(headings: Sequence[str]) -> Contents:
    """Put it in the story and build with ``toc=True``: it lists every "h1" heading and its page."""
    base = styles()["body"]
    return Contents(headings, ParagraphStyle("toc0", parent=base, fontSize=9, leading=13))


class _ContentsDoc(BaseDocTemplate):
    """Tells the canvas the page each "h1" heading lands on."""

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        if isinstance(flowable, PlatypusParagraph) and flowable.style.name == "h1":
            self.canv.heading_pages.setdefault(flowable.getPlainText(), self.page)


def build_pdf(path: Path, frame: PageFrame, story: Sequence[Flowable], title: str, toc: bool = False) -> Path:
    """The first page leaves room for the title band; the others use the whole height. With
    ``toc``, the story's table_of_contents() gets each heading's page number."""
    size = landscape(A4) if frame.landscape else A4
    width, height = size
    margin, bottom, band = 1.5 * cm, 1.6 * cm, 3.0 * cm
    doc = (_ContentsDoc if toc else BaseDocTemplate)(
        str(path), pagesize=size, title=title, author="Quitus", invariant=1, leftMargin=margin, rightMargin=margin
    )
    first = Frame(margin, bottom, width - 2 * margin, height - band - bottom, id="first")
    later = Frame(margin, bottom, width - 2 * margin, height - margin - bottom, id="later")
    doc.addPageTemplates(
        [
            PageTemplate(id="first", frames=[first], onPage=_title_band(frame), autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=[later]),
        ]
    )
    doc.build(list(story), canvasmaker=_canvas_class(frame))
    return path


TILE = colors.HexColor("#eef3f7")


def tiles_row(cells: list, width: float) -> Table:
    """The summary's row of four tiles (each cell a list of paragraphs), on a light background
    with white gutters: the same on every report."""
    table = Table([cells], colWidths=[width / 4] * 4)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), TILE),
                ("INNERGRID", (0, 0), (-1, -1), 3, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table
