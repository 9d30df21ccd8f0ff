"""Preventive against curative (DESIGN 3.1), pure polars.

Over the interventions requested in the period and not cancelled, diagnostics left out:
- preventive share by count = preventive / (preventive + curative);
- preventive share by cost = preventive cost / (preventive + curative cost);
per group (a perimeter key: contractor, trade, building ...). A group that has only one of the two
natures (a contractor whose contract is preventive only, say) gets no share: its ``one_nature``
flag says why, so a report shows "one nature only", never 0 % or 100 % as a performance figure.
A share by cost with no cost at all is null too.
"""

import polars as pl


def one_nature(preventive: pl.Expr, curative: pl.Expr) -> pl.Expr:
    """A group with interventions of only one of the two natures: its share says nothing."""
    return ((preventive + curative) > 0) & ((preventive == 0) | (curative == 0))


def share_by_count(preventive: pl.Expr, curative: pl.Expr) -> pl.Expr:
    """preventive / (preventive + curative); null for a one-nature group or nothing to count."""
    counted = preventive + curative
    return pl.when(one_nature(preventive, curative) | (counted == 0)).then(None).otherwise(preventive / counted)


def preventive_shares(facts: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """``facts``: nature, status, cost_eur and the ``by`` columns. One row per group, sorted."""
    counted = facts.filter((pl.col("status") != "CANCELLED") & pl.col("nature").is_in(["PREVENTIVE", "CURATIVE"]))
    preventive = pl.col("nature") == "PREVENTIVE"
    grouped = counted.group_by(by).agg(
        preventive.sum().alias("preventive"),
        (~preventive).sum().alias("curative"),
        pl.col("cost_eur").filter(preventive).sum().alias("preventive_cost_eur"),
        pl.col("cost_eur").filter(~preventive).sum().alias("curative_cost_eur"),
    )
    one_nature = (pl.col("preventive") == 0) | (pl.col("curative") == 0)
    cost = pl.col("preventive_cost_eur") + pl.col("curative_cost_eur")
    return grouped.with_columns(
        one_nature.alias("one_nature"),
        pl.when(one_nature)
        .then(None)
        .otherwise(pl.col("preventive") / (pl.col("preventive") + pl.col("curative")))
        .alias("share_by_count"),
        pl.when(one_nature | (cost <= 0))
        .then(None)
        .otherwise(pl.col("preventive_cost_eur") / cost)
        .alias("share_by_cost"),
    ).sort(by)
