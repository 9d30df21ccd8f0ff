"""An export's facts as of a cut-off come from the tickets' stored states where those hold then
(none of the ticket's events recorded after the cut-off), from the event log replayed as known
then for the others (domain.facts.facts_at). The answer must be the replay's for every ticket
(domain.facts.derive_facts over export_frames, the reference), on SQLite and PostgreSQL, at
instants before, between and after late records; and migration 0011 must give tickets stored
before it what the ingest now keeps.

The fixture (contract K1: normal 24 h to intervene / 72 h to repair), each event backfilled with
the instant it was recorded (happened @ recorded), in three batches:

    ticket  events
    T-A     requested T0 @ T0; visit T0+2h, resolved T0+5h (cost 90), both @ T0+30h
    T-B     requested T0+1h @ T0+25h (the request itself reported late)
    T-D     requested T0-30h @ T0-30h; cancelled T0+10h @ T0+10h
    T-H     requested T0 @ T0; visit T0+1h @ T0+1h; RESUMED (seq 4) T0+3h @ T0+3h;
            SUSPENDED (seq 3) T0+2h @ T0+8h, in a later batch
    T-P     requested T0 @ T0; planned T0+1h @ T0+1h; visit T0+2h, visit ended, resolved T0+3h
            (cost 40), closed T0+4h, all @ T0+4h; quitus T0+6h @ T0+50h (after closure)

Worked by hand for T-H: its hold is the last SUSPENDED or RESUMED by sequence, RESUMED (seq 4)
although it arrived first, so from T0+3h on it is IN_PROGRESS (one visit), not ON_HOLD, whatever
the order the two arrived in. T-P is CLOSED from T0+4h, with its quitus only from T0+50h.
"""

from datetime import datetime, timedelta

import polars as pl
import pytest
from alembic import command
from polars.testing import assert_frame_equal
from sqlalchemy import text

from services.interventions.domain.facts import derive_facts
from services.interventions.service import InterventionsService
from services.interventions.store import InterventionStore
from services.runtime.db import make_engine
from services.runtime.migrate import alembic_config
from tests.interventions.backfill import backfilled, recorded
from tests.interventions.portfolio_fixture import T0, event, request

H = timedelta(hours=1)
INSTANTS = [T0 - 31 * H, T0 - H, T0, T0 + 2 * H, T0 + 5 * H, T0 + 9 * H, T0 + 20 * H, T0 + 26 * H, T0 + 31 * H]
ALL_KNOWN = T0 + 51 * H


@pytest.fixture
def service(database):
    with backfilled(
        database,
        [
            recorded(request("C1", "T-A", T0), T0),
            recorded(request("C1", "T-D", T0 - 30 * H), T0 - 30 * H),
            recorded(event("C1", "T-D", 2, "CANCELLED", T0 + 10 * H), T0 + 10 * H),
            recorded(request("C1", "T-H", T0), T0),
            recorded(event("C1", "T-H", 2, "VISIT_STARTED", T0 + H, visit_number=1), T0 + H),
            recorded(event("C1", "T-H", 4, "RESUMED", T0 + 3 * H), T0 + 3 * H),
            recorded(request("C1", "T-P", T0), T0),
            recorded(event("C1", "T-P", 2, "PLANNED", T0 + H), T0 + H),
            recorded(event("C1", "T-P", 3, "VISIT_STARTED", T0 + 2 * H, visit_number=1), T0 + 4 * H),
            recorded(event("C1", "T-P", 4, "VISIT_ENDED", T0 + 2.5 * H, visit_number=1), T0 + 4 * H),
            recorded(event("C1", "T-P", 5, "RESOLVED", T0 + 3 * H, cost_eur=40), T0 + 4 * H),
            recorded(event("C1", "T-P", 6, "CLOSED", T0 + 4 * H), T0 + 4 * H),
        ],
        [
            recorded(event("C1", "T-H", 3, "SUSPENDED", T0 + 2 * H), T0 + 8 * H),
            recorded(request("C1", "T-B", T0 + H), T0 + 25 * H),
        ],
        [
            recorded(event("C1", "T-A", 2, "VISIT_STARTED", T0 + 2 * H, visit_number=1), T0 + 30 * H),
            recorded(event("C1", "T-A", 3, "RESOLVED", T0 + 5 * H, cost_eur=90), T0 + 30 * H),
            recorded(event("C1", "T-P", 7, "QUITUS", T0 + 6 * H, quitus_document="PV-1"), T0 + 50 * H),
        ],
    ) as (service, acks):
        assert [(a.received, a.accepted) for a in acks] == [(12, 12), (2, 2), (3, 3)], [list(a.rejected) for a in acks]
        yield service


