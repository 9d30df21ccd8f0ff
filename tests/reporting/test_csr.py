"""The CSR figures composed (services/reporting/domain/csr.py) from the small fixtures of the
trips and energy tests (tests/reporting/csr_fixture.py), worked by hand. The vehicle factor is
DESNZ 2026's average diesel van (0.25716 kgCO2e/km, factors_reference.csv) with a fixture
uncertainty of 10 %."""

import math
from dataclasses import replace

import polars as pl
import pytest

from services.reporting.domain.csr import compute_csr, figures_frame
from services.reporting.domain.inputs import ExportCaveats
from services.reporting.domain.trips import EARTH_RADIUS_KM
from tests.reporting.csr_fixture import BASES, FACTORS, FACTS, FIGURES, csr_inputs, period_data

DEGREE_KM = EARTH_RADIUS_KM * math.pi / 180
B1 = 0.2 * DEGREE_KM * 1.3 * 2  # km per trip to B1 from the nearest base: 57.821
B2_FAR = DEGREE_KM * 1.3 * 2  # C2 to B2: 289.107
KM = 11 * B1 + 5 * B2_FAR


def test_csr_figures_worked_by_hand():
    """Energy (from test_energy): scope 1 = 2.010 t, scope 2 = 0.100 t, scope 3 energy = 0.402 t,
    17 MWh PCI, fossil 10/17, 2,000 of 17,000 kWh estimated. Heating oil (no kWh) and district
    heating (no factor) are unresolved: scopes 1 and 3 (oil) and 2 and 3 (district heating) are
    partial and say so. Trips: every visit of I1-I7 and I9 (I8 cancelled) = 1+1+2+3+3+5+1+2 =
    18. Km: trips to B1 (I1, I2, I4 x3, I6 x5, I7) = 11 x 57.821 = 636.04; to B2 from C1 (I3)
    0 km; from C2 (I5 x3, I9 x2) = 5 x 289.107 = 1,445.54; total 2,081.57 km x 0.25716 =
    535.30 kg = 0.5353 t (scope 3, purchased services), U = 10 %. Inventory 2.010 + 0.100 +
    0.402 + 0.5353 = 3.0473 t, partial; / 1,500 m2 = 2.0315 kg/m2; 17,000 / 1,500 = 11.333
    kWh/m2. Avoided (scenario reference_2023 v3): plumbing +2, heating -1 -> +1 trip; km
    +57.821 - 173.464 = -115.643 (worse in km: heating's trips are the long ones); kgCO2e =
    -29.739, U = 29.739 x sqrt(0.1^2 + 0.2^2) = 6.650. Lifts: not covered by the scenario.
    At the cut-off: 2 open past 90 %, 1 past 100 %; data quality (97 + 45) / 150 = 94.67 %."""
    figures = compute_csr(csr_inputs())
    h = {x.key: x for x in figures.headlines}
    value = {k: x.value for k, x in h.items()}
    assert value["tco2e_scope_1"] == pytest.approx(2.010)
    assert value["tco2e_scope_2"] == pytest.approx(0.100)
    assert value["tco2e_scope_3_energy"] == pytest.approx(0.402)
    assert [h[k].value_note for k in ("tco2e_scope_1", "tco2e_scope_2", "tco2e_scope_3_energy")] == [
        "partial_unresolved"
    ] * 3
    assert value["mwh_pci"] == pytest.approx(17.0) and h["mwh_pci"].value_note == "partial_unconverted"
    assert [(k, value[k]) for k in h if k.startswith("mwh_pci.")] == [
        ("mwh_pci.district_heating", 5.0),
        ("mwh_pci.electricity", 2.0),
        ("mwh_pci.heating_oil", 0.0),
        ("mwh_pci.natural_gas", 10.0),
    ]
    assert h["mwh_pci.heating_oil"].value_note == "partial_unconverted"
    assert value["fossil_share"] == pytest.approx(10 / 17)
    assert value["estimated_energy_share"] == pytest.approx(2_000 / 17_000)
    assert value["trips"] == 18
    # preventive: I7 alone against 7 curative not cancelled (I1-I6, I9): 1 / 8
    assert value["preventive_share"] == pytest.approx(1 / 8)
    # first-time fix over resolved curative: I1, I2 (plumbing) of I1-I5, I9 -> 2 / 6
    assert value["first_time_fix"] == pytest.approx(2 / 6)
    assert value["km"] == pytest.approx(KM)
    assert value["tco2e_scope_3_trips"] == pytest.approx(KM * 0.25716 / 1000)
    inventory = 2.010 + 0.100 + 0.402 + KM * 0.25716 / 1000
    assert value["tco2e_inventory"] == pytest.approx(inventory)
    assert h["tco2e_inventory"].value_note == "partial_unresolved"
    assert value["kgco2e_per_m2"] == pytest.approx(inventory * 1000 / 1500)
    assert value["kwh_per_m2"] == pytest.approx(17_000 / 1500)
    assert figures.trips_kgco2e.uncertainty == pytest.approx(KM * 0.25716 * 0.10)
    # nothing to compute from, each said so: no heating usage, no plan, no deadline in the facts
    assert (value["kwh_per_m2_normalised"], h["kwh_per_m2_normalised"].value_note) == (None, "no_heating_figures")
    assert (value["preventive_compliance"], h["preventive_compliance"].value_note) == (None, "no_plan")
    assert (value["intervene_compliance"], h["intervene_compliance"].value_note) == (None, "nothing_to_count")
    assert (value["open_alert_90"], value["open_breached"]) == (2, 1)
    assert value["data_quality"] == pytest.approx(142 / 150)
    # N-1 had no data: every previous figure is None with its reason, never 0; no reference asked
    assert all(x.previous is None and x.previous_note for x in figures.headlines)
    assert h["trips"].previous_note == "no_facts" and h["mwh_pci"].previous_note == "no_figures"
    assert h["open_breached"].previous_note == "at_as_of"
    assert all(x.reference is None and x.reference_note in ("not_asked", "at_as_of") for x in figures.headlines)

    avoided = figures.avoided
    assert (avoided.scenario, avoided.version, avoided.trades_not_covered) == ("reference_2023", 3, ("lifts",))
    assert avoided.trips == pytest.approx(1.0) == value["avoided_trips"]
    assert avoided.km == pytest.approx(B1 / 2 * 2 - (B1 + B2_FAR) / 2)
    assert avoided.kgco2e is not None
    assert avoided.kgco2e.value == pytest.approx(avoided.km * 0.25716)
    assert value["avoided_tco2e"] == pytest.approx(avoided.kgco2e.value / 1000)
    assert avoided.kgco2e.uncertainty == pytest.approx(abs(avoided.kgco2e.value) * math.sqrt(0.01 + 0.04))
    assert figures.unresolved_energy_lines == 2  # heating oil without kWh, district heating without factor
    frame = figures_frame(figures)
    assert frame.height == len(figures.headlines)
    assert frame.columns == [
        "key",
        "unit",
        "value",
        "previous",
        "reference",
        "value_note",
        "previous_note",
        "reference_note",
    ]


