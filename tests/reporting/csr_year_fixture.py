"""A year of a small portfolio, for the report's layout (not for hand-worked figures): six
buildings in two territories, gas, heating oil, district heating and common electricity month by
month, three contractors (plumbing, heating, lifts under a preventive plan), N-1 and a reference
year with more consumption and more return visits. Deterministic: patterns, no randomness."""

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import polars as pl

from services.reporting.domain.inputs import (
    BUILDINGS_SCHEMA,
    CONTRACT_BUILDINGS_SCHEMA,
    EQUIPMENT_SCHEMA,
    FACTORS_SCHEMA,
    FACTS_SCHEMA,
    FIGURES_SCHEMA,
    PLANS_SCHEMA,
    CsrInputs,
    ExportCaveats,
    PeriodData,
)
from services.reporting.domain.periods import PARIS
from tests.reporting.csr_fixture import BASES_SCHEMA, QUALITY, complete, csr_inputs, paris

SEASON = [1.0, 0.9, 0.75, 0.5, 0.25, 0.08, 0.05, 0.05, 0.15, 0.4, 0.7, 0.95]
BUILDINGS = complete(
    pl.DataFrame(
        {
            "building_id": ["B01", "B02", "B03", "B04", "B05", "B06"],
            "territory_id": ["T-Nord", "T-Nord", "T-Nord", "T-Sud", "T-Sud", "T-Sud"],
            "residence_id": ["R1", "R1", "R2", "R3", "R3", "R4"],
            "lat": [45.19, 45.20, 45.17, 43.60, 43.62, 43.30],
            "lon": [5.72, 5.73, 5.70, 3.88, 3.87, 5.37],
            "heated_area_m2": [3200.0, 2800.0, 4100.0, 2500.0, 3600.0, 1900.0],
            "dwellings": [48, 40, 62, 36, 52, 28],
            "heating_system": [
                "collective_gas",
                "collective_gas",
                "collective_gas",
                "collective_gas",
                "district_heating",
                "collective_oil",
            ],
        }
    ),
    BUILDINGS_SCHEMA,
)
BASES = complete(
    pl.DataFrame(
        {
            "contractor_id": ["PLOMBERIE-ALPES", "PLOMBERIE-ALPES", "CHAUFFAGE-SUD", "ASCENSEURS-FR"],
            "base_id": ["PA-GRENOBLE", "PA-MONTPELLIER", "CS-MARSEILLE", "AF-LYON"],
            "lat": [45.18, 43.61, 43.29, 45.76],
            "lon": [5.72, 3.88, 5.37, 4.84],
        }
    ),
    BASES_SCHEMA,
)
METERS = [  # meter, building, carrier, usage, yearly kWh PCI
    ("G-B01", "B01", "natural_gas", "heating", 420_000.0),
    ("G-B02", "B02", "natural_gas", "heating", 360_000.0),
    ("G-B03", "B03", "natural_gas", "heating_hot_water", 560_000.0),
    ("G-B04", "B04", "natural_gas", "heating", 300_000.0),
    ("D-B05", "B05", "district_heating", "heating", 380_000.0),
    ("O-B06", "B06", "heating_oil", "heating", 240_000.0),
]
FACTORS = complete(
    pl.DataFrame(
        {
            "carrier": ["natural_gas", "natural_gas", "electricity", "electricity", "heating_oil", "heating_oil"]
            + ["district_heating"],
            "boundary": ["combustion", "upstream", "combustion", "upstream", "combustion", "upstream", "total"],
            "factor_key": [
                "ademe.gaz_naturel.combustion",
                "ademe.gaz_naturel.amont",
                "ademe.electricite_2024.mix_moyen.combustion",
                "ademe.electricite_2024.mix_moyen.amont",
                "ademe.fioul_domestique.combustion",
                "ademe.fioul_domestique.amont",
                "fedene.reseau_grenoble.total",
            ],
            "set_version": ["ademe_base_carbone@23.6"] * 6 + ["landlord_networks@2"],
            "kgco2e_per_kwh": [0.187, 0.0392, 0.052, 0.0079, 0.272, 0.0524, 0.108],
            "uncertainty_pct": [5.0, 10.0, 10.0, 20.0, 5.0, 10.0, 15.0],
            "fallback": [False, False, True, True, False, False, False],
            "fallback_reason": ["", "", "no factor valid on 2025-01-01: the 2024 mix (ended 2025-01-01) is used"] * 1
            + ["no factor valid on 2025-01-01: the 2024 mix (ended 2025-01-01) is used", "", "", ""],
            "source": ["ADEME Base Carbone v23.6, 37132"] * 2
            + ["ADEME Base Carbone v23.6, mix moyen 2024"] * 2
            + ["ADEME Base Carbone v23.6, 14087"] * 2
            + ["FEDENE enquête réseaux 2024, arrêté DPE"],
            "valid_from": ["2024-01-01"] * 2 + ["2024-01-01"] * 2 + ["2024-01-01"] * 2 + ["2024-01-01"],
            "valid_to": ["", "", "2025-01-01", "2025-01-01", "", "", ""],
        }
    ),
    FACTORS_SCHEMA,
)


