"""The charge-control report PDF (reports/charges.py) read back as text (pypdf), its figures frame
and its audit-pack tables (services/reporting/domain/charges_figures.py, charges_pack.py).

The fixture is the domain's hand-worked one (tests/reporting/test_charges.py): building B1 of
residence R1, UG-A (own cold-water meter) refunded 29.65, UG-B called 3.75, UG-C vacant, its
share 65.07 + 88.33 = 153.40 the landlord's. ``wider`` adds to it, worked by hand:
- N-1: a cold-water cost of 150.00 in January 2024 in B1, so cold water goes from 150.00 to
  180.50: +20.3 % (over the 20 % threshold);
- a heating intervention F4 in B1 (trade heating -> heating_energy), 400.00 x 100 %, and no
  heating provision in B1: costs without provisions. By heated area 60/40/50: UG-A 160.00, UG-B
  106.666.. -> 106.66 + the cent left (largest remainder) = 106.67, UG-C 133.33 (landlord's);
- building B2 of R1 (UG-D 55 m2, UG-E 45 m2), a lift cost of 60.00 in March 2025 and no
  provision at all: a building without provisions, both dwellings vacant, 33.00 + 27.00 the
  landlord's.
"""

import hashlib
import inspect
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader

from reports.charges import ChargesReport, render
from reports.charges_layout import amount, signed_amount
from reports.charges_text import TEXT
from reports.formatting import Formatter
from services.reporting.domain import charges_anomalies
from services.reporting.domain.charges import ChargeControl, compute_charge_control
from services.reporting.domain.charges_allocation import AllocationKey
from services.reporting.domain.charges_figures import charges_figures_frame
from services.reporting.domain.charges_pack import charges_pack_tables
from tests.reporting.test_charges import BUILDINGS, COSTS, DWELLINGS, FACTS, KEYS, PROVISIONS, inputs
from tests.reporting.test_charges_costs import COST_SCHEMA, FACT_SCHEMA, frame

AS_OF = datetime(2026, 2, 1, 9, tzinfo=UTC)


def wider() -> ChargeControl:
    buildings = pl.concat([BUILDINGS, frame([("B2", "R1")], BUILDINGS.schema)])
    dwellings = pl.concat([DWELLINGS, frame([("B2", "UG-D", 55.0), ("B2", "UG-E", 45.0)], DWELLINGS.schema)])
    costs = pl.concat(
        [
            COSTS,
            frame(
                [("B1", "2024-01", "cold_water", 150.00, 2, 0, 0.0), ("B2", "2025-03", "lifts", 60.00, 1, 0, 0.0)],
                COST_SCHEMA,
            ),
        ]
    )
    heating = ("F4", "C-HEAT", "B1", "heating", "HEAT-PRV", "CLOSED", datetime(2025, 10, 2, 8, tzinfo=UTC), 400.0, 1.0)
    return compute_charge_control(
        inputs(
            buildings=buildings,
            dwellings=dwellings,
            costs=costs,
            facts=pl.concat([FACTS, frame([heating], FACT_SCHEMA)]),
            keys=(*KEYS, AllocationKey("heating_energy", "heated_area")),
        )
    )


def report(charges: ChargeControl, lang: str = "fr", buildings: tuple[str, ...] = ("B1",)) -> ChargesReport:
    digest = hashlib.sha256(charges_figures_frame(charges).write_csv(float_precision=6).encode()).hexdigest()
    return ChargesReport(
        report_id="CHG-TEST-1",
        scope_label="Résidence R1" if lang == "fr" else "Residence R1",
        charges=charges,
        building_ids=buildings,
        residence_ids=("R1",),
        as_of=AS_OF,
        figures_sha256=digest,
        lang=lang,
        manifest={"report": "CHG-TEST-1", "figures": f"sha256 {digest}"},
    )


def _flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def _pages(charges_report: ChargesReport, path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(render(charges_report, path)).pages]


