"""Turn a raw factor set (metadata + text columns, as read from a file or a request) into a
typed, validated FactorSet, or raise InvalidFactorSet listing every problem found, each
naming the set, the row, the key and the field."""

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import polars as pl

from services.factors.domain.schema import (
    BOUNDARIES,
    FACTOR_COLUMNS,
    FACTOR_ORDER,
    FLAGS,
    MATCH_COLUMNS,
    METADATA_OPTIONAL,
    METADATA_REQUIRED,
    NAME_PATTERN,
    OPTIONAL_TEXT,
    REQUIRED_TEXT,
    VERSION_PATTERN,
    ContentDigest,
    FactorSet,
    Metadata,
)
from services.factors.errors import InvalidFactorSet

REQUIRED_COLUMNS = (*REQUIRED_TEXT, "kgco2e_per_unit", "valid_from")


def build_set(
    metadata: Mapping[str, Any], raw: pl.DataFrame, known_units: set[str], content_sha256: ContentDigest
) -> FactorSet:
    """``content_sha256`` computes the identity of the clean set (see schema.ContentDigest)."""
    label = f"'{metadata.get('name')}@{metadata.get('version')}'"
    problems = _metadata_problems(metadata)
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    unknown = [c for c in raw.columns if c not in FACTOR_COLUMNS]
    if missing:
        problems.append(f"factors: missing columns {missing}")
    if unknown:
        problems.append(f"factors: unknown columns {unknown}")
    if missing or unknown:
        raise InvalidFactorSet(label, problems)
    if raw.height == 0:
        raise InvalidFactorSet(label, [*problems, "factors: the set has no factor"])

    text = _normalised_text(raw)
    typed = _typed(text)
    problems += _row_problems(text, typed, known_units)
    if not any("valid_from" in p or "valid_to" in p for p in problems):
        problems += _overlap_problems(typed, ["key"], "key")
        problems += _overlap_problems(typed, list(MATCH_COLUMNS), "match")
    if problems:
        raise InvalidFactorSet(label, problems)

    factors = typed.drop("_row").select(FACTOR_COLUMNS).sort(FACTOR_ORDER)
    clean: Metadata = {k: metadata.get(k) or None for k in (*METADATA_REQUIRED, *METADATA_OPTIONAL)}
    clean["excluded"] = [{"key": e["key"], "reason": e.get("reason", "")} for e in metadata.get("excluded") or []]
    return FactorSet(metadata=clean, factors=factors, content_sha256=content_sha256(clean, factors))


def _metadata_problems(metadata: Mapping[str, Any]) -> list[str]:
    problems = []
    for field in METADATA_REQUIRED:
        value = metadata.get(field)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"metadata: {field}: required, got {value!r}")
    unknown = sorted(set(metadata) - set(METADATA_REQUIRED) - set(METADATA_OPTIONAL))
    if unknown:
        problems.append(f"metadata: unknown fields {unknown}")
    name, version = metadata.get("name"), metadata.get("version")
    if isinstance(name, str) and not re.match(NAME_PATTERN, name):
        problems.append(f"metadata: name: must match {NAME_PATTERN}, got {name!r}")
    if isinstance(version, str) and not re.match(VERSION_PATTERN, version):
        problems.append(f"metadata: version: must match {VERSION_PATTERN}, got {version!r}")
    published = metadata.get("publication_date")
    if published is not None:
        try:
            date.fromisoformat(published)
        except (TypeError, ValueError):
            problems.append(f"metadata: publication_date: not an ISO date (YYYY-MM-DD), got {published!r}")
    for field in ("gwp_basis", "source_url", "reference", "notes"):
        if metadata.get(field) is not None and not isinstance(metadata[field], str):
            problems.append(f"metadata: {field}: must be text or null, got {metadata[field]!r}")
    excluded = metadata.get("excluded")
    if excluded is not None and not (
        isinstance(excluded, list) and all(isinstance(e, dict) and "key" in e for e in excluded)
    ):
        problems.append("metadata: excluded: must be a list of {key, reason} objects")
    return problems


def _normalised_text(raw: pl.DataFrame) -> pl.DataFrame:
    columns = [pl.col(c).cast(pl.String).str.strip_chars().alias(c) for c in raw.columns]
    df = raw.select(columns).with_row_index("_row", offset=1)
    for column in FACTOR_COLUMNS:
        if column not in df.columns:
            df = df.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    df = df.with_columns(pl.col(c).replace("", None) for c in FACTOR_COLUMNS).with_columns(
        pl.col(c).fill_null("") for c in OPTIONAL_TEXT
    )
    return df.with_columns(
        pl.when(pl.col("unit_as_published") == "")
        .then(pl.col("unit"))
        .otherwise(pl.col("unit_as_published"))
        .alias("unit_as_published")
    )


