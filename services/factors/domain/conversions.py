"""Unit conversions kept as data (factors/conversions.csv): one row says
``1 from_unit = multiplier to_unit`` for a carrier, with the source of the coefficient.
Each row is usable both ways; only single-step conversions are made."""

import polars as pl

from services.factors.errors import InvalidActivity, InvalidFactorSet

CONVERSION_COLUMNS = ("carrier", "from_unit", "to_unit", "multiplier", "source")

# A route takes a quantity in ``unit`` (the activity's) to ``factor_unit``: q_factor = q * multiplier.
ROUTE_SCHEMA = pl.Schema(
    {
        "carrier": pl.String(),
        "unit": pl.String(),
        "factor_unit": pl.String(),
        "multiplier": pl.Float64(),
        "conversion_source": pl.String(),
    }
)


def parse_conversions(raw: pl.DataFrame, known_units: set[str]) -> pl.DataFrame:
    missing = [c for c in CONVERSION_COLUMNS if c not in raw.columns]
    if missing:
        raise InvalidFactorSet("'conversions'", [f"missing columns {missing}"])
    df = raw.with_row_index("_row", offset=1).with_columns(
        pl.col("multiplier").cast(pl.Float64, strict=False).alias("_m")
    )
    problems = []
    for row in df.iter_rows(named=True):
        where = f"row {row['_row']} ({row['carrier']}: {row['from_unit']} -> {row['to_unit']})"
        for field in ("from_unit", "to_unit"):
            if row[field] not in known_units:
                problems.append(f"{where}: {field}: unknown unit, got {row[field]!r}")
        if row["_m"] is None or not (row["_m"] > 0 and row["_m"] != float("inf")):
            problems.append(f"{where}: multiplier: must be a finite positive number, got {row['multiplier']!r}")
        if not row["source"]:
            problems.append(f"{where}: source: required")
        if not row["carrier"]:
            problems.append(f"{where}: carrier: required")
    if problems:
        raise InvalidFactorSet("'conversions'", problems)
    return df.select("carrier", "from_unit", "to_unit", pl.col("_m").alias("multiplier"), "source")


def routes(conversions: pl.DataFrame) -> pl.DataFrame:
    """Both directions of every conversion, as routes from an activity unit to a factor unit."""
    forward = conversions.select(
        "carrier",
        pl.col("from_unit").alias("unit"),
        pl.col("to_unit").alias("factor_unit"),
        "multiplier",
        pl.col("source").alias("conversion_source"),
    )
    backward = conversions.select(
        "carrier",
        pl.col("to_unit").alias("unit"),
        pl.col("from_unit").alias("factor_unit"),
        (1.0 / pl.col("multiplier")).alias("multiplier"),
        pl.col("source").alias("conversion_source"),
    )
    return pl.concat([forward, backward]).cast(ROUTE_SCHEMA)


def convert(
    quantity: float, carrier: str, from_unit: str, to_unit: str, conversions: pl.DataFrame
) -> tuple[float, float, str]:
    """``quantity`` of ``carrier`` in ``from_unit`` expressed in ``to_unit``, with the
    multiplier used and its source. Raises when no conversion is known."""
    if from_unit == to_unit:
        return quantity, 1.0, ""
    found = routes(conversions).filter(
        (pl.col("carrier") == carrier) & (pl.col("unit") == from_unit) & (pl.col("factor_unit") == to_unit)
    )
    if found.height == 0:
        raise InvalidActivity(f"no conversion from {from_unit!r} to {to_unit!r} for carrier {carrier!r}", field="unit")
    multiplier, source = float(found.row(0)[3]), str(found.row(0)[4])
    return quantity * multiplier, multiplier, source
