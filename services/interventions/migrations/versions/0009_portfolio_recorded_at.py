"""portfolio records keep the instant they were first recorded, so that ExportPortfolio can
leave out what was not known at its as_of

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 15:05:00

Records stored before this revision get no instant (null): nobody knows when they became
known, and none is invented. ExportPortfolio exports them at every as_of.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLES = (
    "organisations",
    "territories",
    "residences",
    "buildings",
    "units",
    "equipment",
    "contractors",
    "contractor_bases",
    "contracts",
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("recorded_at")
