"""The alerts' tables (schema ``alerts``): the facts the rules need, kept from the events, and
the alerts with their delivery state."""

from sqlalchemy import Boolean, Column, Float, Index, Integer, MetaData, String, Table, Text

from services.runtime.db import UTCDateTime

metadata = MetaData()

# One row per intervention whose request was seen: what its deadlines need, and where they stand.
tickets = Table(
    "alert_tickets",
    metadata,
    Column("intervention_id", String(120), primary_key=True),
    Column("contractor_id", String(64), nullable=False),
    Column("building_id", String(64), nullable=False),
    Column("trade", String(64), nullable=False),
    Column("nature", String(32), nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("intervene_hours", Float, nullable=True),
    Column("repair_hours", Float, nullable=True),
    # Set once a sweep found nothing more can come of it (services/workers/alerts/domain/deadlines.settled).
    Column("settled", Boolean, nullable=False, default=False),
)
Index("ix_alert_tickets_open", tickets.c.settled, tickets.c.requested_at)
Index("ix_alert_tickets_building", tickets.c.building_id, tickets.c.requested_at)

# Each event after the request, once (message id): visits and ends, whichever order they come in.
ticket_events = Table(
    "alert_ticket_events",
    metadata,
    Column("message_id", String(300), primary_key=True),
    Column("intervention_id", String(120), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("event_time", UTCDateTime, nullable=False),
)

anomalies = Table(
    "alert_anomalies",
    metadata,
    Column("message_id", String(300), primary_key=True),
    Column("meter_ref", String(120), nullable=False),
    Column("building_id", String(64), nullable=False),
    Column("carrier", String(64), nullable=False),
    Column("usage", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("window_start", UTCDateTime, nullable=False),
    Column("window_end", UTCDateTime, nullable=False),
    Column("detected_at", UTCDateTime, nullable=False),
    Column("expected", Float, nullable=True),
    Column("observed", Float, nullable=True),
    Column("detail", Text, nullable=False, default=""),
    # null: not judged yet; else the message id of the fault's first anomaly (itself for a first one)
    Column("fault", String(300), nullable=True),
    # a fault's first anomaly: whether the unattended rule has had its say
    Column("unattended_checked", Boolean, nullable=False, default=False),
)
Index("ix_alert_anomalies_meter", anomalies.c.meter_ref, anomalies.c.window_start)
Index("ix_alert_anomalies_building", anomalies.c.building_id, anomalies.c.window_start)

# The alerts, and the delivery of each to the webhook: pending -> delivered | failed
# ("logged" when no webhook is configured: the log was its only sink).
alerts = Table(
    "alerts",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("key", String(400), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("building_id", String(64), nullable=True),
    Column("contractor_id", String(64), nullable=True),
    Column("message", Text, nullable=False),
    Column("details_json", Text, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("raised_at", UTCDateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True),
)
Index("ix_alerts_state", alerts.c.state, alerts.c.next_attempt_at)

# A contractor's current episode under the quality target (null: meets it).
quality = Table(
    "alert_quality",
    metadata,
    Column("contractor_id", String(64), primary_key=True),
    Column("below_since", UTCDateTime, nullable=True),
    Column("share", Float, nullable=False),
    Column("received", Integer, nullable=False),
    Column("checked_at", UTCDateTime, nullable=False),
)
