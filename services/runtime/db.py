"""Database engines and the few write patterns every store needs.

One engine per service. On PostgreSQL each service lives in its own schema (set through the
connection's search_path, so models and migrations carry no schema name); on SQLite, the
embedded default, every service shares one file and table names are unique across services.
"""

import logging
import random
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any, TypeVar

import polars as pl
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, DateTime, Engine, Table, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.types import TypeDecorator

log = logging.getLogger("quitus.db")
T = TypeVar("T")

# SQLSTATE classes and codes of a server that cannot be reached or is going away.
_UNREACHABLE_STATES = ("08", "57P01", "57P02", "57P03")
# A collision with a concurrent writer: unique violation, deadlock, serialisation failure, lock wait.
_CONFLICT_STATES = ("23505", "40P01", "40001", "55P03")


def _sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None)


def is_unreachable(exc: BaseException) -> bool:
    """The database could not be reached (down, restarting, network): worth a retry later, and
    the caller's request was not at fault."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.OperationalError):
        return "unable to open" in str(orig)
    if not isinstance(orig, pg_errors.OperationalError):
        return False
    state = _sqlstate(exc)
    return state is None or state.startswith(_UNREACHABLE_STATES)


def is_write_conflict(exc: BaseException) -> bool:
    """A transaction that collided with a concurrent writer and was rolled back whole: safe to
    retry when its writes are idempotent."""
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.OperationalError):
        return "locked" in str(orig)
    if isinstance(orig, sqlite3.IntegrityError):
        return "UNIQUE constraint failed" in str(orig)
    return _sqlstate(exc) in _CONFLICT_STATES


def retry_write_conflicts(
    attempt: Callable[[], T], *, attempts: int = 5, first_delay_s: float = 0.02, max_delay_s: float = 1.0
) -> T:
    """Run ``attempt`` (one whole transaction) again after a write conflict, with exponential
    back-off and full jitter, so that colliding replicas do not collide again in step. Anything
    else, and the last conflict, is raised as it came."""
    for number in range(1, attempts + 1):
        try:
            return attempt()
        except Exception as exc:
            if number == attempts or not is_write_conflict(exc):
                raise
            delay = random.uniform(0, min(max_delay_s, first_delay_s * 2 ** (number - 1)))
            log.warning(
                "transaction collided with another writer, retrying",
                extra={"attempt": number, "error": type(getattr(exc, "orig", exc)).__name__, "delay_s": delay},
            )
            time.sleep(delay)
    raise AssertionError("unreachable")


def is_postgres(url_or_engine: str | Engine) -> bool:
    url = url_or_engine if isinstance(url_or_engine, str) else str(url_or_engine.url)
    return url.startswith("postgresql")


# Seconds a new connection may take before the database counts as unreachable.
CONNECT_TIMEOUT_S = 5


def make_engine(url: str, schema: str, statement_timeout_s: float = 0) -> Engine:
    """An engine for one service; ``schema`` is the PostgreSQL schema it owns. With
    ``statement_timeout_s``, PostgreSQL cancels any statement running longer (SQLSTATE 57014,
    answered DEADLINE_EXCEEDED): no call holds a server thread on the database without end."""
    if is_postgres(url):
        if not schema.isidentifier():
            raise ValueError(f"schema name {schema!r} is not a plain identifier")
        bootstrap = create_engine(url, poolclass=None, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
        with bootstrap.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        bootstrap.dispose()
        # Sessions in UTC: timestamps without an offset (as COPY sends them) are read as UTC.
        # Pooled connections are checked before use, so a restarted server costs no failed call.
        # Parameters are kept out of error messages and logs: they hold callers' data.
        options = f"-csearch_path={schema} -ctimezone=UTC"
        if statement_timeout_s > 0:
            options += f" -cstatement_timeout={int(statement_timeout_s * 1000)}"
        return create_engine(
            url,
            connect_args={"options": options, "connect_timeout": CONNECT_TIMEOUT_S},
            pool_size=10,
            max_overflow=10,
            pool_pre_ping=True,
            hide_parameters=True,
        )
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60}, hide_parameters=True)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


_SQLITE_WRITERS: dict[str, threading.Lock] = {}


def serialised_writes(engine: Engine) -> AbstractContextManager:
    """Held around a write transaction. SQLite has one writer at a time, and a transaction that
    reads and then writes while another writes fails instead of waiting: the writers of one
    process take turns. PostgreSQL needs no such thing."""
    if engine.dialect.name != "sqlite":
        return nullcontext()
    return _SQLITE_WRITERS.setdefault(str(engine.url), threading.Lock())


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.close()


def drop_schema(url: str, schema: str) -> None:
    """Remove a service's schema (tests; never called by the services)."""
    if is_postgres(url):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both back ends (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: every timestamp must carry a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def bulk_insert(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert many rows in one statement stream: COPY on PostgreSQL, executemany on SQLite.

    Rows are tuples in ``columns`` order. Runs inside the caller's transaction.
    """
    rows = list(rows)
    if not rows:
        return 0
    if conn.dialect.name == "postgresql":
        _copy(conn, table.name, columns, rows)
    else:
        conn.execute(table.insert(), [_sqlite_row(columns, row) for row in rows])
    return len(rows)


def _copy(conn: Connection, table_name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    _copy_frame(conn, table_name, pl.DataFrame(rows, schema=list(columns), orient="row", infer_schema_length=None))


def _copy_frame(conn: Connection, table_name: str, frame: pl.DataFrame) -> None:
    """COPY a frame as CSV written by polars: native code instead of a Python call per row.
    CSV keeps NULL (unquoted empty) apart from the empty string (quoted)."""
    columns = frame.columns
    # Timestamps go as naive UTC text (the session is in UTC): formatting offsets costs polars twice as much.
    naive = [
        pl.col(c).dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        for c, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone
    ]
    payload = frame.with_columns(naive).write_csv(include_header=False)
    cols = ", ".join(f'"{c}"' for c in columns)
    raw = _driver_connection(conn)
    with raw.cursor() as cur, cur.copy(f'COPY "{table_name}" ({cols}) FROM STDIN (FORMAT csv)') as copy:
        copy.write(payload)


def _sqlite_row(columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    return {c: v for c, v in zip(columns, row, strict=True)}


def upsert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    key_columns: Sequence[str],
    *,
    update: bool = True,
) -> int:
    """Insert rows (tuples in ``columns`` order), or on a key conflict update the other columns
    (or leave the stored row, with ``update=False``). Re-sending the same rows is harmless."""
    if not rows:
        return 0
    frame = pl.DataFrame(rows, schema=list(columns), orient="row", infer_schema_length=None)
    return upsert_frame(conn, table, frame, key_columns, update=update)


def upsert_frame(
    conn: Connection, table: Table, frame: pl.DataFrame, key_columns: Sequence[str], *, update: bool = True
) -> int:
    """``upsert`` for a frame whose columns are the table's. On PostgreSQL the frame is COPied
    into a temporary table and merged with one INSERT ... SELECT ... ON CONFLICT; on SQLite it
    is one multi-row statement stream."""
    if frame.is_empty():
        return 0
    columns = frame.columns
    keys = list(key_columns)
    others = [c for c in columns if c not in keys]
    if conn.dialect.name == "postgresql":
        cols = ", ".join(f'"{c}"' for c in columns)
        tmp = _staged(conn, table, frame)
        on_conflict = (
            "DO UPDATE SET " + ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in others)
            if update and others
            else "DO NOTHING"
        )
        conflict_keys = ", ".join(f'"{c}"' for c in keys)
        conn.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({cols}) SELECT {cols} FROM "{tmp}" '
            f"ON CONFLICT ({conflict_keys}) {on_conflict}"
        )
        return frame.height
    _sqlite_write(conn, table, frame, keys, update=update)
    return frame.height


def update_frame(conn: Connection, table: Table, frame: pl.DataFrame, key_columns: Sequence[str]) -> int:
    """Set the frame's other columns on the stored rows with the frame's keys (rows not stored
    are left out). Only the columns given are written, which keeps a narrow change narrow."""
    if frame.is_empty():
        return 0
    keys = list(key_columns)
    others = [c for c in frame.columns if c not in keys]
    if conn.dialect.name == "postgresql":
        tmp = _staged(conn, table, frame)
        assignments = ", ".join(f'"{c}" = s."{c}"' for c in others)
        matching = " AND ".join(f't."{k}" = s."{k}"' for k in keys)
        with key_lookups_only(conn):
            conn.exec_driver_sql(f'UPDATE "{table.name}" AS t SET {assignments} FROM "{tmp}" AS s WHERE {matching}')
    else:
        plain = _sqlite_values(frame.select(*others, *keys))
        assignments = ", ".join(f'"{c}" = ?' for c in others)
        matching = " AND ".join(f'"{k}" = ?' for k in keys)
        conn.exec_driver_sql(f'UPDATE "{table.name}" SET {assignments} WHERE {matching}', plain.rows())
    return frame.height


@contextmanager
def key_lookups_only(conn: Connection) -> Iterator[None]:
    """Find a batch's rows by looking each key up in the table's index (PostgreSQL; a no-op
    elsewhere).

    The planner, costing pages as if read from disk and going by statistics that lag behind
    a growing table, prefers to scan or hash the whole table: a cost that grows with the table,
    paid at every batch, while a batch touches a few thousand rows. Sequential scans, hash and
    merge joins are off until the block ends (for this transaction only, then put back as they
    were). A scan stays possible where there is no index to use, as of a staged batch.

    Should a statement in the block fail, its error goes out as it came (a deadlock or a
    duplicate key is what the ingest retries): the transaction is aborted, and rolling it back
    puts the settings back. After any other error the settings are put back at once."""
    if conn.dialect.name != "postgresql":
        yield
        return
    names = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")
    before = conn.exec_driver_sql(
        "SELECT " + ", ".join(f"current_setting('{n}'), set_config('{n}', 'off', true)" for n in names)
    ).one()

    def put_back() -> None:
        conn.exec_driver_sql("SELECT " + ", ".join(f"set_config('{n}', %s, true)" for n in names), tuple(before[0::2]))

    try:
        yield
    except BaseException:
        if _driver_connection(conn).info.transaction_status != TransactionStatus.INERROR:
            put_back()
        raise
    put_back()


def grouped_by_hashing(conn: Connection) -> None:
    """Group by hashing, never by sorting, for the rest of the caller's transaction (PostgreSQL;
    a no-op elsewhere): for a count of a few groups over millions of rows.

    Without statistics (autovacuum off, or not yet run on a table that grew) the planner takes
    the rows for a few thousand and sorts them to group them: for 10.9 M events into 100 groups
    an external merge sort on disk, 4.2 s instead of 1.5 s by hashing."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT set_config('enable_sort', 'off', true)")


