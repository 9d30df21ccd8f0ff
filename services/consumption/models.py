"""Tables of the consumption service (schema ``consumption`` on PostgreSQL).

Names start with ``meter_`` or ``consumption_`` so they never collide with another service's in the
shared SQLite file. Readings are the volume table: their instants are stored as integer
microseconds since 1970-01-01 UTC (``*_us``), identical on both back ends and cheap to COPY.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from services.runtime.db import UTCDateTime
from services.runtime.outbox import outbox_table

metadata = MetaData()

meters = Table(
    "meter_meter",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("meter_ref", String(64), nullable=False, unique=True),
    Column("building_id", String(64), nullable=False),
    Column("unit_id", String(64)),
    Column("carrier", String(32), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("usage", String(32), nullable=False),
    Column("recoverable", Boolean, nullable=False),
    Column("charge_category", String(32), nullable=False),
    Column("register_digits", Integer),
    Column("reading_kind", String(16), nullable=False),
    Column("weather_station", String(64)),
    Column("contract_ref", String(64)),
    Column("recorded_at", UTCDateTime, nullable=False),
)

# Versions (see store.Versioned): an import that changes a record adds a row recorded at its arrival, so
# a cut-off in the past reads the version then known (the last one recorded at or before it); an
# identical re-send adds none. Kept so: replacements, gas coefficients, weather days, DJU normals, prices
# and provisions (readings are never revised: a conflicting re-send is refused).
replacements = Table(
    "meter_replacement",
    metadata,
    Column("meter_id", Integer, nullable=False),
    Column("replaced_at", UTCDateTime, nullable=False),
    Column("old_last_index", Float, nullable=False),
    Column("new_first_index", Float, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("meter_id", "replaced_at", "recorded_at"),
)

gas_coefficients = Table(
    "meter_gas_coefficient",
    metadata,
    Column("meter_id", Integer, nullable=False),
    Column("valid_from", UTCDateTime, nullable=False),
    Column("kwh_pcs_per_m3", Float, nullable=False),
    Column("source", Text, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("meter_id", "valid_from", "recorded_at"),
)

readings = Table(
    "meter_reading",
    metadata,
    Column("meter_id", Integer, nullable=False),
    Column("kind", String(12), nullable=False),
    Column("read_at_us", BigInteger, nullable=False),
    Column("period_start_us", BigInteger),
    Column("value", Float, nullable=False),
    Column("estimated", Boolean, nullable=False),
    Column("recorded_at_us", BigInteger, nullable=False),
    PrimaryKeyConstraint("meter_id", "kind", "read_at_us"),
    # On PostgreSQL also a BRIN index on read_at_us and kind, READINGS_BY_TIME (migration 0005).
)
READINGS_BY_TIME = "ix_meter_reading_read_at"

reading_rejections = Table(
    "meter_reading_rejection",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", String(128), nullable=False),
    Column("record_index", Integer, nullable=False),
    Column("field", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("payload_json", Text, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
)

weather_days = Table(
    "consumption_weather_day",
    metadata,
    Column("station", String(64), nullable=False),
    Column("day", Date, nullable=False),
    Column("tn", Float),
    Column("tx", Float),
    Column("dju_meteo", Float, nullable=False),
    Column("dju_costic", Float, nullable=False),
    Column("source", Text, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("station", "day", "recorded_at"),
)

dju_normals = Table(
    "consumption_dju_normal",
    metadata,
    Column("station", String(64), nullable=False),
    Column("month_of_year", Integer, nullable=False),
    Column("dju_ref", Float, nullable=False),
    Column("ref_period", String(32), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("station", "month_of_year", "recorded_at"),
)

prices = Table(
    "consumption_price",
    metadata,
    Column("target", String(80), nullable=False),  # "meter:<ref>" or "contract:<ref>"
    Column("valid_from", UTCDateTime, nullable=False),
    Column("basis", String(16), nullable=False),
    Column("eur_per_unit", Float, nullable=False),
    Column("fixed_eur_per_month", Float, nullable=False),
    Column("source", Text, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("target", "valid_from", "recorded_at"),
)

provisions = Table(
    "consumption_provision",
    metadata,
    Column("unit_id", String(64), nullable=False),
    Column("month", Date, nullable=False),
    Column("charge_category", String(32), nullable=False),
    Column("amount_eur", Float, nullable=False),
    Column("building_id", String(64)),  # null only for provisions imported before migration 0002
    Column("recorded_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("unit_id", "month", "charge_category", "recorded_at"),
)

anomalies = Table(
    "consumption_anomaly",
    metadata,
    Column("meter_id", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("window_start", UTCDateTime, nullable=False),
    Column("window_end", UTCDateTime, nullable=False),
    Column("expected", Float),
    Column("observed", Float),
    Column("detail", Text, nullable=False),
    Column("detected_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("meter_id", "kind", "window_start"),
)

# Domain events to publish (services.runtime.outbox), written with the readings and anomalies they
# announce.
outbox = outbox_table("consumption_outbox", metadata)
