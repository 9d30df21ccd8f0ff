"""The domain events the interventions service announces, as outbox rows (services.runtime.outbox:
message_id, routing_key, occurred_at, payload_json), built for a whole batch at once.

One event per accepted intervention event of an announced kind (ANNOUNCED). A request carries the
ticket's fixed attributes (where, which trade, which contract terms and deadlines), every event
its ticket, contractor and building, so that a consumer (the alerts) needs no call back to the
service to judge a deadline or find a building. Its message id is the event's own key,
``interventions/<intervention_id>#<sequence>``: the key a contractor's re-send is recognised by,
so an event has one id however often it is published.
"""

from collections.abc import Iterable

import polars as pl

from services.interventions.domain.lifecycle import TicketState

# kind of intervention event -> routing key of the domain event announcing it
ANNOUNCED = {
    "REQUESTED": "interventions.requested",
    "VISIT_STARTED": "interventions.visit_started",
    "RESOLVED": "interventions.resolved",
    "CLOSED": "interventions.closed",
    "CANCELLED": "interventions.cancelled",
}

# What a consumer learns from every event; the request adds where, what and the contract's terms
# (a consumer keeps them: the later events do not repeat them), a visit started its number, a
# resolution its cost.
COMMON_FIELDS = ("intervention_id", "contractor_id", "building_id", "sequence", "kind", "event_time")
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "REQUESTED": (
        "ug_id",
        "equipment_id",
        "contract_id",
        "service_code",
        "trade",
        "nature",
        "criticality",
        "intervene_hours",
        "repair_hours",
    ),
    "VISIT_STARTED": ("visit_number",),
    "RESOLVED": ("cost_eur",),
    "CLOSED": (),
    "CANCELLED": (),
}
# The ticket attributes an event may carry, fixed by its request (lifecycle.TicketState).
TICKET_CONTEXT = {
    "intervention_id": pl.String,
    "building_id": pl.String,
    "ug_id": pl.String,
    "equipment_id": pl.String,
    "contract_id": pl.String,
    "service_code": pl.String,
    "trade": pl.String,
    "nature": pl.String,
    "criticality": pl.String,
    "intervene_hours": pl.Float64,
    "repair_hours": pl.Float64,
}
_STATE_FIELDS = ("id", *list(TICKET_CONTEXT)[1:])
# What each event brings of its own (rules.BatchOutcome.accepted's columns; instants in µs).
EVENT_FIELDS = ["intervention_id", "contractor_id", "sequence", "kind", "event_us", "visit_number", "cost_eur"]
UTC_TIME = pl.Datetime("us", "UTC")


def ticket_context(states: Iterable[TicketState]) -> pl.DataFrame:
    """TICKET_CONTEXT of these tickets, one row each."""
    rows = [tuple(getattr(state, name) for name in _STATE_FIELDS) for state in states]
    return pl.DataFrame(rows, schema=TICKET_CONTEXT, orient="row")


def announced(accepted: pl.DataFrame) -> pl.DataFrame:
    """The accepted events (rules.BatchOutcome.accepted) that are announced, in batch order."""
    return accepted.filter(pl.col("kind").is_in(list(ANNOUNCED)))


def outbox_rows(events: pl.DataFrame, tickets: pl.DataFrame) -> pl.DataFrame:
    """One outbox row per event of ``events`` (``announced``, with EVENT_FIELDS), in their order,
    ``tickets`` (``ticket_context``) holding every ticket they name: message_id, routing_key,
    occurred_at (the event's time) and payload_json, whose fields are COMMON_FIELDS (event_time
    in ISO 8601 UTC) and those of KIND_FIELDS for its kind. The routing key travels beside the
    payload (the message's routing key and type), not in it.

    Each kind's payload is encoded apart: a field a kind does not have is left out, not written
    as null (half the bytes, for the ingest's sake)."""
    rows = (
        events.select(EVENT_FIELDS)  # the ticket's attributes come from its state, not from what was sent
        .with_row_index("position")
        .join(tickets, on="intervention_id", how="left")
        .with_columns(
            pl.col("kind").replace_strict(ANNOUNCED, return_dtype=pl.String).alias("routing_key"),
            pl.col("event_us").cast(UTC_TIME).alias("occurred_at"),
        )
        .with_columns(pl.col("occurred_at").dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").alias("event_time"))
    )
    parts = [
        rows.filter(pl.col("kind") == kind).select(
            "position",
            pl.format("interventions/{}#{}", "intervention_id", "sequence").alias("message_id"),
            "routing_key",
            "occurred_at",
            pl.struct(*COMMON_FIELDS, *fields).struct.json_encode().alias("payload_json"),
        )
        for kind, fields in KIND_FIELDS.items()
    ]
    return pl.concat(parts).sort("position").drop("position")
