"""Persistence of factor set versions (the only module of the service touching the database).
Versions are only inserted, never updated."""

import json
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import Engine, Row, func, select
from sqlalchemy.exc import IntegrityError

from services.factors import models as m
from services.factors.domain.publishing import Outcome, decide
from services.factors.domain.schema import FACTOR_COLUMNS, FACTOR_ORDER, FACTOR_SCHEMA, FactorSet, PublishedVersion
from services.factors.errors import UnknownSet
from services.runtime.db import bulk_insert
from services.runtime.validation import quote


def _stored(row: Row[Any]) -> PublishedVersion:
    return PublishedVersion(
        row.id,
        row.name,
        row.version,
        row.content_sha256,
        json.loads(row.metadata_json),
        row.factor_count,
        row.flagged_count,
        row.published_at,
        row.published_by,
    )


class FactorStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def publish(self, factor_set: FactorSet, published_by: str) -> tuple[PublishedVersion, bool]:
        """(the stored version, created): created is False when the same content was there."""
        try:
            return self._publish(factor_set, published_by)
        except IntegrityError:  # a concurrent publish of the same label won the race
            return self._publish(factor_set, published_by)

    def _publish(self, factor_set: FactorSet, published_by: str) -> tuple[PublishedVersion, bool]:
        sv = m.set_versions.c
        with self.engine.begin() as conn:
            row = conn.execute(
                select(m.set_versions).where(sv.name == factor_set.name, sv.version == factor_set.version)
            ).first()
            if decide(row.content_sha256 if row else None, factor_set) is Outcome.UNCHANGED:
                assert row is not None
                return _stored(row), False
            factors = factor_set.factors
            inserted = conn.execute(
                m.set_versions.insert().values(
                    name=factor_set.name,
                    version=factor_set.version,
                    content_sha256=factor_set.content_sha256,
                    metadata_json=json.dumps(factor_set.metadata, ensure_ascii=False, sort_keys=True),
                    factor_count=factors.height,
                    flagged_count=factors.filter(pl.col("flag") != "").height,
                    published_at=datetime.now(UTC),
                    published_by=published_by,
                )
            )
            assert inserted.inserted_primary_key is not None
            new_id = inserted.inserted_primary_key[0]
            bulk_insert(
                conn,
                m.values,
                ["version_id", *FACTOR_COLUMNS],
                [(new_id, *values) for values in factors.select(FACTOR_COLUMNS).iter_rows()],
            )
            stored = conn.execute(select(m.set_versions).where(sv.id == new_id)).one()
        return _stored(stored), True

    def versions(self, name: str = "", after: int = 0, limit: int | None = None) -> list[PublishedVersion]:
        """Versions in publication order, those after sequence ``after``, at most ``limit``."""
        query = select(m.set_versions).where(m.set_versions.c.id > after).order_by(m.set_versions.c.id).limit(limit)
        if name:
            query = query.where(m.set_versions.c.name == name)
        with self.engine.connect() as conn:
            return [_stored(r) for r in conn.execute(query)]

    def find(
        self, name: str, version: str = "", *, name_field: str = "name", version_field: str = "version"
    ) -> PublishedVersion:
        """The pinned version, or the latest published one when ``version`` is empty."""
        sv = m.set_versions.c
        query = select(m.set_versions).where(sv.name == name)
        if version:
            query = query.where(sv.version == version)
        else:
            query = query.where(sv.id == select(func.max(sv.id)).where(sv.name == name).scalar_subquery())
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            known = [v.version for v in self.versions(name)]
            what = f"version {quote(version)} of set {quote(name)}" if version else f"set {quote(name)}"
            latest = known[-10:]
            hint = f"; published versions: {'... ' if len(known) > 10 else ''}{', '.join(latest)}" if known else ""
            raise UnknownSet(f"{what} is not published{hint}", field=version_field if version and known else name_field)
        return _stored(row)

    def factors(self, stored: PublishedVersion) -> pl.DataFrame:
        """The factors of a stored version, in FACTOR_ORDER."""
        columns = [m.values.c[c] for c in FACTOR_COLUMNS]
        with self.engine.connect() as conn:
            rows = conn.execute(select(*columns).where(m.values.c.version_id == stored.sequence)).all()
        return pl.DataFrame([tuple(r) for r in rows], schema=FACTOR_SCHEMA, orient="row").sort(FACTOR_ORDER)
