"""provision versions: building_id and recorded_at on provisions, recorded_at in the key

A provision re-imported with another amount becomes a new version, so a charge-control export as of
a past cut-off reads the version then known. Rows stored before this revision get the upgrade's
instant as recorded_at: they were known by then, and when before is not on record (so a cut-off
earlier than the upgrade does not see them). Their building_id stays null: the provisions did not
name it; only a re-import with the building makes them reachable by building.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:00:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import services.runtime.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLE = "consumption_provision"
PK = "consumption_provision_pkey"  # PostgreSQL's name for the primary key of 0001; SQLite's is unnamed


def _table(key: list[str], versions: bool) -> sa.Table:
    """The table as it ends: with or without versions (what SQLite's copy is made into)."""
    extra = [
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", services.runtime.db.UTCDateTime(timezone=True), nullable=False),
    ]
    return sa.Table(
        TABLE,
        sa.MetaData(),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("charge_category", sa.String(length=32), nullable=False),
        sa.Column("amount_eur", sa.Float(), nullable=False),
        *(extra if versions else []),
        sa.PrimaryKeyConstraint(*key, name=PK),
    )


def _rekey(key: list[str], versions: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":  # SQLite cannot alter a key: copy into the new table
        with op.batch_alter_table(TABLE, copy_from=_table(key, versions), recreate="always"):
            pass
        return
    with op.batch_alter_table(TABLE) as batch_op:
        if versions:
            batch_op.alter_column("recorded_at", nullable=False)
        batch_op.drop_constraint(PK, type_="primary")
        batch_op.create_primary_key(PK, key)


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.add_column(sa.Column("building_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("recorded_at", services.runtime.db.UTCDateTime(timezone=True), nullable=True))
    table = sa.table(TABLE, sa.column("recorded_at", services.runtime.db.UTCDateTime(timezone=True)))
    op.execute(table.update().values(recorded_at=datetime.now(UTC)))
    _rekey(["unit_id", "month", "charge_category", "recorded_at"], versions=True)


def downgrade() -> None:
    # the last version of each provision survives
    op.execute(
        f"DELETE FROM {TABLE} WHERE EXISTS (SELECT 1 FROM {TABLE} AS later WHERE later.unit_id = {TABLE}.unit_id "
        f"AND later.month = {TABLE}.month AND later.charge_category = {TABLE}.charge_category "
        f"AND later.recorded_at > {TABLE}.recorded_at)"
    )
    if op.get_bind().dialect.name != "sqlite":
        _rekey(["unit_id", "month", "charge_category"], versions=True)
        with op.batch_alter_table(TABLE) as batch_op:
            batch_op.drop_column("recorded_at")
            batch_op.drop_column("building_id")
    else:
        _rekey(["unit_id", "month", "charge_category"], versions=False)
