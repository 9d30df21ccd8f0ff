"""What the reporting service pulls from the interventions service (issue 13, items 2 and 8):
the portfolio as of a cut-off (ExportPortfolio), data quality as of a cut-off, and the counts of
what an interventions export leaves out (ExportCaveats). Through a real server, on SQLite and
PostgreSQL, on the hand-checkable portfolio of tests/interventions/portfolio_fixture.py."""

import hashlib
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from services.api.quitus.common.v1.common_pb2 import Period
from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.interventions.server import build
from tests.conftest import bearer, running_server
from tests.interventions.portfolio_fixture import T0, event, portfolio_batches, request, ts
from tests.interventions.test_grpc import lifecycle, send

H = timedelta(hours=1)
D = 24 * H
# The fixture portfolio is backfilled as recorded on R0; exports are asked as of R0 + 1 day.
R0 = datetime(2026, 1, 1, tzinfo=UTC)
AS_OF = R0 + D


@pytest.fixture
def served(database):
    """(stub, tokens): a started server with the fixture portfolio imported as recorded at R0."""
    with running_server(build, database) as (channel, tokens):
        stub = pb_grpc.InterventionsServiceStub(channel)
        batches = portfolio_batches()
        for batch in batches:
            batch.recorded_at.CopyFrom(ts(R0))
        stub.ImportPortfolio(iter(batches), metadata=bearer(tokens.issue("admin")))
        yield stub, tokens


def _export(stub, metadata, as_of=AS_OF, batch_size=0) -> list[pb.ExportPortfolioResponse]:
    return list(
        stub.ExportPortfolio(pb.ExportPortfolioRequest(as_of=ts(as_of), batch_size=batch_size), metadata=metadata)
    )


def _records(messages) -> list[pb.PortfolioRecord]:
    return [r for m in messages for r in m.records]


def _ids(messages, kind: str) -> list[str]:
    key = "ug_id" if kind == "unit" else "id"
    return [getattr(getattr(r, kind), key) for r in _records(messages) if r.WhichOneof("record") == kind]


# ------------------------------------------------------------------ ExportPortfolio


def test_the_portfolio_as_of_a_cut_off_by_hand(served):
    """The fixture, exported as of R0 + 1 day, counted by hand from portfolio_fixture's docstring:
    1 organisation, 2 territories (T1, T2), 2 residences, 3 buildings (B1, B2, B3), 4 units
    (U1..U4), 1 equipment (L1), 3 contractors, 1 base (C1-LIL), 2 contracts: 19 records, parents
    first, each kind in id order. B1 and B3 lie in R1 hence T1, B2 in R2 hence T2. K1's three
    service codes come sorted (HEAT-CUR, LIFT-PRV, MS-CUR), MS-CUR's deadlines by criticality
    (normal 24/72 h, then urgent 4/24 h), its plan LIFT-PRV on lifts every 42 days, its trades
    sorted (lift, multiservice), its perimeter T1."""
    stub, tokens = served
    messages = _export(stub, bearer(tokens.issue("auditor")))
    last = messages[-1]
    assert last.done and not last.records and last.total == 19
    assert dict(last.counts) == {
        "organisation": 1,
        "territory": 2,
        "residence": 2,
        "building": 3,
        "unit": 4,
        "equipment": 1,
        "contractor": 3,
        "contractor_base": 1,
        "contract": 2,
    }
    kinds = [r.WhichOneof("record") for r in _records(messages)]
    assert kinds == ["organisation"] + ["territory"] * 2 + ["residence"] * 2 + ["building"] * 3 + ["unit"] * 4 + [
        "equipment",
        "contractor",
        "contractor",
        "contractor",
        "contractor_base",
        "contract",
        "contract",
    ]
    assert _ids(messages, "building") == ["B1", "B2", "B3"]
    assert _ids(messages, "unit") == ["U1", "U2", "U3", "U4"]
    buildings = {r.building.id: r.building for r in _records(messages) if r.HasField("building")}
    assert {b: buildings[b].territory_id for b in buildings} == {"B1": "T1", "B2": "T2", "B3": "T1"}
    b1 = buildings["B1"]
    assert (b1.residence_id, b1.address, b1.postcode, b1.city) == ("R1", "1 rue des Tilleuls", "59000", "Lille")
    assert (b1.latitude, b1.longitude, b1.heated_area_m2, b1.dwellings) == (50.63, 3.06, 1200, 2)
    assert (b1.heating_system, b1.weather_station) == ("collective_gas", "LILLE")
    (base,) = [r.contractor_base for r in _records(messages) if r.HasField("contractor_base")]
    assert (base.id, base.contractor_id, base.latitude, base.longitude) == ("C1-LIL", "C1", 50.6, 3.1)
    contractors = {
        r.contractor.id: r.contractor.vehicle_profile for r in _records(messages) if r.HasField("contractor")
    }
    assert contractors == {"C1": "diesel_van", "C2": "electric_van", "C3": "diesel_van"}
    k1, k2 = [r.contract for r in _records(messages) if r.HasField("contract")]
    assert (k1.id, k1.contractor_id, list(k1.territory_ids), list(k1.trades)) == (
        "K1",
        "C1",
        ["T1"],
        ["lift", "multiservice"],
    )
    assert [c.code for c in k1.service_codes] == ["HEAT-CUR", "LIFT-PRV", "MS-CUR"]
    ms = k1.service_codes[2]
    assert (ms.nature, ms.unit_price_eur) == (pb.NATURE_CURATIVE, 90)
    assert [(d.criticality, d.intervene_hours, d.repair_hours) for d in ms.deadlines] == [
        ("normal", 24, 72),
        ("urgent", 4, 24),
    ]
    assert [(p.service_code, p.equipment_kind, p.interval_days) for p in k1.preventive_plans] == [
        ("LIFT-PRV", "lift", 42)
    ]
    assert k1.recoverable_share == 0.5 and k1.starts_at.ToDatetime(UTC) == datetime(2025, 1, 1, tzinfo=UTC)
    assert (list(k2.building_ids), k2.recoverable_share) == (["B2"], 0.0)


