"""A batch of intervention events as one polars frame (the ingest path never builds an
object per event). Instants are integer microseconds since the epoch; 0 means "not given"."""

from collections.abc import Mapping, Sequence
from hashlib import blake2b
from typing import Any

import polars as pl

KINDS = (
    "REQUESTED",
    "PLANNED",
    "REPLANNED",
    "VISIT_STARTED",
    "VISIT_ENDED",
    "SUSPENDED",
    "RESUMED",
    "RESOLVED",
    "QUITUS",
    "CLOSED",
    "CANCELLED",
)

# What a contractor sends, column by column, in this order.
SENT_SCHEMA: dict[str, type[pl.DataType]] = {
    "contractor_id": pl.String,
    "external_ref": pl.String,
    "sequence": pl.Int64,
    "kind": pl.String,
    "event_us": pl.Int64,
    "recorded_us": pl.Int64,
    "contract_id": pl.String,
    "service_code": pl.String,
    "ug_id": pl.String,
    "building_id": pl.String,
    "equipment_id": pl.String,
    "criticality": pl.String,
    "description": pl.String,
    "visit_number": pl.Int64,
    "quitus_document": pl.String,
    "quitus_signed_by": pl.String,
    "cost_eur": pl.Float64,
    "note": pl.String,
}
# Everything but recorded_us: an identical re-send has the same fingerprint.
CONTENT_COLUMNS = [c for c in SENT_SCHEMA if c != "recorded_us"]


# A batch column by column (every SENT_SCHEMA column): a list or a polars series each.
Columns = Mapping[str, Sequence[Any] | pl.Series]


def batch_frame(columns: Columns) -> pl.DataFrame:
    """The batch as sent (every SENT_SCHEMA column: a list or a polars series each), plus its position, the
    ticket id ("<contractor_id>/<external_ref>": two contractors may reuse a reference), the record
    key and the content fingerprint."""
    frame = (
        pl.DataFrame(columns, schema=SENT_SCHEMA)
        .with_columns(
            pl.int_range(pl.len(), dtype=pl.Int32).alias("index"),
            pl.when(pl.col("event_us") == 0).then(None).otherwise(pl.col("event_us")).alias("event_us"),
            pl.when(pl.col("recorded_us") == 0).then(None).otherwise(pl.col("recorded_us")).alias("recorded_us"),
            pl.concat_str([pl.col("contractor_id"), pl.lit("/"), pl.col("external_ref")]).alias("intervention_id"),
        )
        .with_columns(
            pl.format("{}#{}", "intervention_id", "sequence").alias("record_key"),
        )
    )
    content = (
        frame.select(
            pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in CONTENT_COLUMNS], separator="\x1f").cast(
                pl.Binary
            )
        )
        .to_series()
        .to_list()
    )
    fingerprints = [blake2b(text, digest_size=16).hexdigest() for text in content]  # UTF-8 bytes from polars
    return frame.with_columns(pl.Series("fingerprint", fingerprints, dtype=pl.String))


def empty_value(column: str) -> str | int | float:
    """What a field not given holds: "", 0 or 0.0."""
    return _EMPTY[SENT_SCHEMA[column]]


_EMPTY: dict[type[pl.DataType], str | int | float] = {pl.String: "", pl.Int64: 0, pl.Float64: 0.0}


def events_columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Columns from a list of partial records (missing fields take their empty value)."""
    return {name: [row.get(name, empty_value(name)) for row in rows] for name in SENT_SCHEMA}
