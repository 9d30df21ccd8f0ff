"""The interventions service through a real gRPC channel, on SQLite and on PostgreSQL.

Uses the hand-made portfolio of portfolio_fixture.py; expected counts are worked out from it.
"""

import json
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.api.quitus.common.v1.common_pb2 import Period
from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.interventions.domain.events import SENT_SCHEMA
from services.interventions.server import build
from tests.conftest import bearer, running_server
from tests.interventions.portfolio_fixture import T0, event, portfolio_batches, request, ts

H = timedelta(hours=1)


@pytest.fixture
def service(database):
    """(stub, tokens, channel): a started server with authentication on and the portfolio imported."""
    with running_server(build, database) as (channel, tokens):
        stub = pb_grpc.InterventionsServiceStub(channel)
        stub.ImportPortfolio(iter(portfolio_batches()), metadata=bearer(tokens.issue("admin")))
        yield stub, tokens, channel


def lifecycle(ref: str, contractor: str = "C1", ug: str = "U1", contract: str = "K1"):
    """Requested T0, visit T0+2h..3h, resolved T0+3h at 90 EUR, quitus and closed T0+4h."""
    return [
        request(contractor, ref, T0, ug=ug, contract=contract),
        event(contractor, ref, 2, "VISIT_STARTED", T0 + 2 * H, visit_number=1),
        event(contractor, ref, 3, "VISIT_ENDED", T0 + 3 * H, visit_number=1),
        event(contractor, ref, 4, "RESOLVED", T0 + 3 * H, cost_eur=90),
        event(contractor, ref, 5, "QUITUS", T0 + 4 * H, quitus_document="PV-1", quitus_signed_by="tenant"),
        event(contractor, ref, 6, "CLOSED", T0 + 4 * H),
    ]


def send(stub, metadata, *batches):
    return list(
        stub.IngestEvents(
            iter(
                [pb.IngestEventsRequest(batch_id=str(i), events=pb.EventList(events=b)) for i, b in enumerate(batches)]
            ),
            metadata=metadata,
        )
    )


def test_health_is_serving_without_a_token(service):
    _, _, channel = service
    reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""))
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_ingest_keeps_good_records_and_names_the_bad_ones(service):
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    bad = event(
        "C1", "T-9", 1, "REQUESTED", T0, contract_id="K1", service_code="MS-CUR", ug_id="U404", criticality="normal"
    )
    (ack,) = send(stub, admin, [*lifecycle("T-1"), bad])
    assert (ack.received, ack.accepted, ack.duplicates) == (7, 6, 0)
    rejected = [(r.index, r.rule, r.field, r.record_key) for r in ack.rejected]
    assert rejected == [(6, "unknown_unit", "ug_id", "C1/T-9#1")]
    stored = stub.ListRejections(pb.ListRejectionsRequest(), metadata=admin).rejections
    assert [(r.record_key, r.rule) for r in stored] == [("C1/T-9#1", "unknown_unit")]
    kept = json.loads(stored[0].payload_json)  # the record as sent is kept, every field of it
    assert {k: kept[k] for k in ("contractor_id", "external_ref", "sequence", "kind", "ug_id", "event_time")} == {
        "contractor_id": "C1",
        "external_ref": "T-9",
        "sequence": 1,
        "kind": "REQUESTED",
        "ug_id": "U404",
        "event_time": "2026-03-02T08:00:00+00:00",
    }
    assert set(kept) == {*SENT_SCHEMA, "event_time"} - {"event_us", "recorded_us"}
    got = stub.GetIntervention(pb.GetInterventionRequest(id="C1/T-1"), metadata=admin).intervention
    assert (got.status, got.visits, got.cost_eur, [t.sequence for t in got.timeline]) == (
        pb.STATUS_CLOSED,
        1,
        90.0,
        [1, 2, 3, 4, 5, 6],
    )


def test_resends_are_idempotent_and_conflicts_rejected(service):
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    send(stub, admin, lifecycle("T-1"))
    (again,) = send(stub, admin, lifecycle("T-1"))
    assert (again.accepted, again.duplicates, len(again.rejected)) == (0, 6, 0)
    changed = event("C1", "T-1", 4, "RESOLVED", T0 + 3 * H, cost_eur=999)
    (conflict,) = send(stub, admin, [changed])
    assert [r.rule for r in conflict.rejected] == ["conflicting_resend"]
    got = stub.GetIntervention(pb.GetInterventionRequest(id="C1/T-1"), metadata=admin).intervention
    assert got.cost_eur == 90.0 and len(got.timeline) == 6


