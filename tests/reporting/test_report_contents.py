"""The table of contents of reports/page.py, laid out once: each line gives the page its "h1"
heading landed on, written when the document is saved.

Worked by hand: the contents and "Alpha" on page 1, a page break, "Beta" on page 2, two page
breaks, "Gamma" on page 4; a heading listed but absent from the story gets no number."""

from pypdf import PdfReader
from reportlab.platypus import PageBreak, Paragraph

from reports.page import PageFrame, build_pdf, styles, table_of_contents

FRAME = PageFrame(
    kind="Test", perimeter="P", period="2025", as_of="1 janv. 2026", report_id="T-1", figures_sha256="0" * 64
)


def _lines(page) -> dict[float, list[str]]:
    """The page's text fragments grouped by their baseline (y), in drawing order."""
    lines: dict[float, list[str]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            lines.setdefault(round(cm[5] + tm[5], 1), []).append(text.strip())

    page.extract_text(visitor_text=visit)
    return lines


def test_each_contents_line_names_the_page_its_heading_is_on(tmp_path):
    h1 = styles()["h1"]
    story = [
        table_of_contents(["Alpha", "Beta", "Gamma", "Delta"]),
        Paragraph("Alpha", h1),
        PageBreak(),
        Paragraph("Beta", h1),
        PageBreak(),
        PageBreak(),
        Paragraph("Gamma", h1),
    ]
    reader = PdfReader(build_pdf(tmp_path / "contents.pdf", FRAME, story, title="t", toc=True))
    assert len(reader.pages) == 4
    contents = {  # a contents line: its heading, its dotted leaders, then its page number if any
        fragments[0]: fragments[2:]
        for fragments in _lines(reader.pages[0]).values()
        if len(fragments) > 1 and fragments[1].startswith(". .")
    }
    assert contents == {"Alpha": ["1"], "Beta": ["2"], "Gamma": ["4"], "Delta": []}
