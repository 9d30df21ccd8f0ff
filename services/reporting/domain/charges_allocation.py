"""Sharing a building's recoverable costs among its dwellings (issue 14, item 2), pure polars.

Each charge category has one declared key (``AllocationKey``):
- ``equal``: the building's cost of the category in equal parts per dwelling;
- ``heated_area``: in proportion to each dwelling's heated floor area (m2, to the hundredth);
- ``own_meter``: a dwelling with its own recoverable meter of the category (a unit meter with a
  figure in the year) pays exactly that meter's cost; the rest of the building's cost of the
  category (its building meters and its contract costs) is shared by the key's
  ``remainder_basis`` (equal or heated_area) among the dwellings with no meter of their own, or
  among every dwelling when each has one. A unit meter of a unit that is not one of the
  building's dwellings stays in the rest (the anomalies list it).

Money is in cents (Int64). Rounding: the amount to share is whole cents; each dwelling first gets
the floor of its exact part, then the cents left over go one each to the dwellings with the
largest remainders (ties: the smallest ug_id first). The shares of a building's category thus add
up exactly to its cost. A negative amount (a correction) is shared the same way on its size.

Every dwelling gets its share, vacant or not: whose cost a share is (the tenant's or, for a vacant
dwelling, the landlord's) is decided by the caller, never by sharing it among the others. A
building with costs and no dwelling at all keeps them as ``undwelt`` (the landlord's).
"""

from dataclasses import dataclass

import polars as pl

from services.reporting.domain.charges_costs import paris_month, to_cents
from services.runtime.errors import InvalidArgument

BASES = ("equal", "heated_area", "own_meter")
REMAINDER_BASES = ("equal", "heated_area")
# Products of an amount in cents by a weight stay below this (Int64 arithmetic, no overflow).
MAX_PRODUCT = 2**62
SHARE_SCHEMA = {
    "building_id": pl.String,
    "ug_id": pl.String,
    "charge_category": pl.String,
    "basis": pl.String,
    "own_meter": pl.Boolean,
    "own_meter_cents": pl.Int64,
    "share_cents": pl.Int64,
}


@dataclass(frozen=True)
class AllocationKey:
    charge_category: str
    basis: str  # one of BASES
    remainder_basis: str | None = None  # own_meter only: one of REMAINDER_BASES


def keys_frame(keys: tuple[AllocationKey, ...]) -> pl.DataFrame:
    """The declared keys as a frame (charge_category, basis, remainder_basis), checked."""
    seen: set[str] = set()
    for index, key in enumerate(keys):
        field = f"allocation_keys[{index}]"
        if key.charge_category in seen:
            raise InvalidArgument(f"charge category {key.charge_category!r} has two keys", field=field)
        seen.add(key.charge_category)
        if key.basis not in BASES:
            raise InvalidArgument(f"basis {key.basis!r} is not one of {', '.join(BASES)}", field=f"{field}.basis")
        if key.basis == "own_meter" and key.remainder_basis not in REMAINDER_BASES:
            raise InvalidArgument(
                f"an own_meter key needs a remainder_basis, one of {', '.join(REMAINDER_BASES)}",
                field=f"{field}.remainder_basis",
            )
        if key.basis != "own_meter" and key.remainder_basis is not None:
            raise InvalidArgument("only an own_meter key has a remainder_basis", field=f"{field}.remainder_basis")
    return pl.DataFrame(
        [(k.charge_category, k.basis, k.remainder_basis) for k in keys],
        schema={"charge_category": pl.String, "basis": pl.String, "remainder_basis": pl.String},
        orient="row",
    )


