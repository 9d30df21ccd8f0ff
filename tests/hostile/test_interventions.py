"""Hostile input against every RPC of InterventionsService, through a real server, on SQLite and
PostgreSQL (issue 12): for each RPC a good request (for the streams a good batch, with a good
record beside the mutated one), then every one-field mutation of it from the shared table
(tests/hostile/values.py) through ``answer_of``: OK or a refusal naming the field, never
INTERNAL, UNKNOWN or a hang; the good records sent beside a hostile one are stored; the service
still answers health and a normal call afterwards.

To keep the run short, a field of a stream's batch gets a sample of the hostile values of its
kind (the sample rotates over the table, so each value is still sent to several fields); unary
calls get every value."""

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from services.api.quitus.common.v1.common_pb2 import PageRequest, Period
from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.interventions.server import build
from tests.conftest import bearer, running_server
from tests.hostile.harness import answer_of, still_serving
from tests.hostile.values import Mutation, mutations
from tests.interventions.portfolio_fixture import T0, event, portfolio_batches, request, ts
from tests.interventions.test_grpc import arrow_stream, columnar, lifecycle

S = "quitus.interventions.v1.InterventionsService"
COVERED = {
    f"{S}.ImportPortfolio",
    f"{S}.IngestEvents",
    f"{S}.GetIntervention",
    f"{S}.SearchInterventions",
    f"{S}.GetDeadlineStatus",
    f"{S}.GetDataQuality",
    f"{S}.ListRejections",
    f"{S}.GetTopUnits",
    f"{S}.ExportInterventions",
    f"{S}.ExportPortfolio",
}
VALUES_PER_FIELD = 3  # hostile values tried per field (rotating over the table)


def sampled(cases: Iterator[Mutation], per_field: int = VALUES_PER_FIELD) -> list[Mutation]:
    """``per_field`` mutations per field, rotating over the values of its kind (strings, floats,
    integers, instants...) so that every value of the table is used for each kind."""
    rotations: dict[frozenset[str], Iterator[str]] = {}
    by_path: dict[str, list[Mutation]] = {}
    for case in cases:
        by_path.setdefault(case.path, []).append(case)
    kept = []
    for group in by_path.values():
        labels = [c.label for c in group]
        rotation = rotations.setdefault(frozenset(labels), itertools.cycle(labels))
        wanted = {next(rotation) for _ in range(min(per_field, len(labels)))}
        kept += [c for c in group if c.label in wanted]
    return kept


@pytest.fixture
def served(database):
    """(stub, channel, admin metadata) on a started server with the portfolio imported and the
    ticket C1/T-1 through its life cycle."""
    with running_server(build, database) as (channel, tokens):
        stub = pb_grpc.InterventionsServiceStub(channel)
        admin = bearer(tokens.issue("admin"))
        stub.ImportPortfolio(iter(portfolio_batches()), metadata=admin)
        list(
            stub.IngestEvents(
                iter([pb.IngestEventsRequest(events=pb.EventList(events=lifecycle("T-1")))]), metadata=admin
            )
        )
        yield stub, channel, admin


def _normal(stub, admin):
    return lambda: stub.GetIntervention(pb.GetInterventionRequest(id="C1/T-1"), metadata=admin, timeout=2)


def _unary(stub, channel, admin, method: str, good, check=None) -> None:
    call = getattr(stub, method)
    answer_of(lambda timeout: call(good, metadata=admin, timeout=timeout), Mutation("(good)", "good", good))
    for case in mutations(good):  # unary calls are quick: every value of the table
        code, outcome = answer_of(lambda timeout, r=case.request: call(r, metadata=admin, timeout=timeout), case)
        if check is not None:
            check(case, code, outcome)
    still_serving(channel, _normal(stub, admin))


# ------------------------------------------------------------------ the streams

_REF = itertools.count()


def _good_request(ref: str) -> pb.InterventionEvent:
    return request("C1", ref, T0, ug="U1", description="Fuite d'eau\nsous l'évier")


