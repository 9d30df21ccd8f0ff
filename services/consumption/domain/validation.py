"""Per-record checks of a reading batch: every failing check gives (index, field, reason).

A batch is a frame ``BATCH_SCHEMA`` (instants as sent, microseconds since 1970) where ``index`` is
the record's position in the batch as sent. Meters are ``meter_ref, meter_id, unit,
reading_kind``. Records that fail any check are returned as rejections (one line per failing check)
and are not ingested; the others are kept. Duplicates against stored readings are judged by the
store (idempotent if identical, rejected if conflicting); duplicates inside one batch here.
"""

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from services.consumption.domain.intervals import TS
from services.consumption.domain.limits import (
    BATCH_ID_CHARS,
    MAX_RECORDS_PER_BATCH,
    MAX_VALUE,
    PAYLOAD_TEXT_CHARS,
    REF_CHARS,
    UNIT_CHARS,
)
from services.consumption.domain.vocab import READING_KINDS
from services.runtime.errors import InvalidArgument
from services.runtime.validation import (
    EARLIEST_US,
    LATEST_US,
    QUOTE_CHARS,
    check_text,
    first_reasons,
    instant_reasons,
    number_reasons,
    text_reasons,
)

BATCH_SCHEMA = pl.Schema(
    {
        "index": pl.Int64(),
        "meter_ref": pl.String(),
        "kind": pl.String(),
        "read_at_us": pl.Int64(),
        "period_start_us": pl.Int64(),  # null: none
        "value": pl.Float64(),
        "unit": pl.String(),
        "estimated": pl.Boolean(),
    }
)
REJECT_SCHEMA = pl.Schema({"index": pl.Int64(), "field": pl.String(), "reason": pl.String()})
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass
class ReadingBatch:
    """One IngestReadings batch as received: its records (``BATCH_SCHEMA``), or None with the
    ``refused`` (field, reason) of a batch refused whole (``whole_batch_problem``)."""

    batch_id: str
    received: int
    records: pl.DataFrame | None
    refused: tuple[str, str] | None = None


@dataclass
class Ack:
    """What became of one reading batch; ``rejected`` and ``warnings``: ``index, field, reason, key``
    (``key`` the record's own: ``meter_ref@read_at``, ISO UTC, so a sender finds it without
    counting), at most ``ACK_ISSUES`` of each; the totals count them all."""

    batch_id: str
    received: int
    accepted: int
    duplicates: int
    rejected: pl.DataFrame
    warnings: pl.DataFrame
    rejected_total: int = 0
    warnings_total: int = 0
    refused: tuple[str, str] | None = None


def whole_batch_problem(batch_id: str, lengths: dict[str, int], optional: set[str]) -> tuple[str, str] | None:
    """(field, reason) when a batch cannot be read record by record (refused whole, before any
    work): a batch_id beyond its limits, more than MAX_RECORDS_PER_BATCH records, columns of
    different lengths (``optional`` ones may also be empty)."""
    if reason := text_reason(batch_id, BATCH_ID_CHARS):
        return "batch_id", reason
    n = lengths["meter_ref"]
    if n > MAX_RECORDS_PER_BATCH:
        return "meter_ref", f"{n:,} records in one batch, at most {MAX_RECORDS_PER_BATCH:,}: send smaller batches"
    for name, length in lengths.items():
        if length != n and not (name in optional and length == 0):
            return name, f"{length:,} values for {n:,} meter_ref entries: every column holds one value per record"
    return None


def text_reason(value: str, max_chars: int) -> str | None:
    try:
        check_text(value, "", max_chars)
    except InvalidArgument as refused:
        return refused.message
    return None


def _iso(col: str | pl.Expr) -> pl.Expr:
    """An instant as ISO 8601 UTC text (``2024-03-02T23:00:00Z``), for reasons read by people."""
    return (pl.col(col) if isinstance(col, str) else col).dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _short(col: str) -> pl.Expr:
    """A text cut to a short prefix, for reasons and keys (the whole value stays in the payload)."""
    c = pl.col(col)
    return pl.when(c.str.len_chars() > QUOTE_CHARS).then(c.str.slice(0, QUOTE_CHARS) + "…").otherwise(c)


def edge_rejects(batch: pl.DataFrame) -> pl.DataFrame:
    """``index, field, reason`` of the records breaking the contract's limits (texts, instants in
    1900-2200, finite values in range), one line per record: checked by column, before anything
    else looks at the records (an instant out of range is never turned into a datetime)."""
    return first_reasons(
        batch,
        {
            "meter_ref": text_reasons(pl.col("meter_ref"), REF_CHARS),
            "kind": text_reasons(pl.col("kind"), UNIT_CHARS),
            "read_at": instant_reasons(pl.col("read_at_us")),
            "period_start": instant_reasons(pl.col("period_start_us")),
            "value": number_reasons(pl.col("value"), high=MAX_VALUE),
            "unit": text_reasons(pl.col("unit"), UNIT_CHARS),
        },
    ).select(pl.col("index").cast(pl.Int64), "field", pl.format("{} {}", "field", "reason").alias("reason"))


