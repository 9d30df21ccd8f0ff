"""The CSR report PDF read back as text (pypdf): every headline figure of the result object is in
it with its label, the avoided figures stand in their box outside the inventory with their
scenario, the factor table names each factor and its fallback, in French and in English; an
annual report has a table of contents, a monthly one not; a period with no data says what is
missing; the same report gives the same bytes."""

import hashlib

import pytest
from pypdf import PdfReader

from reports.csr import GROUPS, CsrReport, render
from reports.csr_tables import shown
from reports.csr_text import TEXT
from reports.formatting import Formatter
from services.reporting.domain.csr import CARRIER_HEADLINE, CsrFigures, compute_csr, figures_frame
from services.reporting.domain.headlines import NOTES
from services.reporting.domain.inputs import CsrInputs
from tests.reporting.csr_fixture import csr_inputs, period_data
from tests.reporting.csr_year_fixture import month_inputs, year_inputs


def _report(figures: CsrFigures, lang: str) -> CsrReport:
    digest = hashlib.sha256(figures_frame(figures).write_csv().encode()).hexdigest()
    return CsrReport(
        report_id="CSR-TEST-1",
        perimeter="Portefeuille" if lang == "fr" else "Portfolio",
        figures=figures,
        figures_sha256=digest,
        lang=lang,
        manifest={"figures": "sha256 " + digest},
    )


def _pages(report: CsrReport, path) -> list[str]:
    return [_flat(p.extract_text()) for p in PdfReader(render(report, path)).pages]


def _flat(text: str) -> str:
    """One space for any run of white space (a label may wrap onto two lines)."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_headline_figure_and_the_avoided_box_are_in_the_pdf(tmp_path, lang):
    figures = compute_csr(year_inputs())
    pages = _pages(_report(figures, lang), tmp_path / "csr.pdf")
    text, words, fmt = " ".join(pages), TEXT[lang], Formatter(lang)
    for headline in figures.headlines:
        for value in (headline.value, headline.previous, headline.reference):
            if value is not None:
                assert _flat(shown(fmt, headline.unit, value)) in text, headline.key
        if not headline.key.startswith("mwh_pci."):
            assert words["headlines"][headline.key] in text, headline.key
    assert words["avoided_title"] in text and "reference_2023" in text
    assert words["toc"] in pages[1]  # an annual report has its contents
    for key in figures.factors["key"]:
        assert key[:20] in text.replace(" ", ""), key
    assert "no factor valid on 2025-01-01" in text  # the fallback's reason
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in page and "CSR-TEST-1" in page
        assert figures_frame(figures).height and _report(figures, lang).figures_sha256[:12] in page


def test_a_month_has_no_contents_and_names_its_month(tmp_path):
    """October 2025 against October 2024: one month in the chart and the plan table."""
    figures = compute_csr(month_inputs(10))
    assert figures.plan_compliance.height == 1 and figures.monthly_energy.height == 1
    pages = _pages(_report(figures, "fr"), tmp_path / "month.pdf")
    text = " ".join(pages)
    assert TEXT["fr"]["toc"] not in text
    assert "oct. 2025" in text and "Du 01/10/2025 au 31/10/2025" in text


def test_a_period_with_no_data_says_what_is_missing(tmp_path):
    """Nothing in 2025: every figure reads n.d. with the note that says why, never 0."""
    inputs: CsrInputs = csr_inputs(current=period_data(2025))
    figures = compute_csr(inputs)
    assert figures.headline("tco2e_scope_1").value is None
    text = " ".join(_pages(_report(figures, "fr"), tmp_path / "empty.pdf"))
    notes = TEXT["fr"]["notes"]
    assert notes["no_figures"] in text and notes["no_facts"] in text
    assert "n.d." in text


def test_same_report_same_bytes(tmp_path):
    figures = compute_csr(year_inputs())
    first = render(_report(figures, "fr"), tmp_path / "a.pdf").read_bytes()
    assert first == render(_report(compute_csr(year_inputs()), "fr"), tmp_path / "b.pdf").read_bytes()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_note_and_every_headline_has_its_words_and_its_place(lang):
    """A note code without words, or a headline in no group of the summary, would vanish from
    the report silently."""
    assert set(TEXT[lang]["notes"]) == set(NOTES)
    placed = {key for keys in GROUPS.values() for key in keys}
    for headline in compute_csr(year_inputs()).headlines:
        assert headline.key in placed or headline.key.startswith(CARRIER_HEADLINE), headline.key
        if not headline.key.startswith(CARRIER_HEADLINE):
            assert headline.key in TEXT[lang]["headlines"], headline.key
