"""Meter units -> kWh PCS / kWh PCI, with every coefficient taken from data that names its source.

Two kinds of coefficients, both inputs (never constants in code):

- **Per-meter, per-period gas coefficients** (kWh PCS per m3): the supplier's *coefficient de
  conversion*, which changes with the gas quality and the period. Frame ``meter_id, valid_from,
  kwh_pcs_per_m3, source``; the coefficient in force at the start of each period applies.
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


def to_kwh(
    periods: pl.DataFrame,
    meters: pl.DataFrame,
    conversions: pl.DataFrame,
    gas_coefficients: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Add ``kwh_pcs``, ``kwh_pci`` and ``conversion`` to per-meter period figures.

    ``periods`` has ``meter_id, period_start, quantity``; ``meters`` has ``meter_id, carrier, unit``.
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
    pcs_pci = _ratio(conv, "natural_gas", "kWh PCS", "kWh PCI")
    pcs_to_pci = pl.lit(pcs_pci[0] if pcs_pci else None, dtype=pl.Float64)
    pcs_per_pci = round(1.0 / pcs_pci[0], 6) if pcs_pci else None
    q = pl.col("quantity")
    is_gas = pl.col("carrier") == "natural_gas"
    kwh_pcs = (
        pl.when(is_gas & (pl.col("unit") == "m3"))
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
                pl.when(pl.col("unit") == "m3")
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
            notes.append((match, pl.lit(f"no {carrier} {unit} -> kWh PCI conversion supplied")))
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
    return out.drop("kwh_pcs_per_m3", "valid_from", "gas_source", "carrier", "unit").sort("meter_id", "period_start")
