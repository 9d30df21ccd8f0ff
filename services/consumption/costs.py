"""Costs of consumption: prices per meter (or supply contract) and period, applied to monthly figures.

A price row is ``meter_id, valid_from, basis, eur_per_unit, fixed_eur_per_month, source`` where
``basis`` is the unit the price is per: the meter's own unit (``m3``, ``litre``, ``kg``, ``kWh``) or
``kWh PCS`` / ``kWh PCI`` (gas is usually priced per kWh PCS). The price in force at the start of a
month applies to the whole month; the fixed part (subscription) is charged once per month in which
the meter has readings, in proportion to the month's coverage. Supply-contract prices become meter
prices through ``contract_prices``. Cost = quantity in the price's basis x unit price + fixed part.
"""

import polars as pl

from services.consumption.intervals import TS

PRICE_SCHEMA = {
    "meter_id": pl.Int64,
    "valid_from": TS,
    "basis": pl.String,
    "eur_per_unit": pl.Float64,
    "fixed_eur_per_month": pl.Float64,
    "source": pl.String,
}


def contract_prices(prices: pl.DataFrame, meter_contracts: pl.DataFrame) -> pl.DataFrame:
    """Contract prices (``contract_id`` instead of ``meter_id``) -> one price row per meter of the contract."""
    return prices.join(meter_contracts.select("contract_id", "meter_id"), on="contract_id").drop("contract_id")


def monthly_costs(monthly: pl.DataFrame, prices: pl.DataFrame) -> pl.DataFrame:
    """Add ``cost_eur`` (null when no price is known) and ``price_source`` to monthly per-meter figures.

    ``monthly`` has ``meter_id, period_start, quantity, kwh_pcs, kwh_pci, coverage``.
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
    cost = amount * pl.col("eur_per_unit") + pl.col("fixed_eur_per_month").fill_null(0.0) * pl.col("coverage")
    return (
        m.with_columns(cost_eur=cost, price_source=pl.col("source"))
        .drop("valid_from", "basis", "eur_per_unit", "fixed_eur_per_month", "source")
        .sort("meter_id", "period_start")
    )
