"""consumption_outbox: the domain events to publish (readings accepted, one per meter and ingest
batch; anomaly found), written in the transaction of the data they announce; the relay sets
sent_at once RabbitMQ has confirmed a row

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 16:40:00

The columns are written out here as they stand (services.runtime.outbox at this revision), so that
this migration does what it did whatever the code becomes.
"""

import sqlalchemy as sa
from alembic import op

import services.runtime.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLE = "consumption_outbox"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(length=300), nullable=False),
        sa.Column("routing_key", sa.String(length=120), nullable=False),
        sa.Column("occurred_at", services.runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at", services.runtime.db.UTCDateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("sent_at", services.runtime.db.UTCDateTime(timezone=True), nullable=True),
    )
    unsent = sa.text("sent_at IS NULL")
    op.create_index(f"ix_{TABLE}_unsent", TABLE, ["id"], postgresql_where=unsent, sqlite_where=unsent)


def downgrade() -> None:
    op.drop_index(f"ix_{TABLE}_unsent", table_name=TABLE)
    op.drop_table(TABLE)
