"""Shared frame schemas, and period-consumption readings (bills) -> consumption intervals.

An *interval* is a quantity consumed by one meter between two instants, in the meter's own unit:
``meter_id, start, end, quantity, estimated, gap``. Index readings are handled in ``registers``.

Period-consumption readings (a quantity over ``[period_start, read_at)``) are intervals already. A
hole between two consecutive records of a meter is filled by an estimated interval whose rate is
the mean of the two records' rates (per unit of time), flagged ``estimated``, ``gap`` and
``filled``: no reading covers it, so it counts in no period's ``coverage`` (``periods.prorate``).
Overlapping records are not expected (the store rejects a record overlapping a stored one).
"""

import polars as pl

TS = pl.Datetime("us", "UTC")

INDEX_SCHEMA = pl.Schema({"meter_id": pl.Int64(), "read_at": TS, "value": pl.Float64(), "estimated": pl.Boolean()})
PERIOD_SCHEMA = pl.Schema(
    {
        "meter_id": pl.Int64(),
        "period_start": TS,
        "read_at": TS,
        "value": pl.Float64(),
        "estimated": pl.Boolean(),
    }
)
METER_SCHEMA = pl.Schema({"meter_id": pl.Int64(), "register_digits": pl.Int64()})
REPLACEMENT_SCHEMA = pl.Schema(
    {
        "meter_id": pl.Int64(),
        "replaced_at": TS,
        "old_last_index": pl.Float64(),
        "new_first_index": pl.Float64(),
    }
)
INTERVAL_SCHEMA = pl.Schema(
    {
        "meter_id": pl.Int64(),
        "start": TS,
        "end": TS,
        "quantity": pl.Float64(),
        "estimated": pl.Boolean(),
        "gap": pl.Boolean(),
    }
)
EVENT_SCHEMA = pl.Schema({"meter_id": pl.Int64(), "at": TS, "event": pl.String(), "detail": pl.String()})
ANOMALY_SCHEMA = pl.Schema(
    {
        "meter_id": pl.Int64(),
        "kind": pl.String(),
        "window_start": TS,
        "window_end": TS,
        "expected": pl.Float64(),
        "observed": pl.Float64(),
        "detail": pl.String(),
    }
)


def sort_readings(df: pl.DataFrame, time_col: str) -> pl.DataFrame:
    m, t = df["meter_id"], df[time_col]
    dm = m.diff()
    unsorted = ((dm < 0) | ((dm == 0) & (t.diff().dt.total_microseconds() < 0))).any() if df.height > 1 else False
    return df.sort("meter_id", time_col) if unsorted else df


def _same_meter(offset: int) -> pl.Expr:
    return (pl.col("meter_id") == pl.col("meter_id").shift(offset)).fill_null(False)


def period_intervals(records: pl.DataFrame) -> pl.DataFrame:
    """Period-consumption readings -> intervals, holes between records filled by an estimate
    (``filled``: it rests on no reading)."""
    r = sort_readings(records.select(list(PERIOD_SCHEMA)).cast(PERIOD_SCHEMA), "period_start")
    r = r.filter(pl.col("read_at") > pl.col("period_start"))
    dt = (pl.col("read_at") - pl.col("period_start")).dt.total_microseconds()
    r = r.with_columns(rate=pl.col("value") / dt)
    holes = r.with_columns(
        hole_start=pl.col("read_at").shift(1),
        prev_rate=pl.col("rate").shift(1),
        same=_same_meter(1),
    ).filter(pl.col("same") & (pl.col("hole_start") < pl.col("period_start")))
    filled = holes.select(
        "meter_id",
        pl.col("hole_start").alias("start"),
        pl.col("period_start").alias("end"),
        (
            pl.mean_horizontal("prev_rate", "rate")
            * (pl.col("period_start") - pl.col("hole_start")).dt.total_microseconds()
        ).alias("quantity"),
        pl.lit(True).alias("estimated"),
        pl.lit(True).alias("gap"),
        pl.lit(True).alias("filled"),
    )
    given = r.select(
        "meter_id",
        pl.col("period_start").alias("start"),
        pl.col("read_at").alias("end"),
        pl.col("value").alias("quantity"),
        "estimated",
        pl.lit(False).alias("gap"),
        pl.lit(False).alias("filled"),
    )
    return pl.concat([given, filled]).sort("meter_id", "start")
