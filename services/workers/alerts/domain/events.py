"""The domain events the alerts listen to (the relay's JSON payloads), read into facts.

interventions.requested brings a ticket and its contract terms; interventions.visit_started,
.resolved, .closed and .cancelled the instants its deadlines stop at; consumption.anomaly_found.*
an anomaly (services/interventions/domain/outbox_events.py, services/consumption/domain/
outbox_events.py say what each carries)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.workers.alerts.domain.anomalies import Anomaly
from services.workers.alerts.domain.deadlines import Ticket

ROUTING_KEYS = ("interventions.*", "consumption.anomaly_found.*")
STOP_KINDS = {
    "interventions.visit_started": "VISIT_STARTED",
    "interventions.resolved": "RESOLVED",
    "interventions.closed": "CLOSED",
    "interventions.cancelled": "CANCELLED",
}


class BadEvent(ValueError):
    """An event the alerts cannot read: it names the message and the field."""


@dataclass(frozen=True, slots=True)
class TicketEvent:
    message_id: str
    intervention_id: str
    kind: str
    event_time: datetime


def read_event(message_id: str, routing_key: str, payload: Any) -> Ticket | TicketEvent | Anomaly | None:
    """The fact an event brings (None: an event the alerts do not use)."""
    if not isinstance(payload, dict):
        raise BadEvent(f"{message_id}: the payload is not a JSON object")
    if routing_key == "interventions.requested":
        return Ticket(
            intervention_id=_text(message_id, payload, "intervention_id"),
            contractor_id=_text(message_id, payload, "contractor_id"),
            building_id=_text(message_id, payload, "building_id"),
            requested_at=_instant(message_id, payload, "event_time"),
            intervene_hours=_hours(message_id, payload, "intervene_hours"),
            repair_hours=_hours(message_id, payload, "repair_hours"),
            trade=_text(message_id, payload, "trade", required=False),
            nature=_text(message_id, payload, "nature", required=False),
        )
    if routing_key in STOP_KINDS:
        return TicketEvent(
            message_id=message_id,
            intervention_id=_text(message_id, payload, "intervention_id"),
            kind=STOP_KINDS[routing_key],
            event_time=_instant(message_id, payload, "event_time"),
        )
    if routing_key.startswith("consumption.anomaly_found."):
        return Anomaly(
            message_id=message_id,
            meter_ref=_text(message_id, payload, "meter_ref"),
            building_id=_text(message_id, payload, "building_id"),
            carrier=_text(message_id, payload, "carrier"),
            usage=_text(message_id, payload, "usage"),
            kind=_text(message_id, payload, "kind"),
            window_start=_instant(message_id, payload, "window_start"),
            window_end=_instant(message_id, payload, "window_end"),
            detected_at=_instant(message_id, payload, "detected_at"),
            expected=_number(message_id, payload, "expected"),
            observed=_number(message_id, payload, "observed"),
            detail=_text(message_id, payload, "detail", required=False),
        )
    return None


def _text(message_id: str, payload: dict[str, Any], field: str, *, required: bool = True) -> str:
    value = payload.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise BadEvent(f"{message_id}: {field} is not a non-empty text ({value!r})")
    return value


def _instant(message_id: str, payload: dict[str, Any], field: str) -> datetime:
    text = _text(message_id, payload, field)
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise BadEvent(f"{message_id}: {field} is not an ISO 8601 instant ({text!r})") from None
    if instant.tzinfo is None:
        raise BadEvent(f"{message_id}: {field} has no UTC offset ({text!r})")
    return instant


def _number(message_id: str, payload: dict[str, Any], field: str) -> float | None:
    value = payload.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadEvent(f"{message_id}: {field} is not a number ({value!r})")
    return float(value)


def _hours(message_id: str, payload: dict[str, Any], field: str) -> float | None:
    value = _number(message_id, payload, field)
    if value is not None and value <= 0:
        raise BadEvent(f"{message_id}: {field} is not a positive number of hours ({value!r})")
    return value