def _full_event(ref: str) -> pb.InterventionEvent:
    """An event with every field set (so that every field is mutated from a real value)."""
    e = _good_request(ref)
    e.recorded_at.CopyFrom(ts(T0 + timedelta(minutes=1)))
    e.equipment_id = ""
    e.visit_number = 0
    e.quitus_document = "PV"
    e.quitus_signed_by = "tenant"
    e.cost_eur = 10.0
    e.note = "note"
    return e


def _stored(stub, admin, ref: str) -> bool:
    try:
        stub.GetIntervention(pb.GetInterventionRequest(id=f"C1/{ref}"), metadata=admin, timeout=2)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.NOT_FOUND
        return False
    return True


def test_ingest_events_each_form(served):
    """One batch [mutated event, good event] per mutation, in the three forms: the good event is
    stored whatever its neighbour holds (a batch refused whole only when it cannot be read)."""
    stub, channel, admin = served
    good_ref = "GOOD"
    forms = {
        "events": lambda es: pb.IngestEventsRequest(batch_id="b", events=pb.EventList(events=es)),
        "columns": lambda es: pb.IngestEventsRequest(batch_id="b", columns=columnar(es)),
    }
    for name, form in forms.items():
        good = form([_full_event("HOSTILE"), _good_request(good_ref)])
        for case in sampled(mutations(good)):
            code, acks = answer_of(
                lambda timeout, r=case.request: list(stub.IngestEvents(iter([r]), metadata=admin, timeout=timeout)),
                case,
            )
            if code != grpc.StatusCode.OK:
                continue
            (ack,) = acks
            if ack.refused_whole:
                assert ack.refusal.field, f"{name} {case.path}={case.label}: refused whole without a field"
                continue
            assert 1 not in {r.index for r in ack.rejected}, f"{name} {case.path}={case.label}: good event refused"
            assert _stored(stub, admin, good_ref), f"{name} {case.path}={case.label}: good event not stored"
    # the Arrow form: garbage bytes are a batch refused whole, the stream goes on
    arrow = pb.IngestEventsRequest(batch_id="a", arrow_ipc=arrow_stream(lifecycle("T-A")))
    for case in sampled(mutations(arrow)):
        code, acks = answer_of(
            lambda timeout, r=case.request: list(stub.IngestEvents(iter([r, arrow]), metadata=admin, timeout=timeout)),
            case,
        )
        if code == grpc.StatusCode.OK:
            assert len(acks) == 2 and not acks[1].refused_whole
    still_serving(channel, _normal(stub, admin))


def test_import_portfolio(served):
    """One batch [mutated record, good building] per record kind and mutation: the good building
    is written (counted, not refused) whatever the record before it holds."""
    stub, channel, admin = served
    records = [r for batch in portfolio_batches() for r in batch.records]
    firsts = {}
    for record in records:
        firsts.setdefault(record.WhichOneof("record"), record)
    good_building = pb.PortfolioRecord(
        building=pb.Building(
            id="B-GOOD", residence_id="R1", address="1 rue de l'Église", postcode="42000", city="Saint-Étienne"
        )
    )
    for kind, first in firsts.items():
        good = pb.ImportPortfolioRequest(records=[first, good_building])
        for case in sampled(mutations(good), per_field=1):
            if not case.path.startswith("records[0]"):
                continue
            code, reply = answer_of(
                lambda timeout, r=case.request: stub.ImportPortfolio(iter([r]), metadata=admin, timeout=timeout),
                case,
            )
            assert code == grpc.StatusCode.OK, f"{kind} {case.path}={case.label}: {code}"
            assert 1 not in {r.index for r in reply.summary.rejected}, f"{kind} {case.path}={case.label}"
    # The stream's recording instant (issue 13): a hostile one refuses the call, naming recorded_at.
    good = pb.ImportPortfolioRequest(records=[good_building], recorded_at=ts(T0))
    for case in mutations(good):
        if case.path.startswith("recorded_at"):
            answer_of(
                lambda timeout, r=case.request: stub.ImportPortfolio(iter([r]), metadata=admin, timeout=timeout), case
            )
    still_serving(channel, _normal(stub, admin))


