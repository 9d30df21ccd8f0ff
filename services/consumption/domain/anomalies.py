"""Anomalies on consumption series, each with its evidence (window, expected, observed).

Input is the daily consumption per meter (``periods.prorate`` / ``registers.index_consumption``
with daily bounds): ``meter_id, period_start, quantity`` plus the meter's ``carrier``, ``usage`` and
``weather_station``. A meter's *norm* on a day is the median of its previous ``NORM_DAYS`` days of
the same season (at least ``NORM_MIN_DAYS`` of them), so every meter is judged against its own
history. Only a heating-only meter has two seasons (``heating_season``): in the heating season it
is judged against its previous heating-season days, last spring's when it restarts in October,
and outside it against its previous days at rest; every other meter has one season, all its days.

- ``leak`` (water meters): consumption above ``max(LEAK_RATIO x norm, norm + LEAK_MIN_EXCESS)`` on
  at least ``LEAK_MIN_DAYS`` consecutive days. Evidence: the run, the norm summed over it, the
  consumption summed over it.
- ``spike`` (energy meters): the same excess test with ``SPIKE_RATIO``, on any run of days.
- ``flat_line`` (any meter): zero consumption on at least ``FLAT_MIN_DAYS`` consecutive days while
  the norm at the start of the run was positive (a dead transmitter, a meter bypassed). The days a
  heating-only meter rests outside the heating season are not zeros to hold against it: they break
  a run rather than extend it. Evidence: the run, the norm at its start times its days, zero.
- ``stuck_register`` (any meter): a run of zeros, then on the very next day a catch-up bringing
  between ``STUCK_MIN_SHARE`` and ``STUCK_MAX_SHARE`` of what the meter uses at its norm over the run
  and that day (the norm when the run began, before zeros pulled it down): one fault, reported once
  instead of a flat line plus a spike. Reported when the run is ``FLAT_MIN_DAYS`` long or the
  catch-up day alone is above the leak or spike threshold (a shorter one, caught up within a
  normal day's range, is noise). Evidence: the zero days and the catch-up day, the norm at the
  start times those days, the catch-up quantity. A zero run with no such catch-up is
  still a flat line, and high days after the catch-up are still a leak or a spike, judged against a
  norm that learnt the catch-up spread over the stuck days rather than the zeros.
- ``night_flow`` (water, sub-daily data): on at least ``NIGHT_MIN_NIGHTS`` consecutive nights, every
  interval lying within 01:00-05:00 (local time) flows above ``NIGHT_MIN_RATE`` per hour: a tap or
  a cistern that never stops. The intervals come from the corrected register
  (``registers.reading_intervals``: replacements and rollovers applied, estimates left out).
- ``backwards`` readings come from ``registers`` (the register story is rebuilt there).
"""

import polars as pl

from services.consumption.domain.heating_season import with_heating_off
from services.consumption.domain.intervals import ANOMALY_SCHEMA
from services.consumption.domain.periods import TIME_ZONE
from services.consumption.domain.vocab import WATER_CARRIERS

NORM_DAYS, NORM_MIN_DAYS = 28, 14
LEAK_RATIO, LEAK_MIN_EXCESS, LEAK_MIN_DAYS = 3.0, 0.2, 3  # m3 per day for the absolute excess
SPIKE_RATIO = 4.0
FLAT_MIN_DAYS = 14
STUCK_MIN_SHARE, STUCK_MAX_SHARE = 0.5, 2.0
NIGHT_START_H, NIGHT_END_H, NIGHT_MIN_RATE, NIGHT_MIN_NIGHTS = 1, 5, 0.005, 3  # m3 per hour


def _runs(df: pl.DataFrame, flag: str, time_col: str) -> pl.DataFrame:
    """Consecutive rows (per meter) where ``flag`` holds, with a run id."""
    change = (pl.col(flag) != pl.col(flag).shift(1)) | (pl.col("meter_id") != pl.col("meter_id").shift(1))
    return df.sort("meter_id", time_col).with_columns(run=change.fill_null(True).cum_sum()).filter(pl.col(flag))


def _seasoned(daily: pl.DataFrame, weather: pl.DataFrame | None, tz: str) -> pl.DataFrame:
    """Each day with its season, its zero flag and zero run, and what the next day brought."""
    zero = ((pl.col("quantity") == 0) & ~pl.col("heating_off")).fill_null(False)
    new_run = (zero != zero.shift(1)) | (pl.col("meter_id") != pl.col("meter_id").shift(1))
    following = {"next_start": "period_start", "next_end": "period_end", "next_quantity": "quantity"}
    return (
        with_heating_off(daily, weather, tz)
        .sort("meter_id", "period_start")
        .with_columns(
            *[pl.col(col).shift(-1).over("meter_id").alias(name) for name, col in following.items()],
            water=pl.col("carrier").is_in(WATER_CARRIERS),
            season_note=pl.when(pl.col("heating_season").is_not_null())
            .then(pl.format(" (heating-season days only, season by {})", "season_source"))
            .otherwise(pl.lit("")),
            zero=zero,
            zero_run=pl.when(zero).then(new_run.fill_null(True).cum_sum()),
        )
        .with_columns(after_zero_run=pl.col("zero_run").shift(1).over("meter_id"))
    )