def _staged(conn: Connection, table: Table, frame: pl.DataFrame) -> str:
    """COPY the frame into a temporary table shaped like ``table`` (one per column set, kept
    and emptied per session); returns its name."""
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    tmp = f"tmp_{table.name}_{zlib.crc32(cols.encode()):08x}"
    conn.exec_driver_sql(f'CREATE TEMP TABLE IF NOT EXISTS "{tmp}" AS SELECT {cols} FROM "{table.name}" WITH NO DATA')
    conn.exec_driver_sql(f'TRUNCATE "{tmp}"')
    _copy_frame(conn, tmp, frame)
    return tmp


def insert_frame(conn: Connection, table: Table, frame: pl.DataFrame) -> int:
    """Insert a frame whose columns are the table's (same names): COPY on PostgreSQL."""
    if frame.is_empty():
        return 0
    if conn.dialect.name == "postgresql":
        _copy_frame(conn, table.name, frame)
    else:
        _sqlite_write(conn, table, frame)
    return frame.height


def _sqlite_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates and instants as SQLAlchemy stores them on SQLite (UTCDateTime: naive UTC text), so
    that they compare and read back like the rows it wrote."""
    aware = [c for c, dtype in frame.schema.items() if isinstance(dtype, pl.Datetime) and dtype.time_zone]
    return frame.with_columns([pl.col(c).dt.convert_time_zone("UTC") for c in aware]).with_columns(
        pl.col(pl.Date).cast(pl.String),
        pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M:%S%.6f"),
    )


def _sqlite_write(
    conn: Connection, table: Table, frame: pl.DataFrame, keys: Sequence[str] | None = None, *, update: bool = True
) -> None:
    """Insert (``keys`` None) or upsert a frame on SQLite with one driver ``executemany`` of tuples,
    which skips SQLAlchemy's per-row parameter work (about 4x faster)."""
    plain = _sqlite_values(frame)
    cols = ", ".join(f'"{c}"' for c in plain.columns)
    sql = f'INSERT INTO "{table.name}" ({cols}) VALUES ({", ".join("?" * plain.width)})'
    if keys is not None:
        others = [c for c in plain.columns if c not in keys]
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in others)
        conflict = ", ".join(f'"{c}"' for c in keys)
        sql += f" ON CONFLICT ({conflict}) DO " + (f"UPDATE SET {updates}" if update and others else "NOTHING")
    conn.exec_driver_sql(sql, plain.rows())


def _driver_connection(conn: Connection) -> Any:
    """The DBAPI driver's own connection (psycopg's, for COPY and its transaction status)."""
    raw = conn.connection.driver_connection
    if raw is None:
        raise RuntimeError("the connection has been closed")
    return raw
