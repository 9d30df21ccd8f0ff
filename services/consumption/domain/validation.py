"""Per-record checks of a reading batch: every failing check gives (index, field, reason).

A batch is a frame ``index, meter_ref, kind, read_at, period_start, value, unit, estimated`` where
``index`` is the record's position in the batch as sent. Meters are ``meter_ref, meter_id, unit,
reading_kind``. Records that fail any check are returned as rejections (one line per failing check)
and are not ingested; the others are kept. Duplicates against stored readings are judged by the
store (idempotent if identical, rejected if conflicting); duplicates inside one batch here.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from services.consumption.domain.intervals import TS
from services.consumption.domain.vocab import READING_KINDS

BATCH_SCHEMA = pl.Schema(
    {
        "index": pl.Int64(),
        "meter_ref": pl.String(),
        "kind": pl.String(),
        "read_at": TS,
        "period_start": TS,
        "value": pl.Float64(),
        "unit": pl.String(),
        "estimated": pl.Boolean(),
    }
)
REJECT_SCHEMA = pl.Schema({"index": pl.Int64(), "field": pl.String(), "reason": pl.String()})
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass
class Ack:
    """What became of one reading batch; ``rejected``: ``index, field, reason, key`` (``key`` the
    record's own: ``meter_ref@read_at``, ISO UTC, so a sender finds it without counting)."""

    batch_id: str
    received: int
    accepted: int
    duplicates: int
    rejected: pl.DataFrame


def _iso(col: str | pl.Expr) -> pl.Expr:
    """An instant as ISO 8601 UTC text (``2024-03-02T23:00:00Z``), for reasons read by people."""
    return (pl.col(col) if isinstance(col, str) else col).dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def validate_readings(batch: pl.DataFrame, meters: pl.DataFrame, now: datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
    """-> (good records with ``meter_id``, rejections ``index, field, reason``)."""
    b = batch.select(list(BATCH_SCHEMA)).cast(BATCH_SCHEMA)
    m = meters.select(
        "meter_ref", "meter_id", pl.col("unit").alias("meter_unit"), pl.col("reading_kind").alias("meter_kind")
    )
    b = b.join(m, on="meter_ref", how="left")
    prev_read = pl.col("read_at").shift(1).over("meter_ref", order_by="index")
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
            (pl.col("read_at") < prev_read).fill_null(False),
            "read_at",
            pl.format(
                "read_at {} is earlier than {}, the previous record of meter '{}' in this batch",
                _iso("read_at"),
                _iso(prev_read),
                "meter_ref",
            ),
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
        [
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
    good = ok.filter(~pl.col("is_dup")).select(
        "index", "meter_id", "kind", "read_at", "period_start", "value", "estimated"
    )
    return good, pl.concat([rejects, conflicts]).cast(REJECT_SCHEMA).sort("index", "field")