def record_keys(batch: pl.DataFrame) -> pl.DataFrame:
    """``index, key``: ``meter_ref@read_at`` (ISO UTC), the ref cut short, an instant out of the
    window as its microseconds."""
    ok = pl.col("read_at_us").is_between(EARLIEST_US, LATEST_US, closed="left")
    when = (
        pl.when(ok)
        .then(_iso(pl.when(ok).then(pl.col("read_at_us")).cast(TS)))
        .otherwise(pl.col("read_at_us").cast(pl.String) + "us")
    )
    return batch.select("index", key=pl.format("{}@{}", _short("meter_ref").fill_null(""), when.fill_null("")))


def payloads(batch: pl.DataFrame, indexes: pl.Series) -> dict[int, str]:
    """The records at ``indexes`` as JSON objects (valid JSON: texts cut to PAYLOAD_TEXT_CHARS,
    non-finite numbers as the strings "NaN", "Infinity", "-Infinity")."""
    bad = batch.filter(pl.col("index").is_in(indexes.implode()))
    ok = pl.col("read_at_us").is_between(EARLIEST_US, LATEST_US, closed="left")
    bad = bad.with_columns(
        [pl.col(c).str.slice(0, PAYLOAD_TEXT_CHARS) for c in ("meter_ref", "kind", "unit")],
        read_at=_iso(pl.when(ok).then(pl.col("read_at_us")).cast(TS)),
    )
    out = {}
    for r in bad.iter_rows(named=True):
        value = r["value"]
        if value is not None and not math.isfinite(value):
            r["value"] = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        out[r["index"]] = json.dumps(r, ensure_ascii=False, allow_nan=False)
    return out