def _row(pages: list[str], *leading: str, cells: int = 9) -> list[str]:
    """The cells of the first table row that starts with the cells ``leading`` (pypdf reads a
    table cell by cell, one line each)."""
    for page in pages:
        lines = [_flat(line) for line in page.splitlines()]
        for i in range(len(lines)):
            if lines[i : i + len(leading)] == list(leading):
                return lines[i : i + cells]
    raise AssertionError(f"no row starts with {leading}")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_dwelling_balance_and_the_landlord_share_are_printed(tmp_path, lang):
    """UG-A: share 156.35, provisions 186.00, balance +29.65 (to refund); UG-B: 135.75, 132.00,
    -3.75 (to call); UG-C, vacant: 65.07 + 88.33 = 153.40, the landlord's, on a line of its own.
    Every page carries page x / y, the report id and the figures hash."""
    charges = compute_charge_control(inputs())
    charges_report = report(charges, lang)
    pages = _pages(charges_report, tmp_path / "charges.pdf")
    fmt, words = Formatter(lang), TEXT[lang]
    balances = charges.dwelling_balances.select("ug_id", "share_cents", "provisions_cents", "balance_cents").rows()
    assert balances == [("UG-A", 15_635, 18_600, 2_965), ("UG-B", 13_575, 13_200, -375)]
    for ug, share, provisions, balance, outcome in (
        ("UG-A", 15_635, 18_600, 2_965, "refund"),
        ("UG-B", 13_575, 13_200, -375, "to_call"),
    ):
        row = _row(pages, ug, "B1", cells=6)
        shown = [_flat(v) for v in (amount(fmt, share), amount(fmt, provisions), signed_amount(fmt, balance))]
        assert row[2:] == [*shown, words["outcomes"][outcome]]
    assert _flat(signed_amount(fmt, 2_965)) == ("+29,65" if lang == "fr" else "+29.65")
    landlord = _row(pages, "UG-C", "B1", cells=4)
    assert landlord[2] == _flat(amount(fmt, 15_340))
    assert _flat(amount(fmt, 6_507)) in landlord[3] and _flat(amount(fmt, 8_833)) in landlord[3]
    assert words["landlord_title"] in _flat(" ".join(pages))
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in page and "CHG-TEST-1" in page
        assert charges_report.figures_sha256[:12] in page


def test_the_same_report_gives_the_same_bytes(tmp_path):
    first = render(report(wider(), buildings=("B1", "B2")), tmp_path / "a.pdf").read_bytes()
    assert first == render(report(wider(), buildings=("B1", "B2")), tmp_path / "b.pdf").read_bytes()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_what_is_missing_is_said_never_a_silent_zero(tmp_path, lang):
    """``wider``: B2 has costs and no provision at all, B1 heating has costs (400.00) and no
    provision, the painting intervention maps to no category (50.00); a building of the report
    with nothing at all (B9) is named; heating has no N-1: n.d., and cold water rose 20.3 %."""
    words, fmt = TEXT[lang], Formatter(lang)
    pages = _pages(report(wider(), lang, buildings=("B1", "B2", "B9")), tmp_path / "wider.pdf")
    text = _flat(" ".join(pages))
    for kind in ("building_without_provisions", "costs_without_provisions", "unmapped_trade"):
        assert words["kinds"][kind] in text, kind
    assert _flat(words["building_empty"]) in text and "B9" in text
    heating = _row(pages, f"{words['categories_names']['heating_energy']} (II)")
    assert heating[1] == _flat(amount(fmt, 40_000)) and heating[3].startswith(fmt.na) and heating[4] == fmt.na
    assert heating[5].startswith(words["none_paid"])
    cold = _row(pages, f"{words['categories_names']['cold_water']} (II)")
    assert cold[1:5] == [_flat(amount(fmt, v)) for v in (18_050, 0, 15_000)] + [_flat(fmt.change(18_050, 15_000))]
    assert words["kinds"]["category_up"] in text
    # the landlord's share of B2's vacant dwellings, by heated area 55/45 of 60.00
    assert _row(pages, "UG-D", "B2", cells=3)[2] == _flat(amount(fmt, 3_300))
    assert _row(pages, "UG-E", "B2", cells=3)[2] == _flat(amount(fmt, 2_700))
    # no raw code before the methodology (whose mapping table quotes the mapping file as it is)
    before_method = text[: text.index(words["mapping_title"])]
    assert not re.search(r"\b(costs_without_provisions|building_without_provisions|heating_energy)\b", before_method)


