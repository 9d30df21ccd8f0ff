"""Meter units -> kWh PCS / kWh PCI, with every coefficient taken from data that names its source.

Two kinds of coefficients, both inputs (never constants in code):

- **Per-meter, per-period gas coefficients** (kWh PCS per m3): the supplier's *coefficient de
  conversion*, which changes with the gas quality and the period. Frame ``meter_id, valid_from,
  kwh_pcs_per_m3, source``; a coefficient applies from its own ``valid_from``: the coefficient in
  force at the start of a period applies to it, unless another takes over inside the period, in
  which case the period is split by day (``coefficient_changes``, ``day_split_pcs``): each day's
  quantity takes the coefficient in force at the day's start.
- **Carrier conversions** (``factors/conversions.csv`` shape): ``carrier, from_unit, to_unit,
  multiplier, source`` meaning ``1 from_unit = multiplier to_unit``. Natural gas PCS/PCI comes as
  ``natural_gas, kWh PCI, kWh PCS, 1.11`` (so kWh PCI = kWh PCS / 1.11); heating oil as e.g.
  ``heating_oil, litre, kWh PCI, <x>`` from whoever supplies it.

Output columns: ``kwh_pcs`` (gas only), ``kwh_pci`` (final energy: PCI basis for fuels, plain kWh
for electricity and heat; null for water) and ``conversion`` (how it was obtained, or why not).
A missing coefficient leaves a null and says so; it is never guessed.
"""

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from services.consumption.domain.intervals import TS

GAS_COEFFICIENT_SCHEMA = pl.Schema(
    {"meter_id": pl.Int64(), "valid_from": TS, "kwh_pcs_per_m3": pl.Float64(), "source": pl.String()}
)
CONVERSION_SCHEMA = pl.Schema(
    {
        "carrier": pl.String(),
        "from_unit": pl.String(),
        "to_unit": pl.String(),
        "multiplier": pl.Float64(),
        "source": pl.String(),
    }
)
FINAL_KWH_CARRIERS = ("electricity", "district_heating")


def _ratio(conversions: pl.DataFrame, carrier: str, from_unit: str, to_unit: str) -> tuple[float, str] | None:
    """Multiplier for ``1 from_unit = m to_unit``, using a row in either direction."""
    c = conversions.filter(pl.col("carrier") == carrier)
    direct = c.filter((pl.col("from_unit") == from_unit) & (pl.col("to_unit") == to_unit))
    if direct.height:
        return direct["multiplier"][0], direct["source"][0]
    inverse = c.filter((pl.col("from_unit") == to_unit) & (pl.col("to_unit") == from_unit))
    if inverse.height:
        return 1.0 / inverse["multiplier"][0], inverse["source"][0]
    return None


def coefficient_changes(periods: pl.DataFrame, gas_coefficients: pl.DataFrame) -> pl.DataFrame:
    """``meter_id, period_start, period_end`` of the periods inside which a gas coefficient of their
    meter takes over (its valid_from strictly inside): those are split by day."""
    gas = gas_coefficients.select("meter_id", "valid_from")
    return (
        periods.select("meter_id", "period_start", "period_end")
        .join(gas, on="meter_id")
        .filter((pl.col("valid_from") > pl.col("period_start")) & (pl.col("valid_from") < pl.col("period_end")))
        .select("meter_id", "period_start", "period_end")
        .unique()
        .sort("meter_id", "period_start")
    )


def day_split_pcs(split: pl.DataFrame, days: pl.DataFrame, gas_coefficients: pl.DataFrame) -> pl.DataFrame:
    """kWh PCS of the ``split`` periods (``coefficient_changes``) from their days' quantities
    (``days``: ``meter_id, period_start, quantity`` by day), each day at the coefficient in force at
    its start -> ``meter_id, period_start, kwh_pcs_split`` (null when a day has no coefficient).

    Hand-worked: 10 m3 a day through April 2024 (30 days), 11.0 kWh PCS/m3 until 15 April and 12.0
    from then: 14 x 10 x 11 + 16 x 10 x 12 = 1,540 + 1,920 = 3,460 kWh PCS (not 300 x 11 = 3,300)."""
    gas = gas_coefficients.select("meter_id", "valid_from", "kwh_pcs_per_m3").cast(
        {"meter_id": pl.Int64, "valid_from": TS}
    )
    d = (
        days.select("meter_id", day=pl.col("period_start"), quantity="quantity")
        .sort("day")
        .join_asof(
            gas.sort("valid_from"),
            left_on="day",
            right_on="valid_from",
            by="meter_id",
            strategy="backward",
            check_sortedness=False,
        )
        .join_asof(
            split.select("meter_id", "period_start", "period_end").sort("period_start"),
            left_on="day",
            right_on="period_start",
            by="meter_id",
            strategy="backward",
            check_sortedness=False,
        )
        .filter(pl.col("day") < pl.col("period_end"))
    )
    return d.group_by("meter_id", "period_start").agg(
        kwh_pcs_split=pl.when(pl.col("kwh_pcs_per_m3").null_count() == 0).then(
            (pl.col("quantity") * pl.col("kwh_pcs_per_m3")).sum()
        )
    )


