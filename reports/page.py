"""What every report page carries: a title band on the first page (report kind, perimeter,
period, data cut-off) and, on every page, "page x / y", the report id and the first 12
characters of the figures hash, so that a page separated from its report still says where it
comes from. A4; reproducible bytes (reportlab's invariant mode: no creation date, no random id).
A report may carry a table of contents: its "h1" headings with their page numbers."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from reports.fonts import fonts

BAND = colors.HexColor("#1f3b57")
LABELS = {
    "fr": {"page": "page {x} / {y}", "report": "rapport", "figures": "chiffres", "as_of": "données au"},
    "en": {"page": "page {x} / {y}", "report": "report", "figures": "figures", "as_of": "data as of"},
}


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


def manifest_table(manifest: dict[str, str], key_width: float, value_width: float) -> Table:
    """The audit manifest, one line per entry, in a fixed-width font an auditor can copy from."""
    mono = styles()["mono"]
    table = Table(
        [[Paragraph(k, mono), Paragraph(v, mono)] for k, v in manifest.items()], colWidths=[key_width, value_width]
    )
    table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    return table


def _canvas_class(frame: PageFrame) -> type[Canvas]:
    words = LABELS[frame.lang]

    class NumberedCanvas(Canvas):
        """Holds every page until the end, so that each footer can say how many there are."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, total)
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            width, _ = self._pagesize
            self.setFont(fonts().regular, 7)
            self.setFillColor(colors.HexColor("#555555"))
            left = f"{words['report']} {frame.report_id} · {words['figures']} {frame.figures_sha256[:12]}"
            self.drawString(1.5 * cm, 0.9 * cm, left)
            self.drawRightString(width - 1.5 * cm, 0.9 * cm, words["page"].format(x=number, y=total))

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


def table_of_contents(headings: Sequence[str]) -> TableOfContents:
    """Put it in the story and build with ``toc=True``: it lists every "h1" heading and its page.
    Given the headings it will list, it takes its final height from the first layout, so that the
    page numbers settle in two layouts instead of three."""
    toc = TableOfContents()
    toc._entries = [(0, heading, 0, None) for heading in headings]  # reportlab's own list, seeded
    base = styles()["body"]
    toc.levelStyles = [ParagraphStyle("toc0", parent=base, fontSize=9, leading=13, leftIndent=0, firstLineIndent=0)]
    toc.dotsMinLevel = 0
    return toc


class _ContentsDoc(BaseDocTemplate):
    """Tells the table of contents each "h1" heading and the page it lands on."""

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        if isinstance(flowable, Paragraph) and flowable.style.name == "h1":
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.page))


def build_pdf(path: Path, frame: PageFrame, story: Sequence[Flowable], title: str, toc: bool = False) -> Path:
    """The first page leaves room for the title band; the others use the whole height. With
    ``toc``, the story's table_of_contents() is filled in (the document is laid out until its
    page numbers settle)."""
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
    if toc:
        doc.multiBuild(list(story), canvasmaker=_canvas_class(frame))
    else:
        doc.build(list(story), canvasmaker=_canvas_class(frame))
    return path