def _with_norm(d: pl.DataFrame, learned: str) -> pl.DataFrame:
    """``norm`` (the median of the previous days of the same season, of column ``learned``) and
    ``excess`` (the day's quantity above the leak or spike threshold), and the next day's excess."""
    ratio = pl.when(pl.col("water")).then(LEAK_RATIO).otherwise(SPIKE_RATIO)
    excess = (pl.col("norm") > 0) & (
        pl.col("quantity") > pl.max_horizontal(ratio * pl.col("norm"), pl.col("norm") + LEAK_MIN_EXCESS)
    )
    return (
        d.with_columns(
            norm=pl.col(learned)
            .rolling_median(NORM_DAYS, min_samples=NORM_MIN_DAYS)
            .shift(1)
            .over("meter_id", "heating_off")
        )
        .with_columns(excess=excess.fill_null(False))
        .with_columns(next_excess=pl.col("excess").shift(-1).over("meter_id").fill_null(False))
    )


SUMMARY = [
    pl.col("period_start").min().alias("window_start"),
    pl.col("period_end").max().alias("window_end"),
    pl.col("norm").sum().alias("expected"),
    pl.col("quantity").sum().alias("observed"),
    pl.len().alias("days"),
    pl.col("water").first(),
    pl.col("norm").first().alias("norm_at_start"),
    pl.col("season_note").first(),
]


def _zero_runs(d: pl.DataFrame) -> pl.DataFrame:
    """Each run of zeros summarised, with the day that follows it."""
    following = [pl.col(c).last() for c in ("next_start", "next_end", "next_quantity", "next_excess")]
    return d.filter("zero").group_by("meter_id", "zero_run").agg(*SUMMARY, *following)


def _stuck_registers(zero_runs: pl.DataFrame) -> pl.DataFrame:
    """The zero runs ended by a catch-up of what they missed, as anomalies (and their ``zero_run``)."""
    at_norm = (pl.col("days") + 1) * pl.col("norm_at_start")
    return zero_runs.filter(
        (pl.col("norm_at_start") > 0)
        & (pl.col("next_start") == pl.col("window_end"))
        & (pl.col("next_quantity") / at_norm).is_between(STUCK_MIN_SHARE, STUCK_MAX_SHARE)
        & ((pl.col("days") >= FLAT_MIN_DAYS) | pl.col("next_excess"))
    ).with_columns(
        kind=pl.lit("stuck_register"),
        window_end="next_end",
        expected=at_norm,
        observed="next_quantity",
        detail=pl.format(
            "register at zero for {} days{}, then {} in one day: {} days at the meter's norm of {} would be {}",
            "days",
            "season_note",
            pl.col("next_quantity").round(3),
            pl.col("days") + 1,
            pl.col("norm_at_start").round(3),
            at_norm.round(3),
        ),
    )


def _without_stuck_registers(d: pl.DataFrame, stuck: pl.DataFrame) -> pl.DataFrame:
    """The days of the stuck registers out of the other rules, and the norm relearnt from what the
    register measured over them (its catch-up spread over the span), not from its zeros and catch-up:
    otherwise the next four weeks are judged against a norm pulled down by the zeros."""
    spread = stuck.select("zero_run", spread=pl.col("next_quantity") / (pl.col("days") + 1))
    d = (
        d.join(spread, on="zero_run", how="left", maintain_order="left")
        .join(
            spread.rename({"zero_run": "after_zero_run", "spread": "catch_up_spread"}),
            on="after_zero_run",
            how="left",
            maintain_order="left",
        )
        .with_columns(
            stuck=pl.col("spread").is_not_null() | pl.col("catch_up_spread").is_not_null(),
            learned=pl.coalesce("spread", "catch_up_spread", "quantity"),
        )
    )
    d = _with_norm(d.sort("meter_id", "period_start"), "learned")
    return d.with_columns(zero=pl.col("zero") & ~pl.col("stuck"), excess=pl.col("excess") & ~pl.col("stuck"))


def daily_anomalies(daily: pl.DataFrame, weather: pl.DataFrame | None = None, tz: str = TIME_ZONE) -> pl.DataFrame:
    """Leaks, spikes, flat lines and stuck registers on daily consumption (``meter_id, period_start,
    period_end, quantity, carrier, usage, weather_station``). ``weather``: daily DJU per station
    (``station, day, dju``) from which the heating season of heating-only meters is read (the
    calendar where it has nothing); ``tz``: the zone of the local dates the season is told in."""
    d = _with_norm(_seasoned(daily, weather, tz), "quantity")
    stuck = _stuck_registers(_zero_runs(d))
    d = _without_stuck_registers(d, stuck)
    high = _runs(d, "excess", "period_start").group_by("meter_id", "run").agg(SUMMARY)
    leaks = high.filter(pl.col("water") & (pl.col("days") >= LEAK_MIN_DAYS)).with_columns(
        kind=pl.lit("leak"),
        detail=pl.format(
            "{} consecutive days above {}x the meter's {}-day median{}",
            "days",
            pl.lit(LEAK_RATIO),
            pl.lit(NORM_DAYS),
            "season_note",
        ),
    )
    spikes = high.filter(~pl.col("water")).with_columns(
        kind=pl.lit("spike"),
        detail=pl.format(
            "{} day(s) above {}x the meter's {}-day median{}",
            "days",
            pl.lit(SPIKE_RATIO),
            pl.lit(NORM_DAYS),
            "season_note",
        ),
    )
    flats = (
        _zero_runs(d)
        .filter((pl.col("days") >= FLAT_MIN_DAYS) & (pl.col("norm_at_start") > 0))
        .with_columns(
            # the norm of the day the zeros began: the rolling median sinks to zero within the run
            expected=pl.col("norm_at_start") * pl.col("days"),
            kind=pl.lit("flat_line"),
            detail=pl.format("no consumption for {} days{} on a meter that normally consumes", "days", "season_note"),
        )
    )
    cols = list(ANOMALY_SCHEMA)
    return (
        pl.concat([x.select(cols) for x in (leaks, spikes, flats, stuck)])
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
