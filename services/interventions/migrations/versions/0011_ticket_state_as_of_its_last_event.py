"""each ticket's state says when its latest event was recorded, and its hold follows sequence order

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 05:40:00

An export as of a cut-off reads the stored state of the tickets none of whose events was recorded
after it (last_recorded_at <= as_of) instead of deriving their facts from the event log at every
export; the others are derived from the log as known then. For the two to agree, the hold
(on_hold) is the last SUSPENDED or RESUMED by sequence, as domain.facts derives it, not the last
one to arrive (hold_sequence). Tickets stored before this revision take both from their events,
and a status that the corrected hold changes is recomputed (lifecycle.status_of's precedence).
"""

import sqlalchemy as sa
from alembic import op

from services.runtime.db import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# One grouped pass over the log each (UPDATE ... FROM: PostgreSQL, SQLite 3.33 and later), not a
# lookup per ticket.
LAST_RECORDED = "SELECT intervention_id, max(recorded_at) AS at FROM intervention_events GROUP BY intervention_id"
LAST_HOLD = (
    "SELECT e.intervention_id, e.sequence, e.kind FROM intervention_events e JOIN ("
    "SELECT intervention_id, max(sequence) AS sequence FROM intervention_events "
    "WHERE kind IN ('SUSPENDED', 'RESUMED') GROUP BY intervention_id"
    ") h ON h.intervention_id = e.intervention_id AND h.sequence = e.sequence"
)


def upgrade() -> None:
    with op.batch_alter_table("interventions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hold_sequence", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_recorded_at", UTCDateTime(), nullable=True))
    op.execute(
        f"UPDATE interventions SET last_recorded_at = last.at FROM ({LAST_RECORDED}) AS last "
        "WHERE last.intervention_id = interventions.id"
    )
    op.execute(
        "UPDATE interventions SET hold_sequence = hold.sequence, on_hold = (hold.kind = 'SUSPENDED') "
        f"FROM ({LAST_HOLD}) AS hold WHERE hold.intervention_id = interventions.id"
    )
    op.execute(
        "UPDATE interventions SET status = CASE "
        "WHEN on_hold THEN 'ON_HOLD' WHEN visits > 0 THEN 'IN_PROGRESS' WHEN planned THEN 'SCHEDULED' ELSE 'OPEN' END "
        "WHERE status IN ('OPEN', 'SCHEDULED', 'IN_PROGRESS', 'ON_HOLD') AND hold_sequence > 0"
    )


def downgrade() -> None:
    with op.batch_alter_table("interventions", schema=None) as batch_op:
        batch_op.drop_column("last_recorded_at")
        batch_op.drop_column("hold_sequence")
