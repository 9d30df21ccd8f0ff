"""How tickets are stored on PostgreSQL, where the ingest rate depends on it."""

from datetime import timedelta

from sqlalchemy import text

from services.interventions import convert
from services.runtime.principal import EMBEDDED
from tests.interventions.portfolio_fixture import T0, event, request
from tests.interventions.test_replicas import import_fixture_portfolio, replica


def blocks(service) -> dict[str, int]:
    with service.store.engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, (ctid::text::point)[0]::int FROM interventions")).all())


def test_every_ticket_of_a_page_is_updated_in_place_batch_after_batch(pg_url, schema_prefix):
    """A ticket update stays on the ticket's page (a HOT update, no index entry to write), even
    when a batch updates every ticket of a page, as it does for tickets requested together. A
    tuple that moved page shows in its ctid's block number."""
    service = replica(pg_url, schema_prefix + "interventions")
    import_fixture_portfolio(service)
    refs = [f"T-{n}" for n in range(200)]
    service.ingest_batch(convert.batch_columns([request("C1", r, T0, ug="U1") for r in refs]), EMBEDDED)
    placed = blocks(service)
    assert len(set(placed.values())) < len(refs) / 5  # many tickets per page: the case at stake
    for seq, kind in ((2, "PLANNED"), (3, "SUSPENDED"), (4, "RESUMED")):
        events = [event("C1", r, seq, kind, T0 + timedelta(hours=seq)) for r in refs]
        outcome = service.ingest_batch(convert.batch_columns(events), EMBEDDED)
        assert (outcome.accepted.height, outcome.rejected) == (len(refs), [])
        assert blocks(service) == placed, f"tickets moved page at the {kind} batch"
    service.store.engine.dispose()


def test_ticket_ids_sort_byte_by_byte_whatever_the_database_locale(pg_url, schema_prefix):
    """Both keys holding a ticket id use the "C" collation (the model and migration 0007 agree),
    and a page of search results follows byte order: "C1/Z" before "C1/a", as on SQLite."""
    service = replica(pg_url, schema_prefix + "interventions")
    with service.store.engine.connect() as conn:
        collations = conn.execute(
            text(
                "SELECT table_name, column_name, collation_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND column_name IN ('id', 'intervention_id') "
                "AND table_name IN ('interventions', 'intervention_events') ORDER BY table_name"
            )
        ).all()
    assert collations == [("intervention_events", "intervention_id", "C"), ("interventions", "id", "C")]
    import_fixture_portfolio(service)
    service.ingest_batch(convert.batch_columns([request("C1", r, T0, ug="U1") for r in ("a", "Z", "b")]), EMBEDDED)
    assert [t["id"] for t in service.store.search(contractor_id="C1")] == ["C1/Z", "C1/a", "C1/b"]
    service.store.engine.dispose()


def test_a_batch_reads_its_tickets_by_key_not_by_scanning_them_all(pg_url, schema_prefix):
    """The states read of a batch looks its tickets up in the key index, and so does the read of
    the stored fingerprints of possible re-sends: a scan of every ticket or event would cost each
    batch more as the years pile up. The tables are left without statistics (as between two
    autovacuum runs), where the planner chose to scan the tickets."""
    service = replica(pg_url, schema_prefix + "interventions")
    import_fixture_portfolio(service)
    refs = [f"T-{n}" for n in range(2000)]
    service.ingest_batch(convert.batch_columns([request("C1", r, T0, ug="U1") for r in refs]), EMBEDDED)
    with service.store.engine.begin() as conn:
        states = service.store.load_states(conn, [f"C1/{r}" for r in refs[::4]] + ["C1/unknown"])
        fingerprints = service.store.load_fingerprints(conn, [(f"C1/{r}", 1) for r in refs[::100]] + [("C1/T-1", 2)])
        scans = {
            table: (seq, used_index)
            for table, seq, used_index in conn.execute(
                text(
                    "SELECT relname, seq_scan, idx_scan > 0 FROM pg_stat_xact_user_tables "
                    "WHERE schemaname = current_schema() AND relname IN ('interventions', 'intervention_events')"
                )
            )
        }
    assert (len(states), len(fingerprints)) == (500, 20)
    assert scans == {"interventions": (0, True), "intervention_events": (0, True)}
    service.store.engine.dispose()
