"""A small CsrInputs to build tests on (the reporting service's tests too): the trips fixture of
test_trips (interventions I1-I9), the energy fixture of test_energy (meters M1-M5 in January
2025), two buildings, a lift plan, two contractors' data quality; every frame in the schema of
services/reporting/domain/inputs.py. ``complete`` fills the columns a test does not care about.

The year is 2025 in Paris; N-1 (2024) and the reference (2023) are empty unless given."""

import math
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from services.reporting.domain.inputs import (
    BASES_SCHEMA,
    BUILDINGS_SCHEMA,
    CONTRACT_BUILDINGS_SCHEMA,
    EQUIPMENT_SCHEMA,
    FACTORS_SCHEMA,
    FACTS_SCHEMA,
    FIGURES_SCHEMA,
    PLANS_SCHEMA,
    QUALITY_SCHEMA,
    CsrInputs,
    DeadlineStatus,
    ExportCaveats,
    PeriodData,
    VehicleFactor,
)
from services.reporting.domain.scenarios import Scenario, ScenarioContent, TradeReference
from tests.reporting.test_energy import FACTORS as ENERGY_FACTORS
from tests.reporting.test_energy import FIGURES as ENERGY_FIGURES
from tests.reporting.test_energy import FRAMES
from tests.reporting.test_trips import BASES as TRIP_BASES
from tests.reporting.test_trips import FACTS as TRIP_FACTS

PARIS = ZoneInfo("Europe/Paris")

DEFAULTS: dict[str, Any] = {
    # facts
    "contract_id": "",
    "service_code": "",
    "criticality": "normal",
    "ug_id": "",
    "intervene_deadline": "NO_DEADLINE",
    "repair_deadline": "NO_DEADLINE",
    "cost_eur": 0.0,
    "has_quitus": True,
    "recoverable_share": 0.0,
    # figures
    "unit_id": "",
    "usage": "",
    "charge_category": "",
    "recoverable": False,
    "unit": "kWh",
    "kwh_pcs": math.nan,
    "coverage": 1.0,
    "heating_normalised_kwh": math.nan,
    "conversion": "",
    "normalisation": "",
    # factors
    "fallback": False,
    "fallback_reason": "",
    "source": "fixture value for a test",
    "valid_from": "2025-01-01",
    "valid_to": "",
    # buildings
    "residence_id": "R1",
    "territory_id": "T1",
    "heating_system": "collective_gas",
}


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)


def complete(frame: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    """``frame`` with every column of ``schema``, in its order and type: a missing column takes
    its DEFAULTS value (null when it has none)."""
    missing = [
        pl.lit(DEFAULTS.get(name)).cast(dtype).alias(name)
        for name, dtype in schema.items()
        if name not in frame.columns
    ]
    return frame.with_columns(missing).select(list(schema)).cast(schema)  # type: ignore[arg-type]


def empty(schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


FACTS = complete(TRIP_FACTS.with_columns(pl.lit(100.0).alias("cost_eur")), FACTS_SCHEMA)
FIGURES = complete(ENERGY_FIGURES, FIGURES_SCHEMA)
FACTORS = complete(ENERGY_FACTORS, FACTORS_SCHEMA)
NO_CAVEATS = ExportCaveats(cancelled=0, pending_deadlines=0, closed_without_quitus=0)
BUILDINGS = complete(
    pl.DataFrame(
        {
            "building_id": ["B1", "B2"],
            "lat": [45.2, 46.0],
            "lon": [5.0, 5.0],
            "heated_area_m2": [1000.0, 500.0],
            "dwellings": [10, 5],
        }
    ),
    BUILDINGS_SCHEMA,
)
BASES = complete(TRIP_BASES, BASES_SCHEMA)
VAN = VehicleFactor(
    "uk_desnz2026.van_diesel.avg.vkm", "uk_desnz_2026@1", 0.25716, 10.0, source="DESNZ 2026, average diesel van"
)
SCENARIO = Scenario(
    ScenarioContent(
        name="reference_2023",
        description="",
        reference_start=paris(2023, 1, 1),
        reference_end=paris(2024, 1, 1),
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
QUALITY = complete(
    pl.DataFrame(
        {
            "contractor_id": ["C1", "C2"],
            "received": [100, 50],
            "accepted": [98, 45],
            "rejected": [2, 5],
            "warned": [1, 0],
        }
    ),
    QUALITY_SCHEMA,
)


def period_data(
    year: int,
    facts: pl.DataFrame | None = None,
    figures: pl.DataFrame | None = None,
    factors: pl.DataFrame | None = None,
    caveats: ExportCaveats = NO_CAVEATS,
) -> PeriodData:
    """Calendar ``year`` in Paris; a frame not given is empty."""
    return PeriodData(
        start=paris(year, 1, 1),
        end=paris(year + 1, 1, 1),
        facts=FACTS.clear() if facts is None else complete(facts, FACTS_SCHEMA),
        figures=FIGURES.clear() if figures is None else complete(figures, FIGURES_SCHEMA),
        factors=FACTORS.clear() if factors is None else complete(factors, FACTORS_SCHEMA),
        caveats=caveats,
    )


def csr_inputs(
    current: PeriodData | None = None,
    previous: PeriodData | None = None,
    reference: PeriodData | None = None,
    **overrides: Any,
) -> CsrInputs:
    """2025 with the trips and energy fixtures; N-1 2024 empty unless given; no reference
    unless given; ``overrides`` replace any other field."""
    fields: dict[str, Any] = {
        "current": current if current is not None else period_data(2025, FACTS, FIGURES, FACTORS),
        "previous": previous if previous is not None else period_data(2024),
        "reference": reference,
        "frames": FRAMES,
        "buildings": BUILDINGS,
        "bases": BASES,
        "equipment": empty(EQUIPMENT_SCHEMA),
        "contract_buildings": empty(CONTRACT_BUILDINGS_SCHEMA),
        "plans": empty(PLANS_SCHEMA),
        "quality": QUALITY,
        "deadline_status": DeadlineStatus(on_track=7, alert_90=2, breached=1),
        "as_of": datetime(2026, 1, 15, tzinfo=UTC),
        "scenario": SCENARIO,
        "vehicle": VAN,
    }
    return CsrInputs(**(fields | overrides))
