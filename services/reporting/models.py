"""Tables of the reporting service (schema ``reporting`` on PostgreSQL; prefixed ``report_`` so
they never collide with another service's in the shared SQLite file). Scenario versions and
report runs are only ever inserted: a declaration is immutable, and a run is content-addressed
(its id is its pinned request's hash), so the same request finds it again."""

from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table, Text, UniqueConstraint

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

runs = Table(
    "report_runs",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),  # generation order, for paging
    Column("id", String(100), nullable=False),
    Column("kind", String(40), nullable=False, index=True),
    Column("request_json", Text, nullable=False),  # as pinned
    Column("manifest_json", Text, nullable=False),
    Column("figures_csv", Text, nullable=False),
    Column("pdf", LargeBinary, nullable=False),
    Column("pdf_sha256", String(64), nullable=False),
    Column("pages", Integer, nullable=False),
    Column("pack", LargeBinary, nullable=False),  # the audit pack (zip)
    Column("pack_sha256", String(64), nullable=False),
    Column("generated_at", UTCDateTime, nullable=False),
    Column("generated_by", String(300), nullable=False),
    UniqueConstraint("id", name="uq_report_runs_id"),
)