def to_kwh(
    periods: pl.DataFrame,
    meters: pl.DataFrame,
    conversions: pl.DataFrame,
    gas_coefficients: pl.DataFrame | None = None,
    split_pcs: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Add ``kwh_pcs``, ``kwh_pci`` and ``conversion`` to per-meter period figures.

    ``periods`` has ``meter_id, period_start, quantity``; ``meters`` has ``meter_id, carrier, unit``;
    ``split_pcs`` (``day_split_pcs``) the kWh PCS of the periods split by day.
    """
    conv = conversions.cast(CONVERSION_SCHEMA)
    gas = (
        pl.DataFrame(schema=GAS_COEFFICIENT_SCHEMA)
        if gas_coefficients is None
        else gas_coefficients.select(list(GAS_COEFFICIENT_SCHEMA)).cast(GAS_COEFFICIENT_SCHEMA)
    )
    p = periods.join(meters.select("meter_id", "carrier", "unit"), on="meter_id", how="left")
    p = p.sort("period_start").join_asof(
        gas.sort("valid_from").rename({"source": "gas_source"}),
        left_on="period_start",
        right_on="valid_from",
        by="meter_id",
        strategy="backward",
        check_sortedness=False,
    )
    split = split_pcs is not None and not split_pcs.is_empty()
    if split:
        assert split_pcs is not None
        p = p.join(
            split_pcs.select("meter_id", "period_start", "kwh_pcs_split"), on=["meter_id", "period_start"], how="left"
        )
    else:
        p = p.with_columns(kwh_pcs_split=pl.lit(None, pl.Float64))
    by_day = pl.col("kwh_pcs_split").is_not_null()
    pcs_pci = _ratio(conv, "natural_gas", "kWh PCS", "kWh PCI")
    pcs_to_pci = pl.lit(pcs_pci[0] if pcs_pci else None, dtype=pl.Float64)
    pcs_per_pci = round(1.0 / pcs_pci[0], 6) if pcs_pci else None
    q = pl.col("quantity")
    is_gas = pl.col("carrier") == "natural_gas"
    kwh_pcs = (
        pl.when(is_gas & (pl.col("unit") == "m3") & by_day)
        .then(pl.col("kwh_pcs_split"))
        .when(is_gas & (pl.col("unit") == "m3"))
        .then(q * pl.col("kwh_pcs_per_m3"))
        .when(is_gas & (pl.col("unit") == "kWh PCS"))
        .then(q)
        .otherwise(None)
    )
    rules = [
        (is_gas, pl.col("kwh_pcs") * pcs_to_pci),
        (pl.col("carrier").is_in(FINAL_KWH_CARRIERS) & (pl.col("unit") == "kWh"), q),
        (pl.col("unit") == "kWh PCI", q),
    ]
    notes = [
        (
            is_gas & (pl.col("unit") == "m3") & pl.col("kwh_pcs_per_m3").is_null(),
            pl.lit("no kWh PCS/m3 coefficient for this meter and period"),
        ),
        (is_gas & pcs_to_pci.is_null(), pl.lit("no natural_gas kWh PCS <-> kWh PCI conversion supplied")),
        (
            is_gas,
            pl.format(
                "{}kWh PCI = kWh PCS / {} (PCS/PCI, conversions table)",
                pl.when((pl.col("unit") == "m3") & by_day)
                .then(
                    pl.lit("kWh PCS = m3 of each day x the coefficient in force that day (it changes in the period); ")
                )
                .when(pl.col("unit") == "m3")
                .then(pl.format("kWh PCS = m3 x {} ({}); ", "kwh_pcs_per_m3", "gas_source"))
                .otherwise(pl.lit("")),
                pl.lit(pcs_per_pci),
            ),
        ),
        (pl.col("carrier").is_in(FINAL_KWH_CARRIERS), pl.lit("final energy in kWh, no calorific basis")),
        (pl.col("unit") == "kWh PCI", pl.lit("metered in kWh PCI")),
    ]
    # other fuels metered in volume or mass: one row per (carrier, unit) present, from the table
    for carrier, unit in p.select("carrier", "unit").unique().drop_nulls().iter_rows():
        if carrier in ("natural_gas", "cold_water", "hot_water") or unit in ("kWh", "kWh PCI", "kWh PCS"):
            continue
        found = _ratio(conv, carrier, unit, "kWh PCI")
        match = (pl.col("carrier") == carrier) & (pl.col("unit") == unit)
        if found:
            rules.append((match, q * found[0]))
            notes.append((match, pl.lit(f"kWh PCI = {unit} x {found[0]:g} ({found[1]})")))
        else:
            # never a guessed value: the figure stays without kWh and says so
            notes.append((match, pl.lit(f"no sourced kWh PCI per {unit} for {carrier}")))
    kwh_pci: Then | ChainedThen = pl.when(rules[0][0]).then(rules[0][1])
    for cond, value in rules[1:]:
        kwh_pci = kwh_pci.when(cond).then(value)
    note: Then | ChainedThen = pl.when(notes[0][0]).then(notes[0][1])
    for cond, value in notes[1:]:
        note = note.when(cond).then(value)
    water = pl.col("carrier").is_in(["cold_water", "hot_water"])
    out = p.with_columns(kwh_pcs=kwh_pcs).with_columns(
        kwh_pci=pl.when(water).then(None).otherwise(kwh_pci.otherwise(None)),
        conversion=pl.when(water).then(pl.lit("water: m3, no energy")).otherwise(note.otherwise(pl.lit("unknown"))),
    )
    return out.drop("kwh_pcs_per_m3", "valid_from", "gas_source", "carrier", "unit", "kwh_pcs_split").sort(
        "meter_id", "period_start"
    )
