"""meter_reading: a BRIN index on read_at_us and kind (PostgreSQL), one summary per table page, so
that a window of readings is read from the pages holding it instead of the whole table

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 18:40:00

Every report reads windows of readings (a month and its margins, the summers that normalise it)
and nothing but the primary key (meter, kind, instant) indexed them: each window was a scan of
every reading, 0.8 s for 7.2 M at 85,000 dwellings however short the window. A page holds about a
hundred readings: of one instant's meters when readings arrive day by day, of a hundred days of
one meter when a history is loaded meter after meter. Either way a page's span of read_at_us is
short, and its summary (the page's smallest and largest read_at_us) lets a window skip the
pages outside it: 0.27 s for the month of December and its margins, 0.17 s for the month alone.
The kind's summary lets the period readings' window (longer: an invoice covers a month or more)
skip the pages holding index readings alone.

A BRIN index costs next to nothing to write, unlike a second B-tree on every reading. Pages
written after it are summarised by autovacuum (autosummarize) and by the consumption service
before it reads a window (brin_summarize_new_values): a page not yet summarised is read, never
skipped, so an answer never depends on it. SQLite has no BRIN and embedded portfolios are small:
nothing changes there.
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_meter_reading_read_at ON meter_reading USING brin (read_at_us, kind) "
            "WITH (pages_per_range = 1, autosummarize = on)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_meter_reading_read_at")
