"""portfolio version counter; drop the status index so ticket updates stay in place (HOT)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 13:36:25.349551
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portfolio_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("interventions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interventions_status"))
    # Ticket states are updated at every batch: room on each page lets PostgreSQL update in place.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE interventions SET (fillfactor = 70)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE interventions RESET (fillfactor)")
    with op.batch_alter_table("interventions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interventions_status"), ["status"], unique=False)

    op.drop_table("portfolio_version")