def test_content_sha256_recomputed_with_hashlib_alone(served):
    """A client recomputes content_sha256 from the records received, with hashlib alone: each
    PortfolioRecord's serialisation preceded by its length as 4 bytes big-endian, in order. The
    same as_of gives the same digest; small messages (batch_size 4) do not change it."""
    stub, tokens = served
    service = bearer(tokens.issue("service"))
    messages = _export(stub, service, batch_size=4)
    digest = hashlib.sha256()
    for record in _records(messages):
        data = record.SerializeToString(deterministic=True)
        digest.update(len(data).to_bytes(4, "big") + data)
    assert messages[-1].content_sha256 == digest.hexdigest()
    assert all(len(m.records) <= 4 for m in messages) and len(messages) == 5 + 1  # 19 records: 4+4+4+4+3, then the last
    assert _export(stub, service)[-1].content_sha256 == digest.hexdigest()


def test_a_building_added_after_as_of_is_not_exported(served):
    """B9 (in R1) and its unit U9 are imported as recorded on R0 + 10 days; U8, backfilled as
    recorded on R0 + 12 h but in B9, follows its building. As of R0 + 1 day none of them is
    exported (19 records, as by hand above); as of R0 + 11 days B9 and U9 are, U8 too (22).
    B1 re-imported on R0 + 20 days with 1,500 m2 keeps its first recorded instant: it is still
    exported as of R0 + 1 day, with 1,500 m2 (the store keeps no history of updates, as the
    proto says)."""
    stub, tokens = served
    admin = bearer(tokens.issue("admin"))
    R = pb.PortfolioRecord
    b9 = pb.Building(id="B9", residence_id="R1", address="9 rue des Tilleuls", postcode="59000", city="Lille")
    later = pb.ImportPortfolioRequest(
        records=[R(building=b9), R(unit=pb.Unit(ug_id="U9", building_id="B9", kind="dwelling", area_m2=40))],
        recorded_at=ts(R0 + 10 * D),
    )
    stub.ImportPortfolio(iter([later]), metadata=admin)
    early_unit = pb.ImportPortfolioRequest(
        records=[R(unit=pb.Unit(ug_id="U8", building_id="B9", kind="dwelling", area_m2=30))],
        recorded_at=ts(R0 + 12 * H),
    )
    stub.ImportPortfolio(iter([early_unit]), metadata=admin)
    before, after = _export(stub, admin), _export(stub, admin, as_of=R0 + 11 * D)
    assert "B9" not in _ids(before, "building") and not {"U8", "U9"} & set(_ids(before, "unit"))
    assert before[-1].total == 19
    assert "B9" in _ids(after, "building") and {"U8", "U9"} <= set(_ids(after, "unit")) and after[-1].total == 22
    assert _export(stub, admin, as_of=R0 - D)[-1].total == 0  # nothing was known before R0
    bigger = pb.Building()
    bigger.CopyFrom(portfolio_batches()[0].records[5].building)
    assert bigger.id == "B1"
    bigger.heated_area_m2 = 1500
    update = pb.ImportPortfolioRequest(records=[R(building=bigger)], recorded_at=ts(R0 + 20 * D))
    stub.ImportPortfolio(iter([update]), metadata=admin)
    (b1,) = [r.building for r in _records(_export(stub, admin)) if r.building.id == "B1"]
    assert b1.heated_area_m2 == 1500


