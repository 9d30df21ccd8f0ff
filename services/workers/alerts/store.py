"""The alerts' database: facts from the events (idempotent on message id), alerts (unique on
their key) and the webhook deliveries' state."""

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from services.runtime.db import is_postgres
from services.workers.alerts import models as m
from services.workers.alerts.domain.alerts import HEATING_RUN, Alert
from services.workers.alerts.domain.anomalies import Anomaly
from services.workers.alerts.domain.deadlines import Ticket
from services.workers.alerts.domain.events import TicketEvent

PENDING, DELIVERED, FAILED, LOGGED = "pending", "delivered", "failed", "logged"
STATES = (PENDING, DELIVERED, FAILED, LOGGED)
_CHUNK = 1000  # keys looked up, rows inserted, per statement
_SWEEP_LOCK_KEY = 0x5175_6974_7573  # PostgreSQL advisory lock: one sweep at a time across processes


class AlertStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = is_postgres(engine)
        self._local_sweep = threading.Lock()

    # -- facts --------------------------------------------------------------------------------

    def record(self, fact: Ticket | TicketEvent | Anomaly) -> bool:
        """Keep a fact from an event; False when it was kept before (a re-delivery)."""
        if isinstance(fact, Ticket):
            table, row = m.tickets, _ticket_row(fact)
        elif isinstance(fact, TicketEvent):
            table, row = m.ticket_events, vars_of(fact)
        else:
            table, row = m.anomalies, {**vars_of(fact), "fault": None, "unattended_checked": False}
        with self.engine.begin() as conn:
            return _insert_new(conn, table, row)

    def open_tickets(self) -> list[Ticket]:
        """The tickets not settled, with their first visit and end from the events kept."""
        e = m.ticket_events
        visit = func.min(e.c.event_time).filter(e.c.kind == "VISIT_STARTED")
        end = func.min(e.c.event_time).filter(e.c.kind != "VISIT_STARTED")
        stops = select(e.c.intervention_id, visit.label("first_visit_at"), end.label("ended_at")).group_by(
            e.c.intervention_id
        )
        with self.engine.connect() as conn:
            ids = select(m.tickets.c.intervention_id).where(m.tickets.c.settled.is_(False)).scalar_subquery()
            rows = conn.execute(stops.where(e.c.intervention_id.in_(ids))).all()
            stopped = {r.intervention_id: (r.first_visit_at, r.ended_at) for r in rows}
            tickets = conn.execute(select(m.tickets).where(m.tickets.c.settled.is_(False))).mappings().all()
        return [_ticket(t, *stopped.get(t["intervention_id"], (None, None))) for t in tickets]

    def settle(self, intervention_ids: Sequence[str]) -> None:
        if intervention_ids:
            with self.engine.begin() as conn:
                t = m.tickets
                conn.execute(update(t).where(t.c.intervention_id.in_(list(intervention_ids))).values(settled=True))

    def tickets_on(self, buildings: Sequence[str], requested_from: datetime) -> list[Ticket]:
        """Every ticket (settled or not) on these buildings requested from ``requested_from``."""
        t = m.tickets
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t).where(t.c.building_id.in_(list(buildings)), t.c.requested_at >= requested_from)
            ).mappings()
            return [_ticket(r, None, None) for r in rows]

    def curative_heating_tickets(self, requested_from: datetime, trades: Sequence[str]) -> list[Ticket]:
        t = m.tickets
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t).where(
                    t.c.trade.in_(list(trades)),
                    func.upper(t.c.nature) == "CURATIVE",
                    t.c.requested_at >= requested_from,
                )
            ).mappings()
            return [_ticket(r, None, None) for r in rows]

    def unjudged_anomalies(self) -> list[Anomaly]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(m.anomalies).where(m.anomalies.c.fault.is_(None))).mappings()
            return [_anomaly(r) for r in rows]

    def judged_anomalies(self, meter_refs: Sequence[str]) -> list[tuple[Anomaly, str]]:
        """Every anomaly judged on these meters, with its fault."""
        a = m.anomalies
        with self.engine.connect() as conn:
            rows = conn.execute(select(a).where(a.c.meter_ref.in_(list(meter_refs)), a.c.fault.is_not(None)))
            return [(_anomaly(r), r["fault"]) for r in rows.mappings()]

    def judge(self, faults: dict[str, str]) -> None:
        """Set each anomaly's fault: message id -> the message id of the fault's first anomaly."""
        if faults:
            a = m.anomalies
            with self.engine.begin() as conn:
                for message_id, head in faults.items():
                    conn.execute(update(a).where(a.c.message_id == message_id).values(fault=head))

    def unattended_candidates(self, found_by: datetime) -> list[Anomaly]:
        """Faults' first anomalies found by ``found_by`` whose unattended rule has not had its say."""
        a = m.anomalies
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a).where(
                    a.c.fault == a.c.message_id, a.c.unattended_checked.is_(False), a.c.detected_at <= found_by
                )
            ).mappings()
            return [_anomaly(r) for r in rows]

    def unattended_checked(self, message_ids: Sequence[str]) -> None:
        if message_ids:
            a = m.anomalies
            with self.engine.begin() as conn:
                conn.execute(update(a).where(a.c.message_id.in_(list(message_ids))).values(unattended_checked=True))

    def heating_anomalies(self, buildings: Sequence[str], usages: Sequence[str], since: datetime) -> list[Anomaly]:
        a = m.anomalies
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a).where(
                    a.c.building_id.in_(list(buildings)), a.c.usage.in_(list(usages)), a.c.window_end >= since
                )
            ).mappings()
            return [_anomaly(r) for r in rows]

    def run_tickets(self, buildings: Sequence[str]) -> set[str]:
        """The interventions of the heating runs already alerted on these buildings."""
        a = m.alerts
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a.c.details_json).where(a.c.kind == HEATING_RUN, a.c.building_id.in_(list(buildings)))
            ).scalars()
            return {i for details in rows for i in json.loads(details)["interventions"].split(",")}

    def quality_episodes(self) -> dict[str, datetime | None]:
        with self.engine.connect() as conn:
            return {r.contractor_id: r.below_since for r in conn.execute(select(m.quality))}

    def set_quality(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            with self.engine.begin() as conn:
                _upsert(conn, m.quality, rows, ["contractor_id"])

    # -- alerts -------------------------------------------------------------------------------

    def raise_alerts(self, alerts: Sequence[Alert], raised_at: datetime, state: str) -> list[Alert]:
        """Store the alerts not stored before (their key is unique). -> the ones that were new.

        A sweep finds mostly alerts stored already (each deadline until its ticket is settled):
        their keys are looked up first, a chunk at a time, and only the others are inserted, in
        one multi-row statement per chunk (ON CONFLICT for a concurrent writer's)."""
        new_ids: set[str] = set()
        with self.engine.begin() as conn:
            for start in range(0, len(alerts), _CHUNK):
                chunk = {a.key: a for a in alerts[start : start + _CHUNK]}
                stored = set(conn.execute(select(m.alerts.c.key).where(m.alerts.c.key.in_(list(chunk)))).scalars())
                fresh = [_alert_row(a, raised_at, state) for key, a in chunk.items() if key not in stored]
                if fresh:
                    stmt = _insert(conn).values(fresh).on_conflict_do_nothing(index_elements=["key"])
                    new_ids.update(conn.execute(stmt.returning(m.alerts.c.id)).scalars())
        return [a for a in alerts if a.id in new_ids]

    def list_alerts(self, state: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        a = m.alerts
        query = select(a).order_by(a.c.raised_at.desc(), a.c.key).limit(limit)
        if state:
            query = query.where(a.c.state == state)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    @contextmanager
    def due_deliveries(self, now: datetime, limit: int) -> Iterator[tuple[Connection, list[dict[str, Any]]]]:
        """The pending alerts whose next attempt is due, in one transaction that holds them (on
        PostgreSQL another process skips them meanwhile): record each outcome with ``delivered``
        or ``failed_attempt`` on the connection given."""
        a = m.alerts
        query = (
            select(a)
            .where(a.c.state == PENDING, or_(a.c.next_attempt_at.is_(None), a.c.next_attempt_at <= now))
            .order_by(a.c.raised_at, a.c.id)
            .limit(limit)
        )
        if self.postgres:
            query = query.with_for_update(skip_locked=True)
        with self.engine.begin() as conn:
            yield conn, [dict(r) for r in conn.execute(query).mappings()]

    @staticmethod
    def delivered(conn: Connection, alert_id: str, at: datetime) -> None:
        a = m.alerts
        conn.execute(
            update(a)
            .where(and_(a.c.id == alert_id, a.c.state == PENDING))
            .values(state=DELIVERED, attempts=a.c.attempts + 1, delivered_at=at, next_attempt_at=None, last_error=None)
        )

    @staticmethod
    def failed_attempt(conn: Connection, alert_id: str, error: str, retry_at: datetime | None) -> None:
        """``retry_at`` None: no more attempts, the delivery failed."""
        a = m.alerts
        conn.execute(
            update(a)
            .where(and_(a.c.id == alert_id, a.c.state == PENDING))
            .values(
                state=PENDING if retry_at else FAILED,
                attempts=a.c.attempts + 1,
                next_attempt_at=retry_at,
                last_error=error[:1000],
            )
        )

    @contextmanager
    def sweep_lock(self) -> Iterator[bool]:
        """Whether this process may sweep now: one sweep at a time (per process, and across
        processes on PostgreSQL through an advisory lock); a sweep finding it held skips."""
        if not self._local_sweep.acquire(blocking=False):
            yield False
            return
        try:
            if not self.postgres:
                yield True
                return
            with self.engine.connect() as conn:
                got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _SWEEP_LOCK_KEY}).scalar_one()
                conn.commit()
                try:
                    yield bool(got)
                finally:
                    if got:
                        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _SWEEP_LOCK_KEY})
                        conn.commit()
        finally:
            self._local_sweep.release()