def _figures(year: int, scale: float) -> pl.DataFrame:
    rows = []
    for month in range(1, 13):
        start = paris(year, month, 1)
        for meter, building, carrier, usage, yearly in METERS:
            kwh = yearly * SEASON[month - 1] / sum(SEASON) * scale
            normalised = kwh * (1.04 if month in (1, 2, 12) else 0.97)
            if building == "B04" and month == 2:
                normalised = math.nan  # no degree days that month: B04 cannot be normalised
            if carrier == "heating_oil" and month == 7 and year == 2025:
                kwh = math.nan  # a delivery in litres with no conversion: unconverted
            rows.append((meter, building, start, carrier, usage, kwh, 0.12 if month == 12 else 0.0, normalised))
        for building, area in zip(BUILDINGS["building_id"], BUILDINGS["heated_area_m2"], strict=True):
            rows.append(
                (
                    f"E-{building}",
                    building,
                    start,
                    "electricity",
                    "common_electricity",
                    area * 1.1 * scale,
                    0.0,
                    math.nan,
                )
            )
    frame = pl.DataFrame(
        rows,
        schema=[
            "meter_ref",
            "building_id",
            "month_start",
            "carrier",
            "usage",
            "kwh_pci",
            "estimated_share",
            "heating_normalised_kwh",
        ],
        orient="row",
    )
    return complete(frame, FIGURES_SCHEMA)


def _facts(year: int, extra_visit_every: int) -> pl.DataFrame:
    rows = []
    number = 0
    buildings = BUILDINGS["building_id"].to_list()
    for month in range(1, 13):
        for k in range(14):
            number += 1
            building = buildings[(k + month) % 6]
            plumbing = k % 2 == 0
            contractor = "PLOMBERIE-ALPES" if plumbing else "CHAUFFAGE-SUD"
            trade = "plumbing" if plumbing else "heating"
            visits = 1 + (1 if number % extra_visit_every == 0 else 0) + (1 if number % 11 == 0 else 0)
            requested = paris(year, month, 1 + k * 2, 9)
            status = "CANCELLED" if number % 37 == 0 else "CLOSED" if k < 12 else "IN_PROGRESS"
            resolved = requested + timedelta(days=visits * 2) if status == "CLOSED" else None
            outcome = ["MET", "MET", "MET", "MISSED", "MET", "PENDING"][number % 6]
            unit = f"{building}-{(k * 7 + month) % 5 + 1:03d}" if k % 5 else ""
            rows.append(
                (
                    f"I{year}-{number:04d}",
                    contractor,
                    "K-" + trade,
                    trade.upper() + "-CUR",
                    trade,
                    "CURATIVE",
                    building,
                    unit,
                    status,
                    requested,
                    requested + timedelta(hours=20),
                    resolved,
                    visits,
                    outcome,
                    "MET" if outcome != "PENDING" else "PENDING",
                    180.0 + k * 10,
                )
            )
        for lift in range(4):  # lifts: a preventive round a month in most months
            if (month + lift) % 4 == 0 and year == 2024:
                continue
            number += 1
            requested = paris(year, month, 3 + lift * 5, 8)
            rows.append(
                (
                    f"I{year}-{number:04d}",
                    "ASCENSEURS-FR",
                    "K-lifts",
                    "LIFT-PREV",
                    "lifts",
                    "PREVENTIVE",
                    buildings[lift],
                    "",
                    "CLOSED",
                    requested,
                    requested + timedelta(days=1),
                    requested + timedelta(days=1),
                    1,
                    "MET",
                    "MET",
                    95.0,
                )
            )
    frame = pl.DataFrame(
        rows,
        schema=[
            "id",
            "contractor_id",
            "contract_id",
            "service_code",
            "trade",
            "nature",
            "building_id",
            "ug_id",
            "status",
            "requested_at",
            "first_visit_at",
            "resolved_at",
            "visits",
            "intervene_deadline",
            "repair_deadline",
            "cost_eur",
        ],
        orient="row",
    )
    return complete(frame, FACTS_SCHEMA)


