"""Recoverable costs per building, month and charge category (issue 14, item 1), pure polars.

Two sources, one line each per building, month and category:
- ``meters``: the consumption service's RecoverableCost rows (priced meters only; how many
  meters had no price is carried, never hidden);
- ``contracts``: the recoverable part of each intervention cost. An intervention counts when it
  is not cancelled and resolved (its cost is recorded at resolution), in the civil month
  (Europe/Paris) of its resolution; its recoverable part is cost_eur x recoverable_share (the
  contract's share, copied onto the fact), rounded to the cent.

The category of an intervention comes from the mapping (reports/charge_categories.csv): a row for
its service code wins over a row for its trade. Interventions mapped by neither are listed in
``unmapped``, with their recoverable part, and are in no total: they cannot be shared without a
category. Interventions' ug_id is not used: a contract cost is the building's.

Money: every line is rounded to the cent once (``to_cents``), and every total is a sum of lines'
cents, so that the audit pack's lines add up exactly to the report's totals.
"""

import polars as pl

from services.runtime.errors import InvalidArgument

TIME_ZONE = "Europe/Paris"
# Charge categories as the consumption service's protos list them (Meter, Provision): the
# vocabulary provisions are called by, so every cost must land in one of them to be settled.
CHARGE_CATEGORIES = ("heating_energy", "hot_water", "cold_water", "common_electricity", "lifts", "other")
SOURCE_KINDS = ("meter_category", "trade", "service_code")
MAPPING_COLUMNS = (
    "source_kind",
    "source_value",
    "charge_category",
    "decret_heading",
    "decret_heading_title",
    "decret_item",
    "source",
    "note",
)
COST_LINE_SCHEMA = {
    "building_id": pl.String,
    "month": pl.String,
    "charge_category": pl.String,
    "source": pl.String,
    "cost_cents": pl.Int64,
    "meters": pl.Int64,
    "unpriced_meters": pl.Int64,
    "estimated_share": pl.Float64,
    "interventions": pl.Int64,
}


def to_cents(euros: pl.Expr) -> pl.Expr:
    """Euros -> whole cents, half away from zero. The amount x 100 is first rounded to 6 decimals
    so that a binary representation error (1.005 x 100 = 100.49999...) does not move a cent."""
    return (euros * 100).round(6).round(0, mode="half_away_from_zero").cast(pl.Int64)


def to_euros(cents: pl.Expr) -> pl.Expr:
    """Whole cents -> euros, rounded to the cent: polars divides a column of more than a few rows
    by multiplying by 0.01 (1464730 -> 14647.300000000001), so without the rounding the same
    building's figure would depend on how many rows its report held."""
    return (cents / 100).round(2)


def paris_month(instant: pl.Expr) -> pl.Expr:
    """A UTC instant -> its civil month in Europe/Paris, ``YYYY-MM``."""
    return instant.dt.convert_time_zone(TIME_ZONE).dt.strftime("%Y-%m")


def check_mapping(mapping: pl.DataFrame) -> pl.DataFrame:
    """The mapping as read from reports/charge_categories.csv, checked: every column there, known
    source kinds and charge categories, a heading and a source on every row, no source given
    twice, and every charge category mapped as a meter category. Errors name the CSV line."""
    missing = [c for c in MAPPING_COLUMNS if c not in mapping.columns]
    if missing:
        raise InvalidArgument(f"missing columns {', '.join(missing)}", field="charge_categories.csv")
    for index, row in enumerate(mapping.iter_rows(named=True)):
        line = f"charge_categories.csv line {index + 2}"
        if row["source_kind"] not in SOURCE_KINDS:
            raise InvalidArgument(
                f"{row['source_kind']!r} is not one of {', '.join(SOURCE_KINDS)}", field=f"{line}: source_kind"
            )
        if row["charge_category"] not in CHARGE_CATEGORIES:
            raise InvalidArgument(
                f"{row['charge_category']!r} is not one of {', '.join(CHARGE_CATEGORIES)}",
                field=f"{line}: charge_category",
            )
        for column in ("source_value", "decret_heading", "source"):
            if not row[column]:
                raise InvalidArgument("is required", field=f"{line}: {column}")
    repeated = mapping.filter(pl.struct("source_kind", "source_value").is_duplicated())
    if repeated.height:
        first = repeated.row(0, named=True)
        raise InvalidArgument(
            f"{first['source_kind']} {first['source_value']!r} is mapped more than once", field="charge_categories.csv"
        )
    meter_categories = set(mapping.filter(pl.col("source_kind") == "meter_category")["source_value"].to_list())
    unmapped = [c for c in CHARGE_CATEGORIES if c not in meter_categories]
    if unmapped:
        raise InvalidArgument(
            f"no meter_category row for {', '.join(unmapped)}: every category needs its heading",
            field="charge_categories.csv",
        )
    return mapping.select(MAPPING_COLUMNS)


