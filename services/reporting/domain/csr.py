"""The decarbonisation (CSR) figures of one perimeter and period, composed from the metrics of
this package: one typed result that the PDF, the API and the audit pack all read (issue 13,
item 4). Pure: the inputs (inputs.py) are frames the service pulled from the as-of exports.

Every headline carries its value for the period, the same figure for N-1 and for the scenario's
reference period, each None when it cannot be given, with a note (a code of NOTES) saying why,
or saying what a partial total leaves out: never a silent zero, never a partial total presented
as whole. Figures taken at the cut-off (open interventions, data quality) have no N-1 nor
reference. Avoided trips and avoided emissions stand apart from the inventory, with the scenario
version they rest on and their range.
"""

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from services.reporting.domain import compliance, energy, performance, periods, preventive, series, trips
from services.reporting.domain.headlines import Headline, Value, combine
from services.reporting.domain.inputs import CsrInputs, DeadlineStatus, PeriodData, VehicleFactor
from services.reporting.domain.normalisation import NormalisedHeating, normalised_heating
from services.reporting.domain.scenarios import Scenario
from services.reporting.domain.uncertainty import Ranged, product, total

METHOD_VERSION = "csr/2"
HIT_PARADE_TOP = 10

__all__ = ["CsrFigures", "CsrInputs", "Headline", "PeriodData", "VehicleFactor", "compute_csr", "figures_frame"]


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
class LeftOut:
    """What the figures of the period leave out, and why (each counted)."""

    cancelled: int  # interventions cancelled: in no figure
    pending_deadlines: int  # interventions whose deadline is still running: not in compliance
    closed_without_quitus: int  # closed with no quitus: counted, accepted with a warning
    unresolved_energy_lines: int  # energy lines with no factor or no kWh: outside the totals
    unconverted_energy_figures: int  # energy figures with no kWh PCI: outside the kWh
    unlocated_interventions: int  # no building or base coordinates: no km
    not_normalisable_figures: int  # heating figures with no normalised kWh


@dataclass(frozen=True)
class CsrFigures:
    method_version: str
    period: tuple[datetime, datetime]
    previous_period: tuple[datetime, datetime]
    reference_period: tuple[datetime, datetime] | None
    as_of: datetime
    headlines: tuple[Headline, ...]
    energy_by_carrier: pl.DataFrame  # carrier, kwh_pci, estimated_kwh, unconverted_figures, estimated_share
    emission_lines: pl.DataFrame  # energy.LINE_COLUMNS
    scopes: pl.DataFrame  # ghg_scope, kgco2e, uncertainty_kgco2e
    monthly_energy: pl.DataFrame  # month_index, month_start, kwh_pci, kgco2e, unresolved_lines, previous_*
    energy_by_territory: pl.DataFrame  # territory_id, carrier, kwh_pci, kgco2e, unresolved_lines, previous_*
    normalised: NormalisedHeating
    trip_lines: pl.DataFrame
    visit_profile: pl.DataFrame
    avoided_by_trade: pl.DataFrame
    avoided: Avoided
    trips_kgco2e: Ranged
    inventory_kgco2e: Ranged
    plan_compliance: pl.DataFrame  # month_index, month_start, due, done, share, previous_*
    deadlines_by_contractor: pl.DataFrame  # performance.deadline_compliance by contractor_id
    hit_parade_units: pl.DataFrame  # ug_id, curative, building_id, rank
    hit_parade_buildings: pl.DataFrame  # building_id, curative, rank
    quality: pl.DataFrame  # contractor_id, received, accepted, rejected, warned, passing_share, meets_target
    deadline_status: DeadlineStatus | None
    left_out: LeftOut
    factors: pl.DataFrame  # every factor the figures rest on: see factor_table
    frames: pl.DataFrame  # the emission frames (scope, BEGES poste, ESRS datapoint per carrier and boundary)
    scenario: Scenario
    vehicle: VehicleFactor

    def headline(self, key: str) -> Headline:
        return next(h for h in self.headlines if h.key == key)

    @property
    def unresolved_energy_lines(self) -> int:
        return self.left_out.unresolved_energy_lines

    @property
    def unlocated_interventions(self) -> int:
        return self.left_out.unlocated_interventions


