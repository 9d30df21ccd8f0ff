"""Which of a carrier's resolved boundaries a report counts (pure).

The factors service answers a boundary "*" line with every boundary the set has: combustion,
upstream, T&D losses, and the total, which is their sum. Adding a total to its parts would
count the same emission twice, so a carrier is counted by its parts when the set gives any,
and by its total only when the publisher gives nothing else (FEDENE district heating).
"""

import polars as pl

PARTS = ("combustion", "upstream", "td_losses")


def counted_boundaries(resolved: pl.DataFrame) -> pl.DataFrame:
    """``resolved`` (carrier, boundary, ...) without the totals of carriers that have parts."""
    keys = ["carrier", "month_start"] if "month_start" in resolved.columns else ["carrier"]
    with_parts = resolved.filter(pl.col("boundary").is_in(PARTS)).select(keys).unique()
    totals_kept = resolved.filter(pl.col("boundary") == "total").join(with_parts, on=keys, how="anti")
    return pl.concat([resolved.filter(pl.col("boundary").is_in(PARTS)), totals_kept]).sort(*keys, "boundary")
