"""The runs and jobs in the database: recorded once whoever records them, queued once each,
and taken by one worker at a time.

On PostgreSQL a worker holds a job's advisory lock (session level) while it works on it: a
second delivery of the job finds the lock taken and leaves the job to its holder, and the lock
of a worker that died goes with its connection, so that the job's next delivery takes it over.
SQLite (one worker) has no such lock."""

import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime

from alembic import command
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from services.runtime.db import make_engine, retry_write_conflicts
from services.runtime.migrate import alembic_config
from services.workers import models as m
from services.workers.schedule import Month


def open_store(database_url: str, schema_prefix: str) -> "RunsStore":
    """The store on its schema, migrated (several processes starting at once migrate once)."""
    schema = schema_prefix + "workers"
    engine = retry_write_conflicts(lambda: make_engine(database_url, schema))
    migrate(engine, schema)
    return RunsStore(engine, schema)


def _lock_space(schema: str) -> int:
    """The first key of this schema's advisory locks (a signed 32-bit integer): schemas sharing a
    database never take each other's locks."""
    return zlib.crc32(schema.encode()) - 2**31


def migrate(engine: Engine, schema: str) -> None:
    """services.runtime.migrate.upgrade, under an advisory lock on PostgreSQL."""
    cfg = alembic_config("services.workers", engine)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(_lock_space(schema), -1)))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@dataclass(frozen=True)
class NewJob:
    key: str
    kind: str
    request_json: str


@dataclass(frozen=True)
class RunRecord:
    month: str
    as_of: datetime
    planned_at: datetime
    planned_by: str
    portfolio_sha256: str
    territories: int
    residences: int
    contractors: int


@dataclass(frozen=True)
class Job:
    id: int
    month: str
    key: str
    kind: str
    request_json: str
    state: str
    attempts: int
    enqueued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    worker: str
    report_id: str
    pages: int | None
    created: bool | None
    error: str