@dataclass(frozen=True)
class _Period:
    """One period's metric frames, computed once, and its headline values."""

    by_carrier: pl.DataFrame
    lines: pl.DataFrame
    scopes: pl.DataFrame
    profile: pl.DataFrame
    distances: pl.DataFrame
    avoided_by_trade: pl.DataFrame
    monthly: pl.DataFrame
    by_territory: pl.DataFrame
    compliance: pl.DataFrame
    normalised: NormalisedHeating
    values: dict[str, Value]


def _scope_values(
    data: PeriodData, lines: pl.DataFrame, scopes: pl.DataFrame, frames: pl.DataFrame
) -> dict[str, Value]:
    kg = dict(zip(scopes["ghg_scope"], scopes["kgco2e"], strict=True))
    counts = {r["ghg_scope"]: r for r in energy.scope_lines(lines, frames).iter_rows(named=True)}
    values = {}
    for scope, key in (("1", "tco2e_scope_1"), ("2", "tco2e_scope_2"), ("3", "tco2e_scope_3_energy")):
        resolved = counts.get(scope, {}).get("resolved_lines", 0)
        unresolved = counts.get(scope, {}).get("unresolved_lines", 0)
        if data.figures.height == 0:
            values[key] = Value(None, "no_figures")
        elif unresolved and not resolved:
            values[key] = Value(None, "no_factor")
        else:
            values[key] = Value(float(kg.get(scope, 0.0)) / 1000, "partial_unresolved" if unresolved else "")
    return values


def _energy_values(data: PeriodData, by_carrier: pl.DataFrame, frames: pl.DataFrame) -> dict[str, Value]:
    if data.figures.height == 0:
        keys = ("mwh_pci", "fossil_share", "estimated_energy_share")
        return {key: Value(None, "no_figures") for key in keys}
    unconverted = "partial_unconverted" if int(by_carrier["unconverted_figures"].sum()) else ""
    values = {
        "mwh_pci": Value(float(by_carrier["kwh_pci"].sum()) / 1000, unconverted),
        "fossil_share": Value(energy.fossil_share(by_carrier, frames), unconverted).or_note("nothing_to_count"),
        "estimated_energy_share": Value(energy.estimated_share(by_carrier), "").or_note("nothing_to_count"),
    }
    for row in by_carrier.iter_rows(named=True):
        note = "partial_unconverted" if row["unconverted_figures"] else ""
        values[f"mwh_pci.{row['carrier']}"] = Value(float(row["kwh_pci"]) / 1000, note)
    return values


def _per_m2(value: Value, area: float) -> Value:
    if value.value is None:
        return value
    return Value(value.value / area, value.note) if area > 0 else Value(None, "no_area")


def _intervention_values(data: PeriodData, profile: pl.DataFrame, distances: pl.DataFrame) -> dict[str, Value]:
    if data.facts.height == 0:
        keys = ["trips", "km", "tco2e_scope_3_trips", "first_time_fix", "preventive_share"]
        return {key: Value(None, "no_facts") for key in keys} | {
            "intervene_compliance": Value(None, "no_facts"),
            "repair_compliance": Value(None, "no_facts"),
        }
    unlocated_count = distances.filter(pl.col("km_per_trip").is_null()).height
    unlocated = "partial_unlocated" if unlocated_count else ""
    km = Value(float(distances["trip_km"].sum()), unlocated)
    if distances.height and unlocated_count == distances.height:
        km = Value(None, "not_located")
    resolved = float(profile["interventions"].sum())
    shares = preventive.preventive_shares(data.facts.with_columns(pl.lit("all").alias("perimeter")), ["perimeter"])
    if shares.height == 0:
        preventive_share = Value(None, "nothing_to_count")
    else:
        preventive_share = Value(shares["share_by_count"].item(), "one_nature" if shares["one_nature"].item() else "")
    deadlines = performance.deadline_compliance(data.facts, [])
    return {
        "trips": Value(float(data.facts.filter(pl.col("status") != "CANCELLED")["visits"].sum()), ""),
        "km": km,
        "first_time_fix": Value(float(profile["first_time_fixes"].sum()) / resolved if resolved else None, "").or_note(
            "nothing_to_count"
        ),
        "preventive_share": preventive_share,
        "intervene_compliance": Value(deadlines["intervene_compliance"].item(), "").or_note("nothing_to_count"),
        "repair_compliance": Value(deadlines["repair_compliance"].item(), "").or_note("nothing_to_count"),
    }


