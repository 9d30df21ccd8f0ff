"""versions of prices, gas coefficients, replacements, degree days and normals: recorded_at in the key

As provisions since 0002: a re-import that changes a record adds a version recorded at its arrival,
so an export as of a past cut-off reads the version then known, and an identical re-send adds
nothing. Prices, coefficients and replacements already carry their recorded_at: each stored row
stays the version recorded then. Degree days and normals did not: rows stored before this revision
get the upgrade's instant, as provisions did in 0002 (they were known by then, and when before is
not on record, so a cut-off earlier than the upgrade does not see them).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 09:06:43.524434
"""

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import services.runtime.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, services.runtime.db.UTCDateTime(timezone=True), nullable=nullable)


# table -> (key before this revision, its columns as 0001 made them, whether recorded_at is new here)
TABLES: dict[str, tuple[list[str], Callable[[], list[sa.Column]], bool]] = {
    "consumption_price": (
        ["target", "valid_from"],
        lambda: [
            sa.Column("target", sa.String(length=80), nullable=False),
            _ts("valid_from"),
            sa.Column("basis", sa.String(length=16), nullable=False),
            sa.Column("eur_per_unit", sa.Float(), nullable=False),
            sa.Column("fixed_eur_per_month", sa.Float(), nullable=False),
            sa.Column("source", sa.Text(), nullable=False),
            _ts("recorded_at"),
        ],
        False,
    ),
    "meter_gas_coefficient": (
        ["meter_id", "valid_from"],
        lambda: [
            sa.Column("meter_id", sa.Integer(), nullable=False),
            _ts("valid_from"),
            sa.Column("kwh_pcs_per_m3", sa.Float(), nullable=False),
            sa.Column("source", sa.Text(), nullable=False),
            _ts("recorded_at"),
        ],
        False,
    ),
    "meter_replacement": (
        ["meter_id", "replaced_at"],
        lambda: [
            sa.Column("meter_id", sa.Integer(), nullable=False),
            _ts("replaced_at"),
            sa.Column("old_last_index", sa.Float(), nullable=False),
            sa.Column("new_first_index", sa.Float(), nullable=False),
            _ts("recorded_at"),
        ],
        False,
    ),
    "consumption_weather_day": (
        ["station", "day"],
        lambda: [
            sa.Column("station", sa.String(length=64), nullable=False),
            sa.Column("day", sa.Date(), nullable=False),
            sa.Column("tn", sa.Float(), nullable=True),
            sa.Column("tx", sa.Float(), nullable=True),
            sa.Column("dju_meteo", sa.Float(), nullable=False),
            sa.Column("dju_costic", sa.Float(), nullable=False),
            sa.Column("source", sa.Text(), nullable=False),
        ],
        True,
    ),
    "consumption_dju_normal": (
        ["station", "month_of_year"],
        lambda: [
            sa.Column("station", sa.String(length=64), nullable=False),
            sa.Column("month_of_year", sa.Integer(), nullable=False),
            sa.Column("dju_ref", sa.Float(), nullable=False),
            sa.Column("ref_period", sa.String(length=32), nullable=False),
        ],
        True,
    ),
}


def _pk(name: str) -> str:
    return f"{name}_pkey"  # PostgreSQL's name for the primary keys of 0001; SQLite's are unnamed


def _rekey(name: str, key: list[str], columns: list[sa.Column], new_column: bool) -> None:
    """Give table ``name`` the primary key ``key`` and the ``columns`` (SQLite copies into them)."""
    if op.get_bind().dialect.name == "sqlite":  # SQLite cannot alter a key: copy into the new table
        table = sa.Table(name, sa.MetaData(), *columns, sa.PrimaryKeyConstraint(*key, name=_pk(name)))
        with op.batch_alter_table(name, copy_from=table, recreate="always"):
            pass
        return
    with op.batch_alter_table(name) as batch_op:
        if new_column and "recorded_at" in key:
            batch_op.alter_column("recorded_at", nullable=False)
        batch_op.drop_constraint(_pk(name), type_="primary")
        batch_op.create_primary_key(_pk(name), key)


def upgrade() -> None:
    now = datetime.now(UTC)
    for name, (key, columns, new_column) in TABLES.items():
        if new_column:
            with op.batch_alter_table(name) as batch_op:
                batch_op.add_column(_ts("recorded_at", nullable=True))
            op.execute(sa.table(name, _ts("recorded_at")).update().values(recorded_at=now))
        _rekey(name, [*key, "recorded_at"], [*columns(), *([_ts("recorded_at")] if new_column else [])], new_column)


def downgrade() -> None:
    for name, (key, columns, new_column) in TABLES.items():
        # the last version of each record survives
        same = " AND ".join(f"later.{c} = {name}.{c}" for c in key)
        op.execute(
            f"DELETE FROM {name} WHERE EXISTS (SELECT 1 FROM {name} AS later WHERE {same} "
            f"AND later.recorded_at > {name}.recorded_at)"
        )
        if op.get_bind().dialect.name == "sqlite":
            _rekey(name, key, columns(), new_column)
            continue
        _rekey(name, key, columns(), False)
        if new_column:
            with op.batch_alter_table(name) as batch_op:
                batch_op.drop_column("recorded_at")
