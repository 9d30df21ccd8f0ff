"""Issue 12, "Sixteen idle streams starve the server": 32 IngestEvents streams opened by one
contractor and left idle; health and a search still answer within a second, on the real
interventions service."""

import threading
import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.interventions.server import build
from tests.conftest import bearer, running_server
from tests.interventions.portfolio_fixture import portfolio_batches


def test_32_idle_ingest_streams_leave_health_and_search_answering(database):
    with running_server(build, database) as (channel, tokens):
        stub = pb_grpc.InterventionsServiceStub(channel)
        stub.ImportPortfolio(iter(portfolio_batches()), metadata=bearer(tokens.issue("admin")))
        contractor = bearer(tokens.issue("contractor:C1"))
        release = threading.Event()

        def idle():
            release.wait(30)
            return
            yield

        streams = [stub.IngestEvents(idle(), metadata=contractor) for _ in range(32)]
        try:
            time.sleep(0.5)
            started = time.monotonic()
            health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
            assert health.status == health_pb2.HealthCheckResponse.SERVING
            found = stub.SearchInterventions(pb.SearchInterventionsRequest(), metadata=contractor, timeout=1)
            assert found.interventions is not None
            assert time.monotonic() - started < 1
            refused = [s for s in streams if s.done() and s.code() == grpc.StatusCode.RESOURCE_EXHAUSTED]
            assert len(refused) == 28  # four kept open for the contractor, the rest refused at once
        finally:
            release.set()
            for stream in streams:
                stream.cancel()