def _avoided(profile: pl.DataFrame, distances: pl.DataFrame, scenario: Scenario) -> pl.DataFrame:
    reference = pl.DataFrame(
        {
            "trade": [t.trade for t in scenario.content.trades],
            "visits_per_intervention": [t.visits_per_intervention for t in scenario.content.trades],
        },
        schema={"trade": pl.String, "visits_per_intervention": pl.Float64},
    )
    return trips.avoided_km(trips.avoided_trips(profile, reference), distances)


def _avoided_values(data: PeriodData, avoided_by_trade: pl.DataFrame, vehicle: VehicleFactor) -> dict[str, Value]:
    if data.facts.height == 0:
        return {"avoided_trips": Value(None, "no_facts"), "avoided_tco2e": Value(None, "no_facts")}
    covered = avoided_by_trade.filter(pl.col("covered"))
    if covered.height == 0:
        return {"avoided_trips": Value(None, "not_covered"), "avoided_tco2e": Value(None, "not_covered")}
    km = covered["avoided_km"]
    km_note = "partial_unlocated" if km.null_count() else ""
    return {
        "avoided_trips": Value(float(covered["avoided_trips"].sum()), ""),
        "avoided_tco2e": Value(float(km.sum()) * vehicle.kgco2e_per_km / 1000, km_note),
    }


def _period(data: PeriodData, inputs: CsrInputs) -> _Period:
    by_carrier = energy.energy_by_carrier(data.figures)
    lines = energy.emission_lines(data.figures, data.factors, inputs.frames)
    scopes = energy.emissions_by_scope(lines)
    profile = trips.visit_profile(data.facts)
    distances = trips.trip_distances(data.facts, inputs.buildings, inputs.bases, inputs.scenario.content.road_factor)
    avoided_by_trade = _avoided(profile, distances, inputs.scenario)
    month_frame = periods.months(data.start, data.end)
    plan = compliance.monthly_compliance(
        data.facts, inputs.plans, inputs.equipment, inputs.contract_buildings, month_frame
    )
    normalised = normalised_heating(data.figures, inputs.buildings)
    area = float(inputs.buildings["heated_area_m2"].sum())

    values = _scope_values(data, lines, scopes, inputs.frames)
    values |= _energy_values(data, by_carrier, inputs.frames)
    values |= _intervention_values(data, profile, distances)
    values |= _avoided_values(data, avoided_by_trade, inputs.vehicle)
    trips_km = values["km"]
    values["tco2e_scope_3_trips"] = trips_km.map(lambda km: km * inputs.vehicle.kgco2e_per_km / 1000)
    values["tco2e_inventory"] = combine(
        [values[k] for k in ("tco2e_scope_1", "tco2e_scope_2", "tco2e_scope_3_energy", "tco2e_scope_3_trips")]
    )
    values["kgco2e_per_m2"] = _per_m2(values["tco2e_inventory"].map(lambda t: t * 1000), area)
    values["kwh_per_m2"] = _per_m2(values["mwh_pci"].map(lambda mwh: mwh * 1000), area)
    if normalised.heating_figures == 0:
        values["kwh_per_m2_normalised"] = Value(None, "no_heating_figures")
        values["normalised_coverage"] = Value(None, "no_heating_figures")
    else:
        partial = "partial_normalised" if normalised.not_normalisable_figures else ""
        values["kwh_per_m2_normalised"] = Value(normalised.kwh_per_m2, partial).or_note("not_normalisable")
        values["normalised_coverage"] = Value(normalised.coverage, "").or_note("nothing_to_count")
    _, _, plan_share = compliance.whole_period(plan)
    no_plan = "no_plan" if inputs.plans.height == 0 else "nothing_due"
    if data.facts.height == 0:
        # no intervention recorded at all: the plans' visits are not known to be undone (0 %)
        values["preventive_compliance"] = Value(None, "no_facts")
    else:
        values["preventive_compliance"] = Value(plan_share, "").or_note(no_plan)
    return _Period(
        by_carrier=by_carrier,
        lines=lines,
        scopes=scopes,
        profile=profile,
        distances=distances,
        avoided_by_trade=avoided_by_trade,
        monthly=series.monthly_energy(data.figures, lines, month_frame),
        by_territory=series.by_territory(data.figures, lines, inputs.buildings),
        compliance=plan,
        normalised=normalised,
        values=values,
    )


