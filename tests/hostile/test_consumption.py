"""Hostile input to every RPC of quitus.consumption.v1.ConsumptionService, on SQLite and PostgreSQL.

For each RPC: a good request (for the streams, a good batch), then every one-field mutation of it
(tests/hostile/values.py) at any depth, each answered within a second by OK or a refusal naming
the field (harness.py), never INTERNAL or UNKNOWN; then health and a normal call still answer.

Batches hold a hostile record (the first of each list, which the mutations change) beside a good
one (the second): whenever the answer is OK, the good record was stored (an import names no
refused record at index 1; an IngestReadings ack counts the good reading accepted, refuses none
but record 0, or says the batch was refused whole because its own batch_id is what was mutated).
"""

from datetime import UTC, datetime, timedelta
from functools import partial

import grpc
import pytest

from services.api.quitus.common.v1 import common_pb2
from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.consumption.server import build
from tests.conftest import bearer, running_server
from tests.hostile.harness import answer_of, still_serving
from tests.hostile.values import Mutation, mutations

COVERED = {
    "ConsumptionService.ImportMeters",
    "ConsumptionService.IngestReadings",
    "ConsumptionService.ImportDegreeDays",
    "ConsumptionService.ImportPrices",
    "ConsumptionService.GetConsumption",
    "ConsumptionService.DetectAnomalies",
    "ConsumptionService.ListAnomalies",
    "ConsumptionService.ListRejections",
    "ConsumptionService.ExportMonthly",
    "ConsumptionService.ExportChargeControl",
}
JAN = datetime(2024, 1, 1, tzinfo=UTC)
APRIL = datetime(2024, 4, 1, tzinfo=UTC)


def ts(t: datetime):
    from google.protobuf.timestamp_pb2 import Timestamp

    out = Timestamp()
    out.FromDatetime(t)
    return out


def us(t: datetime) -> int:
    return int(t.timestamp() * 1_000_000)


def period(start: datetime, end: datetime) -> common_pb2.Period:
    return common_pb2.Period(start=ts(start), end=ts(end))


def meter(ref: str) -> pb.Meter:
    return pb.Meter(
        meter_ref=ref,
        building_id="B1",
        unit_id="UG1",
        carrier="natural_gas",
        unit="m3",
        usage="heating",
        recoverable=True,
        charge_category="heating_energy",
        register_digits=6,
        reading_kind="index",
        weather_station="S1",
        contract_ref="K1",
    )


def good_meters() -> pb.ImportMetersRequest:
    return pb.ImportMetersRequest(
        meters=[meter("H1"), meter("H2")],
        replacements=[
            pb.Replacement(meter_ref="H1", replaced_at=ts(JAN), old_last_index=10.0, new_first_index=0.0),
            pb.Replacement(meter_ref="H2", replaced_at=ts(JAN), old_last_index=10.0, new_first_index=0.0),
        ],
        gas_coefficients=[
            pb.GasCoefficient(meter_ref="H1", valid_from=ts(JAN), kwh_pcs_per_m3=11.0, source="bill"),
            pb.GasCoefficient(meter_ref="H2", valid_from=ts(JAN), kwh_pcs_per_m3=11.0, source="bill"),
        ],
    )


def good_readings() -> pb.IngestReadingsRequest:
    return pb.IngestReadingsRequest(
        batch_id="hostile",
        meter_ref=["H1", "H2"],
        kind=["index", "index"],
        read_at_us=[us(APRIL), us(APRIL)],
        period_start_us=[0, 0],
        value=[100.0, 100.0],
        unit=["m3", "m3"],
        estimated=[False, False],
    )


def good_degree_days() -> pb.ImportDegreeDaysRequest:
    return pb.ImportDegreeDaysRequest(
        source="tests",
        temperatures=[
            pb.DailyTemperature(station="S1", day="2024-01-01", tn=1.0, tx=8.0),
            pb.DailyTemperature(station="S1", day="2024-01-02", tn=1.0, tx=8.0),
        ],
        dju=[
            pb.DailyDju(station="S2", day="2024-01-01", dju=12.0),
            pb.DailyDju(station="S2", day="2024-01-02", dju=12.0),
        ],
        normals=[
            pb.DjuNormal(station="S1", month_of_year=1, dju_ref=400.0, ref_period="1991-2020"),
            pb.DjuNormal(station="S1", month_of_year=2, dju_ref=350.0, ref_period="1991-2020"),
        ],
    )


