"""PostgreSQL stopped (-m immediate) in the middle of an ingest, behind a real interventions
server (issue 12, "Honest status under faults"): calls get UNAVAILABLE while it is down (not
INTERNAL after instant retries logged as lost races), health says NOT_SERVING, then SERVING by
itself once it is back; after re-sending every batch not acked, the events stored are exactly
the distinct events sent: none lost, none doubled."""

import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.interventions.server import build
from tests.conftest import bearer, running_server
from tests.interventions.portfolio_fixture import portfolio_batches
from tests.interventions.test_grpc import lifecycle
from tests.private_postgres import private_postgres, wait_for

BATCHES = 30
TICKETS_PER_BATCH = 20
STOP_AFTER = 8  # batches handed to the stream before the database is stopped


def _batches() -> list[pb.IngestEventsRequest]:
    return [
        pb.IngestEventsRequest(
            batch_id=str(b),
            events=pb.EventList(events=[e for t in range(TICKETS_PER_BATCH) for e in lifecycle(f"T-{b}-{t}")]),
        )
        for b in range(BATCHES)
    ]


@pytest.mark.postgres
def test_database_stopped_mid_ingest_loses_and_doubles_nothing():
    with private_postgres() as cluster, running_server(build, (cluster.url, "")) as (channel, tokens):
        stub = pb_grpc.InterventionsServiceStub(channel)
        admin = bearer(tokens.issue("admin"))
        stub.ImportPortfolio(iter(portfolio_batches()), metadata=admin)
        health = health_pb2_grpc.HealthStub(channel)

        def status():
            return health.Check(health_pb2.HealthCheckRequest(), timeout=2).status

        batches = _batches()
        sent_events = BATCHES * TICKETS_PER_BATCH * 6

        def stream():
            for number, batch in enumerate(batches):
                if number == STOP_AFTER:
                    cluster.stop("immediate")  # while the batches before are being stored
                yield batch

        acked: set[str] = set()
        with pytest.raises(grpc.RpcError) as down:
            for ack in stub.IngestEvents(stream(), metadata=admin, timeout=60):
                acked.add(ack.batch_id)
        assert down.value.code() == grpc.StatusCode.UNAVAILABLE, down.value.details()
        assert len(acked) < BATCHES
        started = time.monotonic()
        with pytest.raises(grpc.RpcError) as read:
            stub.GetIntervention(pb.GetInterventionRequest(id="C1/T-0-0"), metadata=admin, timeout=20)
        assert read.value.code() == grpc.StatusCode.UNAVAILABLE
        assert time.monotonic() - started < 10
        assert wait_for(lambda: status() == health_pb2.HealthCheckResponse.NOT_SERVING, 10)

        cluster.start()
        assert wait_for(lambda: status() == health_pb2.HealthCheckResponse.SERVING, 15)
        again = [b for b in batches if b.batch_id not in acked]
        for ack in stub.IngestEvents(iter(again), metadata=admin, timeout=60):
            assert not ack.refused_whole and not ack.rejected, ack
            acked.add(ack.batch_id)
        assert acked == {b.batch_id for b in batches}

        quality = stub.GetDataQuality(pb.GetDataQualityRequest(contractor_id="C1"), metadata=admin)
        (c1,) = quality.contractors
        assert (c1.accepted, c1.rejected) == (sent_events, 0)  # 0 lost, 0 doubled
