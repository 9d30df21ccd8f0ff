"""The CSR figures composed (services/reporting/domain/csr.py) from the small fixtures of the
trips and energy tests, worked by hand. The vehicle factor is DESNZ 2026's average diesel van
(0.25716 kgCO2e/km, factors_reference.csv) with a fixture uncertainty of 10 %."""

import math
from datetime import UTC, datetime

import polars as pl
import pytest

from services.reporting.domain.csr import CsrInputs, PeriodData, VehicleFactor, compute_csr, figures_frame
from services.reporting.domain.scenarios import Scenario, ScenarioContent, TradeReference
from services.reporting.domain.trips import EARTH_RADIUS_KM
from tests.reporting.test_energy import FACTORS, FIGURES, FRAMES
from tests.reporting.test_trips import BASES
from tests.reporting.test_trips import FACTS as TRIP_FACTS

FACTS = TRIP_FACTS.with_columns(pl.lit(100.0).alias("cost_eur"))

DEGREE_KM = EARTH_RADIUS_KM * math.pi / 180
B1 = 0.2 * DEGREE_KM * 1.3 * 2  # km per trip to B1 from the nearest base: 57.821
B2_FAR = DEGREE_KM * 1.3 * 2  # C2 to B2: 289.107
VAN = VehicleFactor("uk_desnz2026.van_diesel.avg.vkm", "uk_desnz_2026@1", 0.25716, 10.0)
SCENARIO = Scenario(
    ScenarioContent(
        name="reference_2023",
        description="",
        reference_start=datetime(2023, 1, 1, tzinfo=UTC),
        reference_end=datetime(2024, 1, 1, tzinfo=UTC),
        trades=(TradeReference("heating", 2.5), TradeReference("plumbing", 2.0)),
        road_factor=1.3,
        vehicle_profile="diesel_van",
        vehicle_factor_key=VAN.key,
        fuel_litres_per_100km=0.0,
        uncertainty_pct=20.0,
    ),
    version=3,
    declared_at=datetime(2026, 1, 5, tzinfo=UTC),
    declared_by="csr_officer",
    content_sha256="0" * 64,
)
BUILDINGS = pl.DataFrame(
    {
        "building_id": ["B1", "B2"],
        "lat": [45.2, 46.0],
        "lon": [5.0, 5.0],
        "heated_area_m2": [1000.0, 500.0],
        "dwellings": [10, 5],
    }
)


def _inputs(previous: PeriodData) -> CsrInputs:
    return CsrInputs(
        period_start=datetime(2025, 1, 1, tzinfo=UTC),
        period_end=datetime(2026, 1, 1, tzinfo=UTC),
        current=PeriodData(FACTS, FIGURES.with_columns(pl.lit("").alias("usage"))),
        previous=previous,
        energy_factors=FACTORS,
        frames=FRAMES,
        buildings=BUILDINGS,
        bases=BASES,
        scenario=SCENARIO,
        vehicle=VAN,
    )


def test_csr_figures_worked_by_hand():
    """Energy (from test_energy): scope 1 = 2.010 t, scope 2 = 0.100 t, scope 3 energy = 0.402 t,
    17 MWh PCI, fossil 10/17. Trips: every visit of I1-I7 and I9 (I8 cancelled) = 1+1+2+3+3+5+1+2
    = 18. Km: trips to B1 (I1, I2, I4 x3, I6 x5, I7) = 11 x 57.821 = 636.04; to B2 from C1 (I3)
    0 km; from C2 (I5 x3, I9 x2) = 5 x 289.107 = 1,445.54; total 2,081.57 km x 0.25716 =
    535.30 kg = 0.5353 t (scope 3, purchased services), U = 10 %.
    Avoided (scenario reference_2023 v3): plumbing +2, heating -1 -> +1 trip; km +57.821 -
    173.464 = -115.643 (worse in km: heating's trips are the long ones); kgCO2e = -29.739, U =
    29.739 x sqrt(0.1^2 + 0.2^2) = 6.650. Lifts: not covered by the scenario."""
    empty = PeriodData(FACTS.clear(), FIGURES.clear().with_columns(pl.lit("").alias("usage")))
    figures = compute_csr(_inputs(empty))
    value = {h.key: h.value for h in figures.headlines}
    assert value["tco2e_scope_1"] == pytest.approx(2.010)
    assert value["tco2e_scope_2"] == pytest.approx(0.100)
    assert value["tco2e_scope_3_energy"] == pytest.approx(0.402)
    assert value["mwh_pci"] == pytest.approx(17.0)
    assert value["fossil_share"] == pytest.approx(10 / 17)
    assert value["trips"] == 18
    # preventive: I7 alone against 7 curative not cancelled (I1-I6, I9): 1 / 8
    assert value["preventive_share"] == pytest.approx(1 / 8)
    # first-time fix over resolved curative: I1, I2 (plumbing) of I1-I5, I9 -> 2 / 6
    assert value["first_time_fix"] == pytest.approx(2 / 6)
    km = 11 * B1 + 5 * B2_FAR
    assert value["km"] == pytest.approx(km)
    assert value["tco2e_scope_3_trips"] == pytest.approx(km * 0.25716 / 1000)
    assert figures.trips_kgco2e.uncertainty == pytest.approx(km * 0.25716 * 0.10)
    # N-1 had no data: every previous figure is None, never 0
    assert all(h.previous is None for h in figures.headlines if h.key != "kgco2e_per_m2")

    avoided = figures.avoided
    assert (avoided.scenario, avoided.version, avoided.trades_not_covered) == ("reference_2023", 3, ("lifts",))
    assert avoided.trips == pytest.approx(1.0)
    assert avoided.km == pytest.approx(B1 / 2 * 2 - (B1 + B2_FAR) / 2)
    assert avoided.kgco2e is not None
    assert avoided.kgco2e.value == pytest.approx(avoided.km * 0.25716)
    assert avoided.kgco2e.uncertainty == pytest.approx(abs(avoided.kgco2e.value) * math.sqrt(0.01 + 0.04))
    assert figures.unresolved_energy_lines == 2  # heating oil without kWh, district heating without factor
    assert figures_frame(figures).height == len(figures.headlines)


def test_n_minus_1_sits_beside_each_figure():
    """The same data as N-1: every headline's previous equals its value."""
    same = PeriodData(FACTS, FIGURES.with_columns(pl.lit("").alias("usage")))
    figures = compute_csr(_inputs(same))
    for headline in figures.headlines:
        assert headline.previous == pytest.approx(headline.value), headline.key
