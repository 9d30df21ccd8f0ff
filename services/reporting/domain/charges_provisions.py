"""What the dwellings paid over a charge year: the consumption service's Provision rows (unit_id,
month, charge_category, amount_eur, building_id), pure polars.

Each row is rounded to the cent once; every total is a sum of rows' cents. A provision counts
for a dwelling when its unit and building are a dwelling of the perimeter; any other is an
``orphan``, listed and set against nothing. Provision rows are many (every dwelling, category and
month), so they are reduced per dwelling and category first, and the few orphans sorted out on
that reduction.
"""

from dataclasses import dataclass

import polars as pl

from services.reporting.domain.charges_costs import in_year, require_amounts, to_cents

DWELLING = ["building_id", "ug_id"]
DWELLING_CATEGORY = ["building_id", "ug_id", "charge_category"]


@dataclass(frozen=True)
class Paid:
    rows: pl.DataFrame  # the year's rows, ug_id for unit_id, amount_cents added (orphans too)
    by_dwelling: pl.DataFrame  # building_id, ug_id, charge_category, provisions_cents, current_monthly_cents
    months: pl.DataFrame  # building_id, ug_id, months: months with a provision other than 0
    orphans: pl.DataFrame  # building_id, ug_id, charge_category, amount_cents (not dwellings)


def provisions_paid(provisions: pl.DataFrame, dwellings: pl.DataFrame, year: int) -> Paid:
    """``current_monthly_cents``: the provision of the last month the dwelling has a row for, in
    that category (what it pays now, when the amount changed in the year)."""
    rows = in_year(provisions, year).rename({"unit_id": "ug_id"})
    require_amounts(rows, "amount_eur", ["ug_id", "month", "charge_category"], "provision")
    rows = rows.with_columns(to_cents(pl.col("amount_eur")).alias("amount_cents"))
    per_unit = rows.group_by(DWELLING_CATEGORY).agg(
        pl.col("amount_cents").sum().alias("provisions_cents"),
        pl.col("amount_cents").sort_by("month").last().alias("current_monthly_cents"),
    )
    months = (
        rows.filter(pl.col("amount_cents") != 0)
        .group_by(DWELLING)
        .agg(pl.col("month").n_unique().cast(pl.Int64).alias("months"))
    )
    return Paid(
        rows=rows,
        by_dwelling=per_unit.join(dwellings, on=DWELLING, how="semi"),
        months=months.join(dwellings, on=DWELLING, how="semi"),
        orphans=per_unit.join(dwellings, on=DWELLING, how="anti").select(
            *DWELLING_CATEGORY, pl.col("provisions_cents").alias("amount_cents")
        ),
    )


def monthly_provisions(paid: Paid) -> pl.DataFrame:
    """building_id, month, charge_category, provisions_cents: the dwellings' provisions per month
    (orphans left out)."""
    key = ["building_id", "month", "charge_category"]
    rows = paid.rows
    if paid.orphans.height:
        rows = rows.join(paid.orphans.select(DWELLING).unique(), on=DWELLING, how="anti")
    return rows.group_by(key).agg(pl.col("amount_cents").sum().alias("provisions_cents"))
