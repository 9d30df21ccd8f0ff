"""The consumption service through a real gRPC channel, on SQLite and on PostgreSQL.

Scenario (worked by hand): gas meter G1 (m3, 5-digit register, 11.1 kWh PCS/m3, priced 0.10 EUR
per kWh PCS + 10 EUR/month) read daily at local midnight 1-4 March 2024: 99 990, 99 995,
3 (rollover: 8), 13 => 23 m3 in March = 255.3 kWh PCS = 230 kWh PCI, cost 25.53 + 10 x coverage.
"""

import math
import time
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from services.api.quitus.common.v1.common_pb2 import Period
from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.consumption.server import build
from tests.conftest import bearer, running_server

MARCH = datetime(2024, 2, 29, 23, tzinfo=UTC)  # 1 March 00:00 in Paris
DAY = timedelta(days=1)


def us(t: datetime) -> int:
    return int(t.timestamp() * 1_000_000)


def ts(t: datetime):
    from google.protobuf.timestamp_pb2 import Timestamp

    x = Timestamp()
    x.FromDatetime(t)
    return x


def march() -> Period:
    return Period(start=ts(MARCH), end=ts(datetime(2024, 3, 31, 22, tzinfo=UTC)))


def meters_batch() -> pb.MeterBatch:
    return pb.MeterBatch(
        meters=[
            pb.Meter(
                meter_ref="G1",
                building_id="B1",
                carrier="natural_gas",
                unit="m3",
                usage="heating",
                recoverable=True,
                charge_category="heating_energy",
                register_digits=5,
                reading_kind="index",
                weather_station="S1",
            ),
            pb.Meter(
                meter_ref="W1",
                building_id="B1",
                carrier="cold_water",
                unit="m3",
                usage="water",
                recoverable=True,
                charge_category="cold_water",
                reading_kind="index",
            ),
        ],
        gas_coefficients=[
            pb.GasCoefficient(
                meter_ref="G1",
                valid_from=ts(datetime(2024, 1, 1, tzinfo=UTC)),
                kwh_pcs_per_m3=11.1,
                source="supplier bill",
            )
        ],
    )


def readings(rows, batch_id="b1") -> pb.ReadingBatch:
    return pb.ReadingBatch(
        batch_id=batch_id,
        meter_ref=[r[0] for r in rows],
        kind=["index"] * len(rows),
        read_at_us=[us(r[1]) for r in rows],
        value=[r[2] for r in rows],
        unit=[r[3] if len(r) > 3 else "m3" for r in rows],
    )


GAS = [("G1", MARCH + i * DAY, v) for i, v in enumerate([99990.0, 99995.0, 3.0, 13.0])]


@pytest.fixture
def service(database):
    with running_server(build, database) as (channel, tokens):
        stub = pb_grpc.ConsumptionStub(channel)
        admin = bearer(tokens.issue("admin"))
        summary = stub.ImportMeters(iter([meters_batch()]), metadata=admin)
        assert summary.upserted["meters"] == 2
        stub.ImportPrices(
            iter(
                [
                    pb.PriceBatch(
                        prices=[
                            pb.Price(
                                meter_ref="G1",
                                valid_from=ts(datetime(2024, 1, 1, tzinfo=UTC)),
                                basis="kWh PCS",
                                eur_per_unit=0.10,
                                fixed_eur_per_month=10.0,
                                source="contract 2024",
                            )
                        ]
                    )
                ]
            ),
            metadata=admin,
        )
        yield stub, tokens, admin


def send(stub, metadata, *batches):
    return list(stub.IngestReadings(iter(batches), metadata=metadata))


def test_ingest_keeps_good_records_names_bad_ones_and_stores_them(service):
    stub, _, admin = service
    bad = [
        ("G1", MARCH + 5 * DAY, -1.0),
        ("XX", MARCH, 1.0),
        ("W1", MARCH, 5.0, "kWh"),
        ("W1", MARCH + DAY, math.nan),
        ("W1", MARCH + 3 * DAY, 7.0),
        ("W1", MARCH + 2 * DAY, 8.0),
    ]
    (ack,) = send(stub, admin, readings(GAS + bad))
    assert (ack.received, ack.accepted, ack.duplicates) == (10, 5, 0)
    assert [(r.index, r.field) for r in ack.rejected] == [
        (4, "value"),
        (5, "meter_ref"),
        (6, "unit"),
        (7, "value"),
        (9, "read_at"),
    ]
    assert "unknown meter 'XX'" in ack.rejected[1].reason
    stored = stub.ListRejections(pb.ListRejectionsRequest(), metadata=admin).rejections
    assert [(r.batch_id, r.index, r.field) for r in stored] == [
        ("b1", 4, "value"),
        ("b1", 5, "meter_ref"),
        ("b1", 6, "unit"),
        ("b1", 7, "value"),
        ("b1", 9, "read_at"),
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


def test_consumption_and_monthly_export_as_of(service):
    stub, _, admin = service
    send(stub, admin, readings(GAS[:3]))
    cut = datetime.now(UTC)
    time.sleep(0.01)
    send(stub, admin, readings(GAS[3:], "late"))
    reply = stub.GetConsumption(pb.ConsumptionRequest(period=march(), granularity=pb.MONTH), metadata=admin)
    (gas,) = [f for f in reply.figures if f.meter_ref == "G1"]
    assert gas.quantity == pytest.approx(23.0)
    assert gas.kwh_pci == pytest.approx(23 * 11.1 / 1.11)
    batches = list(stub.ExportMonthly(pb.ExportMonthlyRequest(period=march()), metadata=admin))
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


def test_authorisation(service):
    stub, tokens, _ = service
    with pytest.raises(grpc.RpcError) as anonymous:
        stub.GetConsumption(pb.ConsumptionRequest(period=march()))
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
    auditor = bearer(tokens.issue("auditor"))
    with pytest.raises(grpc.RpcError) as denied:
        send(stub, auditor, readings(GAS))
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    contractor = bearer(tokens.issue("contractor:C1"))
    with pytest.raises(grpc.RpcError) as foreign:
        stub.GetConsumption(pb.ConsumptionRequest(period=march()), metadata=contractor)
    assert foreign.value.code() == grpc.StatusCode.PERMISSION_DENIED
    reply = stub.GetConsumption(pb.ConsumptionRequest(period=march()), metadata=auditor)
    assert list(reply.figures) == []


def test_bad_request_names_the_field(service):
    stub, _, admin = service
    with pytest.raises(grpc.RpcError) as err:
        stub.GetConsumption(pb.ConsumptionRequest(), metadata=admin)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "period" in err.value.details()
    broken = pb.ReadingBatch(batch_id="x", meter_ref=["G1"], kind=[], read_at_us=[1], value=[1.0], unit=["m3"])
    with pytest.raises(grpc.RpcError) as err:
        send(stub, admin, broken)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "kind" in err.value.details()


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
