"""Two replicas of the service ingesting the same tickets at once.

Replica A and replica B each get the whole life cycle of the same 150 tickets (6 events each),
split into batches, at the same time. Whatever the interleaving, every event is stored once,
the other copy counts as a duplicate, nothing is refused, and every ticket ends CLOSED with
one visit: no replica overwrote the other's ticket state.
"""

import threading
from datetime import timedelta

from sqlalchemy import func, select

from services.interventions import convert
from services.interventions import models as m
from services.interventions.service import InterventionsService
from services.interventions.store import InterventionStore
from services.runtime.db import make_engine
from services.runtime.migrate import upgrade
from services.runtime.principal import EMBEDDED
from tests.interventions.portfolio_fixture import portfolio_batches
from tests.interventions.test_grpc import lifecycle


def replica(url: str, schema: str) -> InterventionsService:
    engine = make_engine(url, schema)
    upgrade(engine, "services.interventions")
    return InterventionsService(InterventionStore(engine))


def import_fixture_portfolio(service: InterventionsService) -> None:
    received, invalid, _ = convert.portfolio_records(portfolio_batches())
    assert invalid == []
    assert service.import_portfolio(received).refused == []


def test_two_replicas_on_the_same_tickets_store_each_event_once(database):
    """On SQLite the two are two services of one process on one file (the embedded default):
    their writes take turns, else a state read before the other's commit would be overwritten."""
    url, prefix = database
    a, b = replica(url, prefix + "interventions"), replica(url, prefix + "interventions")
    import_fixture_portfolio(a)
    events = [e for n in range(150) for e in lifecycle(f"T-{n}", ug=("U1", "U2", "U4")[n % 3])]
    for e in events:
        e.recorded_at.CopyFrom(e.event_time)
    # Ticket-major order: a batch holds whole life cycles, so each replica's batches are valid alone.
    batches = [events[i : i + 60] for i in range(0, len(events), 60)]
    results = {"a": [], "b": []}
    errors = []

    def run(name, service):
        try:
            for batch in batches:
                results[name].append(service.ingest_batch(convert.batch_columns(batch), EMBEDDED))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n, s)) for n, s in (("a", a), ("b", b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    outcomes = results["a"] + results["b"]
    accepted = sum(o.accepted.height for o in outcomes)
    duplicates = sum(o.duplicates for o in outcomes)
    assert (accepted, duplicates, sum(len(o.rejected) for o in outcomes)) == (900, 900, 0)
    with a.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.intervention_events)).scalar() == 900
        states = conn.execute(
            select(m.interventions.c.status, m.interventions.c.visits, func.count()).group_by(
                m.interventions.c.status, m.interventions.c.visits
            )
        ).all()
    assert states == [("CLOSED", 1, 150)]
    for service in (a, b):
        service.store.engine.dispose()


def test_a_replica_sees_what_another_imported(pg_url, schema_prefix):
    """Replica B has loaded its index; replica A then imports a new unit. An event on that unit
    sent to B is accepted, because B checks the portfolio's version at every batch."""
    from services.api.quitus.interventions.v1 import interventions_pb2 as pb
    from tests.interventions.portfolio_fixture import T0, request

    schema = schema_prefix + "interventions"
    a, b = replica(pg_url, schema), replica(pg_url, schema)
    import_fixture_portfolio(a)
    refused = b.ingest_batch(convert.batch_columns([request("C1", "T-1", T0, ug="U9")]), EMBEDDED)
    assert [f.rule for f in refused.rejected] == ["unknown_unit"]
    _, unit = convert.portfolio_record(pb.PortfolioRecord(unit=pb.Unit(ug_id="U9", building_id="B1", kind="dwelling")))
    a.import_portfolio([(0, "unit", unit)])
    accepted = b.ingest_batch(convert.batch_columns([request("C1", "T-1", T0, ug="U9")]), EMBEDDED)
    assert (accepted.accepted.height, accepted.rejected) == (1, [])
    for service in (a, b):
        service.store.engine.dispose()