def _replayed(service: InterventionsService, as_of: datetime):
    tickets, events = service.store.export_frames(requested_from=None, requested_to=None, as_of=as_of)
    return derive_facts(tickets, events, as_of)


def test_the_facts_from_stored_states_equal_the_replay_at_every_instant(service):
    replayed_tickets = []
    for as_of in [*INSTANTS, ALL_KNOWN]:
        tickets, _ = service.store.fact_frames(requested_from=None, requested_to=None, as_of=as_of)
        replayed_tickets.append(tickets.filter(pl.col("last_recorded_at") > as_of).height)
        assert_frame_equal(service._facts(as_of=as_of), _replayed(service, as_of))
    # Replayed: the tickets with an event recorded after the instant (the last of T-H's recorded
    # at T0+8h, T-D's T0+10h, T-B's T0+25h, T-A's T0+30h, T-P's T0+50h).
    assert replayed_tickets == [5, 5, 5, 5, 5, 4, 3, 2, 1, 0], replayed_tickets


def test_the_hold_is_the_last_by_sequence_whatever_the_arrival_order(service):
    facts = {r["id"][-3:]: r for r in service._facts(as_of=ALL_KNOWN).iter_rows(named=True)}
    assert (facts["T-H"]["status"], facts["T-H"]["visits"]) == ("IN_PROGRESS", 1)
    assert (facts["T-P"]["status"], facts["T-P"]["has_quitus"], facts["T-P"]["cost_eur"]) == ("CLOSED", True, 40.0)
    assert set(facts) == {"T-A", "T-B", "T-D", "T-H", "T-P"}
    before_quitus = {r["id"][-3:]: r for r in service._facts(as_of=T0 + 31 * H).iter_rows(named=True)}
    assert before_quitus["T-P"]["has_quitus"] is False
    assert before_quitus["T-A"]["status"] == "RESOLVED"


def test_migration_0011_fills_in_what_the_ingest_now_keeps(service, database):
    """Tickets stored before 0011 had no last_recorded_at, and T-H the hold of the last event to
    arrive (SUSPENDED: ON_HOLD). After the upgrade they are as the ingest keeps them now."""
    url, prefix = database
    engine = make_engine(url, prefix + "interventions")
    cfg = alembic_config("services.interventions", engine)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0010")
            conn.execute(text("UPDATE interventions SET on_hold = true, status = 'ON_HOLD' WHERE id = 'C1/T-H'"))
            command.upgrade(cfg, "head")
            stored = text("SELECT id, status, on_hold, hold_sequence, last_recorded_at FROM interventions")
            rows = {r.id[-3:]: r for r in conn.execute(stored)}
        assert (rows["T-H"].status, bool(rows["T-H"].on_hold), rows["T-H"].hold_sequence) == ("IN_PROGRESS", False, 4)
        assert (rows["T-P"].status, rows["T-P"].hold_sequence) == ("CLOSED", 0)
        migrated = InterventionsService(InterventionStore(engine), clock=service.clock)
        for as_of in (T0 + 5 * H, T0 + 31 * H, ALL_KNOWN):
            _, late_events = migrated.store.fact_frames(requested_from=None, requested_to=None, as_of=as_of)
            assert_frame_equal(migrated._facts(as_of=as_of), _replayed(migrated, as_of))
        _, late_events = migrated.store.fact_frames(requested_from=None, requested_to=None, as_of=ALL_KNOWN)
        assert late_events.height == 0  # every ticket's last_recorded_at was filled in
    finally:
        engine.dispose()


def test_many_late_tickets_are_read_in_one_pass_with_the_same_answer(service, monkeypatch):
    """Past LATE_BY_KEY late tickets, their events are read by a join instead of by key lists;
    with the threshold at 0 every instant takes that path."""
    from services.interventions import store

    monkeypatch.setattr(store, "LATE_BY_KEY", 0)
    for as_of in (T0 + 2 * H, T0 + 26 * H, ALL_KNOWN):
        assert_frame_equal(service._facts(as_of=as_of), _replayed(service, as_of))
