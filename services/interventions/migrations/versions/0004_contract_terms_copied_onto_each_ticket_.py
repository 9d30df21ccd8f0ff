"""contract terms (deadlines, recoverable share) copied onto each ticket when requested

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 07:52:44.283158

Exports read the terms from the ticket, so that re-importing a contract cannot change an
export already signed. Tickets stored before this revision take the terms their contract has now.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("interventions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("intervene_hours", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("repair_hours", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("recoverable_share", sa.Float(), nullable=True))
    deadline = (
        "SELECT d.{col} FROM service_code_deadlines d WHERE d.contract_id = interventions.contract_id "
        "AND d.code = interventions.service_code AND d.criticality = interventions.criticality"
    )
    op.execute(
        "UPDATE interventions SET "
        f"intervene_hours = ({deadline.format(col='intervene_hours')}), "
        f"repair_hours = ({deadline.format(col='repair_hours')}), "
        "recoverable_share = (SELECT c.recoverable_share FROM contracts c WHERE c.id = interventions.contract_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("interventions", schema=None) as batch_op:
        batch_op.drop_column("recoverable_share")
        batch_op.drop_column("repair_hours")
        batch_op.drop_column("intervene_hours")