def _typed(text: pl.DataFrame) -> pl.DataFrame:
    return text.with_columns(
        pl.col("kgco2e_per_unit").cast(pl.Float64, strict=False),
        pl.col("uncertainty_pct").cast(pl.Float64, strict=False),
        pl.col("valid_from").str.to_date("%Y-%m-%d", strict=False),
        pl.col("valid_to").str.to_date("%Y-%m-%d", strict=False),
    )


def _row_problems(text: pl.DataFrame, typed: pl.DataFrame, known_units: set[str]) -> list[str]:
    value, uncertainty = pl.col("kgco2e_per_unit"), pl.col("uncertainty_pct")
    raw = {c: pl.col(f"{c}_raw") for c in ("kgco2e_per_unit", "uncertainty_pct", "valid_from", "valid_to")}
    checks: list[tuple[str, pl.Expr, str]] = [(c, pl.col(c).is_null(), "required") for c in REQUIRED_TEXT]
    checks += [
        (
            "unit",
            pl.col("unit").is_not_null() & ~pl.col("unit").is_in(sorted(known_units)),
            f"unknown unit (known: {', '.join(sorted(known_units))})",
        ),
        (
            "boundary",
            pl.col("boundary").is_not_null() & ~pl.col("boundary").is_in(BOUNDARIES),
            f"must be one of {', '.join(BOUNDARIES)}",
        ),
        ("flag", ~pl.col("flag").is_in(FLAGS), f"must be empty or one of {', '.join(FLAGS[1:])}"),
        ("kgco2e_per_unit", raw["kgco2e_per_unit"].is_null(), "required"),
        ("kgco2e_per_unit", raw["kgco2e_per_unit"].is_not_null() & value.is_null(), "not a number"),
        ("kgco2e_per_unit", value.is_not_null() & ~value.is_finite(), "must be finite"),
        ("kgco2e_per_unit", value.is_finite() & (value < 0), "must be non-negative"),
        ("uncertainty_pct", raw["uncertainty_pct"].is_not_null() & uncertainty.is_null(), "not a number"),
        ("uncertainty_pct", uncertainty.is_not_null() & ~uncertainty.is_finite(), "must be finite"),
        ("uncertainty_pct", uncertainty.is_finite() & (uncertainty < 0), "must be non-negative"),
        ("valid_from", raw["valid_from"].is_null(), "required"),
        (
            "valid_from",
            raw["valid_from"].is_not_null() & pl.col("valid_from").is_null(),
            "not an ISO date (YYYY-MM-DD)",
        ),
        ("valid_to", raw["valid_to"].is_not_null() & pl.col("valid_to").is_null(), "not an ISO date (YYYY-MM-DD)"),
        ("valid_to", pl.col("valid_to") <= pl.col("valid_from"), "must be after valid_from (it is exclusive)"),
    ]
    both = typed.with_columns(text.select(pl.col(c).alias(f"{c}_raw") for c in raw))
    problems = []
    for field, bad, reason in checks:
        source = f"{field}_raw" if f"{field}_raw" in both.columns else field
        failing = both.filter(bad.fill_null(False)).select("_row", "key", pl.col(source).alias("_got"))
        for row, key, got in failing.iter_rows():
            problems.append(f"row {row} (key {key!r}): {field}: {reason}, got {got!r}")
    return problems


def _overlap_problems(typed: pl.DataFrame, by: list[str], what: str) -> list[str]:
    """Rows of the same key (or the same match columns) whose validity ranges overlap."""
    ordered = typed.sort([*by, "valid_from"]).with_columns(
        pl.col("valid_to").shift(1).over(by).alias("_prev_to"),
        pl.col("valid_from").shift(1).over(by).alias("_prev_from"),
        pl.col("_row").shift(1).over(by).alias("_prev_row"),
        pl.col("key").shift(1).over(by).alias("_prev_key"),
    )
    overlapping = ordered.filter(
        pl.col("_prev_from").is_not_null()
        & (pl.col("_prev_to").is_null() | (pl.col("valid_from") < pl.col("_prev_to")))
    )
    problems = []
    for row in overlapping.iter_rows(named=True):
        span = f"[{row['valid_from']}, {row['valid_to'] or 'open'})"
        prev = f"[{row['_prev_from']}, {row['_prev_to'] or 'open'})"
        if what == "key":
            problems.append(
                f"row {row['_row']} (key {row['key']!r}): valid_from: validity {span} overlaps row "
                f"{row['_prev_row']} {prev} of the same key"
            )
        else:
            match = ", ".join(f"{c}={row[c]!r}" for c in by)
            problems.append(
                f"row {row['_row']} (key {row['key']!r}): valid_from: validity {span} overlaps row "
                f"{row['_prev_row']} (key {row['_prev_key']!r}) {prev} for the same {match}; "
                "resolution would be ambiguous (use a different variant)"
            )
    return problems
