"""The interventions service writes its domain events into its outbox in the transaction of the
events they announce: once each, none for a refused record, none when the batch does not commit.

Uses the hand-made portfolio of tests/interventions/portfolio_fixture.py and the life cycle of
tests.interventions.test_grpc.lifecycle (T0 = 2026-03-02 08:00 UTC): requested T0 (C1, K1,
MS-CUR, normal: 24 h to intervene, 72 h to repair, on U1 in B1), visit 1 started T0+2h and ended
T0+3h, resolved T0+3h at 90 EUR, quitus and closed T0+4h.
"""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.interventions import convert
from services.interventions import models as m
from services.runtime.principal import EMBEDDED
from tests.conftest import bearer
from tests.interventions.portfolio_fixture import T0, event
from tests.interventions.test_grpc import _malformed, lifecycle
from tests.interventions.test_grpc import service as grpc_service  # noqa: F401 (a fixture)
from tests.interventions.test_replicas import replica
from tests.relay.conftest import interventions_service, stored_outbox

H = timedelta(hours=1)


def backfilled(events):
    for e in events:
        e.recorded_at.CopyFrom(e.event_time)
    return events


def test_each_announced_event_is_in_the_outbox_once_with_its_ticket(database):
    """One life cycle (6 events) and, in the same batch, a visit on a ticket never requested
    (refused: unknown_intervention). Announced: requested, visit started, resolved, closed (not
    visit ended, not quitus, not the refused record): 4 rows in event order, each with its key as
    message id. Sending the batch again stores nothing new (6 duplicates): still 4 rows."""
    url, prefix = database
    service = interventions_service(url, prefix)
    batch = backfilled([*lifecycle("T-1"), event("C1", "T-9", 2, "VISIT_STARTED", T0 + 2 * H, visit_number=1)])
    outcome = service.ingest_batch(convert.batch_columns(batch), EMBEDDED)
    assert (outcome.accepted.height, [f.rule for f in outcome.rejected]) == (6, ["unknown_intervention"])

    rows = stored_outbox(service)
    assert [(r["message_id"], r["routing_key"], r["occurred_at"]) for r in rows] == [
        ("interventions/C1/T-1#1", "interventions.requested", T0),
        ("interventions/C1/T-1#2", "interventions.visit_started", T0 + 2 * H),
        ("interventions/C1/T-1#4", "interventions.resolved", T0 + 3 * H),
        ("interventions/C1/T-1#6", "interventions.closed", T0 + 4 * H),
    ]
    assert all(r["sent_at"] is None and r["created_at"] is not None for r in rows)
    requested, visit, resolved, closed = (json.loads(r["payload_json"]) for r in rows)
    common = {"intervention_id": "C1/T-1", "contractor_id": "C1", "building_id": "B1"}
    assert requested == {
        **common,
        "sequence": 1,
        "kind": "REQUESTED",
        "event_time": "2026-03-02T08:00:00.000000Z",
        "ug_id": "U1",
        "equipment_id": None,
        "contract_id": "K1",
        "service_code": "MS-CUR",
        "trade": "multiservice",
        "nature": "CURATIVE",
        "criticality": "normal",
        "intervene_hours": 24.0,
        "repair_hours": 72.0,
    }
    assert visit == {
        **common,
        "sequence": 2,
        "kind": "VISIT_STARTED",
        "event_time": "2026-03-02T10:00:00.000000Z",
        "visit_number": 1,
    }
    assert resolved == {
        **common,
        "sequence": 4,
        "kind": "RESOLVED",
        "event_time": "2026-03-02T11:00:00.000000Z",
        "cost_eur": 90.0,
    }
    assert closed == {
        **common,
        "sequence": 6,
        "kind": "CLOSED",
        "event_time": "2026-03-02T12:00:00.000000Z",
    }

    again = service.ingest_batch(convert.batch_columns(batch), EMBEDDED)
    assert (again.accepted.height, again.duplicates) == (0, 6)
    assert len(stored_outbox(service)) == 4
    service.store.engine.dispose()


def test_a_cancellation_is_announced(database):
    """Requested T0, cancelled T0+1h: two rows, requested then cancelled."""
    url, prefix = database
    service = interventions_service(url, prefix)
    batch = backfilled([lifecycle("T-1")[0], event("C1", "T-1", 2, "CANCELLED", T0 + H)])
    service.ingest_batch(convert.batch_columns(batch), EMBEDDED)
    assert [r["routing_key"] for r in stored_outbox(service)] == ["interventions.requested", "interventions.cancelled"]
    service.store.engine.dispose()


def test_a_batch_that_does_not_commit_leaves_no_event(database, monkeypatch):
    """The batch's last write (its rejection, after the events, tickets and outbox rows) fails:
    the transaction is rolled back whole, so no event, no ticket and no outbox row is left."""
    url, prefix = database
    service = interventions_service(url, prefix)

    def failing(conn, rejections):
        raise RuntimeError("disk full")

    monkeypatch.setattr(service.store, "record_rejections", failing)
    batch = backfilled([*lifecycle("T-1"), event("C1", "T-9", 2, "VISIT_STARTED", T0 + 2 * H, visit_number=1)])
    with pytest.raises(RuntimeError, match="disk full"):
        service.ingest_batch(convert.batch_columns(batch), EMBEDDED)
    with service.store.engine.connect() as conn:
        counts = [conn.execute(select(func.count()).select_from(t)).scalar() for t in (m.intervention_events, m.outbox)]
    assert counts == [0, 0]
    service.store.engine.dispose()


def test_a_batch_refused_whole_writes_no_event(grpc_service, database):  # noqa: F811
    """Through gRPC: a bulk batch that cannot be read (a column short of one value) is refused
    whole and writes nothing; the good batch after it in the stream writes its 4 events."""
    stub, tokens, _ = grpc_service
    good = pb.IngestEventsRequest(batch_id="good", events=pb.EventList(events=lifecycle("T-2")))
    refused, after = stub.IngestEvents(iter([_malformed("short column"), good]), metadata=bearer(tokens.issue("admin")))
    assert (refused.refused_whole, after.accepted) == (True, 6)
    url, prefix = database
    service = replica(url, prefix + "interventions")
    assert [r["message_id"] for r in stored_outbox(service)] == [
        "interventions/C1/T-2#1",
        "interventions/C1/T-2#2",
        "interventions/C1/T-2#4",
        "interventions/C1/T-2#6",
    ]
    service.store.engine.dispose()
