"""What the CSR figures are computed from: frames the service fills from the data services' as-of
exports, for the report's perimeter. Each frame's columns are given by its schema below (the
service casts to it); instants are tz-aware UTC; enum values are their names as text (PREVENTIVE,
CANCELLED, MET ...). A frame without a column its schema names is refused with the frame and the
column named.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from services.reporting.domain.scenarios import Scenario

INSTANT = pl.Datetime("us", "UTC")

# interventions.v1.InterventionFact, the interventions requested in the period (ExportInterventions)
FACTS_SCHEMA = {
    "id": pl.String,
    "contractor_id": pl.String,
    "contract_id": pl.String,
    "service_code": pl.String,
    "trade": pl.String,
    "nature": pl.String,  # PREVENTIVE, CURATIVE, DIAGNOSTIC
    "criticality": pl.String,
    "building_id": pl.String,
    "ug_id": pl.String,  # "" for a common part
    "status": pl.String,
    "requested_at": INSTANT,
    "first_visit_at": INSTANT,
    "resolved_at": INSTANT,
    "closed_at": INSTANT,
    "visits": pl.Int32,
    "first_time_fix": pl.Boolean,
    "intervene_deadline": pl.String,  # NO_DEADLINE, MET, MISSED, PENDING
    "repair_deadline": pl.String,
    "cost_eur": pl.Float64,
    "has_quitus": pl.Boolean,
    "recoverable_share": pl.Float64,
}
# consumption.v1.MonthlyFigure (ExportMonthly over the period); NaN where the proto says NaN
FIGURES_SCHEMA = {
    "meter_ref": pl.String,
    "building_id": pl.String,
    "unit_id": pl.String,
    "carrier": pl.String,
    "usage": pl.String,
    "charge_category": pl.String,
    "recoverable": pl.Boolean,
    "month_start": INSTANT,  # first instant of the Paris month
    "quantity": pl.Float64,
    "unit": pl.String,
    "kwh_pcs": pl.Float64,
    "kwh_pci": pl.Float64,
    "estimated_share": pl.Float64,
    "coverage": pl.Float64,
    "heating_normalised_kwh": pl.Float64,
    "cost_eur": pl.Float64,
    "conversion": pl.String,
    "normalisation": pl.String,
}
# one row per (carrier, boundary) factor resolved for the period (factors.v1 Resolve, per kWh PCI)
FACTORS_SCHEMA = {
    "carrier": pl.String,
    "boundary": pl.String,  # combustion, upstream, td_losses, total
    "factor_key": pl.String,
    "set_version": pl.String,  # "<set name>@<version>"
    "kgco2e_per_kwh": pl.Float64,
    "uncertainty_pct": pl.Float64,  # null when the source gives none
    "fallback": pl.Boolean,  # no factor valid over the whole period: the latest expired one
    "fallback_reason": pl.String,  # "" unless fallback
    "source": pl.String,
    "valid_from": pl.String,  # YYYY-MM-DD, inclusive
    "valid_to": pl.String,  # YYYY-MM-DD, exclusive; "" = still valid
}
# the perimeter's buildings (ExportPortfolio as of the cut-off); lat/lon null when unknown
BUILDINGS_SCHEMA = {
    "building_id": pl.String,
    "residence_id": pl.String,
    "territory_id": pl.String,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "heated_area_m2": pl.Float64,
    "dwellings": pl.Int64,
    "heating_system": pl.String,
}
BASES_SCHEMA = {"contractor_id": pl.String, "base_id": pl.String, "lat": pl.Float64, "lon": pl.Float64}
EQUIPMENT_SCHEMA = {"equipment_id": pl.String, "building_id": pl.String, "kind": pl.String}
# the buildings of the perimeter each contract covers (its territories, residences and buildings
# resolved), with the contract's dates
CONTRACT_BUILDINGS_SCHEMA: dict[str, Any] = {
    "contract_id": pl.String,
    "contractor_id": pl.String,
    "building_id": pl.String,
    "starts_at": INSTANT,
    "ends_at": INSTANT,
}
PLANS_SCHEMA = {
    "contract_id": pl.String,
    "service_code": pl.String,
    "equipment_kind": pl.String,
    "interval_days": pl.Int32,
}
# interventions.v1.ContractorQuality as of the cut-off (GetDataQuality with as_of)
QUALITY_SCHEMA = {
    "contractor_id": pl.String,
    "received": pl.Int64,
    "accepted": pl.Int64,
    "rejected": pl.Int64,
    "warned": pl.Int64,
    "passing_share": pl.Float64,  # (accepted - warned) / received
    "meets_target": pl.Boolean,
}


@dataclass(frozen=True)
class ExportCaveats:
    """interventions.v1.ExportCaveats of the period's export: what the figures leave out."""

    cancelled: int
    pending_deadlines: int
    closed_without_quitus: int


