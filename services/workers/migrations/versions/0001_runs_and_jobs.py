"""runs and jobs

Revision ID: 0001
Revises:
Create Date: 2026-11-30 22:42:41.011315
"""

import sqlalchemy as sa
from alembic import op

import services.runtime.db

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workers_runs",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("as_of", services.runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("planned_at", services.runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("planned_by", sa.String(length=200), nullable=False),
        sa.Column("portfolio_sha256", sa.String(length=64), nullable=False),
        sa.Column("territories", sa.Integer(), nullable=False),
        sa.Column("residences", sa.Integer(), nullable=False),
        sa.Column("contractors", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month"),
    )
    op.create_table(
        "workers_jobs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("request_json", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("enqueued_at", services.runtime.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", services.runtime.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", services.runtime.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("report_id", sa.String(length=100), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("created", sa.Boolean(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["month"],
            ["workers_runs.month"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month", "key", name="uq_workers_jobs_month_key"),
    )
    with op.batch_alter_table("workers_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workers_jobs_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("workers_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workers_jobs_state"))

    op.drop_table("workers_jobs")
    op.drop_table("workers_runs")
