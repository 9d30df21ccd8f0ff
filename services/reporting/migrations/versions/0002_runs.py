"""report runs

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import services.runtime.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_runs",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("request_json", sa.Text(), nullable=False),
        sa.Column("manifest_json", sa.Text(), nullable=False),
        sa.Column("figures_csv", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("pack", sa.LargeBinary(), nullable=False),
        sa.Column("pack_sha256", sa.String(length=64), nullable=False),
        sa.Column("generated_at", services.runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("generated_by", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("id", name="uq_report_runs_id"),
    )
    with op.batch_alter_table("report_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_runs_kind"), ["kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_runs_kind"))
    op.drop_table("report_runs")
