"""Index readings (cumulative registers) -> consumption per period, for every meter at once.

The register's story is rebuilt as a *corrected cumulative curve* ``C`` per meter: ``C = index +
offset``, where the offset is a running sum of a few sparse corrections. Consumption over a period
is ``C(period end) - C(period start)``, ``C`` being interpolated linearly in time between readings.
That interpolation *is* the proration across period boundaries (a uniform rate inside each
interval between two readings) and the gap estimate (see below). Everything is a handful of
vectorised passes over the sorted readings plus work on the few rows that need a correction.

Corrections, in this order:

1. **Replacement.** A replacement record says the old register stopped at ``old_last_index`` and
   the new one started at ``new_first_index`` at ``replaced_at``. Readings at or after
   ``replaced_at`` belong to the new register and get ``old_last_index - new_first_index`` added,
   so the interval spanning the replacement counts ``(old_last - previous) + (next - new_first)``.
2. **Isolated backwards reading.** A reading lower than the one before it while the next reading is
   back at or above the one before it is a misread: its index is replaced by the linear
   interpolation of its neighbours and it is reported as a ``backwards`` anomaly.
3. **Rollover.** A register of ``register_digits`` integer digits wraps at ``W = 10**digits``. A drop
   ``d < 0`` with ``d + W`` in ``[0, W/2)`` (less than half a turn since the last reading) is a
   rollover: the interval counts ``d + W``.
4. **Backwards without rollover or replacement.** Any other drop is not a consumption: the interval
   counts an estimate, the mean rate of the neighbouring intervals of the same meter times the
   interval's length (0 if it has none); it is flagged estimated and reported as ``backwards``.

**Gaps.** An interval longer than 1.5 times the shorter of its neighbouring intervals (a missing
daily reading, a skipped monthly one) is a gap. Estimate: linear interpolation of the index between
the two actual readings around the gap, i.e. the gap's consumption spread uniformly per unit of
time. A gap's quantity is known; only its split over time is estimated, so a gap that is split
across period boundaries counts as estimated in each period it touches, and a gap inside one
period does not. A reading flagged ``estimated`` by its source makes both intervals it bounds
estimated; so does an interval corrected by rule 4; the part of each period resting on them is
``estimated_quantity``.

Before a meter's first reading and after its last, nothing is extrapolated: the period's
``coverage`` (share of its duration between the first and last reading) says how much is known.
Readings are placed against period bounds at one-second resolution.
"""

from typing import NamedTuple

import polars as pl

from services.consumption.domain.intervals import (
    ANOMALY_SCHEMA,
    EVENT_SCHEMA,
    INDEX_SCHEMA,
    INTERVAL_SCHEMA,
    METER_SCHEMA,
    REPLACEMENT_SCHEMA,
    TS,
    sort_readings,
)
from services.consumption.domain.periods import PERIOD_SCHEMA, prorate

GAP_FACTOR_NUM, GAP_FACTOR_DEN = 3, 2  # gap: interval > 1.5 x the shorter neighbour
_FAR = 2**60  # a duration longer than any real interval (fits three times in an Int64)
_KEY_SHIFT = 2**32  # search key = meter_id * 2**32 + seconds since 1970 (meter ids < 2**31)


