"""Consumption figures for a perimeter: which meters it holds, and its totals per carrier."""

from collections.abc import Sequence

import polars as pl


def in_perimeter(
    meters: pl.DataFrame, building_ids: Sequence[str], meter_refs: Sequence[str], carriers: Sequence[str]
) -> pl.DataFrame:
    """The meters of a perimeter: each non-empty list narrows it (empty: every one)."""
    if building_ids:
        meters = meters.filter(pl.col("building_id").is_in(list(building_ids)))
    if meter_refs:
        meters = meters.filter(pl.col("meter_ref").is_in(list(meter_refs)))
    if carriers:
        meters = meters.filter(pl.col("carrier").is_in(list(carriers)))
    return meters


def carrier_totals(figures: pl.DataFrame) -> pl.DataFrame:
    """Figures per meter and period (``carrier, unit, quantity, kwh_pci, estimated_quantity``) ->
    totals per carrier and unit: ``carrier, unit, quantity, kwh_pci, estimated_share`` (the
    estimated part of the quantity, 0 when nothing was consumed)."""
    return (
        figures.group_by("carrier", "unit")
        .agg(
            quantity=pl.col("quantity").sum(),
            kwh_pci=pl.col("kwh_pci").sum(),
            est=pl.col("estimated_quantity").sum(),
        )
        .with_columns(
            estimated_share=pl.when(pl.col("quantity") != 0)
            .then(pl.col("est") / pl.col("quantity"))
            .otherwise(pl.lit(0.0))
        )
        .drop("est")
        .sort("carrier", "unit")
    )