@dataclass(frozen=True)
class DeadlineStatus:
    """Open interventions against their deadlines at as_of (GetDeadlineStatus at=as_of)."""

    on_track: int
    alert_90: int  # past 90 % of a deadline, not yet past it
    breached: int  # past 100 %


@dataclass(frozen=True)
class VehicleFactor:
    """The contractors' vehicle factor resolved for the period (per vehicle km)."""

    key: str
    set_version: str
    kgco2e_per_km: float
    uncertainty_pct: float
    source: str = ""
    fallback: bool = False
    fallback_reason: str = ""


def _require(frame: pl.DataFrame, schema: dict[str, Any], where: str) -> None:
    missing = [column for column in schema if column not in frame.columns]
    if missing:
        raise ValueError(f"{where} lacks the column(s) {', '.join(missing)}")


def caveats_of(facts: pl.DataFrame) -> ExportCaveats:
    """The caveats of these facts, counted as the interventions service counts those of an export
    (interventions.v1.ExportCaveats: they follow from each fact's status, deadlines and quitus):
    cancelled interventions, those with a deadline still PENDING (either one, counted once), and
    closures with no quitus recorded."""
    pending = (pl.col("intervene_deadline") == "PENDING") | (pl.col("repair_deadline") == "PENDING")
    counts = facts.select(
        (pl.col("status") == "CANCELLED").sum().alias("cancelled"),
        pending.sum().alias("pending_deadlines"),
        ((pl.col("status") == "CLOSED") & ~pl.col("has_quitus")).sum().alias("closed_without_quitus"),
    ).row(0, named=True)
    return ExportCaveats(**{name: int(value or 0) for name, value in counts.items()})


@dataclass(frozen=True)
class PeriodData:
    """What the exports gave for one period [start, end) of the perimeter."""

    start: datetime
    end: datetime
    facts: pl.DataFrame  # FACTS_SCHEMA: interventions requested in [start, end), as known at as_of
    figures: pl.DataFrame  # FIGURES_SCHEMA: monthly figures of the months of [start, end)
    factors: pl.DataFrame  # FACTORS_SCHEMA: the energy factors resolved for [start, end)
    caveats: ExportCaveats  # of these facts (caveats_of)

    def check(self, where: str) -> None:
        _require(self.facts, FACTS_SCHEMA, f"{where}.facts")
        _require(self.figures, FIGURES_SCHEMA, f"{where}.figures")
        _require(self.factors, FACTORS_SCHEMA, f"{where}.factors")
        if self.end <= self.start:
            raise ValueError(f"{where}: the period ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class CsrInputs:
    current: PeriodData  # the report's period
    previous: PeriodData  # the same period one year before (N-1; periods.year_before)
    reference: PeriodData | None  # the scenario's reference period (periods.reference_window); None: not asked
    frames: pl.DataFrame  # services/reporting/data/emission_frames.csv
    buildings: pl.DataFrame  # BUILDINGS_SCHEMA, the perimeter's
    bases: pl.DataFrame  # BASES_SCHEMA, the bases of every contractor
    equipment: pl.DataFrame  # EQUIPMENT_SCHEMA, the perimeter's
    contract_buildings: pl.DataFrame  # CONTRACT_BUILDINGS_SCHEMA
    plans: pl.DataFrame  # PLANS_SCHEMA, the preventive plans of those contracts
    quality: pl.DataFrame  # QUALITY_SCHEMA, per contractor of the perimeter, as of as_of
    deadline_status: DeadlineStatus | None  # None: not known (the figure reads n/a)
    as_of: datetime  # the data cut-off
    scenario: Scenario
    vehicle: VehicleFactor

    def __post_init__(self) -> None:
        self.current.check("current")
        self.previous.check("previous")
        if self.reference is not None:
            self.reference.check("reference")
        frames: dict[str, dict[str, Any]] = {
            "buildings": BUILDINGS_SCHEMA,
            "bases": BASES_SCHEMA,
            "equipment": EQUIPMENT_SCHEMA,
            "contract_buildings": CONTRACT_BUILDINGS_SCHEMA,
            "plans": PLANS_SCHEMA,
            "quality": QUALITY_SCHEMA,
        }
        for name, schema in frames.items():
            _require(getattr(self, name), schema, name)

    @property
    def period_start(self) -> datetime:
        return self.current.start

    @property
    def period_end(self) -> datetime:
        return self.current.end


def empty(schema: dict[str, Any]) -> pl.DataFrame:
    """A frame of no row with ``schema``'s columns (a period with no data of that kind)."""
    return pl.DataFrame(schema=schema)