def index_consumption(
    readings: pl.DataFrame,
    bounds: pl.Series,
    meters: pl.DataFrame | None = None,
    replacements: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Index readings -> (consumption per meter and period, events applied, anomalies).

    ``bounds`` are the period bounds (``periods.period_bounds``); ``meters`` gives
    ``register_digits`` (null: the register never wraps); ``replacements`` the replacement history.
    """
    r = readings.select(list(INDEX_SCHEMA)).cast(INDEX_SCHEMA)
    if r.height == 0:
        return (
            pl.DataFrame(schema=PERIOD_SCHEMA),
            pl.DataFrame(schema=EVENT_SCHEMA),
            pl.DataFrame(schema=ANOMALY_SCHEMA),
        )
    sc = _scan(r)
    if not sc.key.is_sorted():  # the search key orders by meter, then second: not sorted, sort once
        sc = _scan(r.sort("meter_id", "read_at"))
    meters = pl.DataFrame(schema=METER_SCHEMA) if meters is None else meters.select(list(METER_SCHEMA))
    repl = pl.DataFrame(schema=REPLACEMENT_SCHEMA) if replacements is None else replacements.cast(REPLACEMENT_SCHEMA)

    fixes = _corrections(sc, meters.cast(METER_SCHEMA), repl)
    offsets = _offsets(fixes["row"], fixes["meter_id"], fixes["correction"])
    flagged = _estimated_intervals(sc, fixes, offsets)
    periods = _evaluate(sc, offsets, bounds)
    if flagged.height:
        est = prorate(flagged, bounds).select("meter_id", "period_start", pl.col("estimated_quantity").alias("est"))
        periods = (
            periods.join(est, on=["meter_id", "period_start"], how="left")
            .with_columns(estimated_quantity=pl.col("est").fill_null(0.0))
            .drop("est")
        )
    periods = periods.with_columns(
        estimated_share=pl.when(pl.col("quantity") != 0)
        .then(pl.col("estimated_quantity") / pl.col("quantity"))
        .otherwise(0.0)
    ).select(list(PERIOD_SCHEMA))
    return periods, fixes_events(fixes), fixes_anomalies(fixes)


def reading_intervals(
    readings: pl.DataFrame,
    meters: pl.DataFrame | None = None,
    replacements: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Index readings -> the interval between each two consecutive readings of a meter, on the
    corrected curve: ``meter_id, start, end, quantity, estimated``.

    The corrections are those of ``index_consumption`` (replacement, misread, rollover, backwards
    drop), so an interval spanning a replacement counts ``(old_last - previous) + (next - new_first)``
    rather than the jump between two registers. ``estimated`` marks an interval whose quantity is not
    read but estimated: either side of a misread (its index is an interpolation), a backwards drop,
    or an interval bounded by a reading its source flagged estimated. Rules that need observed
    evidence (night flow) leave those out.
    """
    r = sort_readings(readings.select(list(INDEX_SCHEMA)).cast(INDEX_SCHEMA), "read_at")
    if r.height == 0:
        return pl.DataFrame(schema={k: v for k, v in INTERVAL_SCHEMA.items() if k != "gap"})
    sc = _scan(r)
    meters = pl.DataFrame(schema=METER_SCHEMA) if meters is None else meters.select(list(METER_SCHEMA))
    repl = pl.DataFrame(schema=REPLACEMENT_SCHEMA) if replacements is None else replacements.cast(REPLACEMENT_SCHEMA)
    fixes = _corrections(sc, meters.cast(METER_SCHEMA), repl)
    offsets = _offsets(fixes["row"], fixes["meter_id"], fixes["correction"])
    rows = pl.int_range(r.height, eager=True, dtype=pl.Int64)
    dips = fixes.filter(pl.col("kind") == "dip")["row"]
    guessed = pl.concat([dips, dips + 1, fixes.filter(pl.col("kind") == "backwards")["row"]])
    same = pl.col("meter_id") == pl.col("meter_id").shift(1)
    return (
        r.with_columns(
            c=pl.col("value") + _offset_at(offsets, rows, r["meter_id"]),
            guessed=rows.is_in(guessed.implode()),
        )
        .select(
            "meter_id",
            start=pl.col("read_at").shift(1),
            end="read_at",
            quantity=pl.col("c").diff(),
            estimated=pl.col("guessed") | pl.col("estimated") | pl.col("estimated").shift(1),
            same=same,
        )
        .filter(pl.col("same"))
        .drop("same")
    )


class _Scan(NamedTuple):
    base: pl.DataFrame  # meter_id, t (epoch us), v: every reading
    key: pl.Series  # meter_id * 2**32 + seconds: sorted search key
    neg_rows: pl.Series  # rows whose index is below the previous reading of the same meter
    flagged: pl.DataFrame  # row, gap, est: intervals (ending at row) that are gaps or estimated
    firsts: pl.Series  # first row of each meter


def _scan(r: pl.DataFrame) -> _Scan:
    """The one pass over every reading (streamed, both cores); everything after is sparse."""
    same = pl.col("meter_id") == pl.col("meter_id").shift(1, fill_value=-1)
    t = pl.col("read_at").dt.epoch("us")
    shorter = pl.min_horizontal(pl.col("dt").shift(1, fill_value=_FAR), pl.col("dt").shift(-1, fill_value=_FAR))
    # gap: dt > 1.5 x shorter neighbour, in integers
    gap = (GAP_FACTOR_DEN * pl.col("dt") > GAP_FACTOR_NUM * shorter) & (shorter < _FAR)
    out = (
        r.lazy()
        .select(
            key=pl.col("meter_id") * _KEY_SHIFT + t // 1_000_000,
            neg=same & (pl.col("value") < pl.col("value").shift(1)),
            first=~same,
            dt=pl.when(same).then(t - t.shift(1)).otherwise(_FAR),
            est=same & (pl.col("estimated") | pl.col("estimated").shift(1, fill_value=False)),
        )
        .select("key", "neg", "first", "est", gap=gap)
        .collect()
    )
    rows = (out["gap"] | out["est"]).arg_true()
    flagged = out.select("gap", "est")[rows].with_columns(row=rows.cast(pl.Int64))
    base = r.select("meter_id", t=pl.col("read_at").dt.epoch("us"), v="value")
    return _Scan(base, out["key"].rechunk(), out["neg"].arg_true().cast(pl.Int64), flagged, out["first"].arg_true())


def _at(base: pl.DataFrame, rows: pl.Series) -> pl.DataFrame:
    """Readings at ``rows`` with ``same`` (same meter as the row before) and ``d`` (delta to it)."""
    n = base.height
    cur = base[rows.clip(0, n - 1)]
    before = base[(rows - 1).clip(0, n - 1)]
    inside = (rows >= 0) & (rows < n)
    same = inside & (rows >= 1) & (cur["meter_id"] == before["meter_id"])
    return cur.with_columns(same=same, d=cur["v"] - before["v"], inside=inside)


def _corrections(sc: _Scan, meters: pl.DataFrame, repl: pl.DataFrame) -> pl.DataFrame:
    """The sparse rows whose interval needs a correction, classified, with their correction."""
    n = sc.base.height
    keys = sc.key
    # replacement -> first reading at or after replaced_at
    rp = repl.with_columns(
        k=pl.col("meter_id") * _KEY_SHIFT + (pl.col("replaced_at").dt.epoch("us") + 999_999) // 1_000_000
    )
    rp = rp.with_columns(row=keys.search_sorted(rp["k"], side="left").cast(pl.Int64)).filter(pl.col("row") < n)
    hit = _at(sc.base, rp["row"])
    rp = rp.filter((hit["meter_id"] == rp["meter_id"]) & hit["same"])
    rp_rows = rp.group_by("row").agg(
        repl_corr=(pl.col("old_last_index") - pl.col("new_first_index")).sum(),
        replaced_at=pl.col("replaced_at").min(),
        repl_detail=pl.format(
            "old register closed at {}, new register opened at {}", "old_last_index", "new_first_index"
        ).first(),
    )
    cand = pl.concat([sc.neg_rows.to_frame("row"), rp_rows.select("row")]).unique().sort("row")
    cand = cand.join(rp_rows, on="row", how="left").with_columns(pl.col("repl_corr").fill_null(0.0))
    rows = cand["row"]
    cur, p, q = _at(sc.base, rows), _at(sc.base, rows - 1), _at(sc.base, rows + 1)
    cand = cand.with_columns(
        meter_id=cur["meter_id"],
        t=cur["t"],
        v=cur["v"],
        d=cur["d"] + cand["repl_corr"],
        t_prev=p["t"],
        v_prev=p["v"],
        prev_ok=cur["same"],
        d_prev=p["d"],
        t_next=q["t"],
        v_next=q["v"],
        next_ok=q["same"] & q["inside"],
        d_next=q["d"],
    ).join(meters, on="meter_id", how="left")
    nxt_is_repl = cand["row"].is_in((rp_rows["row"] - 1).implode())
    wrap = pl.lit(10.0).pow(pl.col("register_digits"))
    dt = pl.col("t") - pl.col("t_prev")
    prev2 = _at(sc.base, rows - 2)
    cand = cand.with_columns(
        rate_p=pl.when(pl.col("prev_ok") & p["same"] & (pl.col("d_prev") >= 0))
        .then(pl.col("d_prev") / (pl.col("t_prev") - prev2["t"]))
        .otherwise(None),
        rate_n=pl.when(pl.col("next_ok") & (pl.col("d_next") >= 0))
        .then(pl.col("d_next") / (pl.col("t_next") - pl.col("t")))
        .otherwise(None),
    )
    kind = (
        pl.when(pl.col("d") >= 0)
        .then(pl.lit("replacement"))
        .when(
            (pl.col("repl_corr") == 0)
            & pl.col("next_ok")
            & ~pl.lit(nxt_is_repl)
            & (pl.col("v_next") >= pl.col("v_prev"))
        )
        .then(pl.lit("dip"))
        .when(pl.col("register_digits").is_not_null() & (pl.col("d") + wrap >= 0) & (pl.col("d") + wrap < wrap / 2))
        .then(pl.lit("rollover"))
        .otherwise(pl.lit("backwards"))
    )
    cand = cand.with_columns(kind=kind)
    interp = pl.col("v_prev") + (pl.col("v_next") - pl.col("v_prev")) * (pl.col("t") - pl.col("t_prev")) / (
        pl.col("t_next") - pl.col("t_prev")
    )
    estimate = pl.mean_horizontal("rate_p", "rate_n").fill_null(0.0) * dt
    cand = cand.with_columns(
        interp=interp,
        estimate=estimate,
        correction=pl.when(pl.col("kind") == "replacement")
        .then(pl.col("repl_corr"))
        .when(pl.col("kind") == "dip")
        .then(interp - pl.col("v"))
        .when(pl.col("kind") == "rollover")
        .then(pl.col("repl_corr") + wrap)
        .otherwise(pl.col("repl_corr") + estimate - pl.col("d")),
    )
    # a dip's correction is undone at the next reading
    undo = cand.filter(pl.col("kind") == "dip").select(
        (pl.col("row") + 1).alias("row"), "meter_id", (-pl.col("correction")).alias("correction")
    )
    return pl.concat([cand, undo], how="diagonal_relaxed").sort("row")


def _offsets(rows: pl.Series, meter_ids: pl.Series, corrections: pl.Series) -> pl.DataFrame:
    """Running sum of corrections per meter, by row (sparse: one line per corrected row)."""
    f = pl.DataFrame({"row": rows, "meter_id": meter_ids, "correction": corrections})
    return (
        f.group_by("row", "meter_id")
        .agg(pl.col("correction").sum())
        .sort("row")
        .with_columns(offset=pl.col("correction").cum_sum().over("meter_id"))
    )


def _offset_at(offsets: pl.DataFrame, rows: pl.Series, meter_ids: pl.Series) -> pl.Series:
    if offsets.height == 0:
        return pl.zeros(rows.len(), pl.Float64, eager=True)
    j = offsets["row"].search_sorted(rows, side="right").cast(pl.Int64) - 1
    jc = j.clip(0, offsets.height - 1)
    hit = (j >= 0) & (offsets["meter_id"].gather(jc) == meter_ids)
    return pl.select(pl.when(hit).then(offsets["offset"].gather(jc)).otherwise(0.0)).to_series().alias("offset")


def _estimated_intervals(sc: _Scan, fixes: pl.DataFrame, offsets: pl.DataFrame) -> pl.DataFrame:
    """Intervals whose quantity or split rests on an estimate, with their corrected quantity."""
    rows = sc.flagged
    backwards = fixes.filter(pl.col("kind") == "backwards").select("row", est=pl.lit(True), gap=pl.lit(False))
    # a dropped (dip) reading merges its two intervals into one gap-like interval
    dips = fixes.filter(pl.col("kind") == "dip").select("row")
    dip_rows = pl.concat([dips["row"], dips["row"] + 1])
    listed = (
        pl.concat([rows.select("row", "est", "gap"), backwards])
        .group_by("row")
        .agg(pl.col("est").any(), pl.col("gap").any())
    )
    listed = listed.filter(~pl.col("row").is_in(dip_rows.implode()))
    g = sc.base
    cur, prev = g[listed["row"]], g[listed["row"] - 1]
    c_cur = cur["v"] + _offset_at(offsets, listed["row"], cur["meter_id"])
    c_prev = prev["v"] + _offset_at(offsets, listed["row"] - 1, prev["meter_id"])
    single = pl.DataFrame(
        {
            "meter_id": cur["meter_id"],
            "start": prev["t"],
            "end": cur["t"],
            "quantity": c_cur - c_prev,
            "estimated": listed["est"],
            "gap": listed["gap"],
        }
    )
    d_prev, d_next = g[dips["row"] - 1], g[dips["row"] + 1]
    merged = pl.DataFrame(
        {
            "meter_id": d_prev["meter_id"],
            "start": d_prev["t"],
            "end": d_next["t"],
            "quantity": (d_next["v"] + _offset_at(offsets, dips["row"] + 1, d_next["meter_id"]))
            - (d_prev["v"] + _offset_at(offsets, dips["row"] - 1, d_prev["meter_id"])),
            "estimated": pl.Series([False] * dips.height, dtype=pl.Boolean),
            "gap": pl.Series([True] * dips.height, dtype=pl.Boolean),
        }
    )
    out = pl.concat([single, merged])
    return out.with_columns(
        pl.from_epoch("start", "us").dt.replace_time_zone("UTC"),
        pl.from_epoch("end", "us").dt.replace_time_zone("UTC"),
    )


def _evaluate(sc: _Scan, offsets: pl.DataFrame, bounds: pl.Series) -> pl.DataFrame:
    """C at every (meter, bound), then consumption and coverage per (meter, period)."""
    n = sc.base.height
    b = bounds.cast(TS).dt.epoch("us").alias("b")
    nb = b.len()
    firsts = sc.firsts.cast(pl.Int64)
    lasts = pl.concat([firsts.slice(1) - 1, pl.Series([n - 1], dtype=pl.Int64)])
    per_meter = pl.DataFrame({"meter_id": sc.base["meter_id"].gather(firsts), "first": firsts, "last": lasts})
    grid = per_meter.join(pl.DataFrame({"k": pl.int_range(nb, eager=True), "b": b}), how="cross")
    keys = sc.key
    i = keys.search_sorted(grid["meter_id"] * _KEY_SHIFT + grid["b"] // 1_000_000, side="right").cast(pl.Int64) - 1
    lo = i.clip(grid["first"], grid["last"])
    hi = (i + 1).clip(grid["first"], grid["last"])
    c = sc.base.select("t", "v")
    a, z = c[lo], c[hi]
    ca = a["v"] + _offset_at(offsets, lo, grid["meter_id"])
    cz = z["v"] + _offset_at(offsets, hi, grid["meter_id"])
    grid = grid.with_columns(ta=a["t"], tz=z["t"], ca=ca, cz=cz)
    frac = ((pl.col("b") - pl.col("ta")) / (pl.col("tz") - pl.col("ta"))).fill_nan(0.0).clip(0.0, 1.0)
    grid = grid.with_columns(
        c=pl.when(pl.col("tz") > pl.col("ta"))
        .then(pl.col("ca") + (pl.col("cz") - pl.col("ca")) * frac)
        .otherwise(pl.col("ca")),
        t_first=c["t"].gather(grid["first"]),
        t_last=c["t"].gather(grid["last"]),
    )
    nxt_b = pl.col("b").shift(-1)
    covered = (pl.min_horizontal(nxt_b, "t_last") - pl.max_horizontal("b", "t_first")).clip(0)
    out = grid.with_columns(
        quantity=pl.col("c").shift(-1) - pl.col("c"),
        coverage=covered / (nxt_b - pl.col("b")),
        period_end=nxt_b,
    ).filter((pl.col("k") < nb - 1) & (pl.col("coverage") > 0))
    return out.select(
        "meter_id",
        period_start=pl.from_epoch("b", "us").dt.replace_time_zone("UTC"),
        period_end=pl.from_epoch("period_end", "us").dt.replace_time_zone("UTC"),
        quantity="quantity",
        estimated_quantity=pl.lit(0.0),
        coverage="coverage",
        span="coverage",  # index readings: what lies between two readings is read, never filled
    )


def fixes_events(fixes: pl.DataFrame) -> pl.DataFrame:
    ev = fixes.filter(pl.col("kind").is_in(["replacement", "rollover"]))
    return (
        ev.select(
            "meter_id",
            at=pl.when(pl.col("kind") == "replacement")
            .then(pl.col("replaced_at"))
            .otherwise(pl.from_epoch("t", "us").dt.replace_time_zone("UTC")),
            event="kind",
            detail=pl.when(pl.col("kind") == "replacement")
            .then(pl.col("repl_detail"))
            .otherwise(pl.format("register of {} digits wrapped from {} to {}", "register_digits", "v_prev", "v")),
        )
        .cast(EVENT_SCHEMA)
        .sort("meter_id", "at")
    )


def fixes_anomalies(fixes: pl.DataFrame) -> pl.DataFrame:
    bad = fixes.filter(pl.col("kind").is_in(["dip", "backwards"]))
    at = pl.from_epoch("t", "us").dt.replace_time_zone("UTC")
    return (
        bad.select(
            "meter_id",
            kind=pl.lit("backwards"),
            window_start=pl.from_epoch("t_prev", "us").dt.replace_time_zone("UTC"),
            window_end=pl.when(pl.col("kind") == "dip")
            .then(pl.from_epoch("t_next", "us").dt.replace_time_zone("UTC"))
            .otherwise(at),
            expected=pl.col("v_prev"),
            observed=pl.col("v"),
            detail=pl.when(pl.col("kind") == "dip")
            .then(
                pl.format(
                    "index {} read at {} is below the previous one ({}) and the next is back above it: a misread, "
                    "replaced by interpolation",
                    "v",
                    at.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "v_prev",
                )
            )
            .otherwise(
                pl.format(
                    "index went down from {} to {} with no rollover or replacement; interval estimated at {}",
                    "v_prev",
                    "v",
                    pl.col("estimate").round(3),
                )
            ),
        )
        .cast(ANOMALY_SCHEMA)
        .sort("meter_id", "window_start")
    )
