"""The CSR report PDF read back as text (pypdf): the headline figures of the result object are in
it, the avoided figures stand in their box outside the inventory with their scenario, in French
and in English; the same report gives the same bytes."""

import hashlib
from datetime import UTC, datetime

import polars as pl
import pytest
from pypdf import PdfReader

from reports.csr import DISPLAY, TEXT, CsrReport, render
from reports.formatting import Formatter
from services.reporting.domain.csr import PeriodData, compute_csr, figures_frame
from tests.reporting.test_csr import FACTS, _inputs
from tests.reporting.test_energy import FIGURES

FACTOR_TABLE = pl.DataFrame(
    {
        "key": ["gas.comb"],
        "value": [0.201],
        "unit": ["kWh PCI"],
        "scope": ["1"],
        "set_version": ["fixture@1"],
        "source": ["fixture value for a test"],
    }
)


def _report(lang: str) -> CsrReport:
    previous = PeriodData(FACTS.head(3), FIGURES.head(1).with_columns(pl.lit("").alias("usage")))
    figures = compute_csr(_inputs(previous))
    digest = hashlib.sha256(figures_frame(figures).write_csv().encode()).hexdigest()
    return CsrReport(
        report_id="CSR-TEST-1",
        perimeter="Portefeuille" if lang == "fr" else "Portfolio",
        period_start=datetime(2025, 1, 1, tzinfo=UTC),
        period_end=datetime(2026, 1, 1, tzinfo=UTC),
        as_of=datetime(2026, 1, 15, tzinfo=UTC),
        figures=figures,
        figures_sha256=digest,
        methodology="(methodology)",
        factor_table=FACTOR_TABLE,
        lang=lang,
        manifest={"figures": "sha256 " + digest},
    )


def _flat(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_headline_figures_and_the_avoided_box_are_in_the_pdf(tmp_path, lang):
    report = _report(lang)
    pages = [p.extract_text() for p in PdfReader(render(report, tmp_path / "csr.pdf")).pages]
    text = _flat(" ".join(pages))
    fmt = Formatter(lang)
    for headline in report.figures.headlines:
        _, decimals, _, share = DISPLAY[headline.key]
        shown = fmt.percent(headline.value) if share else fmt.number(headline.value, decimals)
        assert _flat(shown) in text, headline.key
        assert TEXT[lang]["headlines"][headline.key] in text
    assert TEXT[lang]["avoided_title"] in text
    assert "reference_2023" in text and "lifts" in text
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in page and "CSR-TEST-1" in page


def test_same_report_same_bytes(tmp_path):
    assert (
        render(_report("fr"), tmp_path / "a.pdf").read_bytes() == render(_report("fr"), tmp_path / "b.pdf").read_bytes()
    )
