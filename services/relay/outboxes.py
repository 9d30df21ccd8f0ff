"""The outboxes the relay reads: which service's schema and table, and how a batch of rows is
claimed, published and marked sent.

On PostgreSQL a batch is claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` in a transaction held
until its rows are marked: another relay skips them meanwhile and takes the next rows, so two
relays never publish the same row at the same time. On SQLite (the embedded default) a single
relay is enough and is all there may be: rows are read, published, then marked in a short write
transaction, so the services' writers never wait for the broker.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, MetaData, Table, delete, func, select, update

from services.relay.publisher import Outgoing
from services.runtime.db import is_postgres, make_engine
from services.runtime.outbox import outbox_table

log = logging.getLogger("quitus.relay")


@dataclass(frozen=True)
class OutboxSource:
    """Where a service keeps its outbox: its schema (without the prefix) and table."""

    name: str
    schema: str
    table: str


# The services that announce events; their models name these tables.
SOURCES = {
    "interventions": OutboxSource("interventions", "interventions", "intervention_outbox"),
    "consumption": OutboxSource("consumption", "consumption", "consumption_outbox"),
}


class Outbox:
    """One service's outbox table, read and marked by the relay. Its engine is made on first
    use, inside the relay's retries: a relay started while the database is down waits for it."""

    def __init__(self, source: OutboxSource, database_url: str, schema_prefix: str = "") -> None:
        self.source = source
        self.table: Table = outbox_table(source.table, MetaData())
        self.locking = is_postgres(database_url)
        self._database = (database_url, schema_prefix + source.schema)
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(*self._database)
        return self._engine

    def relay_batch(self, publish: Callable[[list[Outgoing]], None], limit: int) -> int:
        """Publish the first ``limit`` unsent rows (in id order; on PostgreSQL those no other
        relay holds) and mark them sent once ``publish`` returns (the broker confirmed them).
        Should it raise, nothing is marked. -> how many rows were published."""
        t = self.table
        unsent = (
            select(t.c.id, t.c.message_id, t.c.routing_key, t.c.occurred_at, t.c.payload_json)
            .where(t.c.sent_at.is_(None))
            .order_by(t.c.id)
            .limit(limit)
        )
        if self.locking:
            with self.engine.begin() as conn:
                rows = conn.execute(unsent.with_for_update(skip_locked=True)).all()
                if rows:
                    publish([self._outgoing(r) for r in rows])
                    self._mark_sent(conn, [r.id for r in rows])
            return len(rows)
        with self.engine.connect() as conn:
            rows = conn.execute(unsent).all()
        if rows:
            publish([self._outgoing(r) for r in rows])
            with self.engine.begin() as conn:
                self._mark_sent(conn, [r.id for r in rows])
        return len(rows)

    def purge_sent(self, older_than: timedelta, now: datetime | None = None, chunk: int = 10_000) -> int:
        """Delete the rows sent before ``now - older_than``, ``chunk`` at a time (short
        transactions). -> how many."""
        t = self.table
        cutoff = (now or datetime.now(UTC)) - older_than
        total = 0
        while True:
            with self.engine.begin() as conn:
                oldest = select(t.c.id).where(t.c.sent_at < cutoff).order_by(t.c.id).limit(chunk)
                deleted = conn.execute(delete(t).where(t.c.id.in_(oldest.scalar_subquery()))).rowcount
            total += deleted
            if deleted < chunk:
                return total

    def unsent_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).where(self.table.c.sent_at.is_(None))).scalar_one()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    def _outgoing(self, row) -> Outgoing:
        return Outgoing(row.message_id, row.routing_key, row.occurred_at, row.payload_json, self.source.name)

    def _mark_sent(self, conn, ids: list[int]) -> None:
        t = self.table
        conn.execute(update(t).where(t.c.id.in_(ids)).values(sent_at=datetime.now(UTC)))
