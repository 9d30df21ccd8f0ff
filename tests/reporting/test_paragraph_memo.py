"""Paragraphs laid out once per text, style and width in a process (reports.page.Paragraph): a
report made after others that shared its texts gives the same bytes as made first, also when one
of them split such a text across two pages."""

from reportlab.platypus import Spacer

from reports import page
from reports.page import PageFrame, Paragraph, build_pdf, styles

FRAME = PageFrame("Test", "Portefeuille", "2025", "2026-01-01", "R-1", "0" * 64)
LONG = " ".join(f"Ligne {n} d'un texte de méthode repris dans chaque rapport," for n in range(120))


def _pdf(tmp_path, name: str, room_cm: float) -> bytes:
    """LONG after a spacer of ``room_cm``: a tall spacer leaves it to split across two pages."""
    body = styles()["body"]
    story = [Spacer(1, room_cm * 28.35), Paragraph(LONG, body), Paragraph("Note finale.", styles()["small"])]
    return build_pdf(tmp_path / f"{name}.pdf", FRAME, story, "test").read_bytes()


def _forget() -> None:
    page._LAID.clear()
    page._PARSED.clear()


def test_a_report_after_others_has_the_bytes_it_has_alone(tmp_path):
    _forget()
    split_first, whole_next = _pdf(tmp_path, "a", 20), _pdf(tmp_path, "b", 0)
    _forget()
    whole_alone = _pdf(tmp_path, "c", 0)
    _forget()
    split_alone = _pdf(tmp_path, "d", 20)
    assert whole_next == whole_alone
    assert split_first == split_alone
    assert split_alone != whole_alone  # the spacer did move the text onto a second page
    assert _pdf(tmp_path, "e", 20) == split_alone  # and again, every layout kept


def test_what_is_kept_stays_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(page, "_KEPT", 50)
    _forget()
    for n in range(120):
        Paragraph(f"Texte {n}", styles()["body"]).wrap(300, 100)
    assert 0 < len(page._LAID) <= 50 and 0 < len(page._PARSED) <= 50