def test_export_portfolio_is_for_staff_only(served):
    """A contractor may not read the portfolio export; auditors, CSR officers, services may."""
    stub, tokens = served
    with pytest.raises(grpc.RpcError) as err:
        _export(stub, bearer(tokens.issue("contractor:C1")))
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    for role in ("auditor", "csr_officer", "service", "admin"):
        assert _export(stub, bearer(tokens.issue(role)))[-1].total == 19, role


@pytest.mark.parametrize(
    ("as_of", "batch_size", "field"),
    [(None, 0, "as_of"), (timedelta(seconds=-10), 0, "as_of"), (timedelta(hours=-1), -1, "batch_size")],
)
def test_export_portfolio_refuses_a_missing_or_unsettled_cut_off(served, as_of, batch_size, field):
    stub, tokens = served
    message = pb.ExportPortfolioRequest(batch_size=batch_size)
    if as_of is not None:
        message.as_of.CopyFrom(ts(datetime.now(UTC) + as_of))
    with pytest.raises(grpc.RpcError) as err:
        list(stub.ExportPortfolio(message, metadata=bearer(tokens.issue("admin"))))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in err.value.details()


def test_an_import_recorded_in_the_future_is_refused(served):
    stub, tokens = served
    batch = pb.ImportPortfolioRequest(
        records=[pb.PortfolioRecord(contractor=pb.Contractor(id="C9", name="Futur"))],
        recorded_at=ts(datetime.now(UTC) + 24 * H),
    )
    with pytest.raises(grpc.RpcError) as err:
        stub.ImportPortfolio(iter([batch]), metadata=bearer(tokens.issue("admin")))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "recorded_at" in err.value.details()


# ------------------------------------------------------------------ data quality as of a cut-off


def _backfilled(events, recorded: datetime):
    for e in events:
        e.recorded_at.CopyFrom(ts(recorded))
    return events


def test_data_quality_as_of_is_unchanged_by_records_received_later(served):
    """Regression (issue 13, item 8): data quality was live only, and a backfill's rejections were
    dated by the wall clock while its accepted events carried the recorded_at the loader set.

    By hand: by T0 + 1 day C1 sent T-1's life cycle (6 accepted) and one request for unknown
    unit U404 (1 rejected), all recorded T0 + 5 h: received 7, accepted 6, passing 6/7. On
    T0 + 10 days come T-2 closed without quitus (5 accepted, 1 warned) and a second U404 request
    (rejected). As of T0 + 1 day the answer stays 7 / 6 / 1 / 0, 6/7; live it is 13 received,
    11 accepted, 2 rejected, 1 warned, (11 - 1) / 13."""
    stub, tokens = served
    admin = bearer(tokens.issue("admin"))
    early = _backfilled(lifecycle("T-1") + [request("C1", "T-3", T0, ug="U404")], T0 + 5 * H)
    send(stub, admin, early)
    rejections = stub.ListRejections(pb.ListRejectionsRequest(contractor_id="C1"), metadata=admin).rejections
    (rejection,) = rejections
    assert rejection.received_at.ToDatetime(UTC) == T0 + 5 * H  # dated as the backfill set it, not by the wall clock

    def quality(as_of=None):
        message = pb.GetDataQualityRequest(contractor_id="C1")
        if as_of is not None:
            message.as_of.CopyFrom(ts(as_of))
        (c1,) = stub.GetDataQuality(message, metadata=admin).contractors
        return (c1.received, c1.accepted, c1.rejected, c1.warned, round(c1.passing_share, 6))

    first = quality(T0 + D)
    assert first == (7, 6, 1, 0, round(6 / 7, 6))
    no_quitus = [e for e in lifecycle("T-2") if e.kind != pb.EVENT_KIND_QUITUS]
    send(stub, admin, _backfilled(no_quitus + [request("C1", "T-4", T0, ug="U404")], T0 + 10 * D))
    assert quality(T0 + D) == first
    assert quality() == (13, 11, 2, 1, round(10 / 13, 6))


