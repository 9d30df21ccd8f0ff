"""Tables of the reporting service (schema ``reporting`` on PostgreSQL; prefixed ``report_`` so
they never collide with another service's in the shared SQLite file). Scenario versions are only
ever inserted: a declaration is immutable."""

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, UniqueConstraint

from services.runtime.db import UTCDateTime

metadata = MetaData()

scenarios = Table(
    "report_scenarios",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # declaration order
    Column("name", String(63), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("content_json", Text, nullable=False),
    Column("declared_at", UTCDateTime, nullable=False),
    Column("declared_by", String(300), nullable=False),
    UniqueConstraint("name", "version", name="uq_report_scenarios_name_version"),
)