UNITS = {
    "tco2e_inventory": "tCO2e",
    "tco2e_scope_1": "tCO2e",
    "tco2e_scope_2": "tCO2e",
    "tco2e_scope_3_energy": "tCO2e",
    "tco2e_scope_3_trips": "tCO2e",
    "mwh_pci": "MWh PCI",
    "fossil_share": "share",
    "kgco2e_per_m2": "kgCO2e/m2",
    "kwh_per_m2": "kWh PCI/m2",
    "kwh_per_m2_normalised": "kWh PCI/m2",
    "normalised_coverage": "share",
    "estimated_energy_share": "share",
    "preventive_share": "share",
    "preventive_compliance": "share",
    "first_time_fix": "share",
    "trips": "trips",
    "km": "km",
    "intervene_compliance": "share",
    "repair_compliance": "share",
    "avoided_trips": "trips",
    "avoided_tco2e": "tCO2e",
}
CARRIER_HEADLINE = "mwh_pci."  # + carrier: MWh PCI of one carrier


def _at_as_of(inputs: CsrInputs) -> list[Headline]:
    status = inputs.deadline_status
    quality = performance.overall_quality(inputs.quality)
    snapshot = [
        ("open_alert_90", "interventions", None if status is None else float(status.alert_90), "no_deadline_status"),
        ("open_breached", "interventions", None if status is None else float(status.breached), "no_deadline_status"),
        ("data_quality", "share", quality, "no_quality"),
    ]
    return [
        Headline(key, unit, value, None, None, "" if value is not None else note, "at_as_of", "at_as_of")
        for key, unit, value, note in snapshot
    ]


def _value_of(period: _Period | None, key: str) -> Value:
    """A carrier absent from a period that has energy figures consumed none of it: a true 0; a
    period with no energy figure has none, with its note."""
    if period is None:
        return Value(None, "not_asked")
    if key in period.values or not key.startswith(CARRIER_HEADLINE):
        return period.values[key]
    total_mwh = period.values["mwh_pci"]
    return Value(0.0) if total_mwh.value is not None else Value(None, total_mwh.note)


AVOIDED_KEYS = ("avoided_trips", "avoided_tco2e")


def _headlines(now: _Period, before: _Period, reference: _Period | None, inputs: CsrInputs) -> tuple[Headline, ...]:
    def headline(key: str, unit: str) -> Headline:
        value, previous, ref = (_value_of(p, key) for p in (now, before, reference))
        if key in AVOIDED_KEYS and reference is not None:
            # avoided against the scenario's own period is zero by construction (up to the
            # rounding of the declared visits): a figure that would read as a +500,000 % change
            ref = Value(None, "is_baseline")
        return Headline(key, unit, value.value, previous.value, ref.value, value.note, previous.note, ref.note)

    periods_asked = [p for p in (now, before, reference) if p is not None]
    carriers = sorted({k for p in periods_asked for k in p.values if k.startswith(CARRIER_HEADLINE)})
    keys = list(UNITS)
    at = keys.index("mwh_pci") + 1
    listed = [headline(k, UNITS[k]) for k in keys[:at]]
    listed += [headline(k, "MWh PCI") for k in carriers]
    listed += [headline(k, UNITS[k]) for k in keys[at:]]
    return tuple(listed + _at_as_of(inputs))