def test_n_minus_1_and_the_reference_sit_beside_each_figure():
    """The same data as N-1 and as the reference: every headline's previous and reference equal
    its value, but for the figures taken at the cut-off, which have neither, and the avoided
    figures, which have no reference (the reference is their baseline)."""
    same = period_data(2025, FACTS, FIGURES, FACTORS)
    figures = compute_csr(csr_inputs(previous=same, reference=same))
    for headline in figures.headlines:
        if headline.previous_note == "at_as_of":
            assert headline.previous is None and headline.reference is None
            continue
        assert headline.previous == pytest.approx(headline.value), headline.key
        if headline.reference_note == "is_baseline":
            assert headline.key.startswith("avoided_") and headline.reference is None
            continue
        assert headline.reference == pytest.approx(headline.value), headline.key


def test_no_factor_resolved_is_no_emission_figure_not_zero():
    """No factor for the period: every energy line is unresolved; the scopes have no figure
    ("no_factor"), nor the inventory and the intensity built on them; kWh are still given."""
    figures = compute_csr(csr_inputs(current=period_data(2025, FACTS, FIGURES, FACTORS.clear())))
    h = {x.key: x for x in figures.headlines}
    for key in ("tco2e_scope_1", "tco2e_scope_2", "tco2e_scope_3_energy", "tco2e_inventory", "kgco2e_per_m2"):
        assert h[key].value is None and "no_factor" in h[key].value_note, key
    assert h["mwh_pci"].value == pytest.approx(17.0)
    assert figures.unresolved_energy_lines == 4  # every energy figure: M1 to M4


