"""Tables of the scheduler and the report workers (schema ``workers`` on PostgreSQL; prefixed
``workers_`` in the shared SQLite file): one row per monthly run, one per report job.

A run is keyed by its month and a job by (month, key), so that two schedulers recording the same
run, or one recording it again after a restart, record it once."""

from sqlalchemy import Boolean, Column, ForeignKey, Integer, MetaData, String, Table, Text, UniqueConstraint

from services.runtime.db import UTCDateTime

metadata = MetaData()

QUEUED, RUNNING, DONE, PARKED = "queued", "running", "done", "parked"

runs = Table(
    "workers_runs",
    metadata,
    Column("month", String(7), primary_key=True),  # 2025-10
    Column("as_of", UTCDateTime, nullable=False),  # the month's end: every report's cut-off
    Column("planned_at", UTCDateTime, nullable=False),
    Column("planned_by", String(200), nullable=False),
    Column("portfolio_sha256", String(64), nullable=False),  # the export the perimeters were read from
    Column("territories", Integer, nullable=False),
    Column("residences", Integer, nullable=False),
    Column("contractors", Integer, nullable=False),
)

jobs = Table(
    "workers_jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the order jobs were recorded (and queued) in
    Column("month", String(7), ForeignKey("workers_runs.month"), nullable=False),
    Column("key", String(200), nullable=False),  # e.g. csr/month/territory/T1
    Column("kind", String(40), nullable=False),
    Column("request_json", Text, nullable=False),  # quitus.reporting.v1.GenerateReportRequest as JSON
    Column("state", String(10), nullable=False, index=True),  # queued, running, done, parked
    Column("attempts", Integer, nullable=False),  # GenerateReport calls made, across workers
    Column("enqueued_at", UTCDateTime, nullable=True),  # null: not on the queue yet
    Column("started_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("worker", String(200), nullable=False),  # the last worker that took it
    Column("report_id", String(100), nullable=False),
    Column("pages", Integer, nullable=True),
    Column("created", Boolean, nullable=True),  # false: reporting had the report already
    Column("error", Text, nullable=False),  # the last failure
    UniqueConstraint("month", "key", name="uq_workers_jobs_month_key"),
)
