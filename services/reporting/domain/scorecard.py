"""Contractor scorecard metrics from intervention facts (pure polars, no I/O).

Per contractor (and per month, for the trend), over the interventions requested in the period
and known at ``as_of`` (cancelled ones excluded):
- preventive share = preventive / (preventive + curative), diagnostics left out (DESIGN 3.1);
  none for a contractor with only one of the two natures (``one_nature``): a lift-maintenance
  contract is preventive only, and 100 % says nothing of its performance;
- first-time-fix rate = curative resolved with exactly one visit / curative resolved;
- visits per curative intervention = visits of resolved curative / resolved curative;
- deadline compliance = MET / (MET + MISSED), for the time to intervene and to repair
  (pending and no-deadline interventions are not counted);
- data quality = share of the contractor's records that passed the business checks.
A ratio with an empty denominator is null, shown as "n/a", never 0. An intervention belongs to
the civil month it was requested in.
"""

import hashlib

import polars as pl

from services.reporting.domain.preventive import one_nature, share_by_count

COUNT_COLUMNS = (
    "interventions",
    "preventive",
    "curative",
    "curative_resolved",
    "first_time_fixes",
    "curative_visits",
    "trips",
    "intervene_met",
    "intervene_judged",
    "repair_met",
    "repair_judged",
)


def _share(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return pl.when(denominator > 0).then(numerator / denominator).otherwise(None)


def _live(facts: pl.DataFrame) -> pl.DataFrame:
    return facts.filter(pl.col("status") != "CANCELLED")


def _met(column: str) -> pl.Expr:
    return (pl.col(column) == "MET").sum()


def _judged(column: str) -> pl.Expr:
    return pl.col(column).is_in(["MET", "MISSED"]).sum()


def counts(facts: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """The counts every ratio rests on (COUNT_COLUMNS) and cost_eur, per group of ``by``."""
    curative_resolved = (pl.col("nature") == "CURATIVE") & pl.col("resolved_at").is_not_null()
    return (
        _live(facts)
        .group_by(by)
        .agg(
            pl.len().alias("interventions"),
            (pl.col("nature") == "PREVENTIVE").sum().alias("preventive"),
            (pl.col("nature") == "CURATIVE").sum().alias("curative"),
            curative_resolved.sum().alias("curative_resolved"),
            (curative_resolved & (pl.col("visits") == 1)).sum().alias("first_time_fixes"),
            pl.col("visits").filter(curative_resolved).sum().alias("curative_visits"),
            pl.col("visits").sum().alias("trips"),
            _met("intervene_deadline").alias("intervene_met"),
            _judged("intervene_deadline").alias("intervene_judged"),
            _met("repair_deadline").alias("repair_met"),
            _judged("repair_deadline").alias("repair_judged"),
            pl.col("cost_eur").sum().alias("cost_eur"),
        )
    )


def with_rates(frame: pl.DataFrame) -> pl.DataFrame:
    """The ratios of a ``counts`` frame (null where nothing is counted)."""
    preventive, curative = pl.col("preventive"), pl.col("curative")
    return frame.with_columns(
        share_by_count(preventive, curative).alias("preventive_share"),
        one_nature(preventive, curative).alias("one_nature"),
        _share(pl.col("first_time_fixes"), pl.col("curative_resolved")).alias("first_time_fix_rate"),
        _share(pl.col("curative_visits"), pl.col("curative_resolved")).alias("visits_per_curative"),
        _share(pl.col("intervene_met"), pl.col("intervene_judged")).alias("intervene_compliance"),
        _share(pl.col("repair_met"), pl.col("repair_judged")).alias("repair_compliance"),
    )


def scorecard(facts: pl.DataFrame, quality: pl.DataFrame) -> pl.DataFrame:
    """facts: columns of services.interventions.domain.facts.FACT_COLUMNS;
    quality: contractor_id, passing_share. One row per contractor, sorted by id."""
    return (
        with_rates(counts(facts, ["contractor_id"]))
        .join(quality.select("contractor_id", "passing_share"), on="contractor_id", how="left")
        .sort("contractor_id")
    )


def monthly_counts(facts: pl.DataFrame, months: pl.DataFrame) -> pl.DataFrame:
    """Per contractor and month of ``months`` (month_index, month_start, month_end): the counts
    of the interventions requested in that month."""
    placed = (
        facts.sort("requested_at")
        .join_asof(
            months.select("month_index", "month_start", "month_end").sort("month_start"),
            left_on="requested_at",
            right_on="month_start",
            strategy="backward",
        )
        .filter(pl.col("month_index").is_not_null() & (pl.col("requested_at") < pl.col("month_end")))
    )
    return counts(placed, ["contractor_id", "month_index"]).sort("contractor_id", "month_index")


def figures_sha256(frame: pl.DataFrame) -> str:
    """Hash of the figures as printed in the report's manifest."""
    return hashlib.sha256(frame.write_csv(float_precision=6).encode()).hexdigest()
