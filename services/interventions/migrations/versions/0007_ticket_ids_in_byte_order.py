"""ticket ids compared byte by byte ("C" collation) on PostgreSQL

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 12:05:00

The events' primary key (ticket id, sequence) is the largest index written at ingest: under the
database's locale each comparison goes through the C library's collation, under "C" it is a byte
comparison (about 7 % of PostgreSQL's CPU per event stored, in the benchmark). Pages of search
results then follow the same order as on SQLite. Changing the type rebuilds the two tables'
indexes on those columns.
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = (("interventions", "id"), ("intervention_events", "intervention_id"))


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, column in COLUMNS:
            op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar(140) COLLATE "C"')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, column in COLUMNS:
            op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar(140) COLLATE "default"')