def test_export_as_of_ignores_events_recorded_after_the_cut_off(service):
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))  # admin may backfill recorded_at
    events = lifecycle("T-1")
    for e, recorded in zip(events, [1, 2, 3, 10, 10, 10], strict=True):  # resolution learnt only on day 10
        e.recorded_at.CopyFrom(ts(T0 + recorded * 24 * H))
    send(stub, admin, events)

    def export(as_of):
        request = pb.ExportInterventionsRequest(
            as_of=ts(as_of), requested=Period(start=ts(T0 - 24 * H), end=ts(T0 + 24 * H))
        )
        return list(stub.ExportInterventions(request, metadata=admin))

    before, after = export(T0 + 5 * 24 * H), export(T0 + 11 * 24 * H)
    (fact_before,), (fact_after,) = before[0].facts, after[0].facts
    assert (fact_before.status, fact_before.cost_eur, fact_before.resolved_at.seconds) == (pb.STATUS_IN_PROGRESS, 0, 0)
    assert (fact_after.status, fact_after.cost_eur, fact_after.first_time_fix) == (pb.STATUS_CLOSED, 90, True)
    assert before[-1].done and before[-1].total == 1
    assert before[-1].content_sha256 != after[-1].content_sha256
    assert export(T0 + 11 * 24 * H)[-1].content_sha256 == after[-1].content_sha256  # same cut-off, same bytes
    assert len(export(T0)[-1].content_sha256) == 64 and export(T0)[-1].total == 0


def test_search_filters_and_pages(service):
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    send(
        stub,
        admin,
        lifecycle("T-1")
        + [request("C1", "T-2", T0, ug="U2"), request("C1", "T-3", T0, ug="U4")]
        + lifecycle("T-4", contractor="C2", ug="U3", contract="K2"),
    )
    ids = lambda r: [i.id for i in r.interventions]  # noqa: E731
    assert ids(stub.SearchInterventions(pb.SearchInterventionsRequest(ug_id="U2"), metadata=admin)) == ["C1/T-2"]
    assert ids(stub.SearchInterventions(pb.SearchInterventionsRequest(address_text="MARSEILLE"), metadata=admin)) == [
        "C2/T-4"
    ]
    assert ids(stub.SearchInterventions(pb.SearchInterventionsRequest(status=pb.STATUS_OPEN), metadata=admin)) == [
        "C1/T-2",
        "C1/T-3",
    ]
    first = stub.SearchInterventions(pb.SearchInterventionsRequest(page={"page_size": 3}), metadata=admin)
    rest = stub.SearchInterventions(
        pb.SearchInterventionsRequest(page={"page_size": 3, "page_token": first.next_page_token}), metadata=admin
    )
    assert ids(first) + ids(rest) == ["C1/T-1", "C1/T-2", "C1/T-3", "C2/T-4"] and rest.next_page_token == ""