def test_what_is_left_out_is_counted():
    """The export's caveats pass through; the energy fixture leaves out 2 lines and 1 figure with
    no kWh; every intervention is located."""
    caveats = ExportCaveats(cancelled=1, pending_deadlines=3, closed_without_quitus=2)
    figures = compute_csr(csr_inputs(current=period_data(2025, FACTS, FIGURES, FACTORS, caveats)))
    left = figures.left_out
    assert (left.cancelled, left.pending_deadlines, left.closed_without_quitus) == (1, 3, 2)
    assert (left.unresolved_energy_lines, left.unconverted_energy_figures, left.unlocated_interventions) == (2, 1, 0)


def test_factor_table_names_every_factor_once_with_its_periods():
    """The four energy factors of the fixture, used in N and N-1, and the vehicle factor of N;
    each with the scope of its emission frame."""
    same = period_data(2024, FACTS, FIGURES, FACTORS.with_columns(pl.lit(True).alias("fallback")))
    table = compute_csr(csr_inputs(previous=same)).factors
    assert table.select("key", "scope", "fallback", "periods").rows() == [
        ("elec.comb", "2", False, "N"),
        ("elec.comb", "2", True, "N-1"),
        ("elec.up", "3", False, "N"),
        ("elec.up", "3", True, "N-1"),
        ("gas.comb", "1", False, "N"),
        ("gas.comb", "1", True, "N-1"),
        ("gas.up", "3", False, "N"),
        ("gas.up", "3", True, "N-1"),
        ("uk_desnz2026.van_diesel.avg.vkm", "3", False, "N"),
    ]
    both = compute_csr(csr_inputs(previous=period_data(2024, FACTS, FIGURES, FACTORS))).factors
    assert both.filter(pl.col("key") == "gas.comb")["periods"].to_list() == ["N, N-1"]


def test_a_frame_without_its_columns_is_refused_by_name():
    current = replace(period_data(2025, FACTS, FIGURES, FACTORS), facts=FACTS.drop("contract_id"))
    with pytest.raises(ValueError, match=r"current\.facts lacks the column\(s\) contract_id"):
        csr_inputs(current=current)


def test_trips_with_no_coordinates_have_no_km_not_zero():
    """No contractor base known: no trip can be located, so km, trip emissions and the inventory
    have no figure ("not_located"); the trips themselves are still counted (18)."""
    figures = compute_csr(csr_inputs(bases=BASES.clear()))
    h = {x.key: x for x in figures.headlines}
    assert (h["km"].value, h["km"].value_note) == (None, "not_located")
    assert h["tco2e_scope_3_trips"].value is None and h["tco2e_inventory"].value is None
    assert h["trips"].value == 18
    assert figures.left_out.unlocated_interventions == 8  # I1-I7 and I9


def test_avoided_figures_have_no_reference_value():
    """Against the scenario's own reference period, avoided trips are zero by construction (the
    declared visits are that period's, rounded): the reference column says so (is_baseline)
    instead of printing a near-zero base that turns any change into thousands of per cent."""
    from tests.reporting.csr_fixture import FACTS as FIXTURE_FACTS
    from tests.reporting.csr_fixture import csr_inputs, period_data

    figures = compute_csr(csr_inputs(reference=period_data(2023, FIXTURE_FACTS)))
    for key in ("avoided_trips", "avoided_tco2e"):
        headline = figures.headline(key)
        assert headline.value is not None
        assert headline.reference is None and headline.reference_note == "is_baseline"
    assert figures.headline("trips").reference is not None  # other figures keep their reference
