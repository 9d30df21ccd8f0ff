"""Resolve activity lines to factors of one set version, as a join.

An activity is (carrier, unit, usage, country, boundary, variant, date) and optionally a
quantity. Its factor is the one of the set with the same carrier, country, boundary and
variant, whose validity holds the date (valid_from <= date < valid_to), whose usage is the
activity's or ANY_USAGE, and whose unit is the activity's or reachable by one conversion.
Precedence: the activity's own unit before a converted one, then a usage-specific factor
before an any-usage one. A line without a factor is an error naming what was asked.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from services.factors.domain.conversions import ROUTE_SCHEMA, routes
from services.factors.domain.schema import (
    ACTIVITY_MAX_CHARS,
    ANY_USAGE,
    BOUNDARIES,
    MAX_ABS_QUANTITY,
    MAX_ACTIVITIES,
    FactorSet,
)
from services.factors.errors import AmbiguousFactor, InvalidActivity, UnknownFactor
from services.runtime.validation import EARLIEST, LATEST, first_reasons, number_reasons, quote, text_reasons

SIGNATURE = ["carrier", "unit", "usage", "country", "boundary", "variant", "date"]
DEFAULTS = {"usage": ANY_USAGE, "country": "FR", "boundary": "total", "variant": ""}

RESULT_COLUMNS = [
    "factor_key",
    "factor_activity",
    "factor_value",
    "factor_unit",
    "conversion_multiplier",
    "conversion_source",
    "kgco2e_per_unit",
    "scope",
    "factor_boundary",
    "valid_from",
    "valid_to",
    "uncertainty_pct",
    "source",
    "flag",
]


def resolve(factor_set: FactorSet, conversions: pl.DataFrame, activities: pl.DataFrame) -> pl.DataFrame:
    """One output row per activity line, in input order: the activity's columns, then
    RESULT_COLUMNS and ``kgco2e`` (quantity x kgco2e_per_unit, null without a quantity)."""
    resolved, missing = resolve_partial(factor_set, conversions, activities)
    if missing:
        raise UnknownFactor(f"'{factor_set.label}'", missing)
    return resolved


def resolve_partial(
    factor_set: FactorSet, conversions: pl.DataFrame, activities: pl.DataFrame
) -> tuple[pl.DataFrame, list[str]]:
    """Like resolve, but lines without a factor keep null factor columns (``factor_key`` is
    null) and the distinct activities not found are described in the returned list."""
    lines = _normalised(activities)
    signatures = lines.select(SIGNATURE).unique()
    best = _best_matches(factor_set.factors, conversions, signatures)
    resolved = lines.join(best, on=SIGNATURE, how="left", maintain_order="left").with_columns(
        (pl.col("quantity") * pl.col("kgco2e_per_unit")).alias("kgco2e")
    )
    missing = resolved.filter(pl.col("factor_key").is_null())
    return resolved, (_describe_missing(missing, factor_set.factors) if missing.height else [])


def describe(activity: Mapping[str, Any]) -> str:
    """One activity as the error messages write it."""
    return ", ".join(f"{c}={activity[c]!s}" if c == "date" else f"{c}={activity[c]!r}" for c in SIGNATURE)


@dataclass(frozen=True)
class Unresolved:
    """An activity line left without a factor by a partial resolution."""

    index: int
    ref: str
    reason: str


def split_resolved(lines: pl.DataFrame, set_label: str) -> tuple[pl.DataFrame, list[Unresolved]]:
    """The lines of ``resolve_partial`` that found a factor, and the others, each with the
    reason it was not resolved."""
    found = lines.filter(pl.col("factor_key").is_not_null())
    missing = lines.filter(pl.col("factor_key").is_null()).select("line", "ref", *SIGNATURE)
    return found, [
        Unresolved(int(row["line"]), str(row["ref"] or ""), f"no factor in {set_label} for ({describe(row)})")
        for row in missing.iter_rows(named=True)
    ]


def check_activities(activities: pl.DataFrame) -> None:
    """The limits of a Resolve request, before any lookup: at most MAX_ACTIVITIES lines; on each
    line, texts within their length and free of control characters, a date (YYYY-MM-DD) within
    1900-2200, a known boundary, a finite quantity within +-MAX_ABS_QUANTITY. The first line
    refused is named as ``activities[i].field`` (i from 0, the position in the request)."""
    if activities.height > MAX_ACTIVITIES:
        raise InvalidActivity(
            f"at most {MAX_ACTIVITIES:,} lines per request, got {activities.height:,}", field="activities"
        )
    columns = [c for c in ACTIVITY_MAX_CHARS if c in activities.columns]
    required = ("carrier", "unit", "date")
    checks = {
        c: text_reasons(pl.col(c).cast(pl.String), ACTIVITY_MAX_CHARS[c], required=c in required) for c in columns
    }
    if "date" in activities.columns and activities.schema["date"] == pl.String:
        day = pl.col("date").str.to_date("%Y-%m-%d", strict=False)
        given = pl.col("date").is_not_null() & (pl.col("date") != "")
        checks["date"] = pl.coalesce(
            checks["date"],
            pl.when(given & day.is_null()).then(pl.lit("is not an ISO date (YYYY-MM-DD)")),
            pl.when((day < EARLIEST.date()) | (day >= LATEST.date())).then(
                pl.lit(f"is outside {EARLIEST.year}-{LATEST.year}")
            ),
        )
    if "boundary" in activities.columns:
        known = pl.col("boundary").is_null() | (pl.col("boundary") == "") | pl.col("boundary").is_in(BOUNDARIES)
        checks["boundary"] = pl.coalesce(
            checks["boundary"], pl.when(~known).then(pl.lit(f"must be empty or one of {', '.join(BOUNDARIES)}"))
        )
    if "quantity" in activities.columns:
        checks["quantity"] = number_reasons(
            pl.col("quantity").cast(pl.Float64), low=-MAX_ABS_QUANTITY, high=MAX_ABS_QUANTITY
        )
    refused = first_reasons(activities, checks)
    if refused.height:
        index, field, reason = refused.row(0)
        value = activities[field][index]
        more = f" ({refused.height:,} lines refused)" if refused.height > 1 else ""
        raise InvalidActivity(f"line {index}: {reason}, got {quote(value)}{more}", field=f"activities[{index}].{field}")


def _normalised(activities: pl.DataFrame) -> pl.DataFrame:
    for required in ("carrier", "unit", "date"):
        if required not in activities.columns:
            raise InvalidActivity("every activity needs a carrier, a unit and a date", field=required)
    df = activities
    if "line" not in df.columns:
        df = df.with_row_index("line", offset=1)
    if "quantity" not in df.columns:
        df = df.with_columns(pl.lit(None, dtype=pl.Float64).alias("quantity"))
    for column, default in DEFAULTS.items():
        value = pl.col(column).fill_null(default) if column in df.columns else pl.lit(default)
        df = df.with_columns(value.cast(pl.String).alias(column))
    if df.schema["date"] == pl.String:
        df = df.with_columns(pl.col("date").str.to_date("%Y-%m-%d", strict=False))
    df = df.with_columns(pl.col("usage").replace("", ANY_USAGE), pl.col("quantity").cast(pl.Float64))
    _check(df, pl.col("carrier").is_null() | (pl.col("carrier") == ""), "carrier", "required")
    _check(df, pl.col("unit").is_null() | (pl.col("unit") == ""), "unit", "required")
    _check(df, pl.col("date").is_null(), "date", "required, as an ISO date (YYYY-MM-DD)")
    _check(df, ~pl.col("boundary").is_in(BOUNDARIES), "boundary", f"must be one of {', '.join(BOUNDARIES)}")
    _check(df, ~pl.col("quantity").is_finite(), "quantity", "must be finite when given")
    return df


def _check(df: pl.DataFrame, bad: pl.Expr, field: str, reason: str) -> None:
    wrong = df.filter(bad.fill_null(False))
    if wrong.height:
        lines = ", ".join(str(v) for v in wrong["line"].head(10).to_list())
        raise InvalidActivity(f"{reason} ({wrong.height} lines, first: {lines})", field=field)


def _best_matches(factors: pl.DataFrame, conversions: pl.DataFrame, signatures: pl.DataFrame) -> pl.DataFrame:
    units = signatures.select("carrier", "unit").unique()
    direct = units.with_columns(
        pl.col("unit").alias("factor_unit"), pl.lit(1.0).alias("multiplier"), pl.lit("").alias("conversion_source")
    ).cast(ROUTE_SCHEMA)
    converted = routes(conversions).join(units, on=["carrier", "unit"])
    candidates = (
        signatures.join(
            pl.concat(
                [
                    direct.with_columns(pl.lit(0).alias("route_rank")),
                    converted.with_columns(pl.lit(1).alias("route_rank")),
                ]
            ),
            on=["carrier", "unit"],
        )
        .join(
            factors.rename({"unit": "factor_unit", "usage": "factor_usage"}),
            on=["carrier", "factor_unit", "country", "boundary", "variant"],
        )
        .filter(
            ((pl.col("factor_usage") == pl.col("usage")) | (pl.col("factor_usage") == ANY_USAGE))
            & (pl.col("valid_from") <= pl.col("date"))
            & (pl.col("valid_to").is_null() | (pl.col("date") < pl.col("valid_to")))
        )
        .with_columns((pl.col("route_rank") * 2 + (pl.col("factor_usage") == ANY_USAGE)).alias("rank"))
    )
    best = candidates.filter(pl.col("rank") == pl.col("rank").min().over(SIGNATURE))
    ties = best.filter(pl.len().over(SIGNATURE) > 1)
    if ties.height:
        keys = quote(", ".join(sorted(set(ties["key"].to_list()))), 300)
        raise AmbiguousFactor(f"several factors match one activity with the same precedence: {keys}")
    return best.select(
        *SIGNATURE,
        pl.col("key").alias("factor_key"),
        pl.col("activity").alias("factor_activity"),
        pl.col("kgco2e_per_unit").alias("factor_value"),
        "factor_unit",
        pl.col("multiplier").alias("conversion_multiplier"),
        "conversion_source",
        (pl.col("kgco2e_per_unit") * pl.col("multiplier")).alias("kgco2e_per_unit"),
        "scope",
        pl.col("boundary").alias("factor_boundary"),
        "valid_from",
        "valid_to",
        "uncertainty_pct",
        "source",
        "flag",
    )


def _describe_missing(missing: pl.DataFrame, factors: pl.DataFrame) -> list[str]:
    groups = missing.group_by(SIGNATURE, maintain_order=True).agg(
        pl.len().alias("n"), pl.col("line").head(5).alias("first")
    )
    descriptions = []
    for row in groups.iter_rows(named=True):
        asked = describe(row)
        lines = ", ".join(str(v) for v in row["first"])
        near = (
            factors.filter(pl.col("carrier") == row["carrier"])
            .with_columns(
                sum((pl.col(c) == row[c]).cast(pl.Int8) for c in ("unit", "boundary", "variant", "country")).alias(
                    "_closeness"
                )
            )
            .sort(["_closeness", "valid_from"], descending=True)
            .head(5)
        )
        hint = (
            "; ".join(
                f"{r['key']} ({r['unit']}, usage={r['usage']}, {r['country']}, {r['boundary']}, "
                f"variant={r['variant']!r}, [{r['valid_from']}, {r['valid_to'] or 'open'}))"
                for r in near.iter_rows(named=True)
            )
            or f"no factor for carrier {row['carrier']!r}"
        )
        descriptions.append(f"({asked}) on {row['n']} lines (first: {lines}); the set has: {hint}")
    return descriptions
