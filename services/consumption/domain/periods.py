"""Intervals -> consumption per period (day, month, year), prorated across period boundaries.

Periods are civil periods in the portfolio's time zone (Europe/Paris by default): their bounds are
computed there and compared as UTC instants, so readings never need converting.

Proration: an interval that crosses one or more period boundaries is split in proportion to time
(the consumption rate is taken as uniform over the interval). A split piece counts as *estimated*
when its interval rests on an estimated reading, or when the interval is a gap (its split over time
is an interpolation, see ``intervals``); an unsplit piece of a gap is exact. Each period carries:

- ``quantity``: consumption in the meter's unit;
- ``estimated_quantity`` and ``estimated_share`` (= estimated_quantity / quantity, 0 when nothing
  was consumed): the part that rests on estimated data;
- ``coverage``: the share of the period that rests on readings: covered by intervals (readings
  before the first and after the last reading are not extrapolated; a partly covered period says
  so here), an interval marked ``filled`` (a hole between two bills, estimated from their rates:
  ``intervals.period_intervals``) counting as not covered. A month without any bill between two
  bills thus has coverage 0 and its whole quantity estimated (estimated_share 1);
- ``span``: the share of the period between the meter's first and last reading, filled holes
  included: the time ``quantity`` counts over (a month's fixed price part and the summer base load
  are weighted by it). Equal to ``coverage`` unless a hole between bills was filled.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from services.consumption.domain.intervals import TS
from services.consumption.errors import InvalidReadingRequest

TIME_ZONE = "Europe/Paris"  # the portfolio's civil time: its days, months and years, its nights
PARIS = ZoneInfo(TIME_ZONE)

EVERY = {"day": "1d", "month": "1mo", "year": "1y"}
PERIOD_SCHEMA = pl.Schema(
    {
        "meter_id": pl.Int64(),
        "period_start": TS,
        "period_end": TS,
        "quantity": pl.Float64(),
        "estimated_quantity": pl.Float64(),
        "estimated_share": pl.Float64(),
        "coverage": pl.Float64(),
        "span": pl.Float64(),
    }
)


def _floor(at: datetime, every: str, tz: ZoneInfo) -> datetime:
    local = at.astimezone(tz)
    if every == "year":
        local = local.replace(month=1, day=1)
    elif every == "month":
        local = local.replace(day=1)
    return datetime(local.year, local.month, local.day, tzinfo=tz)


def period_bounds(first: datetime, last: datetime, every: str, tz: str = TIME_ZONE) -> pl.Series:
    """Bounds of the civil periods covering ``[first, last]``, as UTC instants (n periods: n + 1 bounds)."""
    if every not in EVERY:
        raise InvalidReadingRequest(f"period must be one of {sorted(EVERY)}, not {every!r}", field="period")
    zone = ZoneInfo(tz)
    start = _floor(first, every, zone)
    end = _floor(last, every, zone)
    if end < last.astimezone(zone):
        end = _floor(end + timedelta(days=370 if every == "year" else 32 if every == "month" else 1), every, zone)
    bounds = pl.datetime_range(start, end, EVERY[every], time_zone=tz, eager=True)
    if bounds[-1] < last:
        bounds = pl.datetime_range(start, end + timedelta(days=370), EVERY[every], time_zone=tz, eager=True)
        bounds = bounds.filter(bounds <= bounds.filter(bounds >= last)[0])
    return bounds.dt.convert_time_zone("UTC").cast(TS).alias("bound")


def clipped_bounds(start: datetime, end: datetime, every: str, tz: str = TIME_ZONE) -> pl.Series:
    """Bounds of the civil periods of ``[start, end)`` cut to it: ``start``, the civil bounds strictly
    inside, then ``end``. A period that covers a civil period only in part (a year asked over
    [January, March), a month from the 15th) is that part, with its own start and end: its figures
    are computed from the readings over the part, never the whole civil period's."""
    civil = period_bounds(start, end - timedelta(microseconds=1), every, tz)
    edges = pl.Series("bound", [start, end]).cast(TS)
    inside = civil.filter((civil > edges[0]) & (civil < edges[1]))
    return pl.concat([edges.head(1), inside, edges.tail(1)]).alias("bound")