def period(year: int, scale: float, extra_visit_every: int) -> PeriodData:
    facts = _facts(year, extra_visit_every)
    return PeriodData(
        start=paris(year, 1, 1),
        end=paris(year + 1, 1, 1),
        facts=facts,
        figures=_figures(year, scale),
        factors=FACTORS,
        caveats=ExportCaveats(
            cancelled=facts.filter(pl.col("status") == "CANCELLED").height,
            pending_deadlines=facts.filter(pl.col("intervene_deadline") == "PENDING").height,
            closed_without_quitus=3,
        ),
    )


def year_inputs() -> CsrInputs:
    """2025 against 2024 and the 2023 reference."""
    lifts = [f"LIFT-B0{i}" for i in range(1, 5)]
    return csr_inputs(
        current=period(2025, 1.0, 3),
        previous=period(2024, 1.08, 2),
        reference=period(2023, 1.15, 2),
        buildings=BUILDINGS,
        bases=BASES,
        equipment=complete(
            pl.DataFrame({"equipment_id": lifts, "building_id": ["B01", "B02", "B03", "B04"], "kind": ["lift"] * 4}),
            EQUIPMENT_SCHEMA,
        ),
        contract_buildings=complete(
            pl.DataFrame(
                {
                    "contract_id": ["K-lifts"] * 4,
                    "contractor_id": ["ASCENSEURS-FR"] * 4,
                    "building_id": ["B01", "B02", "B03", "B04"],
                    "starts_at": [paris(2022, 1, 1)] * 4,
                    "ends_at": [paris(2027, 1, 1)] * 4,
                }
            ),
            CONTRACT_BUILDINGS_SCHEMA,
        ),
        plans=complete(
            pl.DataFrame(
                {
                    "contract_id": ["K-lifts"],
                    "service_code": ["LIFT-PREV"],
                    "equipment_kind": ["lift"],
                    "interval_days": [30],
                }
            ),
            PLANS_SCHEMA,
        ),
        quality=complete(
            pl.DataFrame(
                {
                    "contractor_id": ["ASCENSEURS-FR", "CHAUFFAGE-SUD", "PLOMBERIE-ALPES"],
                    "received": [620, 1410, 1388],
                    "accepted": [618, 1330, 1370],
                    "rejected": [2, 80, 18],
                    "warned": [0, 12, 20],
                }
            ),
            QUALITY.schema,  # type: ignore[arg-type]
        ),
        as_of=datetime(2026, 1, 15, tzinfo=UTC),
    )


def _month_of(period: PeriodData, month: int) -> PeriodData:
    """``period`` (a year) cut to one of its months."""
    year = period.start.astimezone(PARIS).year
    start, end = paris(year, month, 1), paris(year, month + 1, 1)
    return replace(
        period,
        start=start,
        end=end,
        facts=period.facts.filter((pl.col("requested_at") >= start) & (pl.col("requested_at") < end)),
        figures=period.figures.filter((pl.col("month_start") >= start) & (pl.col("month_start") < end)),
    )


def month_inputs(month: int) -> CsrInputs:
    """``year_inputs`` cut to one month of 2025 against the same month of 2024, no reference."""
    year = year_inputs()
    return replace(
        year, current=_month_of(year.current, month), previous=_month_of(year.previous, month), reference=None
    )
