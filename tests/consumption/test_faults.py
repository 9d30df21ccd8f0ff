"""PostgreSQL stopped (``-m immediate``) in the middle of an ingest of readings, behind a real
consumption server (issue 12, Build 7 and Acceptance "Same for readings").

While it is down: IngestReadings answers UNAVAILABLE (retryable), health NOT_SERVING; once it is
back, health SERVING again by itself. A client that re-sends every batch it holds no ack for ends
with exactly the readings it sent stored: none lost, none doubled (an acked batch is committed;
a batch committed whose ack was lost is a set of identical duplicates when re-sent).
"""

import threading
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy import create_engine, text

from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.consumption.server import build
from services.runtime.settings import Settings
from tests.private_postgres import private_postgres, wait_for

METERS = 40
BATCHES = 60
PER_BATCH = 2_000  # 50 days of 40 meters
START = datetime(2015, 1, 1, tzinfo=UTC)


def _meters() -> pb.ImportMetersRequest:
    return pb.ImportMetersRequest(
        meters=[
            pb.Meter(meter_ref=f"F{i}", building_id="B1", carrier="cold_water", unit="m3", usage="water",
                     charge_category="cold_water", reading_kind="index")
            for i in range(METERS)
        ]
    )  # fmt: skip


def _batches() -> list[pb.IngestReadingsRequest]:
    out = []
    for b in range(BATCHES):
        days = range(b * PER_BATCH // METERS, (b + 1) * PER_BATCH // METERS)
        rows = [(f"F{m}", START + timedelta(days=d), float(d)) for d in days for m in range(METERS)]
        out.append(
            pb.IngestReadingsRequest(
                batch_id=f"f{b}",
                meter_ref=[r[0] for r in rows],
                kind=["index"] * len(rows),
                read_at_us=[int(r[1].timestamp() * 1_000_000) for r in rows],
                value=[r[2] for r in rows],
                unit=["m3"] * len(rows),
            )
        )
    return out


@pytest.mark.postgres
def test_postgres_stopped_mid_ingest_loses_and_doubles_nothing():
    with private_postgres() as cluster:
        server, port = build(Settings(database_url=cluster.url, auth_enabled=False), port=0)
        server.start()
        channel = grpc.insecure_channel(f"localhost:{port}")
        stub = pb_grpc.ConsumptionServiceStub(channel)
        health = health_pb2_grpc.HealthStub(channel)

        def status():
            return health.Check(health_pb2.HealthCheckRequest(), timeout=2).status

        batches = _batches()
        acked: set[str] = set()
        codes: list[grpc.StatusCode] = []

        def ingest(sending: list[pb.IngestReadingsRequest]) -> None:
            try:
                for ack in stub.IngestReadings(iter(sending), timeout=60):
                    assert not ack.refused_whole and not ack.rejected
                    acked.add(ack.batch_id)
            except grpc.RpcError as error:
                codes.append(error.code())  # type: ignore[attr-defined]

        try:
            stub.ImportMeters(iter([_meters()]), timeout=10)
            ingest(batches[:5])
            assert len(acked) == 5
            # stop the database while the next batches are being stored
            sender = threading.Thread(target=ingest, args=(batches[5:],))
            sender.start()
            assert wait_for(lambda: len(acked) >= 8, 30)
            cluster.stop("immediate")
            sender.join(60)
            assert codes == [grpc.StatusCode.UNAVAILABLE], codes
            assert len(acked) < BATCHES

            # while it is down: UNAVAILABLE, and health turns NOT_SERVING
            with pytest.raises(grpc.RpcError) as down:
                list(stub.IngestReadings(iter(batches[-1:]), timeout=20))
            assert down.value.code() == grpc.StatusCode.UNAVAILABLE
            assert wait_for(lambda: status() == health_pb2.HealthCheckResponse.NOT_SERVING, 10)

            cluster.start()
            assert wait_for(lambda: status() == health_pb2.HealthCheckResponse.SERVING, 20)
            # re-send every batch not acked
            codes.clear()
            ingest([b for b in batches if b.batch_id not in acked])
            assert codes == [] and len(acked) == BATCHES

            engine = create_engine(cluster.url)
            with engine.connect() as conn:
                stored = conn.execute(text("SELECT count(*), count(DISTINCT (meter_id, read_at_us)) "
                                           "FROM consumption.meter_reading")).one()  # fmt: skip
            engine.dispose()
            sent = {(m, t) for b in batches for m, t in zip(b.meter_ref, b.read_at_us, strict=True)}
            assert tuple(stored) == (len(sent), len(sent)) == (BATCHES * PER_BATCH, BATCHES * PER_BATCH)
        finally:
            channel.close()
            server.stop(0)