def good_prices() -> pb.ImportPricesRequest:
    price = {"valid_from": ts(JAN), "basis": "kWh PCS", "eur_per_unit": 0.1, "fixed_eur_per_month": 10.0}
    return pb.ImportPricesRequest(
        prices=[
            pb.Price(meter_ref="H1", source="contract", **price),
            pb.Price(contract_ref="K1", source="contract", **price),
        ],
        provisions=[
            pb.Provision(
                unit_id="UG1", month="2024-01", charge_category="heating_energy", amount_eur=40.0, building_id="B1"
            ),
            pb.Provision(
                unit_id="UG2", month="2024-01", charge_category="heating_energy", amount_eur=40.0, building_id="B1"
            ),
        ],
    )


def perimeter() -> pb.Perimeter:
    return pb.Perimeter(building_ids=["B1"], meter_refs=["H1"], carriers=["natural_gas"])


@pytest.fixture
def consumption(database):
    """(channel, stub, admin metadata) on a server holding meters H1, H2 and a few readings; its
    clock ten minutes behind, so an as_of a few minutes ago is settled."""
    clock = partial(lambda: datetime.now(UTC) - timedelta(minutes=10))
    with running_server(partial(build, clock=clock), database) as (channel, tokens):
        admin = bearer(tokens.issue("admin"))
        stub = pb_grpc.ConsumptionServiceStub(channel)
        stub.ImportMeters(iter([good_meters()]), metadata=admin)
        list(stub.IngestReadings(iter([good_readings()]), metadata=admin))
        yield channel, stub, admin


def _run(channel, call, good, *, prepare=None, after=None, normal) -> int:
    cases = 0
    for n, mutation in enumerate(mutations(good)):
        request = prepare(n, mutation) if prepare else mutation.request
        code, outcome = answer_of(lambda timeout, r=request: call(r, timeout), mutation)
        if after and code == grpc.StatusCode.OK:
            after(mutation, outcome)
        cases += 1
    still_serving(channel, normal)
    return cases


def _normal(stub, admin):
    request = pb.GetConsumptionRequest(period=period(JAN, APRIL + timedelta(days=30)))
    return lambda: stub.GetConsumption(request, timeout=1, metadata=admin)


def _good_kept(summary, mutation: Mutation) -> None:
    """No record at index 1 (the good one beside the hostile one) was refused."""
    refused = [(r.rule, r.field) for r in summary.rejected if r.index == 1]
    assert not refused, f"{mutation.path} = {mutation.label}: good record refused {refused}"
    assert all(len(r.reason) < 1000 and len(r.record_key) < 100 for r in summary.rejected)


def test_import_meters(consumption):
    channel, stub, admin = consumption

    def call(request, timeout):
        return stub.ImportMeters(iter([request]), timeout=timeout, metadata=admin)

    def after(mutation, reply):
        _good_kept(reply.summary, mutation)
        assert reply.summary.upserted["meters"] >= 1

    assert _run(channel, call, good_meters(), after=after, normal=_normal(stub, admin)) > 100


def test_ingest_readings(consumption):
    channel, stub, admin = consumption

    def call(request, timeout):
        return list(stub.IngestReadings(iter([request]), timeout=timeout, metadata=admin))

    def prepare(n: int, mutation: Mutation) -> pb.IngestReadingsRequest:
        # the good record (1) at an instant of its own, so that storing it is news
        request = pb.IngestReadingsRequest()
        request.CopyFrom(mutation.request)
        request.read_at_us[1] = us(APRIL + timedelta(hours=n + 1))
        request.value[1] = 100.0 + n
        return request

    def after(mutation, acks):
        (ack,) = acks
        assert len(ack.rejected) <= 100 and all(len(r.reason) < 1000 for r in ack.rejected)
        if ack.refused_whole:
            assert mutation.path == "batch_id", (mutation.path, ack.refused_reason)
            assert ack.refused_field == "batch_id" and len(ack.refused_reason) < 1000
            return
        assert [r.index for r in ack.rejected] in ([], [0]), (mutation.path, mutation.label, ack.rejected)
        assert ack.accepted + ack.duplicates >= 1
        assert ack.accepted >= 1, f"{mutation.path} = {mutation.label}: the good reading was not stored"

    assert _run(channel, call, good_readings(), prepare=prepare, after=after, normal=_normal(stub, admin)) > 30


