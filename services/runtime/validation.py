"""Checks at the edge, shared by every service: texts, numbers, instants and enum numbers, for one
value (a unary request's field: raise InvalidArgument) or for a whole column at once (a batch's
records: one reason per row, null where the row is fine, so the good records of a batch go on).

The database's own limits are a second line: a value that reaches a write has passed these.
Error messages quote at most a short prefix of what was sent (``quote``): a reply or a log line
never carries a megabyte of somebody's input back.
"""

import math
from collections.abc import Collection
from datetime import UTC, datetime

import polars as pl

from services.runtime.errors import InvalidArgument

# The window of instants any record may carry (readings, events, prices, factors' validity).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
EARLIEST_US = int(EARLIEST.timestamp() * 1_000_000)
LATEST_US = int(LATEST.timestamp() * 1_000_000)

# Control characters no text field may hold (tab, line feed and carriage return are allowed
# only where a field says so: descriptions and notes).
CONTROL_BUT_BREAKS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
CONTROL = r"[\x00-\x1f\x7f]"
QUOTE_CHARS = 40


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """``repr`` of ``value``, cut to ``limit`` characters with its full length said."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


# ------------------------------------------------------------------ one value


def check_text(value: str, field: str, max_chars: int, *, multiline: bool = False, required: bool = False) -> str:
    if required and not value:
        raise InvalidArgument("is required", field=field)
    reason = _text_reason(value, max_chars, multiline)
    if reason:
        raise InvalidArgument(reason, field=field)
    return value


def _text_reason(value: str, max_chars: int, multiline: bool) -> str | None:
    if len(value) > max_chars:
        return f"is {len(value):,} characters long, at most {max_chars:,} allowed"
    if "\x00" in value:
        return "holds a NUL character"
    if any(ord(c) < 32 and (not multiline or c not in "\t\n\r") or c == "\x7f" for c in value):
        return "holds a control character"
    return None


def check_number(value: float, field: str, *, low: float = -math.inf, high: float = math.inf) -> float:
    if not math.isfinite(value):
        raise InvalidArgument(f"must be a finite number, got {value}", field=field)
    if not low <= value <= high:
        raise InvalidArgument(f"must be within [{low:g}, {high:g}], got {value:g}", field=field)
    return value


def check_instant(value: datetime | None, field: str) -> datetime | None:
    """None (not given) passes; an instant outside 1900-2200 does not."""
    if value is not None and not EARLIEST <= value < LATEST:
        raise InvalidArgument(f"{value.isoformat()} is outside {EARLIEST.year}-{LATEST.year}", field=field)
    return value


def check_enum(value: int, known: Collection[int], field: str, *, allow_unset: bool = True) -> int:
    if value == 0 and allow_unset:
        return value
    if value not in known or value == 0:
        raise InvalidArgument(f"{value} is not a value this contract defines", field=field)
    return value


# ------------------------------------------------------------------ columns


def text_reasons(column: pl.Expr, max_chars: int, *, multiline: bool = False, required: bool = False) -> pl.Expr:
    """Per row: why the text is refused, or null."""
    control = CONTROL_BUT_BREAKS if multiline else CONTROL
    length = column.str.len_chars()
    reason = (
        pl.when(length > max_chars)
        .then(pl.format("is {} characters long, at most " + f"{max_chars:,}" + " allowed", length))
        .when(column.str.contains("\x00", literal=True))
        .then(pl.lit("holds a NUL character"))
        .when(column.str.contains(control))
        .then(pl.lit("holds a control character"))
    )
    if required:
        reason = reason.when(column.is_null() | (length == 0)).then(pl.lit("is required"))
    return reason.otherwise(None)


def number_reasons(column: pl.Expr, *, low: float = -math.inf, high: float = math.inf) -> pl.Expr:
    """Per row: why the number is refused (not finite, out of range), or null. Null passes."""
    return (
        pl.when(column.is_nan() | column.is_infinite())
        .then(pl.lit("must be a finite number"))
        .when((column < low) | (column > high))
        .then(pl.lit(f"must be within [{low:g}, {high:g}]"))
        .otherwise(None)
    )


def instant_reasons(epoch_us: pl.Expr) -> pl.Expr:
    """Per row: why an instant (epoch microseconds) is refused, or null. Null passes."""
    return (
        pl.when((epoch_us < EARLIEST_US) | (epoch_us >= LATEST_US))
        .then(pl.lit(f"is outside {EARLIEST.year}-{LATEST.year}"))
        .otherwise(None)
    )


def enum_reasons(column: pl.Expr, known: Collection[int], *, allow_unset: bool = True) -> pl.Expr:
    allowed = [*known, 0] if allow_unset else [k for k in known if k]
    return pl.when(column.is_in(allowed).not_()).then(pl.lit("is not a value this contract defines")).otherwise(None)


def first_reasons(frame: pl.DataFrame, checks: dict[str, pl.Expr]) -> pl.DataFrame:
    """One row per refused record of ``frame``: its ``index`` (row number), the first ``field``
    of ``checks`` (in order) that refuses it, and the ``reason``. Empty when every record passes."""
    if frame.height == 0 or not checks:
        return pl.DataFrame(schema={"index": pl.UInt32, "field": pl.String, "reason": pl.String})
    reasons = frame.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("index"),
        *[expr.alias(f"r{i}") for i, expr in enumerate(checks.values())],
    )
    fields = list(checks)
    field = pl.coalesce([pl.when(pl.col(f"r{i}").is_not_null()).then(pl.lit(name)) for i, name in enumerate(fields)])
    reason = pl.coalesce([pl.col(f"r{i}") for i in range(len(fields))])
    return reasons.select("index", field.alias("field"), reason.alias("reason")).filter(pl.col("reason").is_not_null())
