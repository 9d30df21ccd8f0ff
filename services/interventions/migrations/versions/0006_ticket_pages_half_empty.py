"""tickets stored at fillfactor 40: every ticket of a page can be updated in place in one batch

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 11:40:00

A batch updates most of the tickets requested together, and those sit on the same pages. At
fillfactor 70 a page has room for the new versions of a third of its tickets: the others moved
to another page, with an entry in each of the table's five indexes (about 40 % of updates in the
benchmark). With more room than the page's tickets take, each can be updated in place (HOT) and
the previous batch's versions are pruned when the page is next read.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE interventions SET (fillfactor = 40)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE interventions SET (fillfactor = 70)")
