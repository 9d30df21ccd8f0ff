"""The decarbonisation (CSR) figures of one perimeter and period, composed from the metrics of
this package: one typed result that the PDF, the API and the audit pack all read (issue 13,
item 4). Pure: the inputs are frames the service pulled from the data services' as-of exports.

Every headline carries its value for the period, the same figure for N-1 (None when N-1 has no
data) and, where the scenario gives one, for the reference. Avoided trips and avoided emissions
stand apart from the inventory, with the scenario version they rest on and their range.
"""

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from services.reporting.domain import energy, preventive, trips
from services.reporting.domain.scenarios import Scenario
from services.reporting.domain.uncertainty import Ranged, product, total

METHOD_VERSION = "csr/1"


@dataclass(frozen=True)
class VehicleFactor:
    key: str
    set_version: str
    kgco2e_per_km: float
    uncertainty_pct: float


@dataclass(frozen=True)
class PeriodData:
    """What the exports gave for one period."""

    facts: pl.DataFrame  # interventions' facts (InterventionFact fields, enum names as text)
    figures: pl.DataFrame  # consumption's monthly figures (MonthlyFigure fields)


@dataclass(frozen=True)
class CsrInputs:
    period_start: datetime
    period_end: datetime
    current: PeriodData
    previous: PeriodData  # the same period a year before (N-1)
    energy_factors: (
        pl.DataFrame
    )  # carrier, boundary, factor_key, set_version, kgco2e_per_kwh, uncertainty_pct, fallback
    frames: pl.DataFrame  # services/reporting/data/emission_frames.csv
    buildings: pl.DataFrame  # building_id, lat, lon, heated_area_m2, dwellings (the perimeter's)
    bases: pl.DataFrame  # contractor_id, base_id, lat, lon
    scenario: Scenario
    vehicle: VehicleFactor


@dataclass(frozen=True)
class Headline:
    key: str  # stable name, e.g. "tco2e_scope_1"
    unit: str
    value: float | None
    previous: float | None


@dataclass(frozen=True)
class Avoided:
    """Outside the inventory (WBCSD 2023): against scenario ``scenario`` version ``version``."""

    scenario: str
    version: int
    trips: float | None
    km: float | None
    kgco2e: Ranged | None
    trades_not_covered: tuple[str, ...]


@dataclass(frozen=True)
class CsrFigures:
    method_version: str
    headlines: tuple[Headline, ...]
    energy_by_carrier: pl.DataFrame
    emission_lines: pl.DataFrame
    scopes: pl.DataFrame
    trip_lines: pl.DataFrame
    visit_profile: pl.DataFrame
    avoided_by_trade: pl.DataFrame
    avoided: Avoided
    trips_kgco2e: Ranged
    inventory_kgco2e: Ranged
    unresolved_energy_lines: int
    unlocated_interventions: int

    def headline(self, key: str) -> Headline:
        return next(h for h in self.headlines if h.key == key)


@dataclass(frozen=True)
class _Period:
    """The frames of one period's metrics, computed once, and its headline values."""

    by_carrier: pl.DataFrame
    lines: pl.DataFrame
    scopes: pl.DataFrame
    profile: pl.DataFrame
    distances: pl.DataFrame
    values: dict[str, float | None]


def _period(data: PeriodData, inputs: CsrInputs) -> _Period:
    by_carrier = energy.energy_by_carrier(data.figures)
    lines = energy.emission_lines(data.figures, inputs.energy_factors, inputs.frames)
    scopes = energy.emissions_by_scope(lines)
    scope_kg = dict(zip(scopes["ghg_scope"], scopes["kgco2e"], strict=True))
    profile = trips.visit_profile(data.facts)
    distances = trips.trip_distances(data.facts, inputs.buildings, inputs.bases, inputs.scenario.content.road_factor)
    trip_km = float(distances["trip_km"].sum())
    kwh = float(by_carrier["kwh_pci"].sum())
    shares = preventive.preventive_shares(data.facts.with_columns(pl.lit("all").alias("perimeter")), ["perimeter"])
    resolved = float(profile["interventions"].sum())
    ftf = float(profile["first_time_fixes"].sum()) / resolved if resolved else None
    inventory = sum(float(v) for v in scope_kg.values()) + trip_km * inputs.vehicle.kgco2e_per_km
    intensity = energy.intensities(inventory, kwh, inputs.buildings)
    has_energy = data.figures.height > 0
    has_facts = data.facts.height > 0
    values = {
        "tco2e_scope_1": float(scope_kg.get("1", 0.0)) / 1000 if has_energy else None,
        "tco2e_scope_2": float(scope_kg.get("2", 0.0)) / 1000 if has_energy else None,
        "tco2e_scope_3_energy": float(scope_kg.get("3", 0.0)) / 1000 if has_energy else None,
        "tco2e_scope_3_trips": trip_km * inputs.vehicle.kgco2e_per_km / 1000 if has_facts else None,
        "mwh_pci": kwh / 1000 if has_energy else None,
        "fossil_share": energy.fossil_share(by_carrier, inputs.frames) if has_energy else None,
        "kgco2e_per_m2": intensity["kgco2e_per_m2"] if has_energy or has_facts else None,
        "kwh_per_m2": intensity["kwh_per_m2"] if has_energy else None,
        "preventive_share": shares["share_by_count"].item() if shares.height else None,
        "first_time_fix": ftf,
        "trips": float(data.facts.filter(pl.col("status") != "CANCELLED")["visits"].sum()) if has_facts else None,
        "km": trip_km if has_facts else None,
    }
    return _Period(by_carrier, lines, scopes, profile, distances, values)


