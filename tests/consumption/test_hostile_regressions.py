"""Regression tests for issue 12 ("Hostile input and hard failures"), one per bullet of its "What
was seen" that concerns the consumption service, each failing on the code before the fix; each
docstring names the bullet it reproduces. On SQLite and PostgreSQL (the ``service`` fixture)."""

import json
import time
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from services.api.quitus.common.v1.common_pb2 import PageRequest, Period
from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.consumption.server import build
from tests.conftest import bearer, running_server
from tests.consumption.scenario import DAY, MARCH, meters_batch, paris_midnight, readings, send, ts, us
from tests.hostile.harness import field_violations, still_serving

MB = "x" * 1_000_000


def _refused(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as err:
        call()
    return err.value


def test_a_1mb_meter_ref_or_unit_id_is_one_refused_record_and_the_rest_is_stored(service):
    """Bullet "A whole batch lost to one record": a 1 MB meter_ref (ImportMeters, IngestReadings)
    or unit_id (ImportPrices) gave INTERNAL from the database and lost the batch's good records."""
    stub, _, admin = service
    meters = pb.ImportMetersRequest(
        meters=[
            pb.Meter(meter_ref=MB, building_id="B1", carrier="cold_water", unit="m3", usage="water",
                     charge_category="cold_water", reading_kind="index"),
            pb.Meter(meter_ref="W9", building_id="B1", carrier="cold_water", unit="m3", usage="water",
                     charge_category="cold_water", reading_kind="index"),
        ]
    )  # fmt: skip
    summary = stub.ImportMeters(iter([meters]), metadata=admin).summary
    assert summary.upserted["meters"] == 1
    ((index, field, reason, key),) = [(r.index, r.field, r.reason, r.record_key) for r in summary.rejected]
    assert (index, field) == (0, "meter_ref") and "1000000 characters long, at most 64" in reason and len(key) <= 40

    (ack,) = send(stub, admin, readings([(MB, MARCH, 1.0), ("W9", MARCH, 1.0)]))
    assert (ack.accepted, [(r.index, r.field) for r in ack.rejected]) == (1, [(0, "meter_ref")])
    assert len(ack.rejected[0].reason) < 200 and len(ack.rejected[0].record_key) < 100

    provisions = [
        pb.Provision(unit_id=MB, month="2024-03", charge_category="cold_water", amount_eur=1.0, building_id="B1"),
        pb.Provision(unit_id="UG1", month="2024-03", charge_category="cold_water", amount_eur=1.0, building_id="B1"),
    ]
    summary = stub.ImportPrices(iter([pb.ImportPricesRequest(provisions=provisions)]), metadata=admin).summary
    assert summary.upserted["provisions"] == 1
    assert [(r.index, r.field) for r in summary.rejected] == [(0, "provisions.unit_id")]


def test_read_at_at_int64_max_is_refused_at_once_and_32_of_them_hold_nothing(database):
    """Bullet "A call that never answers": IngestReadings with read_at at 2^63-1 us made polars
    panic and the call hang until the client's deadline."""
    with running_server(build, database) as (channel, tokens):
        admin = bearer(tokens.issue("admin"))
        stub = pb_grpc.ConsumptionServiceStub(channel)
        stub.ImportMeters(iter([meters_batch()]), metadata=admin)
        _int64_max(channel, stub, admin)


def _int64_max(channel, stub, admin) -> None:
    batch = pb.IngestReadingsRequest(
        batch_id="far", meter_ref=["W1", "W1"], kind=["index"] * 2, read_at_us=[2**63 - 1, us(MARCH)],
        value=[1.0, 2.0], unit=["m3"] * 2,
    )  # fmt: skip
    started = time.monotonic()
    (ack,) = list(stub.IngestReadings(iter([batch]), timeout=5, metadata=admin))
    assert time.monotonic() - started < 1
    assert (ack.accepted, [(r.index, r.field) for r in ack.rejected]) == (1, [(0, "read_at")])
    assert ack.rejected[0].reason == "read_at is outside 1900-2200"
    for _ in range(32):
        list(stub.IngestReadings(iter([batch]), timeout=1, metadata=admin))
    still_serving(channel, lambda: stub.ListRejections(pb.ListRejectionsRequest(), timeout=1, metadata=admin))


@pytest.mark.parametrize(
    ("rpc", "start", "granularity"),
    [
        ("ExportMonthly", datetime(2025, 1, 1, tzinfo=UTC), None),
        ("GetConsumption", datetime(1971, 1, 1, tzinfo=UTC), 1),
    ],
)
def test_a_period_to_9999_is_invalid_argument_naming_the_field(service, rpc, start, granularity):
    """Bullet "INTERNAL for a period a client may well send": ExportMonthly over [2025-01-01,
    9999-12-31) and GetConsumption by day over [1971, 9999-12-31) gave INTERNAL (OverflowError)."""
    stub, _, admin = service
    period = Period(start=ts(start), end=ts(datetime(9999, 12, 31, tzinfo=UTC)))
    if rpc == "ExportMonthly":
        error = _refused(lambda: list(stub.ExportMonthly(pb.ExportMonthlyRequest(period=period), metadata=admin)))
    else:
        request = pb.GetConsumptionRequest(period=period, granularity=granularity)
        error = _refused(lambda: stub.GetConsumption(request, metadata=admin))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(error) == ["period.end"]
    assert "outside 1900-2200" in error.details()


def test_unknown_granularity_and_anomaly_kind_are_refused_not_taken_as_default(service):
    """Issue 12, Build 5: an unknown enum number in a request is INVALID_ARGUMENT, never the default."""
    stub, _, admin = service
    request = pb.GetConsumptionRequest(period=Period(start=ts(MARCH), end=ts(MARCH + DAY)), granularity=42)
    assert field_violations(_refused(lambda: stub.GetConsumption(request, metadata=admin))) == ["granularity"]
    listing = pb.ListAnomaliesRequest(kind="leak%")
    assert field_violations(_refused(lambda: stub.ListAnomalies(listing, metadata=admin))) == ["kind"]


def test_a_refused_reading_is_never_the_reference_and_order_inside_a_batch_does_not_matter(service):
    """Bullet "Good readings refused because of their neighbours": a valid reading was refused as
    earlier than a previous record that was itself refused, and [1 Mar, 1 Jan, 1 Feb] of one meter
    got 1 Jan refused although the same reading sent alone later is accepted."""
    stub, _, admin = service
    jan, feb, mar = (datetime(2024, m, 1, tzinfo=UTC) for m in (1, 2, 3))
    (ack,) = send(stub, admin, readings([("W1", mar, 30.0), ("W1", jan, 10.0), ("W1", feb, 20.0)]))
    assert (ack.accepted, list(ack.rejected)) == (3, [])
    # a refused record (unit kWh, later instant) before a valid earlier one of the same meter
    (ack,) = send(stub, admin, readings([("W1", mar + 9 * DAY, 50.0, "kWh"), ("W1", mar + 5 * DAY, 40.0)], "b2"))
    assert ack.accepted == 1 and [(r.index, r.field) for r in ack.rejected] == [(0, "unit")]


def test_a_backwards_index_is_accepted_with_a_warning_that_says_what_was_done(service):
    """Bullet "Silently wrong or silently accepted": a backwards cumulative index (300 then 290 on a
    6-digit register) was accepted and replaced by an estimate with nothing said in the ack."""
    stub, _, admin = service
    six = pb.Meter(meter_ref="E6", building_id="B1", carrier="cold_water", unit="m3", usage="water",
                   charge_category="cold_water", register_digits=6, reading_kind="index")  # fmt: skip
    stub.ImportMeters(iter([pb.ImportMetersRequest(meters=[six])]), metadata=admin)
    (first,) = send(stub, admin, readings([("E6", MARCH, 300.0)]))
    (ack,) = send(stub, admin, readings([("E6", MARCH + DAY, 290.0), ("E6", MARCH + 2 * DAY, 295.0)], "b2"))
    assert (first.accepted, ack.accepted, ack.rejected_total, ack.warnings_total) == (1, 2, 0, 1)
    (warning,) = ack.warnings
    assert (warning.index, warning.rule, warning.field) == (0, "backwards_index", "value")
    assert "below 300.0" in warning.reason and "stored as read" in warning.reason and "estimate" in warning.reason
    # a rollover (5-digit G1: 99 995 -> 3) is no warning
    (roll,) = send(stub, admin, readings([("G1", MARCH, 99995.0), ("G1", MARCH + DAY, 3.0)], "b3"))
    assert (roll.accepted, roll.warnings_total) == (2, 0)


def test_a_reading_dated_year_1_is_refused(service):
    """Bullet "Silently wrong or silently accepted": a reading dated 0001-01-01 was accepted."""
    stub, _, admin = service
    (ack,) = send(stub, admin, readings([("W1", datetime(1, 1, 1, tzinfo=UTC), 1.0), ("W1", MARCH, 2.0)]))
    assert ack.accepted == 1 and [(r.index, r.field) for r in ack.rejected] == [(0, "read_at")]


def test_a_gas_coefficient_applies_from_its_own_date(service):
    """Bullet "Silently wrong or silently accepted": a gas coefficient that changes on the 15th was
    applied to the whole month.

    Hand-worked: meter G1 (m3) read at Paris midnight every day of April 2024, 10 m3 a day (index
    1 000, 1 010, ... 1 300 on 1 May): 300 m3 in April. Coefficients: 11.1 kWh PCS/m3 from 2023
    (the fixture's), 12.0 from 15 April (Paris midnight). By day: 14 days x 10 m3 x 11.1 + 16 days
    x 10 m3 x 12.0 = 1 554 + 1 920 = 3 474 kWh PCS (the whole month at 11.1 gave 3 330)."""
    stub, _, admin = service
    change = pb.GasCoefficient(meter_ref="G1", valid_from=ts(paris_midnight(2024, 4, 15)), kwh_pcs_per_m3=12.0,
                               source="supplier bill")  # fmt: skip
    stub.ImportMeters(iter([pb.ImportMetersRequest(gas_coefficients=[change])]), metadata=admin)
    days = [(("G1", paris_midnight(2024, 4, 1) + timedelta(days=i), 1000.0 + 10 * i)) for i in range(31)]
    (ack,) = send(stub, admin, readings(days))
    assert ack.accepted == 31
    april = Period(start=ts(paris_midnight(2024, 4)), end=ts(paris_midnight(2024, 5)))
    (batch,) = list(stub.ExportMonthly(pb.ExportMonthlyRequest(period=april), metadata=admin))
    (g1,) = [f for f in batch.figures if f.meter_ref == "G1"]
    assert g1.quantity == pytest.approx(300.0)
    assert g1.kwh_pcs == pytest.approx(3474.0)
    assert "coefficient in force that day" in g1.conversion
    # a month with no change inside keeps its one coefficient
    may = Period(start=ts(paris_midnight(2024, 5)), end=ts(paris_midnight(2024, 6)))
    figures = stub.GetConsumption(pb.GetConsumptionRequest(period=april), metadata=admin).figures
    assert [f.kwh_pci for f in figures if f.meter_ref == "G1"] == [pytest.approx(3474.0 / 1.11)]
    assert not [f for f in stub.GetConsumption(pb.GetConsumptionRequest(period=may), metadata=admin).figures]


def test_stored_rejection_payloads_are_json_and_listings_stay_small(service):
    """Bullets "Silently wrong or silently accepted" (stored rejection payloads held bare NaN /
    Infinity, not JSON) and "Replies bigger than a default client takes" (1 MB texts came back
    whole in ListRejections)."""
    stub, _, admin = service
    for i in range(6):
        batch = readings([("W1", MARCH + i * DAY, float("nan")), (MB, MARCH, 1.0), ("W1", MARCH, float("inf"))])
        send(stub, admin, batch)
    reply = stub.ListRejections(pb.ListRejectionsRequest(page=PageRequest(page_size=1000)), metadata=admin)
    assert len(reply.rejections) == 18 and reply.ByteSize() < 100_000
    payloads = [json.loads(r.payload_json, parse_constant=lambda c: pytest.fail(f"bare {c}")) for r in reply.rejections]
    assert {p["value"] for p in payloads if isinstance(p["value"], str)} == {"NaN", "Infinity"}
    assert max(len(p["meter_ref"]) for p in payloads) == 100


def test_a_malformed_batch_is_acked_as_refused_whole_and_the_stream_goes_on(service):
    """Issue 12, Build 5 and 8: a batch refused whole (columns of different lengths, too many
    records) ended IngestReadings with INVALID_ARGUMENT and the good batches after it were lost."""
    stub, _, admin = service
    short = readings([("W1", MARCH, 1.0)], "short")
    del short.unit[:]
    many = pb.IngestReadingsRequest(
        batch_id="many", meter_ref=["W1"] * 100_001, kind=["index"] * 100_001, read_at_us=[us(MARCH)] * 100_001,
        value=[1.0] * 100_001, unit=["m3"] * 100_001,
    )  # fmt: skip
    acks = send(stub, admin, short, many, readings([("W1", MARCH, 1.0)], "good"))
    assert [(a.batch_id, a.refused_whole, a.refused_field, a.accepted) for a in acks] == [
        ("short", True, "unit", 0),
        ("many", True, "meter_ref", 0),
        ("good", False, "", 1),
    ]
    assert "at most 100,000" in acks[1].refused_reason and acks[1].received == 100_001


def test_an_ack_lists_the_first_100_issues_and_counts_them_all(service):
    """Issue 12, Build 8: acks stay small (counts plus the first 100 issues)."""
    stub, _, admin = service
    rows = [("W1", MARCH + i * timedelta(minutes=1), -1.0) for i in range(250)] + [("W1", MARCH - DAY, 1.0)]
    (ack,) = send(stub, admin, readings(rows))
    assert (ack.accepted, ack.rejected_total, len(ack.rejected)) == (1, 250, 100)
    reply = stub.ListRejections(pb.ListRejectionsRequest(page=PageRequest(page_size=1000)), metadata=admin)
    assert len(reply.rejections) == 250


def test_get_consumption_comes_in_pages_with_the_totals_on_each(service):
    """Bullet "Replies bigger than a default client takes": GetConsumption answered every figure in
    one message; by day over years for many meters that passes 4 MB. Pages of figures_page_size."""
    stub, _, admin = service
    send(stub, admin, readings([("W1", MARCH + i * DAY, float(i)) for i in range(8)]))
    request = pb.GetConsumptionRequest(period=Period(start=ts(MARCH), end=ts(MARCH + 7 * DAY)), granularity=1)
    whole = stub.GetConsumption(request, metadata=admin)
    assert len(whole.figures) == 7 and whole.next_page_token == ""
    request.figures_page_size = 3
    pages, token = [], "first"
    while token:
        reply = stub.GetConsumption(request, metadata=admin)
        assert list(reply.totals) == list(whole.totals)
        pages.append([f.period_start.seconds for f in reply.figures])
        token = request.figures_page_token = reply.next_page_token
    assert [len(p) for p in pages] == [3, 3, 1]
    assert sum(pages, []) == [f.period_start.seconds for f in whole.figures]
    request.figures_page_token = "garbage"
    assert field_violations(_refused(lambda: stub.GetConsumption(request, metadata=admin))) == ["figures_page_token"]
