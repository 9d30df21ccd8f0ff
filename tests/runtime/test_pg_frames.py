"""services.runtime.pg_frames on the real PostgreSQL: a query's rows as a typed frame through
ADBC, in the session settings of the service's connection, parameters bound safely, errors kept
as PostgreSQL gave them, and a kept connection that died replaced without a failed read."""

from datetime import UTC, datetime

import adbc_driver_manager
import polars as pl
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text

from services.runtime import pg_frames
from services.runtime.db import UTCDateTime, make_engine
from services.runtime.pg_frames import read_frame

metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("id", String(20), primary_key=True),
    Column("count", Integer, nullable=True),
    Column("seen_at", UTCDateTime, nullable=True),
)
T = datetime(2025, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
SCHEMA = {"id": pl.String, "count": pl.Int64, "seen_at": pl.Datetime("us", "UTC")}


@pytest.fixture
def engine(pg_url, schema_prefix):
    engine = make_engine(pg_url, f"{schema_prefix}frames")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(things),
            [
                {"id": "a", "count": 3, "seen_at": T},
                {"id": "O'Brien", "count": None, "seen_at": None},
                {"id": "c", "count": -7, "seen_at": T},
            ],
        )
    yield engine
    engine.dispose()


def test_rows_come_back_typed_with_nulls_in_the_schemas_search_path(engine):
    """The table is found by its bare name (the engine's search path reached the read's own
    connection); the three rows come back as inserted, nulls as nulls, the instant to the
    microsecond in UTC, the columns renamed to the schema's names."""
    query = select(things.c.id, things.c["count"], things.c.seen_at).order_by(things.c.id)
    with engine.connect() as conn:
        frame = read_frame(conn, query, {"key": pl.String, "n": pl.Int64, "at": pl.Datetime("us", "UTC")})
    assert frame.columns == ["key", "n", "at"]
    assert frame.rows() == [("O'Brien", None, None), ("a", 3, T), ("c", -7, T)]


def test_a_bound_text_is_quoted_not_run(engine):
    """A parameter holding a quote and SQL is compared as text (psycopg binds it as a quoted
    literal): it matches only the row whose id it is, and the table is still there after."""
    with engine.connect() as conn:
        hostile = read_frame(conn, select(things).where(things.c.id == "x'; DROP TABLE things; --"), SCHEMA)
        quoted = read_frame(conn, select(things).where(things.c.id.in_(["O'Brien", "c"])).order_by(things.c.id), SCHEMA)
        left = conn.execute(select(things.c.id)).scalars().all()
    assert hostile.is_empty() and hostile.schema == pl.Schema(SCHEMA)
    assert quoted["id"].to_list() == ["O'Brien", "c"]
    assert sorted(left) == ["O'Brien", "a", "c"]


def test_a_column_count_that_does_not_match_the_schema_is_refused(engine):
    with engine.connect() as conn, pytest.raises(ValueError, match="gives 3 columns, the schema names 2"):
        read_frame(conn, select(things), {"id": pl.String, "count": pl.Int64})


def test_the_statement_timeout_of_the_service_applies_and_keeps_its_sqlstate(pg_url, schema_prefix):
    """The engine's statement timeout (0.2 s) reaches the read's connection: a 1 s sleep is
    cancelled with SQLSTATE 57014, which the error interceptor answers DEADLINE_EXCEEDED."""
    engine = make_engine(pg_url, f"{schema_prefix}slow", statement_timeout_s=0.2)
    try:
        with engine.connect() as conn, pytest.raises(adbc_driver_manager.OperationalError) as caught:
            read_frame(conn, "SELECT pg_sleep(1)::text", {"slept": pl.String})
        assert caught.value.sqlstate == "57014"
    finally:
        engine.dispose()


def test_a_kept_connection_the_server_closed_is_replaced_without_failing_the_read(engine):
    """Every idle connection the module keeps is terminated by the server (as a restart would);
    the next read still answers, on a new connection."""
    query = select(things.c.id, things.c["count"], things.c.seen_at).where(things.c.id == "a")
    with engine.connect() as conn:
        assert read_frame(conn, query, SCHEMA).height == 1
        assert pg_frames._idle  # the read's connection was kept
        kept = (
            conn.execute(
                text("SELECT pid FROM pg_stat_activity WHERE application_name = :name AND query LIKE '%things%'"),
                {"name": pg_frames.APPLICATION_NAME},
            )
            .scalars()
            .all()
        )
        assert kept
        for pid in kept:
            conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})  # waits for its end
        frame = read_frame(conn, query, SCHEMA)
    assert frame.rows() == [("a", 3, T)]


def test_planner_settings_hold_for_their_read_alone(engine):
    """A read asking for enable_seqscan off runs with it off; the next read on the kept
    connection finds it as the server's default again (on). A setting not among
    PLANNER_SETTINGS, or a value other than on/off, is refused before anything runs."""
    setting = "SELECT current_setting('enable_seqscan')"
    with engine.connect() as conn:
        assert read_frame(conn, setting, {"v": pl.String}, planner={"enable_seqscan": "off"}).item() == "off"
        assert read_frame(conn, setting, {"v": pl.String}).item() == "on"
        with pytest.raises(ValueError, match="planner settings"):
            read_frame(conn, setting, {"v": pl.String}, planner={"work_mem": "1GB"})
        with pytest.raises(ValueError, match="planner settings"):
            read_frame(conn, setting, {"v": pl.String}, planner={"enable_seqscan": "off; DROP TABLE things"})