def largest_remainder(frame: pl.DataFrame, group: list[str], amount: str, weight: str, order: str) -> pl.DataFrame:
    """``frame`` with ``allotted_cents``: each group's ``amount`` (Int64 cents, the same on every
    row of the group) shared in proportion to ``weight`` (Int64 > 0) by the largest-remainder rule
    of the module, ties going to the smallest ``order``. Rows come back sorted by group."""
    if frame.is_empty():
        return frame.with_columns(pl.lit(None, pl.Int64).alias("allotted_cents"))
    size = pl.col(amount).abs()
    if int(frame.select(size.max() * pl.col(weight).sum().over(group).max()).item()) >= MAX_PRODUCT:
        raise InvalidArgument("an amount or a weight is too large to share exactly", field=amount)
    exact = size * pl.col(weight)
    total_weight = pl.col(weight).sum().over(group)
    parts = frame.with_columns(
        (exact // total_weight).alias("_floor"),
        (exact % total_weight).alias("_remainder"),
    ).with_columns((size - pl.col("_floor").sum().over(group)).alias("_left"))
    ranked = parts.sort([*group, "_remainder", order], descending=[*[False] * len(group), True, False]).with_columns(
        pl.int_range(pl.len()).over(group).alias("_rank")
    )
    extra = (pl.col("_rank") < pl.col("_left")).cast(pl.Int64)
    return ranked.with_columns(
        (pl.col(amount).sign().cast(pl.Int64) * (pl.col("_floor") + extra)).alias("allotted_cents")
    ).drop("_floor", "_remainder", "_left", "_rank")


def unit_meter_costs(figures: pl.DataFrame, year: int) -> pl.DataFrame:
    """Cost of each unit's recoverable meters per category over ``year``: building_id, ug_id,
    charge_category, meters, own_cents. ``figures``: the consumption service's MonthlyFigure rows
    (unit_id empty for a building meter; cost_eur NaN when unpriced, counted as 0 here: the
    building's cost line says how many meters had no price). Each meter-month is rounded to the
    cent before the sum."""
    units = figures.filter(pl.col("recoverable") & (pl.col("unit_id") != "")).with_columns(
        paris_month(pl.col("month_start")).alias("month")
    )
    return (
        units.filter(pl.col("month").str.starts_with(f"{year:04d}-"))
        .with_columns(to_cents(pl.col("cost_eur").fill_nan(0.0)).alias("cents"))
        .group_by("building_id", pl.col("unit_id").alias("ug_id"), "charge_category")
        .agg(pl.col("meter_ref").n_unique().cast(pl.Int64).alias("meters"), pl.col("cents").sum().alias("own_cents"))
        .sort("building_id", "ug_id", "charge_category")
    )


def _weights(candidates: pl.DataFrame) -> pl.DataFrame:
    """``weight`` per candidate: 1 for equal, the heated area in hundredths of a m2 for heated_area."""
    by_area = candidates.filter(pl.col("weigh_by") == "heated_area")
    area = pl.col("heated_area_m2")
    wrong = by_area.filter(area.is_null() | area.is_nan() | (area < 0.005))
    if wrong.height:
        row = wrong.row(0, named=True)
        raise InvalidArgument(
            f"must be at least 0.01 to share {row['charge_category']} by heated floor area, is {row['heated_area_m2']}",
            field=f"dwelling {row['ug_id']} of building {row['building_id']}: heated_area_m2",
        )
    return candidates.with_columns(
        pl.when(pl.col("weigh_by") == "heated_area")
        .then((area * 100).round(0, mode="half_away_from_zero").cast(pl.Int64))
        .otherwise(1)
        .alias("weight")
    )


def allocate(
    totals: pl.DataFrame, dwellings: pl.DataFrame, own: pl.DataFrame, keys: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(shares, undwelt). ``totals``: building_id, charge_category, cost_cents; ``dwellings``:
    building_id, ug_id, heated_area_m2; ``own``: ``unit_meter_costs``; ``keys``: ``keys_frame``.
    shares (SHARE_SCHEMA, in no set order): one row per dwelling and category of its building's totals;
    undwelt: building_id, charge_category, cost_cents of buildings with no dwelling."""
    keyed = totals.join(keys, on="charge_category", how="left")
    no_key = keyed.filter(pl.col("basis").is_null())
    if no_key.height:
        row = no_key.row(0, named=True)
        raise InvalidArgument(
            f"no allocation key declared for charge category {row['charge_category']!r} "
            f"(building {row['building_id']} has costs in it)",
            field="allocation_keys",
        )
    undwelt = totals.join(dwellings.select("building_id").unique(), on="building_id", how="anti")
    candidates = keyed.join(dwellings, on="building_id", how="inner").join(
        own.select("building_id", "ug_id", "charge_category", "own_cents"),
        on=["building_id", "ug_id", "charge_category"],
        how="left",
    )
    group = ["building_id", "charge_category"]
    own_meter = (pl.col("basis") == "own_meter") & pl.col("own_cents").is_not_null()
    candidates = candidates.with_columns(
        own_meter.alias("own_meter"),
        pl.when(own_meter).then(pl.col("own_cents")).otherwise(0).alias("own_meter_cents"),
        pl.when(pl.col("basis") == "own_meter")
        .then(pl.col("remainder_basis"))
        .otherwise(pl.col("basis"))
        .alias("weigh_by"),
    ).with_columns(
        (pl.col("cost_cents") - pl.col("own_meter_cents").sum().over(group)).alias("rest_cents"),
        # the rest goes to the dwellings without their own meter, or to all when each has one
        (~pl.col("own_meter") | pl.col("own_meter").all().over(group)).alias("shares_rest"),
    )
    sharing = largest_remainder(
        _weights(candidates.filter(pl.col("shares_rest"))), group, "rest_cents", "weight", "ug_id"
    ).select("building_id", "ug_id", "charge_category", "allotted_cents")
    shares = candidates.join(sharing, on=["building_id", "ug_id", "charge_category"], how="left").with_columns(
        (pl.col("own_meter_cents") + pl.col("allotted_cents").fill_null(0)).alias("share_cents")
    )
    return (
        shares.select(list(SHARE_SCHEMA)).cast(SHARE_SCHEMA),  # type: ignore[arg-type]
        undwelt.select("building_id", "charge_category", "cost_cents").sort("building_id", "charge_category"),
    )