def test_authorisation(service):
    stub, tokens, _ = service
    c1, c2 = bearer(tokens.issue("contractor:C1")), bearer(tokens.issue("contractor:C2"))
    auditor = bearer(tokens.issue("auditor"))
    (ack,) = send(stub, c1, lifecycle("T-1"))
    assert ack.accepted == 6
    # B cannot write A's tickets: the records are refused and kept with the reason.
    (ack,) = send(stub, c2, [request("C1", "T-7", T0)])
    assert [r.rule for r in ack.rejected] == ["foreign_contractor"]
    # ... nor read them.
    with pytest.raises(grpc.RpcError) as err:
        stub.GetIntervention(pb.GetInterventionRequest(id="C1/T-1"), metadata=c2)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as err:
        stub.SearchInterventions(pb.SearchInterventionsRequest(contractor_id="C1"), metadata=c2)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert stub.SearchInterventions(pb.SearchInterventionsRequest(), metadata=c2).interventions == []
    # An auditor reads everything and writes nothing.
    assert stub.GetIntervention(pb.GetInterventionRequest(id="C1/T-1"), metadata=auditor).intervention.id == "C1/T-1"
    with pytest.raises(grpc.RpcError) as err:
        send(stub, auditor, lifecycle("T-2"))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as err:
        stub.ImportPortfolio(iter(portfolio_batches()), metadata=c1)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    # Data quality, rejections and deadlines: a contractor sees its own figures, asks for nobody else's.
    for call, request_type in (
        (stub.GetDataQuality, pb.GetDataQualityRequest),
        (stub.ListRejections, pb.ListRejectionsRequest),
        (stub.GetDeadlineStatus, pb.GetDeadlineStatusRequest),
    ):
        with pytest.raises(grpc.RpcError) as err:
            call(request_type(contractor_id="C1"), metadata=c2)
        assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert [q.contractor_id for q in stub.GetDataQuality(pb.GetDataQualityRequest(), metadata=c1).contractors] == ["C1"]
    # The export and the portfolio-wide rankings are for the landlord's staff only.
    with pytest.raises(grpc.RpcError) as err:
        list(stub.ExportInterventions(pb.ExportInterventionsRequest(as_of=ts(datetime.now(UTC))), metadata=c1))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as err:
        stub.GetTopUnits(pb.GetTopUnitsRequest(), metadata=c1)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    for metadata in ((), bearer("qt_not-a-token")):
        with pytest.raises(grpc.RpcError) as err:
            stub.SearchInterventions(pb.SearchInterventionsRequest(), metadata=metadata)
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_data_quality_per_contractor(service):
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    no_quitus = [e for e in lifecycle("T-2") if e.kind != pb.EVENT_KIND_QUITUS]  # 5 records, the CLOSED warns
    bad = request("C1", "T-3", T0, ug="U404")
    send(stub, admin, lifecycle("T-1") + no_quitus + [bad])
    (c1,) = stub.GetDataQuality(pb.GetDataQualityRequest(), metadata=admin).contractors
    # received 6 + 5 + 1 = 12; accepted 11; passing = (11 - 1 warned) / 12
    assert (c1.received, c1.accepted, c1.rejected, c1.warned) == (12, 11, 1, 1)
    assert c1.passing_share == pytest.approx(10 / 12) and not c1.meets_target
    assert dict(c1.by_rule) == {"unknown_unit": 1, "closed_without_quitus": 1}


def test_deadline_status_and_top_units(service):
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    events = lifecycle("T-1") + [request("C1", "T-2", T0, ug="U2"), request("C1", "T-3", T0, ug="U2")]
    for e in events:  # known as they happened, so that a past "at" sees them
        e.recorded_at.CopyFrom(e.event_time)
    send(stub, admin, events)
    status = stub.GetDeadlineStatus(pb.GetDeadlineStatusRequest(at=ts(T0 + 22 * H)), metadata=admin)
    # T-2 and T-3 open: intervene 22/24 h = 91.7 % (ALERT_90), repair 22/72 (ON_TRACK).
    assert (status.alert_90, status.on_track, status.breached) == (2, 2, 0)
    top = stub.GetTopUnits(pb.GetTopUnitsRequest(limit=2), metadata=admin).units
    assert [(u.ug_id, u.curative_interventions) for u in top] == [("U2", 2), ("U1", 1)]


def test_a_bad_request_field_is_invalid_argument(service):
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    with pytest.raises(grpc.RpcError) as err:
        list(stub.ExportInterventions(pb.ExportInterventionsRequest(), metadata=admin))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "as_of" in err.value.details()


def test_first_export_row_is_stable_across_back_ends_time(service):
    """Timestamps come back as UTC whatever the back end."""
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    events = lifecycle("T-1")
    for e in events:
        e.recorded_at.CopyFrom(e.event_time)
    send(stub, admin, events)
    as_of = ts(datetime.now(UTC) - 2 * timedelta(minutes=1))
    (batch, _) = list(stub.ExportInterventions(pb.ExportInterventionsRequest(as_of=as_of), metadata=admin))
    assert batch.facts[0].requested_at.ToDatetime(tzinfo=UTC) == T0