def _factor_unit(factors: pl.DataFrame) -> pl.Expr:
    """kgCO2e per the unit the factor was resolved in (kWh for electricity and heat networks,
    kWh PCI for fuels), when the factors say; else per kWh PCI."""
    per = pl.col("unit") if "unit" in factors.columns else pl.lit("kWh PCI")
    return pl.concat_str(pl.lit("kgCO2e/"), per).alias("unit")


def factor_table(inputs: CsrInputs) -> pl.DataFrame:
    """Every factor the figures rest on, once, with the periods that used it ("N", "N-1",
    "reference"): key, carrier, boundary, value, unit, scope, set_version, uncertainty_pct,
    source, valid_from, valid_to, fallback, fallback_reason, periods. Scope is the one the
    emission frames give the line; the vehicle factor's is 3 (contractors' trips)."""
    scope_of = inputs.frames.select("carrier", "boundary", pl.col("ghg_scope").cast(pl.String).alias("scope"))
    labelled = [
        (label, data)
        for label, data in (("N", inputs.current), ("N-1", inputs.previous), ("reference", inputs.reference))
        if data is not None
    ]
    identity = [c for c in FACTOR_COLUMNS if c != "fallback_reason"]
    energy_rows = pl.concat(
        [
            # factors resolved month by month: one row per factor, with its first month's reason
            data.factors.sort(*(["month_start"] if "month_start" in data.factors.columns else []), "carrier")
            .with_columns(_factor_unit(data.factors))
            .select(*FACTOR_COLUMNS, "unit")
            .unique(subset=identity, keep="first", maintain_order=True)
            .with_columns(pl.lit(label).alias("period"))
            for label, data in labelled
        ],
        how="vertical_relaxed",
    ).join(scope_of, on=["carrier", "boundary"], how="left")
    energy_rows = energy_rows.select(
        pl.col("factor_key").alias("key"),
        "carrier",
        "boundary",
        pl.col("kgco2e_per_kwh").alias("value"),
        "unit",
        pl.col("scope").fill_null(""),
        "set_version",
        "uncertainty_pct",
        "source",
        "valid_from",
        "valid_to",
        pl.col("fallback").fill_null(False),
        pl.col("fallback_reason").fill_null(""),
        "period",
    )
    vehicle = inputs.vehicle
    vehicle_row = pl.DataFrame(
        {
            "key": [vehicle.key],
            "carrier": ["vehicle"],
            "boundary": [""],
            "value": [vehicle.kgco2e_per_km],
            "unit": ["kgCO2e/km"],
            "scope": ["3"],
            "set_version": [vehicle.set_version],
            "uncertainty_pct": [vehicle.uncertainty_pct],
            "source": [vehicle.source],
            "valid_from": [""],
            "valid_to": [""],
            "fallback": [vehicle.fallback],
            "fallback_reason": [vehicle.fallback_reason],
            "period": ["N"],
        }
    )
    rows = pl.concat([energy_rows, vehicle_row], how="vertical_relaxed")
    identity = [c for c in rows.columns if c != "period"]
    order = {"N": 0, "N-1": 1, "reference": 2}
    return (
        rows.with_columns(pl.col("period").replace_strict(order, return_dtype=pl.Int8).alias("order"))
        .sort("order")
        .group_by(identity, maintain_order=True)
        .agg(pl.col("period").str.join(", ").alias("periods"))
        .sort("carrier", "boundary", "key", "valid_from")
    )


FACTOR_COLUMNS = (
    "carrier",
    "boundary",
    "factor_key",
    "set_version",
    "kgco2e_per_kwh",
    "uncertainty_pct",
    "fallback",
    "fallback_reason",
    "source",
    "valid_from",
    "valid_to",
)