def test_a_replica_waits_for_another_writing_the_same_contractors_tickets(pg_url, schema_prefix):
    """Replica A has read (no) state for ticket T-1 of contractor C1 and not yet written; B is
    then sent a request for T-1. B must wait for A's commit (the contractor's ingest lock), then
    see A's ticket: already_requested. Without the lock B stores its request first and A's
    request is the one refused."""
    from tests.interventions.portfolio_fixture import T0, request

    schema = schema_prefix + "interventions"
    a, b = replica(pg_url, schema), replica(pg_url, schema)
    import_fixture_portfolio(a)
    first_load = a.store.load_states
    b_outcome, b_done_while_a_held = [], []

    def load_states_then_start_b(conn, ids):
        states = first_load(conn, ids)
        other = request("C1", "T-1", T0, ug="U1")
        worker = threading.Thread(
            target=lambda: b_outcome.append(b.ingest_batch(convert.batch_columns([other]), EMBEDDED))
        )
        worker.start()
        worker.join(1.5)
        b_done_while_a_held.append(not worker.is_alive())
        load_states_then_start_b.worker = worker
        return states

    a.store.load_states = load_states_then_start_b
    first = request("C1", "T-1", T0, ug="U2")
    first.sequence = 5
    outcome = a.ingest_batch(convert.batch_columns([first]), EMBEDDED)
    load_states_then_start_b.worker.join(30)
    assert b_done_while_a_held == [False]
    assert (outcome.accepted.height, outcome.rejected) == (1, [])
    assert [f.rule for f in b_outcome[0].rejected] == ["already_requested"]
    with a.store.engine.connect() as conn:
        assert conn.execute(select(m.interventions.c.ug_id)).scalars().all() == ["U2"]
        assert conn.execute(select(m.intervention_events.c.sequence)).scalars().all() == [5]
    for service in (a, b):
        service.store.engine.dispose()


def test_a_new_ticket_is_inserted_so_a_writer_without_the_lock_cannot_overwrite_it(pg_url, schema_prefix):
    """The safety net under the lock: A (made to skip the contractor lock) reads no state for
    ticket T-1; before it writes, B stores T-1 requested under sequence 1. A's request (sequence
    5) must not overwrite B's ticket: A's insert fails, A retries, and then sees the ticket."""
    from tests.interventions.portfolio_fixture import T0, request

    schema = schema_prefix + "interventions"
    a, b = replica(pg_url, schema), replica(pg_url, schema)
    import_fixture_portfolio(a)
    first_load = a.store.load_states
    a.store.lock_tickets_of = lambda conn, contractor_ids: None

    def load_states_then_let_b_in(conn, ids):
        states = first_load(conn, ids)
        if not states and not getattr(load_states_then_let_b_in, "done", False):
            load_states_then_let_b_in.done = True
            b.ingest_batch(convert.batch_columns([request("C1", "T-1", T0, ug="U1")]), EMBEDDED)
        return states

    a.store.load_states = load_states_then_let_b_in
    late = request("C1", "T-1", T0, ug="U2")
    late.sequence = 5
    outcome = a.ingest_batch(convert.batch_columns([late]), EMBEDDED)
    assert [f.rule for f in outcome.rejected] == ["already_requested"]
    with a.store.engine.connect() as conn:
        assert conn.execute(select(m.interventions.c.ug_id)).scalars().all() == ["U1"]
        assert conn.execute(select(m.intervention_events.c.sequence)).scalars().all() == [1]
    for service in (a, b):
        service.store.engine.dispose()


def test_two_services_on_one_sqlite_file_lose_no_ticket_update(tmp_path):
    """The embedded default: two services of one process on one SQLite file write different
    events of the same 300 tickets at once, A planning each, B suspending each. Every ticket
    must end planned and on hold (ON_HOLD): neither wrote back a state read before the other's
    commit."""
    from tests.interventions.portfolio_fixture import T0, event, request

    url = f"sqlite:///{tmp_path / 'embedded.db'}"
    a, b = replica(url, "interventions"), replica(url, "interventions")
    import_fixture_portfolio(a)
    refs = [f"T-{n}" for n in range(300)]
    a.ingest_batch(convert.batch_columns([request("C1", r, T0) for r in refs]), EMBEDDED)
    planned = [event("C1", r, 2, "PLANNED", T0 + timedelta(hours=1)) for r in refs]
    suspended = [event("C1", r, 3, "SUSPENDED", T0 + timedelta(hours=2)) for r in refs]
    errors = []

    def run(service, events):
        try:
            for i in range(0, len(events), 20):
                service.ingest_batch(convert.batch_columns(events[i : i + 20]), EMBEDDED)
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(a, planned)), threading.Thread(target=run, args=(b, suspended))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with a.store.engine.connect() as conn:
        states = conn.execute(select(m.interventions.c.status, func.count()).group_by(m.interventions.c.status)).all()
    assert states == [("ON_HOLD", 300)]
