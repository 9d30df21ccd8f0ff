"""Resolve activity lines to factors of one set version, as joins.

An activity is (carrier, unit, usage, country, boundary, variant) over a period [date, date_to)
(date_to exclusive; absent = the single day ``date``) and optionally a quantity. A factor
matches it when its carrier, country and variant are the activity's, its boundary is the
activity's (any, for boundary ANY_BOUNDARY: one result per boundary the set has), its usage is
the activity's or ANY_USAGE, and its unit is the activity's or reachable by one conversion.

The factor of a DAY: among the matching factors valid that day (valid_from <= day <
valid_to), the activity's own unit before a converted one, then a usage-specific factor before
an any-usage one. With ``fallback``, a day without a valid factor takes the matching factor
whose validity ended last on or before it (then the same precedence), flagged as a fallback.
The factor of a PERIOD is the factor of each of its days when that is one and the same factor
(so a factor is valid for a period when it covers the whole period, not merely its first day);
otherwise the period is unresolved, its reason naming the first day without a factor or the
day the factor changes. Only the period's first day and the validity edges inside it need
evaluating: the factor of a day can only change on such an edge.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl

from services.factors.domain.conversions import ROUTE_SCHEMA, routes
from services.factors.domain.schema import (
    ACTIVITY_MAX_CHARS,
    ANY_BOUNDARY,
    ANY_USAGE,
    BOUNDARIES,
    MAX_ABS_QUANTITY,
    MAX_ACTIVITIES,
    FactorSet,
)
from services.factors.errors import AmbiguousFactor, InvalidActivity, UnknownFactor
from services.runtime.validation import EARLIEST, LATEST, first_reasons, number_reasons, quote, text_reasons

SIGNATURE = ["carrier", "unit", "usage", "country", "boundary", "variant", "date", "date_to"]
DEFAULTS = {"usage": ANY_USAGE, "country": "FR", "boundary": "total", "variant": ""}
# One resolution per (activity signature, boundary of the factor): several for ANY_BOUNDARY.
GROUP = [*SIGNATURE, "part_boundary"]

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
    "fallback",
    "fallback_reason",
]


def resolve(
    factor_set: FactorSet, conversions: pl.DataFrame, activities: pl.DataFrame, *, fallback: bool = False
) -> pl.DataFrame:
    """One output row per activity line (per line and boundary for ANY_BOUNDARY), in input
    order: the activity's columns, then RESULT_COLUMNS, ``part_boundary`` and ``kgco2e``
    (quantity x kgco2e_per_unit, null without a quantity)."""
    resolved, missing = resolve_partial(factor_set, conversions, activities, fallback=fallback)
    if missing:
        raise UnknownFactor(f"'{factor_set.label}'", missing)
    return resolved


def resolve_partial(
    factor_set: FactorSet, conversions: pl.DataFrame, activities: pl.DataFrame, *, fallback: bool = False
) -> tuple[pl.DataFrame, list[str]]:
    """Like resolve, but lines without a factor keep null factor columns (``factor_key`` is
    null, ``unresolved_reason`` says why when the set has factors for the line) and the
    distinct activities not found are described in the returned list."""
    lines = _normalised(activities)
    signatures = lines.select(SIGNATURE).unique()
    order = {b: i for i, b in enumerate(BOUNDARIES)}
    chosen = _choose(factor_set.factors, conversions, signatures, fallback).sort(
        pl.col("part_boundary").replace_strict(order, default=len(order))
    )
    # Lines in input order, the boundaries of one ANY_BOUNDARY line in BOUNDARIES order.
    resolved = lines.join(chosen, on=SIGNATURE, how="left", maintain_order="left_right").with_columns(
        pl.coalesce("part_boundary", "boundary").alias("part_boundary"),
        (pl.col("quantity") * pl.col("kgco2e_per_unit")).alias("kgco2e"),
        pl.col("fallback").fill_null(False),
    )
    missing = resolved.filter(pl.col("factor_key").is_null())
    return resolved, (_describe_missing(missing, factor_set.factors) if missing.height else [])


def describe(activity: Mapping[str, Any]) -> str:
    """One activity as the error messages write it (``date_to`` only for a period longer than
    its first day)."""
    shown = [c for c in SIGNATURE if c != "date_to"]
    text = ", ".join(f"{c}={activity[c]!s}" if c == "date" else f"{c}={activity[c]!r}" for c in shown)
    first, end = activity.get("date"), activity.get("date_to")
    if isinstance(first, date) and isinstance(end, date) and end != first + timedelta(days=1):
        text += f", date_to={end!s}"
    return text


@dataclass(frozen=True)
class Unresolved:
    """An activity line (or one boundary of it) left without a factor by a partial resolution."""

    index: int
    ref: str
    reason: str
    boundary: str = ""


def split_resolved(lines: pl.DataFrame, set_label: str) -> tuple[pl.DataFrame, list[Unresolved]]:
    """The lines of ``resolve_partial`` that found a factor, and the others, each with the
    reason it was not resolved."""
    found = lines.filter(pl.col("factor_key").is_not_null())
    missing = lines.filter(pl.col("factor_key").is_null()).select(
        "line", "ref", *SIGNATURE, "part_boundary", "unresolved_reason"
    )
    return found, [
        Unresolved(
            int(row["line"]),
            str(row["ref"] or ""),
            f"no factor in {set_label} for ({describe(row)})"
            + (f": {row['unresolved_reason']}" if row["unresolved_reason"] else ""),
            str(row["part_boundary"] or ""),
        )
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
    for column in ("date", "date_to"):
        if column in activities.columns and activities.schema[column] == pl.String:
            day = pl.col(column).str.to_date("%Y-%m-%d", strict=False)
            given = pl.col(column).is_not_null() & (pl.col(column) != "")
            checks[column] = pl.coalesce(
                checks[column],
                pl.when(given & day.is_null()).then(pl.lit("is not an ISO date (YYYY-MM-DD)")),
                pl.when((day < EARLIEST.date()) | (day >= LATEST.date())).then(
                    pl.lit(f"is outside {EARLIEST.year}-{LATEST.year}")
                ),
            )
    if "date_to" in activities.columns and activities.schema["date_to"] == activities.schema.get("date"):
        first, end = pl.col("date"), pl.col("date_to")
        if activities.schema["date_to"] == pl.String:
            first, end = first.str.to_date("%Y-%m-%d", strict=False), end.str.to_date("%Y-%m-%d", strict=False)
        checks["date_to"] = pl.coalesce(
            checks["date_to"], pl.when(end <= first).then(pl.lit("must be after date (the end is exclusive)"))
        )
    if "boundary" in activities.columns:
        known = (
            pl.col("boundary").is_null()
            | (pl.col("boundary") == "")
            | pl.col("boundary").is_in([*BOUNDARIES, ANY_BOUNDARY])
        )
        checks["boundary"] = pl.coalesce(
            checks["boundary"],
            pl.when(~known).then(pl.lit(f"must be empty, {ANY_BOUNDARY!r} or one of {', '.join(BOUNDARIES)}")),
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
    if "ref" not in df.columns:
        df = df.with_columns(pl.lit(None, dtype=pl.String).alias("ref"))
    for column, default in DEFAULTS.items():
        value = pl.col(column).fill_null(default) if column in df.columns else pl.lit(default)
        df = df.with_columns(value.cast(pl.String).alias(column))
    if "date_to" not in df.columns:
        df = df.with_columns(pl.lit(None, dtype=pl.Date).alias("date_to"))
    for column in ("date", "date_to"):
        if df.schema[column] == pl.String:
            df = df.with_columns(pl.col(column).replace("", None).str.to_date("%Y-%m-%d", strict=False))
    df = df.with_columns(pl.coalesce("date_to", pl.col("date") + pl.duration(days=1)).alias("date_to"))
    df = df.with_columns(pl.col("usage").replace("", ANY_USAGE), pl.col("quantity").cast(pl.Float64))
    _check(df, pl.col("carrier").is_null() | (pl.col("carrier") == ""), "carrier", "required")
    _check(df, pl.col("unit").is_null() | (pl.col("unit") == ""), "unit", "required")
    _check(df, pl.col("date").is_null(), "date", "required, as an ISO date (YYYY-MM-DD)")
    _check(
        df,
        ~pl.col("boundary").is_in([*BOUNDARIES, ANY_BOUNDARY]),
        "boundary",
        f"must be {ANY_BOUNDARY!r} or one of {', '.join(BOUNDARIES)}",
    )
    _check(df, pl.col("date_to") <= pl.col("date"), "date_to", "must be after date (the end is exclusive)")
    _check(df, ~pl.col("quantity").is_finite(), "quantity", "must be finite when given")
    return df


def _check(df: pl.DataFrame, bad: pl.Expr, field: str, reason: str) -> None:
    wrong = df.filter(bad.fill_null(False))
    if wrong.height:
        lines = ", ".join(str(v) for v in wrong["line"].head(10).to_list())
        raise InvalidActivity(f"{reason} ({wrong.height} lines, first: {lines})", field=field)


def _candidates(factors: pl.DataFrame, conversions: pl.DataFrame, signatures: pl.DataFrame) -> pl.DataFrame:
    """Every (signature, factor) pair that matches whatever the date, with the factor's
    boundary as ``part_boundary`` and its precedence ``rank`` (lower wins)."""
    units = signatures.select("carrier", "unit").unique()
    direct = units.with_columns(
        pl.col("unit").alias("factor_unit"), pl.lit(1.0).alias("multiplier"), pl.lit("").alias("conversion_source")
    ).cast(ROUTE_SCHEMA)
    converted = routes(conversions).join(units, on=["carrier", "unit"])
    return (
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
            factors.rename({"unit": "factor_unit", "usage": "factor_usage", "boundary": "part_boundary"}),
            on=["carrier", "factor_unit", "country", "variant"],
        )
        .filter(
            ((pl.col("factor_usage") == pl.col("usage")) | (pl.col("factor_usage") == ANY_USAGE))
            & ((pl.col("boundary") == ANY_BOUNDARY) | (pl.col("boundary") == pl.col("part_boundary")))
        )
        .with_columns((pl.col("route_rank") * 2 + (pl.col("factor_usage") == ANY_USAGE)).alias("rank"))
    )


def _choose(factors: pl.DataFrame, conversions: pl.DataFrame, signatures: pl.DataFrame, fallback: bool) -> pl.DataFrame:
    """One row per (signature, part_boundary) with candidates: the factor of the period when
    every day of it has the same one (else null factor columns and ``unresolved_reason``)."""
    candidates = _candidates(factors, conversions, signatures)
    inside = (pl.col("day") >= pl.col("date")) & (pl.col("day") < pl.col("date_to"))
    days = (
        pl.concat(
            [candidates.select(*GROUP, pl.col(c).alias("day")) for c in ("date", "valid_from", "valid_to")],
        )
        .filter(pl.col("day").is_not_null() & inside)
        .unique()
    )
    valid = (pl.col("valid_from") <= pl.col("day")) & (
        pl.col("valid_to").is_null() | (pl.col("day") < pl.col("valid_to"))
    )
    expired = pl.col("valid_to").is_not_null() & (pl.col("valid_to") <= pl.col("day"))
    per_day = [*GROUP, "day"]
    options = (
        days.join(candidates, on=GROUP)
        .filter(valid | (expired & pl.lit(fallback)))
        .with_columns(
            (~valid).alias("day_fallback"),
            # valid before expired; among expired, the latest end; then the usual precedence
            pl.when(valid).then(0).otherwise(-pl.col("valid_to").dt.epoch("d")).alias("_age"),
        )
    )
    for column in ("day_fallback", "_age", "rank"):
        options = options.filter(pl.col(column) == pl.col(column).min().over(per_day))
    ties = options.filter(pl.len().over(per_day) > 1)
    if ties.height:
        keys = quote(", ".join(sorted(set(ties["key"].to_list()))), 300)
        raise AmbiguousFactor(f"several factors match one activity with the same precedence: {keys}")
    by_day = days.join(options, on=per_day, how="left").sort([*GROUP, "day"])
    first_fallback = pl.col("day").filter(pl.col("day_fallback")).first()
    summary = by_day.group_by(GROUP).agg(
        pl.col("key").null_count().alias("_days_without"),
        pl.col("key").n_unique().alias("_factors"),
        pl.col("day_fallback").any().alias("fallback"),
        first_fallback.alias("_first_fallback"),
        pl.col("day").filter(pl.col("key").is_null()).first().alias("_first_without"),
        pl.col("key").first().alias("_first_key"),
        pl.col("day").filter(pl.col("key") != pl.col("key").first()).first().alias("_change_day"),
        pl.col("key").filter(pl.col("key") != pl.col("key").first()).first().alias("_change_key"),
        *[
            pl.col(c).first()
            for c in (
                "key",
                "activity",
                "kgco2e_per_unit",
                "factor_unit",
                "multiplier",
                "conversion_source",
                "scope",
                "valid_from",
                "valid_to",
                "uncertainty_pct",
                "source",
                "flag",
            )
        ],
    )
    resolved = (pl.col("_days_without") == 0) & (pl.col("_factors") == 1)
    when_resolved: dict[str, str | pl.Expr] = {
        "factor_key": "key",
        "factor_activity": "activity",
        "factor_value": "kgco2e_per_unit",
        "factor_unit": "factor_unit",
        "conversion_multiplier": "multiplier",
        "conversion_source": "conversion_source",
        "kgco2e_per_unit": pl.col("kgco2e_per_unit") * pl.col("multiplier"),
        "scope": "scope",
        "factor_boundary": "part_boundary",
        "valid_from": "valid_from",
        "valid_to": "valid_to",
        "uncertainty_pct": "uncertainty_pct",
        "source": "source",
        "flag": "flag",
    }
    return summary.select(
        *GROUP,
        *[pl.when(resolved).then(pl.col(v) if isinstance(v, str) else v).alias(k) for k, v in when_resolved.items()],
        (resolved & pl.col("fallback")).alias("fallback"),
        pl.when(resolved & pl.col("fallback"))
        .then(
            pl.format(
                "no factor valid from {}: {}, whose validity ended on {} (exclusive), taken as the latest published",
                pl.col("_first_fallback"),
                pl.col("key"),
                pl.col("valid_to"),
            )
        )
        .otherwise(pl.lit(""))
        .alias("fallback_reason"),
        pl.when(resolved)
        .then(pl.lit(None, dtype=pl.String))
        .when(
            pl.col("_first_without").is_not_null()
            & (pl.col("_change_day").is_null() | (pl.col("_first_without") <= pl.col("_change_day")))
        )
        .then(pl.format("no factor valid on {}", pl.col("_first_without")))
        .otherwise(
            pl.format(
                "the factor changes on {} ({} before, {} from then): resolve [{}, {}) and [{}, {}) apart",
                pl.col("_change_day"),
                pl.col("_first_key"),
                pl.col("_change_key"),
                pl.col("date"),
                pl.col("_change_day"),
                pl.col("_change_day"),
                pl.col("date_to"),
            )
        )
        .alias("unresolved_reason"),
    )


def _describe_missing(missing: pl.DataFrame, factors: pl.DataFrame) -> list[str]:
    groups = missing.group_by([*SIGNATURE, "part_boundary", "unresolved_reason"], maintain_order=True).agg(
        pl.len().alias("n"), pl.col("line").head(5).alias("first")
    )
    descriptions = []
    for row in groups.iter_rows(named=True):
        asked = describe(row)
        lines = ", ".join(str(v) for v in row["first"])
        part = f", boundary {row['part_boundary']!r}" if row["boundary"] == ANY_BOUNDARY else ""
        reason = row["unresolved_reason"] or ""
        text = f"({asked}) on {row['n']} lines (first: {lines}){part}" + (f": {reason}" if reason else "")
        if not reason or reason.startswith("no factor"):
            text += f"; the set has: {_near(row, factors)}"
        descriptions.append(text)
    return descriptions


def _near(row: Mapping[str, Any], factors: pl.DataFrame) -> str:
    """The set's factors closest to an activity not found, as a hint."""
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
    return (
        "; ".join(
            f"{r['key']} ({r['unit']}, usage={r['usage']}, {r['country']}, {r['boundary']}, "
            f"variant={r['variant']!r}, [{r['valid_from']}, {r['valid_to'] or 'open'}))"
            for r in near.iter_rows(named=True)
        )
        or f"no factor for carrier {row['carrier']!r}"
    )
