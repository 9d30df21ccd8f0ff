"""Contract performance (DESIGN 3.5), pure polars over the interventions' as-of facts.

- Deadline compliance = met / (met + missed), for the time to intervene and the time to repair;
  interventions still within their deadline (pending) or without one are not judged, and are
  counted apart so that a reader sees what the ratio leaves out.
- Hit parade: the units (or buildings) with the most curative interventions in the period,
  common parts included (a building's own interventions have no unit: they count for the
  building, and as "common parts" in the units' list). Ties are ties: every key with as many
  interventions as the last one shown is shown, with the same rank (1, 2, 2, 4 ...).
- Data quality (DESIGN 3.6): per contractor, the share of its records that passed every business
  check, (accepted - warned) / received, against the 95 % target; over the perimeter, the same
  ratio of the summed counts (a contractor with many records weighs more), null with no record.
"""

import polars as pl

COMMON_PARTS = "(common parts)"
QUALITY_TARGET = 0.95


def deadline_compliance(facts: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    live = facts.filter(pl.col("status") != "CANCELLED")
    aggregations = []
    for deadline in ("intervene", "repair"):
        column = pl.col(f"{deadline}_deadline")
        aggregations += [
            (column == "MET").sum().alias(f"{deadline}_met"),
            (column == "MISSED").sum().alias(f"{deadline}_missed"),
            (column == "PENDING").sum().alias(f"{deadline}_pending"),
        ]
    grouped = live.group_by(by).agg(*aggregations) if by else live.select(*aggregations)
    shares = []
    for deadline in ("intervene", "repair"):
        met, missed = pl.col(f"{deadline}_met"), pl.col(f"{deadline}_missed")
        shares.append(
            pl.when(met + missed > 0).then(met / (met + missed)).otherwise(None).alias(f"{deadline}_compliance")
        )
    result = grouped.with_columns(*shares)
    return result.sort(by) if by else result


def hit_parade(facts: pl.DataFrame, key: str, top: int) -> pl.DataFrame:
    """The ``top`` keys (``ug_id`` or ``building_id``) with the most curative interventions not
    cancelled, and every key tied with the last of them; columns key, building_id (for units),
    curative, rank."""
    curative = facts.filter((pl.col("nature") == "CURATIVE") & (pl.col("status") != "CANCELLED"))
    if key == "ug_id":
        curative = curative.with_columns(
            pl.when(pl.col("ug_id").is_null() | (pl.col("ug_id") == ""))
            .then(pl.concat_str(pl.lit(COMMON_PARTS + " "), pl.col("building_id")))
            .otherwise(pl.col("ug_id"))
            .alias("ug_id")
        )
        counted = curative.group_by("ug_id").agg(pl.len().alias("curative"), pl.col("building_id").first())
    else:
        counted = curative.group_by(key).agg(pl.len().alias("curative"))
    ranked = counted.with_columns(pl.col("curative").rank("min", descending=True).cast(pl.UInt32).alias("rank")).sort(
        ["rank", key]
    )
    if ranked.height <= top:
        return ranked
    threshold = ranked["curative"][top - 1]
    return ranked.filter(pl.col("curative") >= threshold)


def quality_against_target(quality: pl.DataFrame) -> pl.DataFrame:
    """Per contractor (``quality``: contractor_id, received, accepted, rejected, warned): the
    passing share and whether it meets QUALITY_TARGET; null share (and target not met) with no
    record received."""
    passing = pl.col("accepted") - pl.col("warned")
    share = pl.when(pl.col("received") > 0).then(passing / pl.col("received")).otherwise(None)
    return (
        quality.select("contractor_id", "received", "accepted", "rejected", "warned")
        .with_columns(share.alias("passing_share"))
        .with_columns((pl.col("passing_share") >= QUALITY_TARGET).fill_null(False).alias("meets_target"))
        .sort("contractor_id")
    )


def overall_quality(quality: pl.DataFrame) -> float | None:
    received = float(quality["received"].sum())
    return float((quality["accepted"] - quality["warned"]).sum()) / received if received else None