def prorate(intervals: pl.DataFrame, bounds: pl.Series) -> pl.DataFrame:
    """Split intervals over the periods delimited by ``bounds`` and sum them per meter and period."""
    b = bounds.cast(TS).dt.epoch("us")
    nb = b.len()
    iv = intervals.select(
        "meter_id",
        pl.col("start").dt.epoch("us").alias("s"),
        pl.col("end").dt.epoch("us").alias("e"),
        "quantity",
        "estimated",
        "gap",
        filled=pl.col("filled") if "filled" in intervals.columns else pl.lit(False),
    ).filter((pl.col("e") > b[0]) & (pl.col("s") < b[-1]))
    ps = (b.search_sorted(iv["s"], side="right").cast(pl.Int64) - 1).clip(-1, nb - 2)
    pe = (b.search_sorted(iv["e"], side="left").cast(pl.Int64) - 1).clip(0, nb - 2)
    iv = iv.with_columns(ps=ps, pe=pe, first_end=b.gather(ps + 1))
    # first piece of every interval: [s, min(e, end of its first period))
    piece = pl.min_horizontal("e", "first_end") - pl.col("s")
    split = pl.col("pe") > pl.col("ps")
    estimated = pl.col("estimated") | (pl.col("gap") & split)
    first = iv.select(
        "meter_id",
        pl.col("ps").alias("period"),
        (pl.col("quantity") * piece / (pl.col("e") - pl.col("s"))).alias("q"),
        estimated.alias("est"),
        pl.when(pl.col("filled")).then(0).otherwise(piece).alias("covered"),
        piece.alias("spanned"),
    )
    # the further pieces of the (few) intervals crossing boundaries
    rest = iv.filter(split).with_columns(period=pl.int_ranges(pl.col("ps") + 1, pl.col("pe") + 1)).explode("period")
    rest = rest.with_columns(lo=b.gather(rest["period"]), hi=b.gather(rest["period"] + 1))
    rest_piece = pl.min_horizontal("e", "hi") - pl.max_horizontal("s", "lo")
    rest = rest.select(
        "meter_id",
        "period",
        (pl.col("quantity") * rest_piece / (pl.col("e") - pl.col("s"))).alias("q"),
        (pl.col("estimated") | pl.col("gap")).alias("est"),
        pl.when(pl.col("filled")).then(0).otherwise(rest_piece).alias("covered"),
        rest_piece.alias("spanned"),
    )
    pieces = pl.concat([first, rest], rechunk=False).filter((pl.col("period") >= 0) & (pl.col("period") < nb - 1))
    per = pieces.group_by("meter_id", "period").agg(
        quantity=pl.col("q").sum(),
        estimated_quantity=pl.when(pl.col("est")).then(pl.col("q")).otherwise(0.0).sum(),
        covered=pl.col("covered").sum(),
        spanned=pl.col("spanned").sum(),
    )
    lo, hi = b.gather(per["period"]), b.gather(per["period"] + 1)
    return (
        per.with_columns(
            period_start=pl.from_epoch(lo, "us").dt.replace_time_zone("UTC"),
            period_end=pl.from_epoch(hi, "us").dt.replace_time_zone("UTC"),
            coverage=per["covered"] / (hi - lo),
            span=per["spanned"] / (hi - lo),
        )
        .with_columns(
            estimated_share=pl.when(pl.col("quantity") != 0)
            .then(pl.col("estimated_quantity") / pl.col("quantity"))
            .otherwise(0.0)
        )
        .select(list(PERIOD_SCHEMA))
        .cast(PERIOD_SCHEMA)
        .sort("meter_id", "period_start")
    )
