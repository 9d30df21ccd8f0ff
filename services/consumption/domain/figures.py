"""Consumption figures for a perimeter: which meters it holds, and its totals per carrier."""

from collections.abc import Sequence

import polars as pl

from services.consumption.domain.vocab import WATER_CARRIERS


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
    totals per carrier and unit: ``carrier, unit, quantity, kwh_pci, estimated_share, energy,
    figures_without_kwh``.

    - ``estimated_share``: the estimated part of the quantity, 0 when nothing was consumed;
    - ``energy``: false for water (cold_water, hot_water), which has no kWh: its ``kwh_pci`` is NaN
      ("not applicable"), never 0;
    - ``figures_without_kwh``: energy figures with no kWh (no conversion for them); when there is
      any, ``kwh_pci`` is NaN rather than the sum of the others, a part presented as the whole.

    Hand-worked: gas figures of 100 and 50 kWh -> 150; water 12 m3 -> kwh_pci NaN, energy false;
    heating oil 200 litres with no conversion -> kwh_pci NaN, figures_without_kwh 1."""
    energy = ~pl.col("carrier").is_in(WATER_CARRIERS)
    return (
        figures.group_by("carrier", "unit")
        .agg(
            quantity=pl.col("quantity").sum(),
            kwh=pl.col("kwh_pci").fill_nan(None).sum(),
            figures_without_kwh=pl.col("kwh_pci").fill_nan(None).null_count().cast(pl.Int32),
            est=pl.col("estimated_quantity").sum(),
        )
        .with_columns(energy=energy)
        .with_columns(
            figures_without_kwh=pl.when(pl.col("energy")).then("figures_without_kwh").otherwise(pl.lit(0, pl.Int32)),
            kwh_pci=pl.when(pl.col("energy") & (pl.col("figures_without_kwh") == 0))
            .then(pl.col("kwh"))
            .otherwise(pl.lit(float("nan"))),
            estimated_share=pl.when(pl.col("quantity") != 0)
            .then(pl.col("est") / pl.col("quantity"))
            .otherwise(pl.lit(0.0)),
        )
        .select("carrier", "unit", "quantity", "kwh_pci", "estimated_share", "energy", "figures_without_kwh")
        .sort("carrier", "unit")
    )
