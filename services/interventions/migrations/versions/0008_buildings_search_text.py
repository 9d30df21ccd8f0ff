"""buildings.search_text: address, postcode and city normalised for searching (case and accents
ignored), filled for the buildings already stored

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 14:40:00

The normalisation is copied here as it stood (domain.search at this revision), so that this
migration does what it did whatever the code becomes.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'", "ʼ": "'"})


def _normalised(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def upgrade() -> None:
    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    buildings = sa.table(
        "buildings",
        sa.column("id", sa.String),
        sa.column("address", sa.String),
        sa.column("postcode", sa.String),
        sa.column("city", sa.String),
        sa.column("search_text", sa.Text),
    )
    rows = conn.execute(sa.select(buildings.c.id, buildings.c.address, buildings.c.postcode, buildings.c.city)).all()
    filled = [
        {"key": r.id, "text": "\x1f".join(_normalised(part or "") for part in (r.address, r.postcode, r.city))}
        for r in rows
    ]
    if filled:
        conn.execute(
            buildings.update().where(buildings.c.id == sa.bindparam("key")).values(search_text=sa.bindparam("text")),
            filled,
        )


def downgrade() -> None:
    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.drop_column("search_text")
