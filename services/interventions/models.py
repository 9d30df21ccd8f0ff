"""Tables of the interventions service (schema ``interventions`` on PostgreSQL)."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from services.runtime.db import UTCDateTime
from services.runtime.outbox import outbox_table

metadata = MetaData()

# A ticket id ("<contractor>/<external ref>") is compared byte by byte on PostgreSQL: it keys the
# two busiest indexes (tickets, events), where the database's locale rules cost every insert and
# lookup for nothing, and it then sorts (pages) as on SQLite, whose default is byte order.
TICKET_ID = String(140).with_variant(String(140, collation="C"), "postgresql")

organisations = Table(
    "organisations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    # first recorded (ImportPortfolioRequest.recorded_at or the clock); null: stored before 0009
    Column("recorded_at", UTCDateTime, nullable=True),
)

territories = Table(
    "territories",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("organisation_id", String(64), ForeignKey("organisations.id"), nullable=False),
    Column("name", String(200), nullable=False),
    # first recorded (ImportPortfolioRequest.recorded_at or the clock); null: stored before 0009
    Column("recorded_at", UTCDateTime, nullable=True),
)

residences = Table(
    "residences",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("territory_id", String(64), ForeignKey("territories.id"), nullable=False),
    Column("name", String(200), nullable=False),
    # first recorded (ImportPortfolioRequest.recorded_at or the clock); null: stored before 0009
    Column("recorded_at", UTCDateTime, nullable=True),
)

buildings = Table(
    "buildings",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("residence_id", String(64), ForeignKey("residences.id"), nullable=False),
    Column("address", String(300), nullable=False),
    Column("postcode", String(16), nullable=False),
    Column("city", String(120), nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("heated_area_m2", Float, nullable=False),
    Column("dwellings", Integer, nullable=False),
    Column("heating_system", String(40), nullable=False),
    Column("weather_station", String(40), nullable=False),
    # address, postcode and city lower-cased, accents dropped (domain.search.search_text)
    Column("search_text", Text, nullable=False, server_default=""),
    # first recorded (ImportPortfolioRequest.recorded_at or the clock); null: stored before 0009
    Column("recorded_at", UTCDateTime, nullable=True),
)

units = Table(
    "units",
    metadata,
    Column("ug_id", String(64), primary_key=True),
    Column("building_id", String(64), ForeignKey("buildings.id"), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("area_m2", Float, nullable=False),
    # first recorded (ImportPortfolioRequest.recorded_at or the clock); null: stored before 0009
    Column("recorded_at", UTCDateTime, nullable=True),
)

equipment = Table(
    "equipment",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("building_id", String(64), ForeignKey("buildings.id"), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("label", String(200), nullable=False),
    # first recorded (ImportPortfolioRequest.recorded_at or the clock); null: stored before 0009
    Column("recorded_at", UTCDateTime, nullable=True),
)

contractors = Table(
    "contractors",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("vehicle_profile", String(60), nullable=False),
    # first recorded (ImportPortfolioRequest.recorded_at or the clock); null: stored before 0009
    Column("recorded_at", UTCDateTime, nullable=True),
)

contractor_bases = Table(
    "contractor_bases",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("contractor_id", String(64), ForeignKey("contractors.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    # first recorded (ImportPortfolioRequest.recorded_at or the clock); null: stored before 0009
    Column("recorded_at", UTCDateTime, nullable=True),
)

contracts = Table(
    "contracts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("contractor_id", String(64), ForeignKey("contractors.id"), nullable=False, index=True),
    Column("reference", String(120), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    Column("recoverable_share", Float, nullable=False),
    # first recorded (ImportPortfolioRequest.recorded_at or the clock); null: stored before 0009
    Column("recorded_at", UTCDateTime, nullable=True),
)

# scope_kind is territory, residence or building.
contract_perimeter = Table(
    "contract_perimeter",
    metadata,
    Column("contract_id", String(64), ForeignKey("contracts.id"), primary_key=True),
    Column("scope_kind", String(16), primary_key=True),
    Column("scope_id", String(64), primary_key=True),
)

contract_trades = Table(
    "contract_trades",
    metadata,
    Column("contract_id", String(64), ForeignKey("contracts.id"), primary_key=True),
    Column("trade", String(60), primary_key=True),
)

service_codes = Table(
    "service_codes",
    metadata,
    Column("contract_id", String(64), ForeignKey("contracts.id"), primary_key=True),
    Column("code", String(60), primary_key=True),
    Column("trade", String(60), nullable=False),
    Column("nature", String(16), nullable=False),
    Column("unit_price_eur", Float, nullable=False),
)

service_code_deadlines = Table(
    "service_code_deadlines",
    metadata,
    Column("contract_id", String(64), primary_key=True),
    Column("code", String(60), primary_key=True),
    Column("criticality", String(30), primary_key=True),
    Column("intervene_hours", Float, nullable=False),
    Column("repair_hours", Float, nullable=False),
)

preventive_plans = Table(
    "preventive_plans",
    metadata,
    Column("contract_id", String(64), ForeignKey("contracts.id"), primary_key=True),
    Column("service_code", String(60), primary_key=True),
    Column("equipment_kind", String(40), primary_key=True),
    Column("interval_days", Integer, nullable=False),
)

# The ticket: immutable attributes from its REQUESTED event, plus a projection of its current
# state kept up to date at ingest (for search, business checks and exports). An export as of a
# cut-off reads the projection of the tickets none of whose events was recorded after it
# (last_recorded_at), and derives the others' facts from the event log as known then.
interventions = Table(
    "interventions",
    metadata,
    Column("id", TICKET_ID, primary_key=True),
    Column("contractor_id", String(64), nullable=False),
    Column("external_ref", String(64), nullable=False),
    Column("contract_id", String(64), nullable=False),
    Column("service_code", String(60), nullable=False),
    Column("trade", String(60), nullable=False),
    Column("nature", String(16), nullable=False),
    Column("criticality", String(30), nullable=False),
    Column("building_id", String(64), nullable=False),
    Column("ug_id", String(64), nullable=True),
    Column("equipment_id", String(64), nullable=True),
    Column("description", Text, nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("visits", Integer, nullable=False),
    Column("open_visit_number", Integer, nullable=True),
    Column("open_visit_started_at", UTCDateTime, nullable=True),
    Column("first_visit_at", UTCDateTime, nullable=True),
    Column("resolved_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("cancelled_at", UTCDateTime, nullable=True),
    Column("planned", Boolean, nullable=False),
    Column("on_hold", Boolean, nullable=False),
    Column("has_quitus", Boolean, nullable=False),
    Column("cost_eur", Float, nullable=False),
    Column("max_sequence", Integer, nullable=False),
    Column("intervene_hours", Float, nullable=True),
    Column("repair_hours", Float, nullable=True),
    Column("recoverable_share", Float, nullable=True),
    Column("hold_sequence", Integer, nullable=False, server_default="0"),
    Column("last_recorded_at", UTCDateTime, nullable=True),
    Index("ix_interventions_contractor", "contractor_id"),
    Index("ix_interventions_building", "building_id"),
    Index("ix_interventions_ug", "ug_id"),
    Index("ix_interventions_requested", "requested_at"),
)

# The append-only, bitemporal log: event_time = when it happened, recorded_at = when Quitus
# learnt it. (intervention_id, sequence) is the contractor's idempotency key.
intervention_events = Table(
    "intervention_events",
    metadata,
    Column("intervention_id", TICKET_ID, primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("contractor_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("event_time", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("visit_number", Integer, nullable=False),
    Column("quitus_document", String(200), nullable=False),
    Column("quitus_signed_by", String(40), nullable=False),
    Column("cost_eur", Float, nullable=False),
    Column("note", Text, nullable=False),
    Column("warnings", String(200), nullable=False),
    Column("fingerprint", String(32), nullable=False),
)

# Every refused record, kept with its reason and the record as sent: nothing is lost.
intervention_rejections = Table(
    "intervention_rejections",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("contractor_id", String(64), nullable=False),
    Column("record_key", String(200), nullable=False),
    Column("fingerprint", String(32), nullable=False),
    Column("rule", String(60), nullable=False),
    Column("field", String(60), nullable=False),
    Column("reason", Text, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("payload_json", Text, nullable=False),
    # Per sender: the same bad record sent by two contractors counts against each of them.
    UniqueConstraint("contractor_id", "record_key", "fingerprint", name="uq_rejection_sender_record"),
    Index("ix_rejections_contractor", "contractor_id"),
)

# One row: bumped by every portfolio import, so that each replica knows when its in-memory
# index of the portfolio is stale.
portfolio_version = Table(
    "portfolio_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
)

# One row: bumped by every batch that records events at an instant already settled (a backfill
# reaching into the past), the only way the event log as known at a settled cut-off can change; a
# replica's exports kept by cut-off are keyed on it.
settled_log_version = Table(
    "settled_log_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
)

# Domain events to publish (services.runtime.outbox), written with the events they announce.
outbox = outbox_table("intervention_outbox", metadata)