# ------------------------------------------------------------------ the unary calls


def test_get_intervention(served):
    stub, channel, admin = served
    _unary(stub, channel, admin, "GetIntervention", pb.GetInterventionRequest(id="C1/T-1"))


def test_search_interventions(served):
    stub, channel, admin = served
    good = pb.SearchInterventionsRequest(
        ug_id="U1",
        address_text="rue",
        building_id="B1",
        contractor_id="C1",
        status=pb.STATUS_CLOSED,
        requested=Period(start=ts(T0 - timedelta(days=1)), end=ts(T0 + timedelta(days=1))),
        page=PageRequest(page_size=10),
    )
    _unary(stub, channel, admin, "SearchInterventions", good)


def test_get_deadline_status(served):
    stub, channel, admin = served
    good = pb.GetDeadlineStatusRequest(at=ts(T0 + timedelta(hours=1)), contractor_id="C1", alerts_only=True, limit=5)
    _unary(stub, channel, admin, "GetDeadlineStatus", good)


def test_get_data_quality(served):
    stub, channel, admin = served
    good = pb.GetDataQualityRequest(contractor_id="C1", target=0.9, as_of=ts(datetime.now(UTC) - timedelta(hours=1)))
    _unary(stub, channel, admin, "GetDataQuality", good)


def test_list_rejections(served):
    stub, channel, admin = served
    good = pb.ListRejectionsRequest(contractor_id="C1", rule="unknown_unit", page=PageRequest(page_size=5))
    _unary(stub, channel, admin, "ListRejections", good)


def test_get_top_units(served):
    stub, channel, admin = served
    good = pb.GetTopUnitsRequest(
        requested=Period(start=ts(T0 - timedelta(days=1)), end=ts(T0 + timedelta(days=1))), limit=3, contractor_id="C1"
    )
    _unary(stub, channel, admin, "GetTopUnits", good)


def test_export_interventions(served):
    stub, channel, admin = served
    settled = datetime.now(UTC) - timedelta(hours=1)
    good = pb.ExportInterventionsRequest(
        requested=Period(start=ts(T0 - timedelta(days=1)), end=ts(T0 + timedelta(days=1))),
        as_of=ts(settled),
        contractor_ids=["C1"],
        territory_ids=["T1"],
        building_ids=["B1"],
        batch_size=10,
    )
    call = stub.ExportInterventions
    for case in [Mutation("(good)", "good", good), *mutations(good)]:
        answer_of(lambda timeout, r=case.request: list(call(r, metadata=admin, timeout=timeout)), case)
    still_serving(channel, _normal(stub, admin))


def test_event_stored_beside_a_hostile_one_is_found_by_its_reference(served):
    """A sanity check of the harness itself: the good event of a [hostile, good] batch is found."""
    stub, _, admin = served
    ref = f"G-{next(_REF)}"
    batch = [event("C1", "X" * 99, 1, "REQUESTED", T0), _good_request(ref)]
    (ack,) = stub.IngestEvents(iter([pb.IngestEventsRequest(events=pb.EventList(events=batch))]), metadata=admin)
    assert [(r.index, r.field) for r in ack.rejected] == [(0, "external_ref")]
    assert _stored(stub, admin, ref)


def test_export_portfolio(served):
    """Every mutation of a good ExportPortfolio request (as_of, batch_size): OK or a refusal naming
    the field; an OK answer ends with its done message and a digest (issue 13)."""
    stub, channel, admin = served
    good = pb.ExportPortfolioRequest(as_of=ts(datetime.now(UTC) - timedelta(hours=1)), batch_size=3)
    call = stub.ExportPortfolio
    for case in [Mutation("(good)", "good", good), *mutations(good)]:
        code, messages = answer_of(lambda timeout, r=case.request: list(call(r, metadata=admin, timeout=timeout)), case)
        if code == grpc.StatusCode.OK:
            assert messages[-1].done and len(messages[-1].content_sha256) == 64, f"{case.path}={case.label}"
    still_serving(channel, _normal(stub, admin))
