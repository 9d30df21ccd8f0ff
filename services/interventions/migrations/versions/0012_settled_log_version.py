"""settled_log_version: bumped by every batch recording events at an already settled instant

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 14:45:00

The event log as known at a settled cut-off changes only when a batch records events at or before
it (a backfill: live events are recorded now). The service keeps exports by cut-off and keys them
on this counter, so that a backfill anywhere makes every replica read them anew.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settled_log_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("settled_log_version")