def test_a_residence_without_meter_is_said(tmp_path):
    """B1 with its contract cost only (the lift maintenance, 225.00): no metered line in the year."""
    charges = compute_charge_control(inputs(costs=COSTS.clear()))
    text = _flat(" ".join(_pages(report(charges), tmp_path / "nometer.pdf")))
    words = TEXT["fr"]
    assert words["kinds"]["residence_without_meter"] in text
    assert _flat(words["evidence"]["residence_without_meter"]) in text


def test_a_year_with_nothing_recorded_says_so_instead_of_zeros(tmp_path):
    """No cost, no provision, no intervention: no tile nor table of zeros; the summary says there
    is nothing to settle and what is missing names the residence (no meter) and building B1."""
    charges = compute_charge_control(inputs(costs=COSTS.clear(), provisions=PROVISIONS.clear(), facts=FACTS.clear()))
    pages = _pages(report(charges), tmp_path / "empty.pdf")
    words, first = TEXT["fr"], _flat(pages[0])
    assert _flat(words["nothing_recorded"]) in first
    assert words["kinds"]["residence_without_meter"] in first and _flat(words["building_empty"]) in first
    assert words["tiles"]["provisions"] not in first and "0,00" not in _flat(" ".join(pages))


def _anomaly_kinds() -> set[str]:
    """Every kind the domain module can emit: the literal given to its row builder."""
    return set(
        re.findall(
            r'^\s+"([a-z_]+)",\n\s+"(?:EUR|share|meter-months|months|)",', inspect.getsource(charges_anomalies), re.M
        )
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_finding_kind_has_its_words(lang):
    """A kind without words would stop the report (a raw code is never printed)."""
    kinds = _anomaly_kinds()
    assert len(kinds) == 15, kinds
    assert kinds <= set(TEXT[lang]["kinds"]) and kinds <= set(TEXT[lang]["evidence"])


def test_the_figures_frame_holds_each_printed_amount():
    """The domain fixture: B1 cold water 180.50 (shares 115.43, landlord 65.07, provisions 162.00,
    balance +46.57), lifts 265.00 (176.67, 88.33, 156.00, -20.67); the dwellings' totals; UG-C's
    two landlord lines; no N-1 (null, not 0)."""
    figures = charges_figures_frame(compute_charge_control(inputs()))
    columns = ["charge_category", "cost_cents", "share_cents", "landlord_cents", "provisions_cents", "balance_cents"]
    assert figures.filter(pl.col("level") == "building_category").select(columns).rows() == [
        ("cold_water", 18_050, 11_543, 6_507, 16_200, 4_657),
        ("lifts", 26_500, 17_667, 8_833, 15_600, -2_067),
    ]
    assert figures.filter(pl.col("level") == "building").select(columns[1:]).rows() == [
        (44_550, 29_210, 15_340, 31_800, 2_590)
    ]
    assert figures.filter(pl.col("level") == "dwelling").select("ug_id", "balance_cents").rows() == [
        ("UG-A", 2_965),
        ("UG-B", -375),
    ]
    assert figures.filter(pl.col("level") == "landlord").select("ug_id", "landlord_cents").rows() == [
        ("UG-C", 6_507),
        ("UG-C", 8_833),
    ]
    assert figures["previous_cents"].null_count() == figures.height
    assert figures.filter(pl.col("level") == "dwelling_category").height == 4


def test_the_pack_lines_sum_to_the_report_totals():
    """Read back from CSV as an auditor would: costs.csv per building and category gives each
    category's cost (``wider``: B1 cold water 180.50, heating 400.00, lifts 265.00; B2 lifts
    60.00); interventions.csv gives the contract part; dwelling_balances.csv + landlord.csv give
    the same costs again; dwelling_balances.csv per dwelling gives each balance: UG-A shares 50.35 +
    106.00 + 160.00 = 316.35 against 186.00 paid: -130.35; UG-B 65.08 + 70.67 + 106.67 = 242.42
    against 132.00: -110.42; the landlord: UG-C 65.07 + 88.33 + 133.33 = 286.73, UG-D 33.00,
    UG-E 27.00."""
    charges = wider()
    tables = {name: pl.read_csv(io.StringIO(t.write_csv())) for name, t in charges_pack_tables(charges).items()}
    key = ["building_id", "charge_category"]

    def cents(frame: pl.DataFrame, column: str, by: list[str]) -> dict[tuple, int]:
        summed = frame.group_by(by).agg((pl.col(column).sum() * 100).round(0).cast(pl.Int64))
        return {tuple(r[:-1]): r[-1] for r in summed.rows()}

    categories = charges.building_categories
    expected = {tuple(r[:-1]): r[-1] for r in categories.select(*key, "cost_cents").rows()}
    assert expected == {
        ("B1", "cold_water"): 18_050,
        ("B1", "heating_energy"): 40_000,
        ("B1", "lifts"): 26_500,
        ("B2", "lifts"): 6_000,
    }
    assert cents(tables["costs.csv"], "cost_eur", key) == expected
    contract = cents(tables["interventions.csv"], "recoverable_eur", key)
    assert contract == {("B1", "heating_energy"): 40_000, ("B1", "lifts"): 22_500}
    shared = pl.concat(
        [
            tables["dwelling_balances.csv"].select(*key, pl.col("share_eur")),
            tables["landlord.csv"].select(*key, pl.col("share_eur")),
        ]
    )
    assert cents(shared, "share_eur", key) == expected
    per_dwelling = cents(tables["dwelling_balances.csv"], "balance_eur", ["ug_id"])
    assert per_dwelling == {("UG-A",): -13_035, ("UG-B",): -11_042}
    assert per_dwelling == {(r[0],): r[1] for r in charges.dwelling_balances.select("ug_id", "balance_cents").rows()}
    landlord = cents(tables["landlord.csv"], "share_eur", ["ug_id"])
    assert landlord == {("UG-C",): 28_673, ("UG-D",): 3_300, ("UG-E",): 2_700}
    assert tables["unmapped_interventions.csv"]["recoverable_eur"].to_list() == [50.0]
    assert tables["figures.csv"].height == charges_figures_frame(charges).height


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_leaks_and_energy_anomalies_are_listed_with_their_evidence_and_cost(tmp_path, lang):
    """The meters of test_charges_meter_anomalies on B1: the leak of W-1 in March (42 m3 against
    6, excess 36 m3 x 4.12 = 148.32), its night flow (6.26), the spike of G-1 unpriced, the stuck
    register of W-2, the January leak with no monthly figure: five findings, 154.58 estimated in
    all; the methodology says how the cost is estimated."""
    from tests.reporting.test_charges import FIGURES
    from tests.reporting.test_charges_meter_anomalies import ANOMALIES, METER_FIGURES

    figures = pl.concat([FIGURES.with_columns(quantity=pl.lit(1.0), unit=pl.lit("m3")), METER_FIGURES])
    charges = compute_charge_control(inputs(figures=figures, anomalies=ANOMALIES))
    text = _flat(" ".join(_pages(report(charges, lang), tmp_path / "charges.pdf")))
    words, fmt = TEXT[lang], Formatter(lang)
    for kind in ("meter_leak", "meter_night_flow", "meter_spike", "meter_stuck_register"):
        assert _flat(words["kinds"][kind]) in text, kind
    assert _flat(fmt.number(148.32, 2)) in text and _flat(fmt.number(6.26, 2)) in text
    assert _flat(fmt.number(4.12, 4)) in text  # the cost per unit, as evidence
    assert _flat(fmt.number(154.58, 2)) in text  # the section's total
    intro = words["meter_intro"].split("{count}")[0]
    assert _flat(intro) in text
    assert "W-2" in text and "G-1" in text
    method = words["method_paragraphs"][-1]
    assert _flat(method[: method.index("</b>")].removeprefix("<b>")) in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_consumption_anomaly_kind_and_cost_note_has_its_words(lang):
    """Each kind the consumption service stores (its vocabulary) and each reason a cost is or is
    not estimated has its words: a meter anomaly is never printed as a raw code, nor as 0."""
    from services.consumption.domain.limits import ANOMALY_KINDS

    words = TEXT[lang]
    assert {f"meter_{kind}" for kind in ANOMALY_KINDS} <= set(words["kinds"])
    assert set(words["meter_cost"]) == {"estimated", "metering_fault", "kind_not_priced", "unpriced", "no_figure"}
