"""The domain events the consumption service announces, as outbox rows (services.runtime.outbox:
message_id, routing_key, occurred_at, payload_json).

- ``consumption.readings_accepted``: one per meter and ingest batch (never one per reading),
  counting the readings the batch stored for that meter and their span.
- ``consumption.anomaly_found.<kind>`` (leak, night_flow, spike, flat_line, stuck_register,
  backwards): one per anomaly a detection finds that was not stored before it, so a detection
  run again over the same days announces nothing twice. A consumer binds
  ``consumption.anomaly_found.*`` or the kinds it cares for.

The routing key travels beside the payload (the message's routing key and type), not in it.
Each event names its meter by ``meter_ref`` (the landlord's reference, not the service's row id)
with the meter's building, unit, carrier and usage, so that a consumer needs no call back.
"""

from datetime import UTC, datetime

import polars as pl

READINGS_ACCEPTED = "consumption.readings_accepted"
ANOMALY_FOUND = "consumption.anomaly_found"
UTC_TIME = pl.Datetime("us", "UTC")
# What an event says of its meter.
METER_FIELDS = ["meter_id", "meter_ref", "building_id", "unit_id", "carrier", "usage"]


def _iso(column: str | pl.Expr) -> pl.Expr:
    """An instant as ISO 8601 UTC text (null stays null)."""
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.cast(UTC_TIME).dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ")


def _iso_instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _finite(column: str) -> pl.Expr:
    """JSON has no NaN nor infinity: null instead."""
    return pl.when(pl.col(column).is_finite()).then(pl.col(column)).alias(column)


def readings_accepted(
    stored: pl.DataFrame, meters: pl.DataFrame, batch_id: str, batch_key: str, recorded_at: datetime
) -> pl.DataFrame:
    """One outbox row per meter of ``stored`` (the readings one batch stored: meter_id, kind,
    read_at_us, estimated), in meter_ref order. ``meters``: METER_FIELDS of every meter named;
    ``batch_key``: unique to the batch (its message ids are ``consumption/readings/<batch_key>/
    <meter_ref>``); ``batch_id``: the sender's name for it, passed on.

    The payload: batch_id, meter_ref, building_id, unit_id, carrier, usage, readings (how
    many stored), estimated (how many of them estimated), first_read_at, last_read_at,
    recorded_at (ISO texts). occurred_at is the last reading's instant."""
    per_meter = (
        stored.group_by("meter_id")
        .agg(
            pl.len().alias("readings"),
            pl.col("estimated").sum().alias("estimated"),
            pl.col("read_at_us").min().alias("first_us"),
            pl.col("read_at_us").max().alias("last_us"),
        )
        .join(meters.select(METER_FIELDS), on="meter_id", how="left")
        .sort("meter_ref")
    )
    payload = pl.struct(
        pl.lit(batch_id).alias("batch_id"),
        "meter_ref",
        "building_id",
        "unit_id",
        "carrier",
        "usage",
        "readings",
        "estimated",
        _iso("first_us").alias("first_read_at"),
        _iso("last_us").alias("last_read_at"),
        pl.lit(_iso_instant(recorded_at)).alias("recorded_at"),
    ).struct.json_encode()
    return per_meter.select(
        pl.format("consumption/readings/{}/{}", pl.lit(batch_key), "meter_ref").alias("message_id"),
        pl.lit(READINGS_ACCEPTED).alias("routing_key"),
        pl.col("last_us").cast(UTC_TIME).alias("occurred_at"),
        payload.alias("payload_json"),
    )


def anomalies_found(found: pl.DataFrame, meters: pl.DataFrame, detected_at: datetime) -> pl.DataFrame:
    """One outbox row per anomaly of ``found`` (intervals.ANOMALY_SCHEMA: meter_id, kind,
    window_start, window_end, expected, observed, detail), in window, meter_ref and kind order.
    ``meters``: METER_FIELDS of every meter named. Message id ``consumption/anomaly/<meter_ref>/
    <kind>/<window_start>``: the anomaly's own key, so finding it again gives the same id.

    The payload: meter_ref, building_id, unit_id, carrier, usage, kind, window_start,
    window_end (ISO texts), expected, observed, detail, detected_at. occurred_at is the start of
    the window."""
    routing = pl.format("{}.{}", pl.lit(ANOMALY_FOUND), "kind")
    payload = pl.struct(
        "meter_ref",
        "building_id",
        "unit_id",
        "carrier",
        "usage",
        "kind",
        _iso("window_start").alias("window_start"),
        _iso("window_end").alias("window_end"),
        _finite("expected"),
        _finite("observed"),
        "detail",
        pl.lit(_iso_instant(detected_at)).alias("detected_at"),
    ).struct.json_encode()
    return (
        found.join(meters.select(METER_FIELDS), on="meter_id", how="left")
        .sort("window_start", "meter_ref", "kind")
        .select(
            pl.format("consumption/anomaly/{}/{}/{}", "meter_ref", "kind", _iso("window_start")).alias("message_id"),
            routing.alias("routing_key"),
            pl.col("window_start").cast(UTC_TIME).alias("occurred_at"),
            payload.alias("payload_json"),
        )
    )