def _alert_row(a: Alert, raised_at: datetime, state: str) -> dict[str, Any]:
    return {
        "id": a.id,
        "key": a.key,
        "kind": a.kind,
        "subject": a.subject,
        "building_id": a.building_id,
        "contractor_id": a.contractor_id,
        "message": a.message,
        "details_json": json.dumps(a.details, sort_keys=True),
        "due_at": a.due_at,
        "raised_at": raised_at,
        "state": state,
        "attempts": 0,
        "next_attempt_at": raised_at if state == PENDING else None,
    }


def vars_of(fact: TicketEvent | Anomaly) -> dict[str, Any]:
    return {name: getattr(fact, name) for name in fact.__slots__}


def _ticket_row(t: Ticket) -> dict[str, Any]:
    return {
        "intervention_id": t.intervention_id,
        "contractor_id": t.contractor_id,
        "building_id": t.building_id,
        "trade": t.trade,
        "nature": t.nature,
        "requested_at": t.requested_at,
        "intervene_hours": t.intervene_hours,
        "repair_hours": t.repair_hours,
        "settled": False,
    }


def _ticket(row: Any, first_visit_at: datetime | None, ended_at: datetime | None) -> Ticket:
    return Ticket(
        intervention_id=row["intervention_id"],
        contractor_id=row["contractor_id"],
        building_id=row["building_id"],
        requested_at=row["requested_at"],
        intervene_hours=row["intervene_hours"],
        repair_hours=row["repair_hours"],
        first_visit_at=_utc(first_visit_at),
        ended_at=_utc(ended_at),
        trade=row["trade"],
        nature=row["nature"],
    )


def _utc(value: Any) -> datetime | None:
    """An aggregate (min) bypasses UTCDateTime on SQLite: its naive text or datetime is UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _anomaly(row: Any) -> Anomaly:
    return Anomaly(**{name: row[name] for name in Anomaly.__slots__})


def _insert(conn: Connection) -> Any:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(m.alerts)


def _insert_new(conn: Connection, table: Any, row: dict[str, Any]) -> bool:
    """Insert the row unless its key is stored; whether it was (RETURNING, since psycopg's
    rowcount is -1 here)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(**row).on_conflict_do_nothing().returning(*table.primary_key.columns)
    return conn.execute(stmt).first() is not None


def _upsert(conn: Connection, table: Any, rows: Sequence[dict[str, Any]], keys: list[str]) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    for row in rows:
        stmt = dialect.insert(table).values(**row)
        conn.execute(
            stmt.on_conflict_do_update(index_elements=keys, set_={c: stmt.excluded[c] for c in row if c not in keys})
        )