UNITS = {
    "tco2e_scope_1": "tCO2e",
    "tco2e_scope_2": "tCO2e",
    "tco2e_scope_3_energy": "tCO2e",
    "tco2e_scope_3_trips": "tCO2e",
    "mwh_pci": "MWh PCI",
    "fossil_share": "share",
    "kgco2e_per_m2": "kgCO2e/m2",
    "kwh_per_m2": "kWh PCI/m2",
    "preventive_share": "share",
    "first_time_fix": "share",
    "trips": "trips",
    "km": "km",
}


def compute_csr(inputs: CsrInputs) -> CsrFigures:
    now, before = _period(inputs.current, inputs), _period(inputs.previous, inputs)
    headlines = tuple(Headline(key, UNITS[key], now.values[key], before.values[key]) for key in UNITS)
    lines, scopes, distances, profile = now.lines, now.scopes, now.distances, now.profile
    reference = pl.DataFrame(
        {
            "trade": [t.trade for t in inputs.scenario.content.trades],
            "visits_per_intervention": [t.visits_per_intervention for t in inputs.scenario.content.trades],
        },
        schema={"trade": pl.String, "visits_per_intervention": pl.Float64},
    )
    avoided_by_trade = trips.avoided_km(trips.avoided_trips(profile, reference), distances)
    covered = avoided_by_trade.filter(pl.col("covered"))
    vehicle_u = inputs.vehicle.uncertainty_pct / 100
    avoided_km = float(covered["avoided_km"].sum()) if covered.height else None
    avoided = Avoided(
        scenario=inputs.scenario.content.name,
        version=inputs.scenario.version,
        trips=float(covered["avoided_trips"].sum()) if covered.height else None,
        km=avoided_km,
        kgco2e=None
        if avoided_km is None
        else product(
            avoided_km * inputs.vehicle.kgco2e_per_km, [vehicle_u, inputs.scenario.content.uncertainty_pct / 100]
        ),
        trades_not_covered=tuple(avoided_by_trade.filter(~pl.col("covered"))["trade"].to_list()),
    )
    trip_km = float(distances["trip_km"].sum())
    trips_kg = product(trip_km * inputs.vehicle.kgco2e_per_km, [vehicle_u])
    scope_terms = [
        Ranged(float(kg), float(u)) for kg, u in zip(scopes["kgco2e"], scopes["uncertainty_kgco2e"], strict=True)
    ]
    return CsrFigures(
        method_version=METHOD_VERSION,
        headlines=headlines,
        energy_by_carrier=now.by_carrier,
        emission_lines=lines,
        scopes=scopes,
        trip_lines=distances,
        visit_profile=profile,
        avoided_by_trade=avoided_by_trade,
        avoided=avoided,
        trips_kgco2e=trips_kg,
        inventory_kgco2e=total([*scope_terms, trips_kg]),
        unresolved_energy_lines=lines.filter(~pl.col("resolved")).height,
        unlocated_interventions=distances.filter(pl.col("km_per_trip").is_null()).height,
    )


def figures_frame(figures: CsrFigures) -> pl.DataFrame:
    """The headline figures as one frame (key, unit, value, previous): what the figures hash
    covers, what the audit pack's figures CSV holds."""
    return pl.DataFrame(
        [(h.key, h.unit, h.value, h.previous) for h in figures.headlines],
        schema={"key": pl.String, "unit": pl.String, "value": pl.Float64, "previous": pl.Float64},
        orient="row",
    )