def test_import_degree_days(consumption):
    channel, stub, admin = consumption

    def call(request, timeout):
        return stub.ImportDegreeDays(iter([request]), timeout=timeout, metadata=admin)

    def after(mutation, reply):
        _good_kept(reply.summary, mutation)

    assert _run(channel, call, good_degree_days(), after=after, normal=_normal(stub, admin)) > 50


def test_import_prices(consumption):
    channel, stub, admin = consumption

    def call(request, timeout):
        return stub.ImportPrices(iter([request]), timeout=timeout, metadata=admin)

    def after(mutation, reply):
        _good_kept(reply.summary, mutation)
        assert reply.summary.upserted["provisions"] >= 1 and reply.summary.upserted["prices"] >= 1

    assert _run(channel, call, good_prices(), after=after, normal=_normal(stub, admin)) > 50


def test_get_consumption(consumption):
    channel, stub, admin = consumption
    good = pb.GetConsumptionRequest(
        period=period(JAN, APRIL + timedelta(days=30)),
        granularity=pb.GRANULARITY_DAY,
        perimeter=perimeter(),
        as_of=ts(datetime.now(UTC) - timedelta(minutes=5)),
        figures_page_size=10,
    )

    def call(request, timeout):
        return stub.GetConsumption(request, timeout=timeout, metadata=admin)

    assert _run(channel, call, good, normal=_normal(stub, admin)) > 30


def test_detect_anomalies(consumption):
    channel, stub, admin = consumption
    good = pb.DetectAnomaliesRequest(period=period(JAN, APRIL + timedelta(days=30)))

    def call(request, timeout):
        return stub.DetectAnomalies(request, timeout=timeout, metadata=admin)

    assert _run(channel, call, good, normal=_normal(stub, admin)) > 5


def test_list_anomalies(consumption):
    channel, stub, admin = consumption
    good = pb.ListAnomaliesRequest(kind="leak", building_id="B1", page=common_pb2.PageRequest(page_size=10))

    def call(request, timeout):
        return stub.ListAnomalies(request, timeout=timeout, metadata=admin)

    assert _run(channel, call, good, normal=_normal(stub, admin)) > 10


def test_list_rejections(consumption):
    channel, stub, admin = consumption
    # a rejection with a 1 MB meter_ref and a NaN stored first: its listing stays small and its
    # payload valid JSON
    hostile = good_readings()
    hostile.meter_ref[0] = "x" * 1_000_000
    hostile.value[1] = float("nan")
    list(stub.IngestReadings(iter([hostile]), metadata=admin))
    good = pb.ListRejectionsRequest(page=common_pb2.PageRequest(page_size=10))

    def call(request, timeout):
        return stub.ListRejections(request, timeout=timeout, metadata=admin)

    def after(mutation, reply):
        assert reply.ByteSize() < 1_000_000

    assert _run(channel, call, good, after=after, normal=_normal(stub, admin)) > 5


def test_export_monthly(consumption):
    channel, stub, admin = consumption
    good = pb.ExportMonthlyRequest(
        period=period(JAN, APRIL + timedelta(days=30)),
        as_of=ts(datetime.now(UTC) - timedelta(minutes=5)),
        batch_size=10,
    )

    def call(request, timeout):
        return list(stub.ExportMonthly(request, timeout=timeout, metadata=admin))

    assert _run(channel, call, good, normal=_normal(stub, admin)) > 10


def test_export_charge_control(consumption):
    channel, stub, admin = consumption
    good = pb.ExportChargeControlRequest(
        period=period(JAN, APRIL + timedelta(days=30)),
        building_ids=["B1"],
        unit_ids=["UG1"],
        as_of=ts(datetime.now(UTC) - timedelta(minutes=5)),
        batch_size=10,
    )

    def call(request, timeout):
        return list(stub.ExportChargeControl(request, timeout=timeout, metadata=admin))

    assert _run(channel, call, good, normal=_normal(stub, admin)) > 10
