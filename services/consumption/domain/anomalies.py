"""Anomalies on consumption series, each with its evidence (window, expected, observed).

Input is the daily consumption per meter (``periods.prorate`` / ``registers.index_consumption``
with daily bounds): ``meter_id, period_start, quantity`` plus the meter's ``carrier``. A meter's
*norm* on a day is the median of its previous ``NORM_DAYS`` days (at least ``NORM_MIN_DAYS`` of
them), so every meter is judged against its own recent history.

- ``leak`` (water meters): consumption above ``max(LEAK_RATIO x norm, norm + LEAK_MIN_EXCESS)`` on
  at least ``LEAK_MIN_DAYS`` consecutive days. Evidence: the run, the norm summed over it, the
  consumption summed over it.
- ``spike`` (energy meters): the same excess test with ``SPIKE_RATIO``, on any run of days.
- ``flat_line`` (any meter): zero consumption on at least ``FLAT_MIN_DAYS`` consecutive days while
  the norm at the start of the run was positive (a stuck register or a dead transmitter).
- ``night_flow`` (water, sub-daily data): on at least ``NIGHT_MIN_NIGHTS`` consecutive nights, every
  interval lying within 01:00-05:00 (local time) flows above ``NIGHT_MIN_RATE`` per hour: a tap or
  a cistern that never stops. The intervals come from the corrected register
  (``registers.reading_intervals``: replacements and rollovers applied, estimates left out).
- ``backwards`` readings come from ``registers`` (the register story is rebuilt there).
"""

import polars as pl

from services.consumption.domain.intervals import ANOMALY_SCHEMA
from services.consumption.domain.periods import TIME_ZONE
from services.consumption.domain.vocab import WATER_CARRIERS

NORM_DAYS, NORM_MIN_DAYS = 28, 14
LEAK_RATIO, LEAK_MIN_EXCESS, LEAK_MIN_DAYS = 3.0, 0.2, 3  # m3 per day for the absolute excess
SPIKE_RATIO = 4.0
FLAT_MIN_DAYS = 14
NIGHT_START_H, NIGHT_END_H, NIGHT_MIN_RATE, NIGHT_MIN_NIGHTS = 1, 5, 0.005, 3  # m3 per hour


def _runs(df: pl.DataFrame, flag: str, time_col: str) -> pl.DataFrame:
    """Consecutive rows (per meter) where ``flag`` holds, with a run id."""
    change = (pl.col(flag) != pl.col(flag).shift(1)) | (pl.col("meter_id") != pl.col("meter_id").shift(1))
    return df.sort("meter_id", time_col).with_columns(run=change.fill_null(True).cum_sum()).filter(pl.col(flag))


