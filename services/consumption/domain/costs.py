"""Costs of consumption: prices per meter (or supply contract) and period, applied to monthly figures.

A price row is ``meter_id, valid_from, basis, eur_per_unit, fixed_eur_per_month, source`` where
``basis`` is the unit the price is per: the meter's own unit (``m3``, ``litre``, ``kg``, ``kWh``) or
``kWh PCS`` / ``kWh PCI`` (gas is usually priced per kWh PCS). The price in force at the start of a
month applies to the whole month; the fixed part (subscription) is charged once per month in which
the meter has readings, in proportion to the month's ``span`` (its share between the meter's first
and last reading: a month whose bill is missing, filled between two bills, is charged its fixed
part). Prices stored per meter or per supply contract become meter prices through
``meter_prices`` (a meter's own price wins over its contract's for the same ``valid_from``).
Cost = quantity in the price's basis x unit price + fixed part.
"""

import polars as pl

from services.consumption.domain.intervals import TS

PRICE_SCHEMA = pl.Schema(
    {
        "meter_id": pl.Int64(),
        "valid_from": TS,
        "basis": pl.String(),
        "eur_per_unit": pl.Float64(),
        "fixed_eur_per_month": pl.Float64(),
        "source": pl.String(),
    }
)


def meter_prices(prices: pl.DataFrame, meters: pl.DataFrame) -> pl.DataFrame:
    """Stored prices (``target`` = ``meter:<ref>`` or ``contract:<ref>``, ``valid_from, basis, ...``)
    -> one price row per meter (``meter_id`` instead of ``target``), for ``meters``
    (``meter_id, meter_ref, contract_ref``)."""
    p = prices.with_columns(
        kind=pl.col("target").str.split_exact(":", 1).struct.field("field_0"),
        ref=pl.col("target").str.split_exact(":", 1).struct.field("field_1"),
    )
    by_meter = p.filter(pl.col("kind") == "meter").join(
        meters.select("meter_id", "meter_ref"), left_on="ref", right_on="meter_ref"
    )
    by_contract = p.filter(pl.col("kind") == "contract").join(
        meters.select("meter_id", "contract_ref"), left_on="ref", right_on="contract_ref"
    )
    # a meter's own price wins over its contract's for the same valid_from
    both = pl.concat([by_meter.with_columns(rank=pl.lit(0)), by_contract.with_columns(rank=pl.lit(1))])
    return both.sort("rank").unique(["meter_id", "valid_from"], keep="first").drop("rank", "kind", "ref", "target")


def monthly_costs(monthly: pl.DataFrame, prices: pl.DataFrame) -> pl.DataFrame:
    """Add ``cost_eur`` (null when no price is known) and ``price_source`` to monthly per-meter figures.

    ``monthly`` has ``meter_id, period_start, quantity, kwh_pcs, kwh_pci, span`` (or ``coverage``).
    """
    p = prices.select(list(PRICE_SCHEMA)).cast(PRICE_SCHEMA).sort("valid_from")
    m = monthly.sort("period_start").join_asof(
        p, left_on="period_start", right_on="valid_from", by="meter_id", strategy="backward", check_sortedness=False
    )
    amount = (
        pl.when(pl.col("basis") == "kWh PCS")
        .then(pl.col("kwh_pcs"))
        .when(pl.col("basis") == "kWh PCI")
        .then(pl.col("kwh_pci"))
        .otherwise(pl.col("quantity"))
    )
    span = pl.col("span") if "span" in monthly.columns else pl.col("coverage")
    cost = amount * pl.col("eur_per_unit") + pl.col("fixed_eur_per_month").fill_null(0.0) * span
    return (
        m.with_columns(cost_eur=cost, price_source=pl.col("source"))
        .drop("valid_from", "basis", "eur_per_unit", "fixed_eur_per_month", "source")
        .sort("meter_id", "period_start")
    )