def test_a_record_written_under_another_contractors_name_counts_against_its_sender(service):
    stub, tokens, _ = service
    c1, c2 = bearer(tokens.issue("contractor:C1")), bearer(tokens.issue("contractor:C2"))
    admin = bearer(tokens.issue("admin"))
    send(stub, c1, lifecycle("T-1"))
    send(stub, c2, [request("C1", "T-7", T0)])
    quality = {
        q.contractor_id: (q.received, q.rejected)
        for q in stub.GetDataQuality(pb.GetDataQualityRequest(), metadata=admin).contractors
    }
    assert quality == {"C1": (6, 0), "C2": (1, 1)}
    assert stub.ListRejections(pb.ListRejectionsRequest(), metadata=c1).rejections == []
    (mine,) = stub.ListRejections(pb.ListRejectionsRequest(), metadata=c2).rejections
    assert (mine.contractor_id, mine.rule) == ("C2", "foreign_contractor")
    # The same bad record sent by both is kept for each: C1's for its unknown unit, C2's as foreign.
    bad = request("C1", "T-8", T0, ug="U404")
    send(stub, c1, [bad])
    send(stub, c2, [bad])
    rules = lambda who: [r.rule for r in stub.ListRejections(pb.ListRejectionsRequest(), metadata=who).rejections]  # noqa: E731
    assert (rules(c1), rules(c2)) == (["unknown_unit"], ["foreign_contractor", "foreign_contractor"])


def test_an_export_does_not_change_when_the_contract_is_re_imported(service):
    """Deadlines are those of the contract when the intervention was requested."""
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    requested = request("C1", "T-1", T0)
    requested.recorded_at.CopyFrom(requested.event_time)  # known as it happened (admin backfill)
    send(stub, admin, [requested])
    request_ = pb.ExportInterventionsRequest(as_of=ts(T0 + 30 * H), requested=Period(start=ts(T0 - H), end=ts(T0 + H)))
    before = list(stub.ExportInterventions(request_, metadata=admin))
    # open 30 h after the request: the 24 h time to intervene is missed
    assert before[0].facts[0].intervene_deadline == pb.DEADLINE_OUTCOME_MISSED
    (contract,) = [
        r for r in portfolio_batches()[0].records if r.WhichOneof("record") == "contract" and r.contract.id == "K1"
    ]
    contract.contract.service_codes[0].deadlines[0].intervene_hours = 48  # renegotiated later
    stub.ImportPortfolio(iter([pb.ImportPortfolioRequest(records=[contract])]), metadata=admin)
    after = list(stub.ExportInterventions(request_, metadata=admin))
    assert after[-1].content_sha256 == before[-1].content_sha256
    assert after[0].facts[0].intervene_deadline == pb.DEADLINE_OUTCOME_MISSED


def test_an_import_refuses_records_whose_references_do_not_exist(service):
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    R = pb.PortfolioRecord
    summary = stub.ImportPortfolio(
        iter(
            [
                pb.ImportPortfolioRequest(
                    records=[
                        R(
                            building=pb.Building(
                                id="B9", residence_id="R404", address="9 rue", postcode="59000", city="Lille"
                            )
                        ),
                        R(unit=pb.Unit(ug_id="U9", building_id="B9", kind="dwelling")),  # its building is refused
                        R(unit=pb.Unit(ug_id="U8", building_id="B1", kind="dwelling")),  # fine: B1 is stored
                    ]
                )
            ]
        ),
        metadata=admin,
    ).summary
    assert [(r.index, r.rule, r.field) for r in summary.rejected] == [
        (0, "unknown_reference", "building.residence_id"),
        (1, "unknown_reference", "unit.building_id"),
    ]
    assert "R404" in summary.rejected[0].reason
    assert dict(summary.upserted) == {"building": 0, "unit": 1}


@pytest.mark.parametrize(
    ("from_now", "batch_size", "field"),
    [
        (24 * H, 0, "as_of"),  # in the future
        (-timedelta(seconds=10), 0, "as_of"),  # not yet settled (a cut-off must be a minute old)
        (-24 * H, -1, "batch_size"),
    ],
)
def test_an_export_refuses_a_future_cut_off_or_a_negative_batch(service, from_now, batch_size, field):
    stub, tokens, _ = service
    request_ = pb.ExportInterventionsRequest(as_of=ts(datetime.now(UTC) + from_now), batch_size=batch_size)
    with pytest.raises(grpc.RpcError) as err:
        list(stub.ExportInterventions(request_, metadata=bearer(tokens.issue("admin"))))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and field in err.value.details()


