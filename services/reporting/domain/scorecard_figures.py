"""The contractor scorecard of one perimeter and period, composed (issue 14, item 5): per
contractor, every figure of the period beside the same figure for N-1 (the same months a year
before), the trend by month N against N-1, the preventive-plan compliance over the contracts the
contractor holds, avoided trips against a scenario when one is named, and data quality at the
cut-off against the 95 % target. Pure: the inputs are frames pulled from the as-of exports.

A figure that cannot be given is None with a note (a code of headlines.NOTES): never a silent 0.
Counts (interventions, trips, cost) of a contractor with nothing in a period are true zeros.
"""

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from services.reporting.domain import compliance, performance, trips
from services.reporting.domain.scorecard import COUNT_COLUMNS, counts, monthly_counts, with_rates

METHOD_VERSION = "scorecard/3"

# (figure, unit, column of the period's values) in the order a reader meets them
PERIOD_FIGURES = (
    ("interventions", "interventions", "interventions"),
    ("preventive_share", "share", "preventive_share"),
    ("first_time_fix", "share", "first_time_fix_rate"),
    ("visits_per_curative", "visits", "visits_per_curative"),
    ("intervene_compliance", "share", "intervene_compliance"),
    ("repair_compliance", "share", "repair_compliance"),
    ("preventive_compliance", "share", "plan_share"),
    ("trips", "trips", "trips"),
    ("cost_eur", "EUR", "cost_eur"),
)
AVOIDED = ("avoided_trips", "trips", "avoided_trips")
QUALITY = ("data_quality", "share")
TRUE_ZEROS = ("interventions", "trips", "cost_eur")
FIGURE_SCHEMA = {
    "key": pl.String,
    "contractor_id": pl.String,
    "figure": pl.String,
    "unit": pl.String,
    "value": pl.Float64,
    "previous": pl.Float64,
    "value_note": pl.String,
    "previous_note": pl.String,
}


@dataclass(frozen=True)
class ScorecardPeriod:
    """One period's interventions (FACT_COLUMNS) and its civil months (periods.months)."""

    start: datetime
    end: datetime
    facts: pl.DataFrame
    months: pl.DataFrame


@dataclass(frozen=True)
class ScorecardInputs:
    current: ScorecardPeriod
    previous: ScorecardPeriod
    contractors: pl.DataFrame  # contractor_id, name: the contractors reported on
    quality: pl.DataFrame  # contractor_id, received, accepted, rejected, warned (at the cut-off)
    plans: pl.DataFrame  # contract_id, service_code, equipment_kind, interval_days
    equipment: pl.DataFrame  # equipment_id, building_id, kind (the perimeter's)
    contract_buildings: pl.DataFrame  # contract_id, contractor_id, building_id, starts_at, ends_at
    reference_trades: pl.DataFrame | None  # trade, visits_per_intervention: the scenario's, or None
    as_of: datetime


@dataclass(frozen=True)
class ScorecardFigures:
    method_version: str
    period: tuple[datetime, datetime]
    previous_period: tuple[datetime, datetime]
    as_of: datetime
    contractors: pl.DataFrame  # contractor_id, name
    figures: pl.DataFrame  # FIGURE_SCHEMA: one row per contractor and figure
    trend: pl.DataFrame  # per contractor and month: counts and ratios of N, previous_* of N-1
    avoided_by_trade: pl.DataFrame | None  # contractor_id, trade, interventions, actual_vpi, ...
    quality: pl.DataFrame  # performance.quality_against_target

    def figure(self, contractor_id: str, figure: str) -> dict[str, object]:
        rows = self.figures.filter((pl.col("contractor_id") == contractor_id) & (pl.col("figure") == figure))
        return rows.row(0, named=True)