def require_amounts(frame: pl.DataFrame, column: str, record: list[str], what: str) -> None:
    """Refuse a null, NaN or infinite ``column``, naming the first such record by ``record``."""
    value = pl.col(column)
    wrong = frame.filter(value.is_null() | value.is_nan() | value.is_infinite())
    if wrong.height:
        row = wrong.row(0, named=True)
        name = " ".join(str(row[c]) for c in record)
        raise InvalidArgument(f"must be a number, is {row[column]}", field=f"{what} {name}: {column}")


def _check_facts(facts: pl.DataFrame) -> None:
    share = pl.col("recoverable_share")
    cost = pl.col("cost_eur")
    checks = [
        ("recoverable_share", share.is_null() | share.is_nan() | (share < 0) | (share > 1), "must be within 0..1"),
        ("cost_eur", cost.is_null() | cost.is_nan() | cost.is_infinite() | (cost < 0), "must be a number >= 0"),
    ]
    for field, bad, reason in checks:
        wrong = facts.filter(bad)
        if wrong.height:
            fact = wrong.row(0, named=True)
            raise InvalidArgument(f"{reason}, is {fact[field]}", field=f"intervention {fact['id']}: {field}")


def contract_lines(facts: pl.DataFrame, mapping: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(mapped, unmapped) interventions counted (see the module's rule), one row each: id,
    contract_id, building_id, month, trade, service_code, cost_eur, recoverable_share,
    recoverable_cents; the mapped ones add charge_category, decret_heading and mapped_by
    ("service_code" or "trade"). ``facts``: InterventionFact columns, status as a name."""
    counted = facts.filter((pl.col("status") != "CANCELLED") & pl.col("resolved_at").is_not_null())
    _check_facts(counted)
    lines = counted.select(
        "id",
        "contract_id",
        "building_id",
        paris_month(pl.col("resolved_at")).alias("month"),
        "trade",
        "service_code",
        "cost_eur",
        "recoverable_share",
        to_cents(pl.col("cost_eur") * pl.col("recoverable_share")).alias("recoverable_cents"),
    )

    def by(kind: str, column: str) -> pl.DataFrame:
        return mapping.filter(pl.col("source_kind") == kind).select(
            pl.col("source_value").alias(column),
            pl.col("charge_category").alias(f"category_by_{kind}"),
            pl.col("decret_heading").alias(f"heading_by_{kind}"),
        )

    joined = lines.join(by("service_code", "service_code"), on="service_code", how="left").join(
        by("trade", "trade"), on="trade", how="left"
    )
    by_code = pl.col("category_by_service_code").is_not_null()
    mapped = (
        joined.with_columns(
            pl.coalesce("category_by_service_code", "category_by_trade").alias("charge_category"),
            pl.when(by_code)
            .then(pl.col("heading_by_service_code"))
            .otherwise(pl.col("heading_by_trade"))
            .alias("decret_heading"),
            pl.when(by_code).then(pl.lit("service_code")).otherwise(pl.lit("trade")).alias("mapped_by"),
        )
        .drop("category_by_service_code", "heading_by_service_code", "category_by_trade", "heading_by_trade")
        .sort("building_id", "month", "id")
    )
    found = pl.col("charge_category").is_not_null()
    return mapped.filter(found), mapped.filter(~found).drop("charge_category", "decret_heading", "mapped_by")


def cost_lines(costs: pl.DataFrame, contracts: pl.DataFrame) -> pl.DataFrame:
    """One line per building, month, category and source (COST_LINE_SCHEMA). ``costs``: the
    RecoverableCost rows; ``contracts``: the mapped lines of ``contract_lines``. A meter line's
    estimated_share is null where the export gave NaN (no cost to weight by)."""
    require_amounts(costs, "cost_eur", ["building_id", "month", "charge_category"], "recoverable cost")
    metered = costs.select(
        "building_id",
        "month",
        "charge_category",
        pl.lit("meters").alias("source"),
        to_cents(pl.col("cost_eur")).alias("cost_cents"),
        pl.col("meters").cast(pl.Int64),
        pl.col("unpriced_meters").cast(pl.Int64),
        pl.col("estimated_share").fill_nan(None),
        pl.lit(None, pl.Int64).alias("interventions"),
    )
    contracted = (
        contracts.group_by("building_id", "month", "charge_category")
        .agg(pl.col("recoverable_cents").sum().alias("cost_cents"), pl.len().cast(pl.Int64).alias("interventions"))
        .select(
            "building_id",
            "month",
            "charge_category",
            pl.lit("contracts").alias("source"),
            "cost_cents",
            pl.lit(None, pl.Int64).alias("meters"),
            pl.lit(None, pl.Int64).alias("unpriced_meters"),
            pl.lit(None, pl.Float64).alias("estimated_share"),
            "interventions",
        )
    )
    return pl.concat([metered.cast(COST_LINE_SCHEMA), contracted.cast(COST_LINE_SCHEMA)]).sort(  # type: ignore[arg-type]
        "building_id", "month", "charge_category", "source"
    )


def in_year(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """The rows whose ``month`` (YYYY-MM) falls in ``year``."""
    return frame.filter(pl.col("month").str.starts_with(f"{year:04d}-"))