def columnar(events) -> pb.EventColumns:
    from services.interventions import convert

    return convert.to_event_columns(convert.batch_columns(events))


def ingest_case() -> list:
    """The life cycle of C1/T-1, then a request for a unit that does not exist (index 6)."""
    bad = event(
        "C1", "T-9", 1, "REQUESTED", T0, contract_id="K1", service_code="MS-CUR", ug_id="U404", criticality="normal"
    )
    return [*lifecycle("T-1"), bad]


def assert_stored_as_the_ingest_case(stub, metadata, batch: pb.IngestEventsRequest) -> None:
    """``batch`` holds ingest_case() in some form: its ack and the stored ticket."""
    (ack,) = stub.IngestEvents(iter([batch]), metadata=metadata)
    assert (ack.batch_id, ack.received, ack.accepted, ack.duplicates) == (batch.batch_id, 7, 6, 0)
    assert [(r.index, r.rule, r.field) for r in ack.rejected] == [(6, "unknown_unit", "ug_id")]
    got = stub.GetIntervention(pb.GetInterventionRequest(id="C1/T-1"), metadata=metadata).intervention
    assert (got.status, got.visits, got.cost_eur, [t.sequence for t in got.timeline]) == (
        pb.STATUS_CLOSED,
        1,
        90.0,
        [1, 2, 3, 4, 5, 6],
    )
    assert got.timeline[4].quitus_document == "PV-1"


def test_a_batch_sent_as_columns_is_checked_like_rows_and_is_the_same_events(service):
    """The ingest test's batch, as columns: same ack (the bad unit at index 6), same ticket; the
    same events re-sent one message each are identical re-sends."""
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    assert_stored_as_the_ingest_case(stub, admin, pb.IngestEventsRequest(batch_id="c", columns=columnar(ingest_case())))
    (again,) = send(stub, admin, lifecycle("T-1"))
    assert (again.accepted, again.duplicates, len(again.rejected)) == (0, 6, 0)


def arrow_stream(events, compression: str = "uncompressed", **changes) -> bytes:
    """The events as an Arrow IPC stream with EventColumns' names, kinds as names, event_time
    as a UTC timestamp, recorded_at left out; ``changes`` replaces or adds columns."""
    import io

    import polars as pl

    from services.interventions import convert

    columns = convert.batch_columns(events)
    frame = (
        pl.DataFrame(
            {
                **{name: values for name, values in columns.items() if name not in ("event_us", "recorded_us")},
                "event_time": pl.Series(columns["event_us"], dtype=pl.Int64).cast(pl.Datetime("us", "UTC")),
            }
        )
        .rename({"event_time": "event_time_us"})
        .with_columns(**changes)
    )
    buffer = io.BytesIO()
    frame.write_ipc_stream(buffer, compression=compression)
    return buffer.getvalue()


def test_a_batch_sent_as_arrow_is_checked_like_rows_and_is_the_same_events(service):
    """The ingest test's batch as an Arrow IPC stream: same ack, same ticket; the same events
    re-sent as columns are identical re-sends (recorded_at left out is "not given" either way)."""
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    assert_stored_as_the_ingest_case(
        stub, admin, pb.IngestEventsRequest(batch_id="a", arrow_ipc=arrow_stream(ingest_case()))
    )
    (again,) = stub.IngestEvents(
        iter([pb.IngestEventsRequest(batch_id="c", columns=columnar(lifecycle("T-1")))]), metadata=admin
    )
    assert (again.accepted, again.duplicates, len(again.rejected)) == (0, 6, 0)


