"""Turn a raw factor set (metadata + text columns, as read from a file or a request) into a
typed, validated FactorSet, or raise InvalidFactorSet listing every problem found, each
naming the set, the row, the key and the field (and the field's path in a PublishRequest:
``metadata.name``, ``factors[3].unit``, ...).

The limits of schema.py are checked here, before anything is written: texts (length, no NUL
or control character), numbers (finite, in range), validity dates (1900-2200), the number of
factors and the size of the whole set. Checks are columnar (one polars expression per field)."""

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import polars as pl

from services.factors.domain.schema import (
    BOUNDARIES,
    EXCLUDED_KEY_MAX_CHARS,
    EXCLUDED_MAX_ENTRIES,
    EXCLUDED_REASON_MAX_CHARS,
    FACTOR_COLUMNS,
    FACTOR_MAX_CHARS,
    FACTOR_MULTILINE,
    FACTOR_ORDER,
    FACTORS_MAX_BYTES,
    FLAGS,
    MATCH_COLUMNS,
    MAX_FACTORS,
    MAX_KGCO2E_PER_UNIT,
    MAX_UNCERTAINTY_PCT,
    METADATA_MAX_BYTES,
    METADATA_MAX_CHARS,
    METADATA_MULTILINE,
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
from services.runtime.errors import InvalidArgument
from services.runtime.validation import EARLIEST, LATEST, check_text, quote, text_reasons

# A problem: (the field's path in a PublishRequest, the line that says what is wrong).
Problem = tuple[str, str]

REQUIRED_COLUMNS = (*REQUIRED_TEXT, "kgco2e_per_unit", "valid_from")


def build_set(
    metadata: Mapping[str, Any], raw: pl.DataFrame, known_units: set[str], content_sha256: ContentDigest
) -> FactorSet:
    """``content_sha256`` computes the identity of the clean set (see schema.ContentDigest)."""
    label = quote(f"{metadata.get('name')}@{metadata.get('version')}", 100)
    problems = _metadata_problems(metadata)
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    unknown = [c for c in raw.columns if c not in FACTOR_COLUMNS]
    if missing:
        problems.append(("factors", f"factors: missing columns {missing}"))
    if unknown:
        problems.append(("factors", f"factors: unknown columns [{', '.join(quote(c) for c in unknown[:10])}]"))
    if missing or unknown:
        raise InvalidFactorSet(label, problems)
    if raw.height == 0:
        raise InvalidFactorSet(label, [*problems, ("factors", "factors: the set has no factor")])
    if raw.height > MAX_FACTORS:
        more = f"factors: a set holds at most {MAX_FACTORS:,} factors, got {raw.height:,}"
        raise InvalidFactorSet(label, [*problems, ("factors", more)])

    text = _normalised_text(raw)
    typed = _typed(text)
    problems += _size_problems(text)
    problems += _row_problems(text, typed, known_units)
    if not any(field.endswith(("valid_from", "valid_to")) for field, _ in problems):
        problems += _overlap_problems(typed, ["key"], "key")
        problems += _overlap_problems(typed, list(MATCH_COLUMNS), "match")
    if problems:
        raise InvalidFactorSet(label, problems)

    factors = typed.drop("_row").select(FACTOR_COLUMNS).sort(FACTOR_ORDER)
    clean: Metadata = {k: metadata.get(k) or None for k in (*METADATA_REQUIRED, *METADATA_OPTIONAL)}
    clean["excluded"] = [{"key": e["key"], "reason": e.get("reason", "")} for e in metadata.get("excluded") or []]
    return FactorSet(metadata=clean, factors=factors, content_sha256=content_sha256(clean, factors))


def check_set_name(value: str, field: str, *, required: bool = True) -> str:
    """A set name asked for (GetSet, Resolve, Diff, ListSets): INVALID_ARGUMENT when it could not
    be the name of any set, so that only a well-formed name is ever looked up or quoted."""
    check_text(value, field, METADATA_MAX_CHARS["name"], required=required)
    if value and not re.fullmatch(NAME_PATTERN, value):
        raise InvalidArgument(f"must match {NAME_PATTERN}, got {quote(value)}", field=field)
    return value


def check_version_label(value: str, field: str) -> str:
    """A version label asked for; empty (= the latest) passes."""
    check_text(value, field, METADATA_MAX_CHARS["version"])
    if value and not re.fullmatch(VERSION_PATTERN, value):
        raise InvalidArgument(f"must match {VERSION_PATTERN}, got {quote(value)}", field=field)
    return value


def _metadata_problems(metadata: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []

    def problem(field: str, reason: str) -> None:
        problems.append((f"metadata.{field}", f"metadata: {field}: {reason}"))

    for field in METADATA_REQUIRED:
        value = metadata.get(field)
        if not isinstance(value, str) or not value.strip():
            problem(field, f"required, got {quote(value)}")
    unknown = sorted(set(metadata) - set(METADATA_REQUIRED) - set(METADATA_OPTIONAL))
    if unknown:
        problems.append(("metadata", f"metadata: unknown fields [{', '.join(quote(f) for f in unknown[:10])}]"))
    for field, max_chars in METADATA_MAX_CHARS.items():
        value = metadata.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            problem(field, f"must be text or null, got {quote(value)}")
            continue
        try:
            check_text(value, field, max_chars, multiline=field in METADATA_MULTILINE)
        except InvalidArgument as refused:
            problem(field, refused.message)
    shown = {f: metadata.get(f) for f in ("name", "version")}
    for field, pattern in (("name", NAME_PATTERN), ("version", VERSION_PATTERN)):
        value = shown[field]
        if isinstance(value, str) and len(value) <= METADATA_MAX_CHARS[field] and not re.fullmatch(pattern, value):
            problem(field, f"must match {pattern}, got {quote(value)}")
    published = metadata.get("publication_date")
    if isinstance(published, str) and len(published) <= METADATA_MAX_CHARS["publication_date"]:
        try:
            day = date.fromisoformat(published)
        except ValueError:
            problem("publication_date", f"not an ISO date (YYYY-MM-DD), got {quote(published)}")
        else:
            if not EARLIEST.date() <= day < LATEST.date():
                problem("publication_date", f"{day} is outside {EARLIEST.year}-{LATEST.year}")
    problems += _excluded_problems(metadata.get("excluded"))
    if not problems:
        size = sum(len(v.encode("utf-8")) for v in metadata.values() if isinstance(v, str))
        size += sum(len(str(e.get("key", ""))) + len(str(e.get("reason", ""))) for e in metadata.get("excluded") or [])
        if size > METADATA_MAX_BYTES:
            problems.append(
                ("metadata", f"metadata: its texts hold {size:,} bytes, at most {METADATA_MAX_BYTES:,} allowed")
            )
    return problems


def _excluded_problems(excluded: object) -> list[Problem]:
    if excluded is None:
        return []
    if not (isinstance(excluded, list) and all(isinstance(e, dict) and "key" in e for e in excluded)):
        return [("metadata.excluded", "metadata: excluded: must be a list of {key, reason} objects")]
    if len(excluded) > EXCLUDED_MAX_ENTRIES:
        reason = f"at most {EXCLUDED_MAX_ENTRIES:,} entries, got {len(excluded):,}"
        return [("metadata.excluded", f"metadata: excluded: {reason}")]
    problems: list[Problem] = []
    for index, entry in enumerate(excluded):
        for field, max_chars in (("key", EXCLUDED_KEY_MAX_CHARS), ("reason", EXCLUDED_REASON_MAX_CHARS)):
            value = entry.get(field) or ""
            path = f"metadata.excluded[{index}].{field}"
            try:
                check_text(value if isinstance(value, str) else str(value), path, max_chars)
            except InvalidArgument as refused:
                problems.append((path, f"metadata: excluded[{index}]: {field}: {refused.message}"))
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


def _size_problems(text: pl.DataFrame) -> list[Problem]:
    size = text.select(pl.sum_horizontal(pl.col(c).str.len_bytes().fill_null(0) for c in FACTOR_COLUMNS).sum()).item()
    if size > FACTORS_MAX_BYTES:
        return [("factors", f"factors: their texts hold {size:,} bytes, at most {FACTORS_MAX_BYTES:,} allowed")]
    return []


def _row_problems(text: pl.DataFrame, typed: pl.DataFrame, known_units: set[str]) -> list[Problem]:
    value, uncertainty = pl.col("kgco2e_per_unit"), pl.col("uncertainty_pct")
    raw = {c: pl.col(f"{c}_raw") for c in ("kgco2e_per_unit", "uncertainty_pct", "valid_from", "valid_to")}
    window = f"is outside {EARLIEST.year}-{LATEST.year}"
    checks: list[tuple[str, pl.Expr, str | pl.Expr]] = [
        (column, reason.is_not_null(), reason)
        for column, max_chars in FACTOR_MAX_CHARS.items()
        for reason in [text_reasons(pl.col(f"{column}_raw"), max_chars, multiline=column in FACTOR_MULTILINE)]
    ]
    checks += [(c, pl.col(c).is_null(), "required") for c in REQUIRED_TEXT]
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
        (
            "kgco2e_per_unit",
            value.is_finite() & (value > MAX_KGCO2E_PER_UNIT),
            f"must be at most {MAX_KGCO2E_PER_UNIT:g}",
        ),
        ("uncertainty_pct", raw["uncertainty_pct"].is_not_null() & uncertainty.is_null(), "not a number"),
        ("uncertainty_pct", uncertainty.is_not_null() & ~uncertainty.is_finite(), "must be finite"),
        ("uncertainty_pct", uncertainty.is_finite() & (uncertainty < 0), "must be non-negative"),
        (
            "uncertainty_pct",
            uncertainty.is_finite() & (uncertainty > MAX_UNCERTAINTY_PCT),
            f"must be at most {MAX_UNCERTAINTY_PCT:g}",
        ),
        ("valid_from", raw["valid_from"].is_null(), "required"),
        (
            "valid_from",
            raw["valid_from"].is_not_null() & pl.col("valid_from").is_null(),
            "not an ISO date (YYYY-MM-DD)",
        ),
        ("valid_to", raw["valid_to"].is_not_null() & pl.col("valid_to").is_null(), "not an ISO date (YYYY-MM-DD)"),
        *[
            (column, (pl.col(column) < EARLIEST.date()) | (pl.col(column) >= LATEST.date()), window)
            for column in ("valid_from", "valid_to")
        ],
        ("valid_to", pl.col("valid_to") <= pl.col("valid_from"), "must be after valid_from (it is exclusive)"),
    ]
    both = typed.with_columns(text.select(pl.col(c).alias(f"{c}_raw") for c in FACTOR_COLUMNS))
    problems: list[Problem] = []
    for field, bad, reason in checks:
        source = f"{field}_raw" if f"{field}_raw" in both.columns else field
        why = reason if isinstance(reason, pl.Expr) else pl.lit(reason)
        failing = both.filter(bad.fill_null(False)).select(
            "_row", "key", pl.col(source).alias("_got"), why.alias("_why")
        )
        for row, key, got, because in failing.iter_rows():
            problems.append(
                (f"factors[{row - 1}].{field}", f"row {row} (key {quote(key)}): {field}: {because}, got {quote(got)}")
            )
    return problems


def _overlap_problems(typed: pl.DataFrame, by: list[str], what: str) -> list[Problem]:
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
    problems: list[Problem] = []
    for row in overlapping.iter_rows(named=True):
        path = f"factors[{row['_row'] - 1}].valid_from"
        span = f"[{row['valid_from']}, {row['valid_to'] or 'open'})"
        prev = f"[{row['_prev_from']}, {row['_prev_to'] or 'open'})"
        if what == "key":
            problems.append(
                (
                    path,
                    f"row {row['_row']} (key {quote(row['key'])}): valid_from: validity {span} overlaps row "
                    f"{row['_prev_row']} {prev} of the same key",
                )
            )
        else:
            match = ", ".join(f"{c}={quote(row[c])}" for c in by)
            problems.append(
                (
                    path,
                    f"row {row['_row']} (key {quote(row['key'])}): valid_from: validity {span} overlaps row "
                    f"{row['_prev_row']} (key {quote(row['_prev_key'])}) {prev} for the same {match}; "
                    "resolution would be ambiguous (use a different variant)",
                )
            )
    return problems
