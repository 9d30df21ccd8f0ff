"""The consumption service through a real gRPC channel, on SQLite and on PostgreSQL.

Scenario (worked by hand): gas meter G1 (m3, 5-digit register, 11.1 kWh PCS/m3, priced 0.10 EUR
per kWh PCS + 10 EUR/month) read daily at local midnight 1-4 March 2024: 99 990, 99 995,
3 (rollover: 8), 13 => 23 m3 in March = 255.3 kWh PCS = 230 kWh PCI, cost 25.53 + 10 x coverage.
"""

import hashlib
import math
import struct
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from services.api.quitus.common.v1.common_pb2 import PageRequest, Period
from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from tests.consumption.scenario import DAY, MARCH, march, readings, send, ts

GAS = [("G1", MARCH + i * DAY, v) for i, v in enumerate([99990.0, 99995.0, 3.0, 13.0])]


def test_ingest_keeps_good_records_names_bad_ones_and_stores_them(service):
    stub, _, admin = service
    bad = [
        ("G1", MARCH + 5 * DAY, -1.0),
        ("XX", MARCH, 1.0),
        ("W1", MARCH, 5.0, "kWh"),
        ("W1", MARCH + DAY, math.nan),
        ("W1", MARCH + 3 * DAY, 8.0),
        ("W1", MARCH + 2 * DAY, 7.0),  # earlier than the record before it: order does not matter
        ("W1", datetime(1, 1, 1, tzinfo=UTC), 1.0),  # outside 1900-2200
    ]
    (ack,) = send(stub, admin, readings(GAS + bad))
    assert (ack.received, ack.accepted, ack.duplicates) == (11, 6, 0)
    assert (ack.rejected_total, ack.warnings_total) == (5, 0)
    assert [(r.index, r.field) for r in ack.rejected] == [
        (4, "value"),
        (5, "meter_ref"),
        (6, "unit"),
        (7, "value"),
        (10, "read_at"),
    ]
    # each refusal says what is wrong with which record, in words a data steward can act on
    assert [r.reason for r in ack.rejected] == [
        "negative index -1.0",
        "unknown meter 'XX'",
        "unit 'kWh' does not match meter 'W1' (in 'm3')",
        "value must be a finite number",
        "read_at is outside 1900-2200",
    ]
    assert [r.record_key for r in ack.rejected[:2]] == ["G1@2024-03-05T23:00:00Z", "XX@2024-02-29T23:00:00Z"]
    stored = stub.ListRejections(pb.ListRejectionsRequest(), metadata=admin).rejections
    assert [(r.batch_id, r.index, r.field) for r in stored] == [
        ("b1", 4, "value"),
        ("b1", 5, "meter_ref"),
        ("b1", 6, "unit"),
        ("b1", 7, "value"),
        ("b1", 10, "read_at"),
    ]
    assert '"meter_ref": "XX"' in stored[1].payload_json


def test_resend_is_idempotent_and_a_conflicting_duplicate_is_refused(service):
    stub, _, admin = service
    (first,) = send(stub, admin, readings(GAS))
    again, conflict = send(stub, admin, readings(GAS, "b2"), readings([("G1", MARCH + DAY, 99996.0)], "b3"))
    assert (first.accepted, again.accepted, again.duplicates, len(again.rejected)) == (4, 0, 4, 0)
    assert (conflict.accepted, conflict.duplicates) == (0, 0)
    assert [(r.index, r.field) for r in conflict.rejected] == [(0, "value")]
    assert "stored value 99995.0, sent 99996.0" in conflict.rejected[0].reason


def test_consumption_and_monthly_export_as_of(service, clock):
    stub, _, admin = service
    send(stub, admin, readings(GAS[:3]))  # recorded ten minutes ago by the server's clock
    cut = clock()
    clock.advance(timedelta(minutes=5))
    send(stub, admin, readings(GAS[3:], "late"))  # five minutes ago
    reply = stub.GetConsumption(
        pb.GetConsumptionRequest(period=march(), granularity=pb.GRANULARITY_MONTH), metadata=admin
    )
    (gas,) = [f for f in reply.figures if f.meter_ref == "G1"]
    assert gas.quantity == pytest.approx(23.0)
    assert gas.kwh_pci == pytest.approx(23 * 11.1 / 1.11)
    batches = list(stub.ExportMonthly(pb.ExportMonthlyRequest(period=march()), metadata=admin))
    assert not any(b.HasField("as_of") for b in batches)  # a live export names no cut-off to ask for again
    (now,) = [f for b in batches for f in b.figures if f.meter_ref == "G1"]
    assert (now.quantity, now.kwh_pcs, now.kwh_pci) == pytest.approx((23.0, 255.3, 230.0))
    assert now.cost_eur == pytest.approx(25.53 + 10.0 * now.coverage)
    # 3 days of readings over a Paris March of 743 hours (summer time starts on 31 March)
    assert now.coverage == pytest.approx(72 / 743)
    # as known at the cut-off: the 4 March reading did not exist yet: 99 990 -> 3 = 13 m3
    before = list(stub.ExportMonthly(pb.ExportMonthlyRequest(period=march(), as_of=ts(cut)), metadata=admin))
    (then,) = [f for b in before for f in b.figures if f.meter_ref == "G1"]
    assert then.quantity == pytest.approx(13.0)
    assert then.coverage == pytest.approx(48 / 743)
    assert {b.as_of.ToDatetime(tzinfo=UTC) for b in before} == {cut}


