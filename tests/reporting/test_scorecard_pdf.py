"""The scorecard PDF, read back as text (pypdf): the figures of the result object are in it,
French first and English by option, with n.d. and "one nature" where they apply, the footer on
every page, and the same bytes for the same report."""

from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from reports.formatting import Formatter
from reports.scorecard import ScorecardReport, render
from services.reporting.domain.scorecard import METHODOLOGY, figures_sha256, scorecard
from tests.reporting.test_scorecard import QUALITY, facts


def _report(lang: str) -> ScorecardReport:
    figures = scorecard(facts(), QUALITY)
    return ScorecardReport(
        report_id="SC-TEST-1",
        period_start=datetime(2026, 1, 1, tzinfo=UTC),
        period_end=datetime(2027, 1, 1, tzinfo=UTC),
        as_of=datetime(2027, 1, 1, tzinfo=UTC),
        rows=figures.to_dicts(),
        methodology=METHODOLOGY[lang],
        figures_sha256=figures_sha256(figures),
        lang=lang,
        manifest={"figures": "sha256 " + figures_sha256(figures)},
    )


def _text(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Fiche prestataires", "une seule nature", "n.d.", "Méthodologie", "Manifeste d'audit", "31/12/2026"]),
        ("en", ["Contractor scorecard", "one nature only", "n/a", "Methodology", "Audit manifest", "31/12/2026"]),
    ],
)
def test_the_figures_of_the_result_are_in_the_pdf(tmp_path, lang, words):
    report = _report(lang)
    pages = _text(render(report, tmp_path / f"scorecard-{lang}.pdf"))
    text = " ".join(pages)
    fmt = Formatter(lang)
    c1 = report.rows[0]
    for figure in (
        fmt.percent(c1["preventive_share"]),  # 25,0 % / 25.0%
        fmt.percent(c1["first_time_fix_rate"]),
        fmt.number(c1["visits_per_curative"], 2),
        fmt.percent(c1["intervene_compliance"]),
        fmt.percent(c1["passing_share"]),
    ):
        assert figure.replace("\u202f", " ").replace("\u00a0", " ") in text.replace("\u202f", " ").replace(
            "\u00a0", " "
        )
    for word in words:
        assert word in text
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in page
        assert "SC-TEST-1" in page and report.figures_sha256[:12] in page


def test_same_report_same_bytes(tmp_path):
    first = render(_report("fr"), tmp_path / "a.pdf").read_bytes()
    assert first == render(_report("fr"), tmp_path / "b.pdf").read_bytes()
