"""rejections unique per sender: the same bad record sent by two contractors is kept for each

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 08:13:54.994623
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intervention_rejections", schema=None) as batch_op:
        batch_op.drop_constraint("uq_rejection_record", type_="unique")
        batch_op.create_unique_constraint("uq_rejection_sender_record", ["contractor_id", "record_key", "fingerprint"])


def downgrade() -> None:
    with op.batch_alter_table("intervention_rejections", schema=None) as batch_op:
        batch_op.drop_constraint("uq_rejection_sender_record", type_="unique")
        batch_op.create_unique_constraint("uq_rejection_record", ["record_key", "fingerprint"])
