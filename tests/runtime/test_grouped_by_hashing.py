"""services.runtime.db.grouped_by_hashing on the real PostgreSQL: a count of a few groups over a
table the planner has no statistics for is grouped by hashing (not by sorting every row, which
took GetDataQuality's count of 10.9 M events from 1.5 to 4.2 s), and the setting ends with the
transaction: the next user of the pooled connection plans as before."""

from sqlalchemy import text

from services.runtime.db import grouped_by_hashing, make_engine


def test_a_count_by_group_is_hashed_for_the_transaction_only(pg_url, schema_prefix):
    engine = make_engine(pg_url, f"{schema_prefix}grouping")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE events (contractor_id text, warnings text)"))
            conn.execute(
                text(
                    "INSERT INTO events SELECT 'C' || (n % 50), CASE WHEN n % 7 = 0 THEN 'late' ELSE '' END "
                    "FROM generate_series(1, 200000) AS n"
                )
            )
        count = "EXPLAIN SELECT contractor_id, warnings, count(*) FROM events GROUP BY contractor_id, warnings"
        with engine.connect() as conn:
            # With little memory for a hash table (as 10.9 M rows thought to be wide had), the
            # planner sorts to group; the case at stake.
            conn.execute(text("SET LOCAL work_mem = '64kB'"))
            sorted_plan = "\n".join(conn.execute(text(count)).scalars())
            grouped_by_hashing(conn)
            plan = "\n".join(conn.execute(text(count)).scalars())
            assert conn.execute(text("SHOW enable_sort")).scalar() == "off"
        assert "Sort" in sorted_plan, sorted_plan
        assert "HashAggregate" in plan and "Sort" not in plan, plan
        with engine.connect() as conn:
            assert conn.execute(text("SHOW enable_sort")).scalar() == "on"
    finally:
        engine.dispose()