def test_a_cut_off_must_be_settled(service, clock):
    # A batch's readings are recorded at its start and committed later: a cut-off less than a minute old
    # (by the server's clock) could still gain readings, so it is refused; one two minutes old is settled.
    stub, _, admin = service
    send(stub, admin, readings(GAS))
    clock.advance(timedelta(minutes=5))  # the readings were recorded five minutes ago
    unsettled, settled = ts(clock() - timedelta(seconds=10)), ts(clock() - timedelta(minutes=2))
    for call in (
        lambda as_of: list(stub.ExportMonthly(pb.ExportMonthlyRequest(period=march(), as_of=as_of), metadata=admin)),
        lambda as_of: stub.GetConsumption(pb.GetConsumptionRequest(period=march(), as_of=as_of), metadata=admin),
    ):
        with pytest.raises(grpc.RpcError) as err:
            call(unsettled)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        # the runtime's rule (services.runtime.cutoff), with the consumption service's way out
        assert "as_of must be at least 60 s in the past" in err.value.details()
        assert err.value.details().endswith("(leave it unset for a live view)")
        call(settled)
    # the readings were recorded before the settled cut-off: 23 m3 in March (see the module docstring)
    batches = list(stub.ExportMonthly(pb.ExportMonthlyRequest(period=march(), as_of=settled), metadata=admin))
    assert [f.quantity for b in batches for f in b.figures if f.meter_ref == "G1"] == pytest.approx([23.0])
    assert {b.as_of.ToDatetime(tzinfo=UTC) for b in batches} == {settled.ToDatetime(tzinfo=UTC)}


def test_bad_request_names_the_field(service):
    stub, _, admin = service
    with pytest.raises(grpc.RpcError) as err:
        stub.GetConsumption(pb.GetConsumptionRequest(), metadata=admin)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "period" in err.value.details()
    # a batch refused whole is answered by an ack saying why; the stream goes on (issue 12)
    broken = pb.IngestReadingsRequest(batch_id="x", meter_ref=["G1"], kind=[], read_at_us=[1], value=[1.0], unit=["m3"])
    refused, after = send(stub, admin, broken, readings(GAS, "after"))
    assert (refused.refused_whole, refused.refused_field, refused.accepted) == (True, "kind", 0)
    assert "0 values for 1 meter_ref entries" in refused.refused_reason
    assert (after.refused_whole, after.accepted) == (False, 4)


def test_leak_is_detected_and_listed(service):
    stub, _, admin = service
    # W1: 0.1 m3/day for 40 days, then 2 m3/day for 5 days
    start = MARCH - 40 * DAY
    values, total = [], 0.0
    for i in range(46):
        values.append(("W1", start + i * DAY, round(total, 3)))
        total += 0.1 if i < 40 else 2.0
    send(stub, admin, readings(values))
    found = stub.DetectAnomalies(
        pb.DetectAnomaliesRequest(period=Period(start=ts(start), end=ts(MARCH + 6 * DAY))), metadata=admin
    )
    assert dict(found.found) == {"leak": 1}
    (leak,) = stub.ListAnomalies(pb.ListAnomaliesRequest(kind="leak"), metadata=admin).anomalies
    assert (leak.meter_ref, leak.building_id) == ("W1", "B1")
    assert leak.observed == pytest.approx(10.0)
    assert leak.expected == pytest.approx(0.5)
    assert leak.window_start.ToDatetime(tzinfo=UTC) == MARCH


def test_provisions_are_checked_record_by_record(service):
    stub, _, admin = service

    def provision(unit_id: str, month: str, category: str, amount: float) -> pb.Provision:
        return pb.Provision(building_id="B1", unit_id=unit_id, month=month, charge_category=category, amount_eur=amount)

    provisions = [
        provision("UG1", "2024-03", "heating_energy", 45.0),
        provision("UG1", "2024-13", "heating_energy", 45.0),
        provision("UG1", "2024-04", "parking", 10.0),
        provision("", "2024-04", "cold_water", 10.0),
        provision("UG2", "2024-04", "cold_water", math.nan),
    ]
    summary = stub.ImportPrices(iter([pb.ImportPricesRequest(provisions=provisions)]), metadata=admin).summary
    assert summary.upserted["provisions"] == 1
    assert [(r.index, r.field, r.reason) for r in summary.rejected] == [
        (1, "provisions.month", "'2024-13' is not a YYYY-MM month"),
        (2, "provisions.charge_category", "unknown charge category 'parking'"),
        (3, "provisions.unit_id", "unit_id is missing"),
        (4, "provisions.amount_eur", "amount_eur NaN is not a finite number"),
    ]


