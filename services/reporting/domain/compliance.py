"""Preventive-plan compliance (DESIGN 3.1): preventive visits done / visits the contracts' plans
call for, month by month, against the same month of N-1 ("last August 60 %, this August 70 %").
Pure polars.

- Visits due in a month, per plan (a contract's service code, an equipment kind, a visit every
  ``interval_days``): for each equipment of that kind in a building of the perimeter that the
  contract covers, the civil days of the month within the contract's [starts_at, ends_at),
  divided by interval_days. A lift on a 42-day plan is due 31 / 42 = 0.738 visits in August.
- Visits done: a preventive intervention of that contract and service code, not cancelled, counts
  as ONE plan visit, in the month of its first visit (``first_visit_at``). Its ``visits`` count
  trips, not maintenance rounds: a second trip to finish the same round does not do a second
  planned visit, and an intervention never visited (visits 0, no first visit) does none.
  Interventions are those of the export (requested in the period): one requested before the
  period and first visited in it is not in it.
- Share = done / due; null when nothing is due (no plan, or no contract in force), never 0. A
  share above 1 (more rounds than the plans call for) is shown as it is.
"""

import polars as pl

from services.reporting.domain.periods import TIME_ZONE

KEYS = ["contract_id", "service_code"]
COMPLIANCE_SCHEMA = {
    "month_index": pl.Int32,
    "month_start": pl.Datetime("us", "UTC"),
    "due": pl.Float64,
    "done": pl.Float64,
    "share": pl.Float64,
}


def _wall_clock(column: str | pl.Expr) -> pl.Expr:
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.dt.convert_time_zone(TIME_ZONE).dt.replace_time_zone(None)


def visits_due(
    plans: pl.DataFrame, equipment: pl.DataFrame, contract_buildings: pl.DataFrame, months: pl.DataFrame
) -> pl.DataFrame:
    """Per month of ``months`` and plan key (contract_id, service_code): the visits due.
    ``plans``: contract_id, service_code, equipment_kind, interval_days; ``equipment``:
    equipment_id, building_id, kind (the perimeter's); ``contract_buildings``: contract_id,
    building_id, starts_at, ends_at."""
    planned = (
        plans.filter(pl.col("interval_days") > 0)
        .join(contract_buildings.select("contract_id", "building_id", "starts_at", "ends_at"), on="contract_id")
        .join(
            equipment.select("equipment_id", "building_id", pl.col("kind").alias("equipment_kind")),
            on=["building_id", "equipment_kind"],
        )
    )
    overlap = pl.min_horizontal(_wall_clock("ends_at"), _wall_clock("month_end")) - pl.max_horizontal(
        _wall_clock("starts_at"), _wall_clock("month_start")
    )
    days = (overlap.dt.total_microseconds() / 86_400_000_000).clip(lower_bound=0)
    return (
        planned.join(months.select("month_index", "month_start", "month_end"), how="cross")
        .with_columns((days / pl.col("interval_days")).alias("due"))
        .group_by("month_index", *KEYS)
        .agg(pl.col("due").sum())
    )


def visits_done(facts: pl.DataFrame, plans: pl.DataFrame, months: pl.DataFrame) -> pl.DataFrame:
    """Per month and plan key: the preventive interventions first visited in the month (one
    plan visit each, see the module's rule)."""
    rounds = (
        facts.filter(
            (pl.col("nature") == "PREVENTIVE")
            & (pl.col("status") != "CANCELLED")
            & (pl.col("visits") > 0)
            & pl.col("first_visit_at").is_not_null()
        )
        .join(plans.select(KEYS).unique(), on=KEYS, how="semi")
        .select(*KEYS, "first_visit_at")
        .sort("first_visit_at")
    )
    placed = rounds.join_asof(
        months.select("month_index", "month_start", "month_end").sort("month_start"),
        left_on="first_visit_at",
        right_on="month_start",
        strategy="backward",
    ).filter(pl.col("month_index").is_not_null() & (pl.col("first_visit_at") < pl.col("month_end")))
    return placed.group_by("month_index", *KEYS).agg(pl.len().cast(pl.Float64).alias("done"))


