"""The bulk-write helpers every service uses (services.runtime.db), on SQLite and PostgreSQL,
with a four-row table whose end state is written out by hand."""

from datetime import UTC, datetime

import polars as pl
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy import exc as sa_exc

from services.runtime.db import UTCDateTime, insert_frame, key_lookups_only, make_engine, update_frame, upsert_frame

metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("id", String(20), primary_key=True),
    Column("label", String(20), nullable=False),
    Column("count", Integer, nullable=False),
    Column("seen_at", UTCDateTime, nullable=True),
)
T = datetime(2025, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)


def frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"id": pl.String, "label": pl.String, "count": pl.Int64, "seen_at": pl.Datetime("us", "UTC")},
        orient="row",
    )


def stored(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(things).order_by(things.c.id))]


def test_insert_update_and_upsert_frames(database):
    url, prefix = database
    engine = make_engine(url, prefix + "bulk")
    metadata.create_all(engine)
    with engine.begin() as conn:
        insert_frame(conn, things, frame([("a", "first", 1, None), ("b", "second", 2, T)]))
    with engine.begin() as conn:
        # Only count and seen_at are given: labels stay; "z" is not stored, so it is left out.
        update_frame(conn, things, frame([("a", "", 10, T), ("z", "", 99, None)]).drop("label"), ["id"])
    assert stored(engine) == [("a", "first", 10, T), ("b", "second", 2, T)]
    with engine.begin() as conn:
        upsert_frame(conn, things, frame([("b", "changed", 3, None), ("c", "third", 4, None)]), ["id"])
        # Twice in one transaction on PostgreSQL: the staging table is emptied between the two.
        update_frame(conn, things, frame([("c", "", 5, None)]).drop("label"), ["id"])
        update_frame(conn, things, frame([("a", "", 11, None)]).drop("label"), ["id"])
    assert stored(engine) == [("a", "first", 11, None), ("b", "changed", 3, None), ("c", "third", 5, None)]
    engine.dispose()


def test_update_frame_leaves_the_planner_settings_as_it_found_them(pg_url, schema_prefix):
    """update_frame turns sequential scans, hash and merge joins off for its own statement on
    PostgreSQL; the rest of the transaction, and a setting the session chose, must not notice."""
    engine = make_engine(pg_url, schema_prefix + "bulk")
    metadata.create_all(engine)
    settings = (
        "SELECT current_setting('enable_seqscan'), current_setting('enable_hashjoin'), "
        "current_setting('enable_mergejoin')"
    )
    with engine.begin() as conn:
        insert_frame(conn, things, frame([("a", "first", 1, None)]))
        update_frame(conn, things, frame([("a", "", 2, None)]).drop("label"), ["id"])
        assert conn.exec_driver_sql(settings).one() == ("on", "on", "on")
        conn.exec_driver_sql("SET enable_mergejoin = off")
        update_frame(conn, things, frame([("a", "", 3, None)]).drop("label"), ["id"])
        assert conn.exec_driver_sql(settings).one() == ("on", "on", "off")
        conn.exec_driver_sql("RESET enable_mergejoin")
    assert stored(engine) == [("a", "first", 3, None)]
    engine.dispose()


def test_an_error_under_key_lookups_only_comes_out_as_itself(pg_url, schema_prefix):
    """A statement failing under the guard (a deadlock, a duplicate key) must reach the caller as
    that error, which the ingest retries, not as "transaction aborted" from putting the settings
    back: the rollback puts them back anyway. After an error that leaves the transaction usable,
    the rest of the transaction plans as before."""
    engine = make_engine(pg_url, schema_prefix + "bulk")
    with pytest.raises(sa_exc.DataError, match="division by zero"), engine.begin() as conn, key_lookups_only(conn):
        conn.exec_driver_sql("SELECT 1 / 0")
    with engine.begin() as conn:
        with pytest.raises(KeyError), key_lookups_only(conn):
            raise KeyError("a Python error, the transaction still usable")
        assert conn.exec_driver_sql("SELECT current_setting('enable_seqscan')").scalar() == "on"
    engine.dispose()