def _period_values(
    period: ScorecardPeriod, inputs: ScorecardInputs
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """(one row per contractor: every figure's value and note, plan compliance by month,
    avoided trips by contractor and trade)."""
    per = with_rates(counts(period.facts, ["contractor_id"]))
    plan = compliance.compliance_by_contractor(
        period.facts, inputs.plans, inputs.equipment, inputs.contract_buildings, period.months
    )
    plan_total = (
        plan.group_by("contractor_id")
        .agg(pl.col("due").sum().alias("plan_due"), pl.col("done").sum().alias("plan_done"))
        .with_columns(
            pl.when(pl.col("plan_due") > 0).then(pl.col("plan_done") / pl.col("plan_due")).alias("plan_share")
        )
    )
    values = (
        inputs.contractors.select("contractor_id")
        .join(per, on="contractor_id", how="left")
        .join(plan_total, on="contractor_id", how="left")
        .with_columns(pl.col(c).fill_null(0) for c in (*COUNT_COLUMNS, "cost_eur"))
    )
    avoided = None
    if inputs.reference_trades is not None:
        avoided = trips.avoided_trips_by_contractor(period.facts, inputs.reference_trades)
        summed = (
            avoided.filter(pl.col("covered"))
            .group_by("contractor_id")
            .agg(pl.col("avoided_trips").sum())
            .with_columns(pl.col("avoided_trips").cast(pl.Float64))
        )
        values = values.join(summed, on="contractor_id", how="left")
    return values, plan, avoided


def _note(figure: str, value: pl.Expr, any_facts: bool) -> pl.Expr:
    """Why a figure is None: no intervention at all, one nature, no plan, nothing covered."""
    if not any_facts:
        why = pl.lit("no_facts")
    elif figure == "preventive_share":
        why = (
            pl.when(pl.col("one_nature").fill_null(False))
            .then(pl.lit("one_nature"))
            .otherwise(pl.lit("nothing_to_count"))
        )
    elif figure == "preventive_compliance":
        # a plan whose contract was not in force in the period has nothing due
        why = pl.when(pl.col("plan_due").is_null()).then(pl.lit("no_plan")).otherwise(pl.lit("nothing_due"))
    elif figure == "avoided_trips":
        why = pl.lit("not_covered")
    else:
        why = pl.lit("nothing_to_count")
    return pl.when(value.is_null()).then(why).otherwise(pl.lit(""))


def _long(values: pl.DataFrame, figures: tuple[tuple[str, str, str], ...], any_facts: bool) -> pl.DataFrame:
    parts = []
    for figure, unit, column in figures:
        value = pl.col(column).cast(pl.Float64)
        if not any_facts and figure not in TRUE_ZEROS:
            value = pl.lit(None, dtype=pl.Float64)
        parts.append(
            values.select(
                "contractor_id",
                pl.lit(figure).alias("figure"),
                pl.lit(unit).alias("unit"),
                value.alias("value"),
                _note(figure, value, any_facts).alias("note"),
            )
        )
    return pl.concat(parts)


def _quality_rows(contractors: pl.DataFrame, quality: pl.DataFrame) -> pl.DataFrame:
    figure, unit = QUALITY
    return (
        contractors.select("contractor_id")
        .join(quality.select("contractor_id", "passing_share"), on="contractor_id", how="left")
        .select(
            "contractor_id",
            pl.lit(figure).alias("figure"),
            pl.lit(unit).alias("unit"),
            pl.col("passing_share").alias("value"),
            pl.lit(None, dtype=pl.Float64).alias("previous"),
            pl.when(pl.col("passing_share").is_null())
            .then(pl.lit("no_quality"))
            .otherwise(pl.lit(""))
            .alias("value_note"),
            pl.lit("at_as_of").alias("previous_note"),
        )
    )


def _trend(inputs: ScorecardInputs, now_plan: pl.DataFrame, before_plan: pl.DataFrame) -> pl.DataFrame:
    """Per contractor and month of N: counts and ratios, plan due/done/share, and the same for
    the same month of N-1 (previous_*)."""

    def monthly(period: ScorecardPeriod, plan: pl.DataFrame) -> pl.DataFrame:
        grid = inputs.contractors.select("contractor_id").join(
            period.months.select("month_index", "month_start"), how="cross"
        )
        per = monthly_counts(period.facts, period.months)
        return (
            grid.join(per, on=["contractor_id", "month_index"], how="left")
            .with_columns(pl.col(c).fill_null(0) for c in (*COUNT_COLUMNS, "cost_eur"))
            .pipe(with_rates)
            .join(
                plan.select(
                    "contractor_id",
                    "month_index",
                    pl.col("due").alias("plan_due"),
                    pl.col("done").alias("plan_done"),
                    pl.col("share").alias("preventive_compliance"),
                ),
                on=["contractor_id", "month_index"],
                how="left",
            )
            .select(
                "contractor_id",
                "month_index",
                "month_start",
                "interventions",
                "curative_resolved",
                "first_time_fixes",
                pl.col("first_time_fix_rate").alias("first_time_fix"),
                "intervene_met",
                "intervene_judged",
                "intervene_compliance",
                "repair_met",
                "repair_judged",
                "repair_compliance",
                "plan_due",
                "plan_done",
                "preventive_compliance",
                "trips",
                "cost_eur",
            )
        )

    now = monthly(inputs.current, now_plan)
    before = monthly(inputs.previous, before_plan)
    renamed = before.rename({c: f"previous_{c}" for c in before.columns if c not in ("contractor_id", "month_index")})
    return now.join(renamed, on=["contractor_id", "month_index"], how="left").sort("contractor_id", "month_index")


def compute_scorecard(inputs: ScorecardInputs) -> ScorecardFigures:
    now, now_plan, avoided = _period_values(inputs.current, inputs)
    before, before_plan, _ = _period_values(inputs.previous, inputs)
    figures = PERIOD_FIGURES + ((AVOIDED,) if inputs.reference_trades is not None else ())
    now_long = _long(now, figures, inputs.current.facts.height > 0)
    before_long = _long(before, figures, inputs.previous.facts.height > 0)
    quality = performance.quality_against_target(inputs.quality)
    joined = now_long.rename({"note": "value_note"}).join(
        before_long.select(
            "contractor_id", "figure", pl.col("value").alias("previous"), pl.col("note").alias("previous_note")
        ),
        on=["contractor_id", "figure"],
        how="left",
    )
    order = {name: i for i, (name, _, _) in enumerate((*figures, (*QUALITY, "")))}
    table = (
        pl.concat(
            [joined.select(*(c for c in FIGURE_SCHEMA if c != "key")), _quality_rows(inputs.contractors, quality)]
        )
        .with_columns(
            pl.concat_str("contractor_id", pl.lit("."), "figure").alias("key"),
            pl.col("figure").replace_strict(order, return_dtype=pl.Int32).alias("order"),
        )
        .sort("contractor_id", "order")
        .select(*FIGURE_SCHEMA)
        .cast(FIGURE_SCHEMA)  # type: ignore[arg-type]
    )
    return ScorecardFigures(
        method_version=METHOD_VERSION,
        period=(inputs.current.start, inputs.current.end),
        previous_period=(inputs.previous.start, inputs.previous.end),
        as_of=inputs.as_of,
        contractors=inputs.contractors.select("contractor_id", "name").sort("contractor_id"),
        figures=table,
        trend=_trend(inputs, now_plan, before_plan),
        avoided_by_trade=avoided,
        quality=quality,
    )
