"""Migration 0002: a store published under the former content_hash ("sha256:" + a JSON dump's
hash) keeps its sets readable, each now carrying its content_sha256 by the contract's rule."""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from services.factors import models
from services.factors.convert import content_sha256
from services.factors.domain.schema import FACTOR_COLUMNS
from services.factors.service import FactorsService
from services.factors.store import FactorStore
from services.runtime.db import make_engine
from services.runtime.migrate import alembic_config, upgrade


def test_0002_recomputes_every_stored_version(database, reference_sets, units, conversions):
    url, prefix = database
    engine = make_engine(url, prefix + "factors")
    cfg = alembic_config("services.factors", engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    old_versions = sa.table(
        "factor_set_versions",
        *(sa.column(c) for c in ("id", "name", "version", "content_hash", "metadata_json")),
        *(sa.column(c) for c in ("factor_count", "flagged_count", "published_at", "published_by")),
    )
    dpe = reference_sets["fr_dpe"]
    with engine.begin() as conn:
        conn.execute(
            old_versions.insert().values(
                id=1,
                name=dpe.name,
                version=dpe.version,
                content_hash="sha256:" + "0" * 64,
                metadata_json=json.dumps(dpe.metadata, ensure_ascii=False, sort_keys=True),
                factor_count=dpe.factors.height,
                flagged_count=0,
                published_at=datetime(2026, 1, 1, tzinfo=UTC),
                published_by="admin",
            )
        )
        conn.execute(
            models.values.insert(),
            [{"version_id": 1, **dict(zip(FACTOR_COLUMNS, r, strict=True))} for r in dpe.factors.iter_rows()],
        )

    upgrade(engine, "services.factors")

    service = FactorsService(FactorStore(engine), units, conversions, content_sha256)
    stored, factor_set = service.get("fr_dpe", "2021")
    assert stored.content_sha256 == dpe.content_sha256 == factor_set.content_sha256
    engine.dispose()
