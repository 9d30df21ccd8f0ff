"""content_hash ("sha256:" + a hash of a JSON dump) becomes content_sha256 (bare hex, by the
rule of quitus.factors.v1.SetVersion, recomputed here for every stored version)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 14:00:00
"""

import json

import polars as pl
import sqlalchemy as sa
from alembic import op

from services.factors import models
from services.factors.convert import content_sha256
from services.factors.domain.schema import FACTOR_COLUMNS, FACTOR_ORDER, FACTOR_SCHEMA

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A rename, not a batch copy of the table: on SQLite the copy would drop a table that
    # factor_values references. The column keeps its type (String(80)).
    op.alter_column("factor_set_versions", "content_hash", new_column_name="content_sha256")
    conn = op.get_bind()
    versions = sa.table(
        "factor_set_versions",
        sa.column("id", sa.Integer),
        sa.column("metadata_json", sa.Text),
        sa.column("content_sha256", sa.String),
    )
    values = models.values  # unchanged by this revision: typed columns (dates read back as dates)
    for version_id, metadata_json in conn.execute(sa.select(versions.c.id, versions.c.metadata_json)).all():
        rows = conn.execute(
            sa.select(*(values.c[c] for c in FACTOR_COLUMNS)).where(values.c.version_id == version_id)
        ).all()
        factors = pl.DataFrame([tuple(r) for r in rows], schema=FACTOR_SCHEMA, orient="row").sort(FACTOR_ORDER)
        digest = content_sha256(json.loads(metadata_json), factors)
        conn.execute(versions.update().where(versions.c.id == version_id).values(content_sha256=digest))


def downgrade() -> None:
    raise NotImplementedError("the former content_hash cannot be recomputed here; restore a backup instead")