def test_a_contractors_rejection_is_dated_at_its_reception():
    """A contractor's recorded_at is not honoured: its rejections are dated by the server's clock
    (checked on the store's expression, with no server)."""
    import polars as pl

    from services.interventions.store import _received_at

    now = datetime(2026, 6, 1, tzinfo=UTC)
    sent = pl.DataFrame({"recorded_us": [int(T0.timestamp() * 1e6), None, 2**62]}, schema={"recorded_us": pl.Int64})
    contractor = sent.with_columns(_received_at(now, backfill=False).alias("at"))["at"].to_list()
    backfill = sent.with_columns(_received_at(now, backfill=True).alias("at"))["at"].to_list()
    assert contractor == [now] * 3
    assert backfill == [T0, now, now]  # none given, or beyond the reception: the reception


@pytest.mark.parametrize(("as_of", "field"), [(timedelta(seconds=-5), "as_of"), (timedelta(days=400 * 365), "as_of")])
def test_data_quality_refuses_an_unsettled_cut_off(served, as_of, field):
    stub, tokens = served
    message = pb.GetDataQualityRequest(as_of=ts(datetime.now(UTC) + as_of))
    with pytest.raises(grpc.RpcError) as err:
        stub.GetDataQuality(message, metadata=bearer(tokens.issue("admin")))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and field in err.value.details()


# ------------------------------------------------------------------ what an export leaves out


def test_export_interventions_counts_what_a_report_leaves_out(served):
    """By hand, as of T0 + 10 days, over four interventions requested on T0 (all in K1, MS-CUR,
    normal: intervene 24 h, repair 72 h):
      T-1 full life cycle with quitus                     -> none of the three
      T-2 closed without quitus (accepted with a warning) -> closed_without_quitus
      T-3 cancelled on T0 + 1 h                           -> cancelled
      T-4 requested on T0 + 9.5 days, nothing since        -> pending_deadlines (24 h not run out)
    cancelled 1, pending_deadlines 1, closed_without_quitus 1; 4 facts exported."""
    stub, tokens = served
    admin = bearer(tokens.issue("admin"))
    no_quitus = [e for e in lifecycle("T-2") if e.kind != pb.EVENT_KIND_QUITUS]
    cancelled = [request("C1", "T-3", T0), event("C1", "T-3", 2, "CANCELLED", T0 + H)]
    pending = [request("C1", "T-4", T0 + 9 * D + 12 * H)]
    sent = _backfilled(lifecycle("T-1") + no_quitus + cancelled, T0 + 5 * H) + _backfilled(pending, T0 + 9 * D + 13 * H)
    (ack,) = send(stub, admin, sent)
    assert not ack.rejected
    request_ = pb.ExportInterventionsRequest(
        as_of=ts(T0 + 10 * D), requested=Period(start=ts(T0 - D), end=ts(T0 + 10 * D))
    )
    last = list(stub.ExportInterventions(request_, metadata=admin))[-1]
    assert last.done and last.total == 4
    assert (last.caveats.cancelled, last.caveats.pending_deadlines, last.caveats.closed_without_quitus) == (1, 1, 1)