def compute_csr(inputs: CsrInputs) -> CsrFigures:
    now, before = _period(inputs.current, inputs), _period(inputs.previous, inputs)
    reference = _period(inputs.reference, inputs) if inputs.reference is not None else None
    vehicle_u = inputs.vehicle.uncertainty_pct / 100
    covered = now.avoided_by_trade.filter(pl.col("covered"))
    avoided_trips = now.values["avoided_trips"].value
    avoided_km = float(covered["avoided_km"].sum()) if avoided_trips is not None else None
    avoided = Avoided(
        scenario=inputs.scenario.content.name,
        version=inputs.scenario.version,
        trips=avoided_trips,
        km=avoided_km,
        kgco2e=None
        if avoided_km is None
        else product(
            avoided_km * inputs.vehicle.kgco2e_per_km, [vehicle_u, inputs.scenario.content.uncertainty_pct / 100]
        ),
        trades_not_covered=tuple(now.avoided_by_trade.filter(~pl.col("covered"))["trade"].to_list()),
    )
    trips_kg = product(float(now.distances["trip_km"].sum()) * inputs.vehicle.kgco2e_per_km, [vehicle_u])
    scope_terms = [
        Ranged(float(kg), float(u))
        for kg, u in zip(now.scopes["kgco2e"], now.scopes["uncertainty_kgco2e"], strict=True)
    ]
    caveats = inputs.current.caveats
    return CsrFigures(
        method_version=METHOD_VERSION,
        period=(inputs.current.start, inputs.current.end),
        previous_period=(inputs.previous.start, inputs.previous.end),
        reference_period=None if inputs.reference is None else (inputs.reference.start, inputs.reference.end),
        as_of=inputs.as_of,
        headlines=_headlines(now, before, reference, inputs),
        energy_by_carrier=now.by_carrier,
        emission_lines=now.lines,
        scopes=now.scopes,
        monthly_energy=series.against_previous(now.monthly, before.monthly),
        energy_by_territory=series.with_previous_by_territory(now.by_territory, before.by_territory),
        normalised=now.normalised,
        trip_lines=now.distances,
        visit_profile=now.profile,
        avoided_by_trade=now.avoided_by_trade,
        avoided=avoided,
        trips_kgco2e=trips_kg,
        inventory_kgco2e=total([*scope_terms, trips_kg]),
        plan_compliance=compliance.against_previous(now.compliance, before.compliance),
        deadlines_by_contractor=performance.deadline_compliance(inputs.current.facts, ["contractor_id"]),
        hit_parade_units=performance.hit_parade(inputs.current.facts, "ug_id", HIT_PARADE_TOP),
        hit_parade_buildings=performance.hit_parade(inputs.current.facts, "building_id", HIT_PARADE_TOP),
        quality=performance.quality_against_target(inputs.quality),
        deadline_status=inputs.deadline_status,
        left_out=LeftOut(
            cancelled=caveats.cancelled,
            pending_deadlines=caveats.pending_deadlines,
            closed_without_quitus=caveats.closed_without_quitus,
            unresolved_energy_lines=now.lines.filter(~pl.col("resolved")).height,
            unconverted_energy_figures=int(now.by_carrier["unconverted_figures"].sum()),
            unlocated_interventions=now.distances.filter(pl.col("km_per_trip").is_null()).height,
            not_normalisable_figures=now.normalised.not_normalisable_figures,
        ),
        factors=factor_table(inputs),
        frames=inputs.frames,
        scenario=inputs.scenario,
        vehicle=inputs.vehicle,
    )


FRAME_SCHEMA = {
    "key": pl.String,
    "unit": pl.String,
    "value": pl.Float64,
    "previous": pl.Float64,
    "reference": pl.Float64,
    "value_note": pl.String,
    "previous_note": pl.String,
    "reference_note": pl.String,
}


def figures_frame(figures: CsrFigures) -> pl.DataFrame:
    """Every headline figure as one frame (key, unit, value, previous, reference and their
    notes): what the figures hash covers, what the audit pack's figures CSV holds."""
    return pl.DataFrame(
        [
            (h.key, h.unit, h.value, h.previous, h.reference, h.value_note, h.previous_note, h.reference_note)
            for h in figures.headlines
        ],
        schema=FRAME_SCHEMA,
        orient="row",
    )
