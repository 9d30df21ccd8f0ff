"""The scorecard PDF, read back as text (pypdf): each contractor's figures, N and N-1, as the
report prints them, French first and English by option, n.d. where a figure is not given, the
footer on every page, and the same bytes for the same report. Figures from the hand-worked
fixture (tests/reporting/scorecard_fixture.py, worked in test_scorecard_figures.py)."""

from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from reports.formatting import Formatter
from reports.scorecard import ScorecardReport, render, shown
from services.reporting.domain.scorecard import figures_sha256
from services.reporting.domain.scorecard_figures import compute_scorecard
from tests.reporting.scorecard_fixture import inputs


def _report(lang: str, scenario: str = "reference_2023 version 1") -> ScorecardReport:
    figures = compute_scorecard(inputs(with_scenario=bool(scenario)))
    digest = figures_sha256(figures.figures)
    return ScorecardReport(
        report_id="scorecard-TEST-1",
        perimeter="Patrimoine entier" if lang == "fr" else "Whole portfolio",
        figures=figures,
        as_of=datetime(2026, 1, 10, tzinfo=UTC),
        figures_sha256=digest,
        scenario=scenario,
        lang=lang,
        manifest={"figures": "sha256 " + digest},
    )


def _flat(value: str) -> str:
    return value.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Fiche prestataires", "Alpha Ascenseurs", "n.d.", "Méthodologie", "Manifeste d'audit", "28/02/2025"]),
        ("en", ["Contractor scorecard", "Beta Élec", "n/a", "Methodology", "Audit manifest", "28/02/2025"]),
    ],
)
def test_each_contractors_figures_n_and_n_minus_1_are_in_the_pdf(tmp_path, lang, words):
    report = _report(lang)
    pages = [p.extract_text() for p in PdfReader(render(report, tmp_path / f"sc-{lang}.pdf")).pages]
    fmt = Formatter(lang)
    for contractor in ("C1", "C2", "C3"):
        page = _flat(next(p for p in pages if f"{contractor} ·" in p and ("Indicateur" in p or "Figure" in p)))
        for row in report.figures.figures.filter(report.figures.figures["contractor_id"] == contractor).iter_rows(
            named=True
        ):
            for name in ("value", "previous"):
                printed = _flat(shown(fmt, row["figure"], row["unit"], row[name]))
                assert printed in page, (contractor, row["figure"], name, printed)
    text = _flat(" ".join(pages))
    assert _flat(fmt.percent(28 / 59)) in text  # C1's plan compliance, 47.5 %
    for word in words:
        assert word in text
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in page
        assert "scorecard-TEST-1" in page and report.figures_sha256[:12] in page


def test_without_a_scenario_the_report_says_so(tmp_path):
    text = " ".join(p.extract_text() for p in PdfReader(render(_report("en", ""), tmp_path / "a.pdf")).pages)
    assert "No reference scenario named" in text and "Avoided trips N" not in text


def test_same_report_same_bytes(tmp_path):
    first = render(_report("fr"), tmp_path / "a.pdf").read_bytes()
    assert first == render(_report("fr"), tmp_path / "b.pdf").read_bytes()
