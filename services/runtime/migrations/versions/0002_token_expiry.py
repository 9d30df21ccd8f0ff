"""token expiry

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
    with op.batch_alter_table("auth_tokens") as batch:
        batch.add_column(sa.Column("expires_at", services.runtime.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("auth_tokens") as batch:
        batch.drop_column("expires_at")