def test_refused_prices_and_provisions_are_indexed_in_the_whole_stream(service):
    # Two batches. Prices: #0 good, #1 names both a meter and a contract | #2 has no valid_from, #3 good.
    # Provisions: #0 good, #1 month 13 | #2 unknown category, #3 good, #4 no unit. The second batch's
    # refusals are prices #2 and provisions #2 and #4 of the stream, not #0, #0 and #2 of their batch.
    stub, _, admin = service
    jan = ts(datetime(2024, 1, 1, tzinfo=UTC))

    def price(**kw) -> pb.Price:
        return pb.Price(basis="m3", eur_per_unit=4.0, source="test", **kw)

    def provision(unit_id="UG1", month="2024-03", category="cold_water") -> pb.Provision:
        return pb.Provision(unit_id=unit_id, building_id="B1", month=month, charge_category=category, amount_eur=10.0)

    batches = [
        pb.ImportPricesRequest(
            prices=[price(meter_ref="W1", valid_from=jan), price(meter_ref="W1", contract_ref="K1", valid_from=jan)],
            provisions=[provision(), provision(month="2024-13")],
        ),
        pb.ImportPricesRequest(
            prices=[price(meter_ref="W1"), price(contract_ref="K1", valid_from=jan)],
            provisions=[provision(category="parking"), provision(unit_id="UG2"), provision(unit_id="")],
        ),
    ]
    summary = stub.ImportPrices(iter(batches), metadata=admin).summary
    assert (summary.upserted["prices"], summary.upserted["provisions"]) == (2, 2)
    assert [(r.rule, r.index, r.field) for r in summary.rejected] == [
        ("invalid_price", 1, "meter_ref"),
        ("invalid_provision", 1, "provisions.month"),
        ("invalid_price", 2, "valid_from"),
        ("invalid_provision", 2, "provisions.charge_category"),
        ("invalid_provision", 4, "provisions.unit_id"),
    ]


def test_refused_temperatures_are_indexed_in_the_whole_stream(service):
    # Temperatures #0 good, #1 tn above tx | #2, #3 good, #4 tn above tx: refused #1 and #4 of the stream.
    stub, _, admin = service

    def day(d: int, tn: float, tx: float) -> pb.DailyTemperature:
        return pb.DailyTemperature(station="S1", day=f"2024-01-{d:02d}", tn=tn, tx=tx)

    batches = [
        pb.ImportDegreeDaysRequest(source="test values", temperatures=[day(1, 2.0, 8.0), day(2, 9.0, 3.0)]),
        pb.ImportDegreeDaysRequest(
            source="test values", temperatures=[day(3, 1.0, 5.0), day(4, 0.0, 6.0), day(5, 7.0, 1.0)]
        ),
    ]
    summary = stub.ImportDegreeDays(iter(batches), metadata=admin).summary
    assert summary.upserted["temperature_days"] == 3
    assert [(r.index, r.field) for r in summary.rejected] == [(1, "temperatures.tn"), (4, "temperatures.tn")]


def test_night_flow_on_hourly_water_readings(service):
    stub, _, admin = service
    # W1 read every hour from 1 March 00:00 (Paris) for three days at a steady 0.01 m3/h: between 01:00
    # and 05:00 it never drops below 0.005 m3/h on three nights running. Evidence: 3 nights x 4 h x 0.01 = 0.12
    # m3, from 1 March 01:00 to 3 March 05:00 (Paris, UTC+1).
    hours = 3 * 24 + 1
    send(stub, admin, readings([("W1", MARCH + timedelta(hours=h), round(0.01 * h, 4)) for h in range(hours)]))
    window = Period(start=ts(MARCH), end=ts(MARCH + timedelta(hours=hours)))
    found = stub.DetectAnomalies(pb.DetectAnomaliesRequest(period=window), metadata=admin)
    assert dict(found.found) == {"night_flow": 1}
    (flow,) = stub.ListAnomalies(pb.ListAnomaliesRequest(kind="night_flow"), metadata=admin).anomalies
    assert flow.meter_ref == "W1"
    assert flow.observed == pytest.approx(0.12)
    assert flow.window_start.ToDatetime(tzinfo=UTC) == MARCH + timedelta(hours=1)
    assert flow.window_end.ToDatetime(tzinfo=UTC) == MARCH + timedelta(days=2, hours=5)