class RunsStore:
    def __init__(self, engine: Engine, schema: str) -> None:
        self.engine = engine
        self.lock_space = _lock_space(schema)

    def dispose(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ the scheduler

    def recorded_months(self) -> set[str]:
        with self.engine.connect() as conn:
            return set(conn.execute(select(m.runs.c.month)).scalars())

    def first_month(self) -> Month | None:
        with self.engine.connect() as conn:
            first = conn.execute(select(func.min(m.runs.c.month))).scalar()
        return Month.parse(first) if first else None

    def record_run(self, run: RunRecord, new_jobs: list[NewJob]) -> int:
        """Record a run and its jobs in one transaction; what is recorded already is left as it
        is. Returns the jobs recorded now."""
        job_rows = [
            {
                "month": run.month,
                "key": j.key,
                "kind": j.kind,
                "request_json": j.request_json,
                "state": m.QUEUED,
                "attempts": 0,
                "worker": "",
                "report_id": "",
                "error": "",
            }
            for j in new_jobs
        ]

        def attempt() -> int:
            with self.engine.begin() as conn:
                insert_or_skip = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
                conn.execute(insert_or_skip(m.runs).values(**asdict(run)).on_conflict_do_nothing())
                if not job_rows:
                    return 0
                created = conn.execute(
                    insert_or_skip(m.jobs).on_conflict_do_nothing().returning(m.jobs.c.id), job_rows
                ).all()
                return len(created)

        return retry_write_conflicts(attempt)

    def enqueue_pending(self, publish: Callable[[int, str], None], now: datetime) -> list[int]:
        """Hand every job not yet queued to ``publish(job id, month)``, oldest first, and mark them
        queued, in one transaction. Rows another scheduler is queueing are skipped; should this
        one fail half-way, none is marked and the next plan queues them again (a job queued twice
        is done once: see the module)."""
        with self.engine.begin() as conn:
            pending = select(m.jobs.c.id, m.jobs.c.month).where(m.jobs.c.enqueued_at.is_(None)).order_by(m.jobs.c.id)
            if conn.dialect.name == "postgresql":
                pending = pending.with_for_update(skip_locked=True)
            rows = conn.execute(pending).all()
            for job_id, month in rows:
                publish(job_id, month)
            ids = [job_id for job_id, _ in rows]
            if ids:
                conn.execute(update(m.jobs).where(m.jobs.c.id.in_(ids)).values(enqueued_at=now))
        return ids

    def stranded(self) -> list[tuple[int, str]]:
        """(id, month) of the jobs left running by a worker that is gone: a worker holds a job's
        lock from before it marks it running until after it records its outcome, so a running
        job nobody holds lost its worker. Its message normally came back to the queue when the
        worker's broker connection went; should it have come back before the database saw the
        worker's session end, the worker it reached left the job alone, and this finds it.
        PostgreSQL only (SQLite: none)."""
        if self.engine.dialect.name != "postgresql":
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT j.id, j.month FROM workers_jobs j WHERE j.state = :running AND NOT EXISTS ("
                    "SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.classid = CAST(:space AS oid) "
                    "AND l.objid = CAST(j.id AS oid) AND l.objsubid = 2 "
                    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())) "
                    "ORDER BY j.id"
                ),
                {"running": m.RUNNING, "space": self.lock_space & 0xFFFFFFFF},
            ).all()
        return [(job_id, month) for job_id, month in rows]

    # ------------------------------------------------------------------ the workers

    @contextmanager
    def holding(self, job_id: int) -> Iterator[bool]:
        """Whether this process holds the job (its advisory lock) for the block."""
        with self.engine.connect() as conn:
            if conn.dialect.name != "postgresql":
                yield True
                return
            held = bool(conn.execute(select(func.pg_try_advisory_lock(self.lock_space, job_id))).scalar())
            conn.commit()
            try:
                yield held
            finally:
                if held:
                    conn.execute(select(func.pg_advisory_unlock(self.lock_space, job_id)))
                    conn.commit()

    def start(self, job_id: int, worker: str, now: datetime) -> Job | None:
        """Mark a queued job (or one left running by a worker that died) running by ``worker``;
        None when it is done, parked or unknown."""
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(m.jobs)
                .where(m.jobs.c.id == job_id, m.jobs.c.state.in_((m.QUEUED, m.RUNNING)))
                .values(state=m.RUNNING, worker=worker, started_at=now)
                .returning(*m.jobs.c)
            ).one_or_none()
        return Job(**taken._mapping) if taken is not None else None

    def count_attempt(self, job_id: int) -> int:
        """One more GenerateReport call for the job: the number of calls so far, this one included."""
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    update(m.jobs)
                    .where(m.jobs.c.id == job_id)
                    .values(attempts=m.jobs.c.attempts + 1)
                    .returning(m.jobs.c.attempts)
                ).scalar_one()
            )

    def note_error(self, job_id: int, error: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(m.jobs).where(m.jobs.c.id == job_id).values(error=error[:2000]))

    def finish(self, job_id: int, report_id: str, pages: int, created: bool, now: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(m.jobs)
                .where(m.jobs.c.id == job_id)
                .values(state=m.DONE, report_id=report_id, pages=pages, created=created, finished_at=now, error="")
            )

    def park(self, job_id: int, error: str, now: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(m.jobs).where(m.jobs.c.id == job_id).values(state=m.PARKED, error=error[:2000], finished_at=now)
            )

    # ------------------------------------------------------------------ reading

    def runs(self) -> list[tuple[RunRecord, dict[str, int]]]:
        """Every run, newest month first, with its jobs counted by state."""
        with self.engine.connect() as conn:
            records = [RunRecord(**r._mapping) for r in conn.execute(select(m.runs).order_by(m.runs.c.month.desc()))]
            counts: dict[str, dict[str, int]] = {}
            for month, state, n in conn.execute(
                select(m.jobs.c.month, m.jobs.c.state, func.count()).group_by(m.jobs.c.month, m.jobs.c.state)
            ):
                counts.setdefault(month, {})[state] = n
        return [(r, counts.get(r.month, {})) for r in records]

    def run(self, month: str) -> tuple[RunRecord, list[Job]] | None:
        with self.engine.connect() as conn:
            found = conn.execute(select(m.runs).where(m.runs.c.month == month)).one_or_none()
            if found is None:
                return None
            jobs = conn.execute(select(m.jobs).where(m.jobs.c.month == month).order_by(m.jobs.c.id)).all()
        return RunRecord(**found._mapping), [Job(**j._mapping) for j in jobs]

    def jobs(self) -> list[Job]:
        with self.engine.connect() as conn:
            return [Job(**j._mapping) for j in conn.execute(select(m.jobs).order_by(m.jobs.c.id))]