def test_an_arrow_batch_compressed_with_dictionary_texts_is_the_same_events(service):
    """A loader may send its Arrow buffers compressed (LZ4 or ZSTD, as the IPC format allows) and
    repeated texts dictionary-encoded (polars' Categorical): the events are the same, and the
    same events re-sent plainly as columns are identical re-sends."""
    import polars as pl

    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    texts = {name: pl.col(name).cast(pl.Categorical) for name in ("contractor_id", "kind", "contract_id")}
    for compression, ref in (("lz4", "T-1"), ("zstd", "T-2")):
        batch = pb.IngestEventsRequest(batch_id=ref, arrow_ipc=arrow_stream(lifecycle(ref), compression, **texts))
        (ack,) = stub.IngestEvents(iter([batch]), metadata=admin)
        assert (ack.accepted, ack.duplicates, len(ack.rejected)) == (6, 0, 0)
        got = stub.GetIntervention(pb.GetInterventionRequest(id=f"C1/{ref}"), metadata=admin).intervention
        assert (got.status, got.contract_id, got.cost_eur) == (pb.STATUS_CLOSED, "K1", 90.0)
        (again,) = stub.IngestEvents(
            iter([pb.IngestEventsRequest(batch_id="c", columns=columnar(lifecycle(ref)))]), metadata=admin
        )
        assert (again.accepted, again.duplicates, len(again.rejected)) == (0, 6, 0)


def _malformed(shape: str) -> pb.IngestEventsRequest:
    import polars as pl

    columns = columnar(lifecycle("T-1"))
    if shape == "short column":
        del columns.sequence[-1]
        return pb.IngestEventsRequest(batch_id="x", columns=columns)
    if shape == "not arrow":
        return pb.IngestEventsRequest(batch_id="x", arrow_ipc=b"not an Arrow stream")
    arrow = {
        "unknown arrow column": {"colour": pl.lit("red")},
        "arrow text for a number": {"sequence": pl.col("sequence").cast(pl.String)},
        "arrow sequence beyond int32": {"sequence": pl.col("sequence") + 2**31},
        "arrow naive timestamp": {"event_time_us": pl.col("event_time_us").dt.replace_time_zone(None)},
    }[shape]
    return pb.IngestEventsRequest(batch_id="x", arrow_ipc=arrow_stream(lifecycle("T-1"), **arrow))


@pytest.mark.parametrize(
    "shape, field",
    [
        ("short column", "columns.sequence"),
        ("not arrow", "arrow_ipc"),
        ("unknown arrow column", "arrow_ipc.colour"),
        ("arrow text for a number", "arrow_ipc.sequence"),
        ("arrow sequence beyond int32", "arrow_ipc.sequence"),
        ("arrow naive timestamp", "arrow_ipc.event_time_us"),
    ],
)
def test_a_malformed_bulk_batch_is_refused_whole_and_the_stream_goes_on(service, shape, field):
    """Issue 12, "a malformed batch does not end its stream": the batch that cannot be read is
    answered by an ack saying so (refused_whole, the field, why), nothing of it stored, and the
    good batch sent after it in the same stream is processed (it used to end the stream with
    INVALID_ARGUMENT, the next batches never read)."""
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    good = pb.IngestEventsRequest(batch_id="good", events=pb.EventList(events=lifecycle("T-2")))
    refused, after = stub.IngestEvents(iter([_malformed(shape), good]), metadata=admin)
    assert (refused.batch_id, refused.refused_whole, refused.received, refused.accepted) == ("x", True, 0, 0)
    assert (refused.refusal.rule, refused.refusal.field) == ("batch_refused", field)
    assert (after.batch_id, after.refused_whole, after.accepted) == ("good", False, 6)
    stored = stub.SearchInterventions(pb.SearchInterventionsRequest(), metadata=admin).interventions
    assert [i.id for i in stored] == ["C1/T-2"]


def test_a_reference_holding_a_control_character_is_refused_at_the_edge(service):
    """Issue 12: no text field holds a control character (U+001F here); the events of that
    reference are refused (invalid_field, external_ref), the good ticket beside them is stored."""
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    (ack,) = send(stub, admin, [*lifecycle("T\x1f1")[:2], *lifecycle("T-1")])
    assert (ack.received, ack.accepted) == (8, 6)
    assert {(r.index, r.rule, r.field) for r in ack.rejected} == {
        (0, "invalid_field", "external_ref"),
        (1, "invalid_field", "external_ref"),
    }