def _share(done: pl.Expr, due: pl.Expr) -> pl.Expr:
    return pl.when(due > 0).then(done / due).otherwise(None)


def monthly_compliance(
    facts: pl.DataFrame,
    plans: pl.DataFrame,
    equipment: pl.DataFrame,
    contract_buildings: pl.DataFrame,
    months: pl.DataFrame,
) -> pl.DataFrame:
    """One row per month of ``months``: due, done and share (see the module's rules)."""
    due = visits_due(plans, equipment, contract_buildings, months).group_by("month_index").agg(pl.col("due").sum())
    done = visits_done(facts, plans, months).group_by("month_index").agg(pl.col("done").sum())
    return (
        months.select("month_index", "month_start")
        .join(due, on="month_index", how="left")
        .join(done, on="month_index", how="left")
        .with_columns(pl.col("due").fill_null(0.0), pl.col("done").fill_null(0.0))
        .with_columns(_share(pl.col("done"), pl.col("due")).alias("share"))
        .sort("month_index")
        .cast(COMPLIANCE_SCHEMA)  # type: ignore[arg-type]
    )


def whole_period(monthly: pl.DataFrame) -> tuple[float, float, float | None]:
    """Due, done and share over every month of a ``monthly_compliance`` frame."""
    due, done = float(monthly["due"].sum()), float(monthly["done"].sum())
    return due, done, done / due if due > 0 else None


def against_previous(now: pl.DataFrame, before: pl.DataFrame | None) -> pl.DataFrame:
    """Each month of ``now`` beside the same month of N-1 (``before``, from the period one year
    earlier: the same month_index), with previous_month_start, previous_due, previous_done and
    previous_share (null when N-1 is not known)."""
    previous = (
        before if before is not None else pl.DataFrame(schema=COMPLIANCE_SCHEMA).cast(COMPLIANCE_SCHEMA)  # type: ignore[arg-type]
    )
    return now.join(
        previous.select(
            "month_index",
            pl.col("month_start").alias("previous_month_start"),
            pl.col("due").alias("previous_due"),
            pl.col("done").alias("previous_done"),
            pl.col("share").alias("previous_share"),
        ),
        on="month_index",
        how="left",
    ).sort("month_index")


def compliance_by_contractor(
    facts: pl.DataFrame,
    plans: pl.DataFrame,
    equipment: pl.DataFrame,
    contract_buildings: pl.DataFrame,
    months: pl.DataFrame,
) -> pl.DataFrame:
    """Per contractor holding a plan and month of ``months``: due, done and share over the
    contracts it holds (``contract_buildings`` names each contract's contractor_id). A contractor
    with no plan in force has no row: its compliance is not known, not 0."""
    holders = contract_buildings.select("contract_id", "contractor_id").unique()
    due = (
        visits_due(plans, equipment, contract_buildings, months)
        .join(holders, on="contract_id")
        .group_by("contractor_id", "month_index")
        .agg(pl.col("due").sum())
    )
    done = (
        visits_done(facts, plans, months)
        .join(holders, on="contract_id")
        .group_by("contractor_id", "month_index")
        .agg(pl.col("done").sum())
    )
    grid = due.select("contractor_id").unique().join(months.select("month_index", "month_start"), how="cross")
    return (
        grid.join(due, on=["contractor_id", "month_index"], how="left")
        .join(done, on=["contractor_id", "month_index"], how="left")
        .with_columns(pl.col("due").fill_null(0.0), pl.col("done").fill_null(0.0))
        .with_columns(_share(pl.col("done"), pl.col("due")).alias("share"))
        .sort("contractor_id", "month_index")
        .cast(COMPLIANCE_SCHEMA)  # type: ignore[arg-type]
    )