def test_a_meter_replaced_at_night_is_no_night_flow(service):
    # W1 read every hour from 1 March 00:00 (Paris) at 0.01 m3/h: nights 1 and 2 flow. On 3 March the water is
    # shut 02:00-03:00 and the meter replaced at 02:30: old register closed at 0.50, new one opened at 500.00,
    # then 0.01 m3/h again. Across the replacement (0.50 - 0.50) + (500.00 - 500.00) = 0 was consumed, so
    # night 3 does not flow: two nights, nothing found (the bare jump of 499.5 m3 made a third flowing night).
    stub, _, admin = service
    values = [round(0.01 * h, 2) if h <= 50 else round(500.0 + 0.01 * (h - 51), 2) for h in range(54)]
    send(stub, admin, readings([("W1", MARCH + timedelta(hours=h), v) for h, v in enumerate(values)]))
    replacement = pb.Replacement(
        meter_ref="W1",
        replaced_at=ts(MARCH + timedelta(hours=50, minutes=30)),
        old_last_index=0.50,
        new_first_index=500.0,
    )
    stub.ImportMeters(iter([pb.ImportMetersRequest(replacements=[replacement])]), metadata=admin)
    window = Period(start=ts(MARCH), end=ts(MARCH + timedelta(hours=54)))
    found = stub.DetectAnomalies(pb.DetectAnomaliesRequest(period=window), metadata=admin)
    assert dict(found.found) == {}


def _violations(err: grpc.RpcError) -> list[str]:
    """The fields named by the google.rpc.BadRequest details of a failed call."""
    status = rpc_status.from_call(err)
    assert status is not None
    out = []
    for detail in status.details:
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            out += [v.field for v in bad.field_violations]
    return out


@pytest.mark.parametrize("rpc", ["ListAnomalies", "ListRejections"])
@pytest.mark.parametrize(
    ("page", "field"),
    [
        (PageRequest(page_size=-5), "page.page_size"),
        (PageRequest(page_token="garbage"), "page.page_token"),
        (PageRequest(page_token="100"), "page.page_token"),  # the old offset tokens are not ours any more
    ],
)
def test_a_bad_page_size_or_token_is_an_invalid_argument_naming_its_field(service, rpc, page, field):
    stub, _, admin = service
    request = {"ListAnomalies": pb.ListAnomaliesRequest, "ListRejections": pb.ListRejectionsRequest}[rpc](page=page)
    with pytest.raises(grpc.RpcError) as err:
        getattr(stub, rpc)(request, metadata=admin)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert _violations(err.value) == [field]


def test_rejections_page_by_page_give_the_whole_list_once(service):
    stub, _, admin = service
    send(stub, admin, readings([("XX", MARCH + i * DAY, 1.0) for i in range(5)]))  # 5 unknown meters
    whole = stub.ListRejections(pb.ListRejectionsRequest(), metadata=admin)
    assert len(whole.rejections) == 5 and whole.next_page_token == ""
    seen, token = [], ""
    while True:
        page = stub.ListRejections(
            pb.ListRejectionsRequest(page=PageRequest(page_size=2, page_token=token)), metadata=admin
        )
        assert len(page.rejections) <= 2
        seen += [r.id for r in page.rejections]
        token = page.next_page_token
        if not token:
            break
    assert seen == [r.id for r in whole.rejections]


def _records_sha256(records) -> str:
    """The documented rule alone: SHA-256 over each record's deterministic serialisation, each
    preceded by its length as a 4-byte big-endian unsigned integer, in the order received."""
    h = hashlib.sha256()
    for record in records:
        data = record.SerializeToString(deterministic=True)
        h.update(struct.pack(">I", len(data)))
        h.update(data)
    return h.hexdigest()


def test_monthly_export_ends_with_the_sha256_of_the_figures_sent(service):
    stub, _, admin = service
    send(stub, admin, readings(GAS + [("W1", MARCH + i * DAY, 10.0 + i) for i in range(4)]))
    request = pb.ExportMonthlyRequest(period=march(), batch_size=1)
    batches = list(stub.ExportMonthly(request, metadata=admin))
    assert len(batches) >= 2  # one figure per batch: the hash spans batches
    assert [b.content_sha256 != "" for b in batches] == [False] * (len(batches) - 1) + [True]
    figures = [f for b in batches for f in b.figures]
    assert batches[-1].content_sha256 == _records_sha256(figures)
    assert list(stub.ExportMonthly(request, metadata=admin))[-1].content_sha256 == batches[-1].content_sha256


def test_an_empty_monthly_export_is_one_batch_with_the_sha256_of_nothing(service):
    stub, _, admin = service
    (batch,) = stub.ExportMonthly(pb.ExportMonthlyRequest(period=march()), metadata=admin)
    assert list(batch.figures) == []
    assert batch.content_sha256 == hashlib.sha256(b"").hexdigest()