def test_a_batch_holds_one_form_and_the_last_one_on_the_wire_wins(service):
    """The three forms are a oneof: a client that writes an empty ``columns`` beside its events
    (as one that sets every field would) sends a batch of events, not a refused batch; of two
    forms on the wire, the last one is the batch."""
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    stray = pb.IngestEventsRequest(batch_id="x", columns=pb.EventColumns()).SerializeToString()
    events = pb.IngestEventsRequest(events=pb.EventList(events=lifecycle("T-1"))).SerializeToString()
    batch = pb.IngestEventsRequest.FromString(stray + events)
    assert (batch.batch_id, batch.WhichOneof("form")) == ("x", "events")
    (ack,) = stub.IngestEvents(iter([batch]), metadata=admin)
    assert (ack.batch_id, ack.received, ack.accepted, list(ack.rejected)) == ("x", 6, 6, [])
    # columns, then an Arrow stream: the Arrow stream is the batch (T-2), the columns (T-3) are gone
    batch = pb.IngestEventsRequest(batch_id="y", columns=columnar(lifecycle("T-3")))
    batch.arrow_ipc = arrow_stream(lifecycle("T-2"))
    assert batch.WhichOneof("form") == "arrow_ipc" and not batch.HasField("columns")
    (ack,) = stub.IngestEvents(iter([batch]), metadata=admin)
    assert (ack.received, ack.accepted) == (6, 6)
    found = stub.SearchInterventions(pb.SearchInterventionsRequest(), metadata=admin).interventions
    assert [i.id for i in found] == ["C1/T-1", "C1/T-2"]
    # no form at all: a batch of no event
    (ack,) = stub.IngestEvents(iter([pb.IngestEventsRequest(batch_id="z")]), metadata=admin)
    assert (ack.batch_id, ack.received, ack.accepted) == ("z", 0, 0)


def test_content_sha256_is_recomputed_from_the_received_facts_by_the_documented_rule(service):
    """The proto's rule alone: SHA-256 over each fact's deterministic serialisation, preceded by
    its length as 4 bytes big-endian, in the order received, in lowercase hex."""
    import hashlib

    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    events = lifecycle("T-1") + lifecycle("T-2", ug="U2") + [request("C1", "T-3", T0, ug="U4")]
    for e in events:
        e.recorded_at.CopyFrom(e.event_time)
    send(stub, admin, events)
    as_of = ts(datetime.now(UTC) - 2 * timedelta(minutes=1))
    messages = list(stub.ExportInterventions(pb.ExportInterventionsRequest(as_of=as_of, batch_size=2), metadata=admin))
    assert [len(m.facts) for m in messages] == [2, 1, 0] and messages[-1].total == 3
    digest = hashlib.sha256()
    for message in messages:
        for fact in message.facts:
            data = fact.SerializeToString(deterministic=True)
            digest.update(len(data).to_bytes(4, "big") + data)
    assert messages[-1].content_sha256 == digest.hexdigest()
    empty = list(stub.ExportInterventions(pb.ExportInterventionsRequest(as_of=ts(T0 - H)), metadata=admin))
    assert empty[-1].content_sha256 == hashlib.sha256().hexdigest()


@pytest.mark.parametrize("rpc", ["SearchInterventions", "ListRejections"])
@pytest.mark.parametrize(
    ("page", "field"),
    [({"page_size": -5}, "page.page_size"), ({"page_token": "garbage"}, "page.page_token")],
)
def test_a_bad_page_is_invalid_argument_naming_its_field(service, rpc, page, field):
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    request_type = {"SearchInterventions": pb.SearchInterventionsRequest, "ListRejections": pb.ListRejectionsRequest}
    with pytest.raises(grpc.RpcError) as err:
        getattr(stub, rpc)(request_type[rpc](page=page), metadata=admin)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and field in err.value.details()
    assert field_violations(err.value) == [field]


def field_violations(error: grpc.RpcError) -> list[str]:
    """The fields named by the google.rpc.BadRequest in the error's rich details."""
    from google.rpc import error_details_pb2
    from grpc_status import rpc_status

    status = rpc_status.from_call(error)
    assert status is not None
    fields = []
    for detail in status.details:
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            fields += [v.field for v in bad.field_violations]
    return fields


def test_rejections_page_through_their_tokens(service):
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    send(stub, admin, [request("C1", f"T-{n}", T0, ug="U404") for n in range(5)])
    keys, token = [], ""
    while True:
        page = stub.ListRejections(pb.ListRejectionsRequest(page={"page_size": 2, "page_token": token}), metadata=admin)
        keys += [r.record_key for r in page.rejections]
        token = page.next_page_token
        if not token:
            break
    assert keys == [f"C1/T-{n}#1" for n in range(5)]