def validate_readings(batch: pl.DataFrame, meters: pl.DataFrame, now: datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
    """-> (good records with ``meter_id``, ``read_at`` and ``period_start`` as instants; rejections
    ``index, field, reason``).

    Records are judged sorted by meter and instant, whatever their order in the batch; a record
    refused is never the reference another is judged against (no check compares neighbours)."""
    b = batch.select(list(BATCH_SCHEMA)).cast(BATCH_SCHEMA)
    edge = edge_rejects(b)
    b = b.filter(~pl.col("index").is_in(edge["index"].implode())).with_columns(
        read_at=pl.col("read_at_us").cast(TS), period_start=pl.col("period_start_us").cast(TS)
    )
    b = b.sort("meter_ref", "read_at", "index")
    m = meters.select(
        "meter_ref", "meter_id", pl.col("unit").alias("meter_unit"), pl.col("reading_kind").alias("meter_kind")
    )
    b = b.join(m, on="meter_ref", how="left", maintain_order="left")
    checks: list[tuple[pl.Expr, str, pl.Expr]] = [
        (
            pl.col("meter_ref").is_null() | (pl.col("meter_ref") == ""),
            "meter_ref",
            pl.lit("meter reference is missing"),
        ),
        (
            pl.col("meter_ref").is_not_null() & (pl.col("meter_ref") != "") & pl.col("meter_id").is_null(),
            "meter_ref",
            pl.format("unknown meter '{}'", "meter_ref"),
        ),
        (
            ~pl.col("kind").is_in(READING_KINDS).fill_null(False),
            "kind",
            pl.format("kind must be one of {}, not '{}'", pl.lit(", ".join(READING_KINDS)), "kind"),
        ),
        (pl.col("value").is_null(), "value", pl.lit("value is missing")),
        (pl.col("value").is_nan() | pl.col("value").is_infinite(), "value", pl.lit("value is not a finite number")),
        (
            pl.col("value") < 0,
            "value",
            pl.when(pl.col("kind") == "index")
            .then(pl.format("negative index {}", "value"))
            .otherwise(pl.format("negative consumption {}", "value")),
        ),
        (
            pl.col("meter_id").is_not_null() & (pl.col("unit") != pl.col("meter_unit")).fill_null(True),
            "unit",
            pl.format("unit '{}' does not match meter '{}' (in '{}')", "unit", "meter_ref", "meter_unit"),
        ),
        (
            pl.col("meter_id").is_not_null()
            & pl.col("kind").is_in(READING_KINDS)
            & (pl.col("kind") != pl.col("meter_kind")),
            "kind",
            pl.format("meter '{}' is read as '{}', not '{}'", "meter_ref", "meter_kind", "kind"),
        ),
        (pl.col("read_at").is_null(), "read_at", pl.lit("read_at is missing")),
        (
            pl.col("read_at") > pl.lit(now + FUTURE_TOLERANCE).cast(TS),
            "read_at",
            pl.format("read_at {} is in the future", _iso("read_at")),
        ),
        (
            (pl.col("kind") == "consumption") & pl.col("period_start").is_null(),
            "period_start",
            pl.lit("a period consumption needs period_start"),
        ),
        (
            (pl.col("kind") == "consumption") & (pl.col("period_start") >= pl.col("read_at")).fill_null(False),
            "period_start",
            pl.format("period_start {} is not before read_at {}", _iso("period_start"), _iso("read_at")),
        ),
    ]
    flagged = b.with_columns(
        [cond.fill_null(False).alias(f"_bad{i}") for i, (cond, _, _) in enumerate(checks)]
        + [reason.alias(f"_why{i}") for i, (_, _, reason) in enumerate(checks)]
    )
    rejects = pl.concat(
        [edge]
        + [
            flagged.filter(pl.col(f"_bad{i}")).select("index", field=pl.lit(field), reason=pl.col(f"_why{i}"))
            for i, (_, field, _) in enumerate(checks)
        ]
    )
    # in-batch duplicates (same meter, kind, instant): identical ones collapse, different ones are refused
    ok = flagged.filter(~pl.col("index").is_in(rejects["index"].implode()))
    key = ["meter_id", "kind", "read_at"]
    first = pl.col("index").min().over(key)
    differs = (
        (pl.col("value") != pl.col("value").first().over(key, order_by="index"))
        | (pl.col("estimated") != pl.col("estimated").first().over(key, order_by="index"))
        | (pl.col("period_start") != pl.col("period_start").first().over(key, order_by="index")).fill_null(False)
    )
    ok = ok.with_columns(first_index=first, differs=differs).with_columns(
        is_dup=pl.col("index") != pl.col("first_index")
    )
    conflicts = ok.filter(pl.col("is_dup") & pl.col("differs")).select(
        "index",
        field=pl.lit("value"),
        reason=pl.format("conflicts with record {} of this batch (same meter, kind and read_at)", "first_index"),
    )
    good = (
        ok.filter(~pl.col("is_dup"))
        .select("index", "meter_id", "kind", "read_at", "period_start", "value", "estimated")
        .sort("index")
    )
    return good, pl.concat([rejects, conflicts]).cast(REJECT_SCHEMA).sort("index", "field")


WARNING_SCHEMA = REJECT_SCHEMA


def backwards_warnings(
    new: pl.DataFrame, stored: pl.DataFrame, meters: pl.DataFrame, replacements: Callable[[], pl.DataFrame]
) -> pl.DataFrame:
    """``index, field, reason`` of the new index readings that go backwards: below the meter's
        previous index (stored, or new in this batch), neither a rollover of its register (a drop of
        less than half a turn, ``registers`` rule 3) nor across a replacement. They are stored as read;
        the consumption figures count an estimate for the interval instead of the drop (``registers``
        rules 2 and 4), which the warning says.

        ``new``: ``index, meter_id, kind, read_at_us, value``; ``stored``: ``meter_id, kind, read_at_us,
        value`` (the meters' stored readings around the new ones, at least the last before each);
        ``meters``: ``meter_id, register_digits``; ``replacements()``: ``meter_id, replaced_at`` (asked for
    only when some reading drops)."""
    mine = new.filter(pl.col("kind") == "index").select("index", "meter_id", "read_at_us", "value")
    if mine.is_empty():
        return pl.DataFrame(schema=WARNING_SCHEMA)
    old = stored.filter(pl.col("kind") == "index").select(
        pl.lit(None, pl.Int64).alias("index"), "meter_id", "read_at_us", "value"
    )
    curve = (
        pl.concat([mine, old.join(mine, on=["meter_id", "read_at_us"], how="anti")])
        .sort("meter_id", "read_at_us")
        .with_columns(
            prev_value=pl.col("value").shift(1).over("meter_id"),
            prev_us=pl.col("read_at_us").shift(1).over("meter_id"),
        )
    )
    drops = curve.filter(pl.col("index").is_not_null() & (pl.col("value") < pl.col("prev_value")))
    if drops.is_empty():
        return pl.DataFrame(schema=WARNING_SCHEMA)
    wrap = pl.lit(10.0).pow(pl.col("register_digits"))
    d = pl.col("value") - pl.col("prev_value")
    rollover = (pl.col("register_digits") > 0).fill_null(False) & (d + wrap >= 0) & (d + wrap < wrap / 2)
    drops = drops.join(meters.select("meter_id", "register_digits"), on="meter_id", how="left").filter(
        ~rollover.fill_null(False)
    )
    if drops.is_empty():
        return pl.DataFrame(schema=WARNING_SCHEMA)
    replaced = (
        drops.join(replacements().select("meter_id", r_us=pl.col("replaced_at").dt.epoch("us")), on="meter_id")
        .filter((pl.col("r_us") > pl.col("prev_us")) & (pl.col("r_us") <= pl.col("read_at_us")))
        .select("index")
    )
    drops = drops.join(replaced, on="index", how="anti")
    return (
        drops.sort("index")
        .select(
            "index",
            field=pl.lit("value"),
            reason=pl.format(
                "index {} is below {}, the meter's previous index (at {}), and is neither a rollover nor a "
                "replacement: stored as read; consumption figures count an estimate for this interval "
                "instead of the drop (a backwards anomaly)",
                "value",
                "prev_value",
                _iso(pl.col("prev_us").cast(TS)),
            ),
        )
        .cast(WARNING_SCHEMA)
    )