def daily_anomalies(daily: pl.DataFrame, tz: str = TIME_ZONE) -> pl.DataFrame:
    """Leaks, spikes and flat-lines on daily consumption (``meter_id, period_start, period_end, quantity, carrier``)."""
    d = daily.sort("meter_id", "period_start").with_columns(
        norm=pl.col("quantity").rolling_median(NORM_DAYS, min_samples=NORM_MIN_DAYS).shift(1).over("meter_id"),
        water=pl.col("carrier").is_in(WATER_CARRIERS),
    )
    ratio = pl.when(pl.col("water")).then(LEAK_RATIO).otherwise(SPIKE_RATIO)
    d = d.with_columns(
        excess=(
            (pl.col("norm") > 0)
            & (pl.col("quantity") > pl.max_horizontal(ratio * pl.col("norm"), pl.col("norm") + LEAK_MIN_EXCESS))
        ).fill_null(False),
        zero=(pl.col("quantity") == 0).fill_null(False),
    )
    summary = [
        pl.col("period_start").min().alias("window_start"),
        pl.col("period_end").max().alias("window_end"),
        pl.col("norm").sum().alias("expected"),
        pl.col("quantity").sum().alias("observed"),
        pl.len().alias("days"),
        pl.col("water").first(),
        pl.col("norm").first().alias("norm_at_start"),
    ]
    high = _runs(d, "excess", "period_start").group_by("meter_id", "run").agg(summary)
    leaks = high.filter(pl.col("water") & (pl.col("days") >= LEAK_MIN_DAYS)).with_columns(
        kind=pl.lit("leak"),
        detail=pl.format(
            "{} consecutive days above {}x the meter's {}-day median", "days", pl.lit(LEAK_RATIO), pl.lit(NORM_DAYS)
        ),
    )
    spikes = high.filter(~pl.col("water")).with_columns(
        kind=pl.lit("spike"),
        detail=pl.format(
            "{} day(s) above {}x the meter's {}-day median", "days", pl.lit(SPIKE_RATIO), pl.lit(NORM_DAYS)
        ),
    )
    flats = (
        _runs(d, "zero", "period_start")
        .group_by("meter_id", "run")
        .agg(summary)
        .filter((pl.col("days") >= FLAT_MIN_DAYS) & (pl.col("norm_at_start") > 0))
        .with_columns(
            kind=pl.lit("flat_line"),
            detail=pl.format("no consumption for {} days on a meter that normally consumes", "days"),
        )
    )
    cols = list(ANOMALY_SCHEMA)
    return (
        pl.concat([x.select(cols) for x in (leaks, spikes, flats)])
        .cast(ANOMALY_SCHEMA)
        .sort("meter_id", "window_start", "kind")
    )


def night_flow(intervals: pl.DataFrame, tz: str = TIME_ZONE) -> pl.DataFrame:
    """Sustained night flow on sub-daily water intervals (``meter_id, start, end, quantity``)."""
    local = pl.col("start").dt.convert_time_zone(tz)
    local_end = pl.col("end").dt.convert_time_zone(tz)
    hours = (pl.col("end") - pl.col("start")).dt.total_seconds() / 3600
    night = (
        intervals.with_columns(
            night=local.dt.date(), h0=local.dt.hour(), h1=local_end.dt.hour(), rate=pl.col("quantity") / hours
        )
        .filter(
            (pl.col("h0") >= NIGHT_START_H)
            & (local_end.dt.date() == pl.col("night"))
            & ((pl.col("h1") < NIGHT_END_H) | ((pl.col("h1") == NIGHT_END_H) & (local_end.dt.minute() == 0)))
        )
        .group_by("meter_id", "night")
        .agg(
            min_rate=pl.col("rate").min(),
            window_start=pl.col("start").min(),
            window_end=pl.col("end").max(),
            observed=pl.col("quantity").sum(),
        )
        .with_columns(flowing=pl.col("min_rate") > NIGHT_MIN_RATE)
    )
    consecutive = (pl.col("night") - pl.col("night").shift(1)).dt.total_days() != 1
    runs = (
        night.sort("meter_id", "night")
        .with_columns(
            run=(
                consecutive
                | (pl.col("flowing") != pl.col("flowing").shift(1))
                | (pl.col("meter_id") != pl.col("meter_id").shift(1))
            )
            .fill_null(True)
            .cum_sum()
        )
        .filter("flowing")
        .group_by("meter_id", "run")
        .agg(
            pl.col("window_start").min(),
            pl.col("window_end").max(),
            pl.col("observed").sum(),
            pl.col("min_rate").min(),
            nights=pl.len(),
        )
        .filter(pl.col("nights") >= NIGHT_MIN_NIGHTS)
    )
    return (
        runs.select(
            "meter_id",
            kind=pl.lit("night_flow"),
            window_start="window_start",
            window_end="window_end",
            expected=pl.lit(0.0),
            observed="observed",
            detail=pl.format(
                "flow never below {} per hour between {}:00 and {}:00 for {} nights",
                pl.col("min_rate").round(4),
                pl.lit(NIGHT_START_H),
                pl.lit(NIGHT_END_H),
                "nights",
            ),
        )
        .cast(ANOMALY_SCHEMA)
        .sort("meter_id", "window_start")
    )
