"""Idle streams cannot starve a server: one caller holds at most a few streams, streams in all
leave threads free, so health checks and unary calls still answer at once."""

import threading
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.runtime.db import make_engine
from services.runtime.migrate import upgrade
from services.runtime.principal import ALL_ROLES
from services.runtime.server import Registration, create_server
from services.runtime.tokens import TokenStore

SERVICE = "quitus.test.v1.StreamService"


def _ingest(request_iterator, _context):
    for message in request_iterator:
        yield message


def _ping(request: bytes, _context) -> bytes:
    return request


def _add(_servicer, server: grpc.Server) -> None:
    handlers = {
        "Ingest": grpc.stream_stream_rpc_method_handler(_ingest),
        "Ping": grpc.unary_unary_rpc_method_handler(_ping),
    }
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, handlers)])


@pytest.fixture
def server(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'auth.db'}", "auth")
    upgrade(engine, "services.runtime")
    tokens = TokenStore(engine)
    access = {f"/{SERVICE}/Ingest": ALL_ROLES, f"/{SERVICE}/Ping": ALL_ROLES}
    built, port = create_server([Registration(SERVICE, _add, None)], access, port=0, token_store=tokens, workers=16)
    built.start()
    channel = grpc.insecure_channel(f"localhost:{port}")
    yield channel, tokens
    channel.close()
    built.stop(0)
    engine.dispose()


def test_32_idle_streams_of_one_contractor_leave_health_and_calls_answering(server):
    channel, tokens = server
    contractor = (("authorization", f"Bearer {tokens.issue('contractor:C1')}"),)
    other = (("authorization", f"Bearer {tokens.issue('contractor:C2')}"),)
    release = threading.Event()

    def idle():
        release.wait(30)
        return
        yield

    ingest = channel.stream_stream(f"/{SERVICE}/Ingest")
    streams = [ingest(idle(), metadata=contractor) for _ in range(32)]
    try:
        time.sleep(0.5)  # let the server take them all in
        started = time.monotonic()
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
        assert health.status == health_pb2.HealthCheckResponse.SERVING
        assert channel.unary_unary(f"/{SERVICE}/Ping")(b"x", metadata=contractor, timeout=1) == b"x"
        assert time.monotonic() - started < 1

        refused = [s for s in streams if s.done() and s.code() == grpc.StatusCode.RESOURCE_EXHAUSTED]
        assert len(refused) == 28  # 4 kept open, the rest refused at once
        assert "already has 4 streams open" in refused[0].details()
        # another contractor's stream still gets through
        assert list(ingest(iter([b"a", b"b"]), metadata=other, timeout=2)) == [b"a", b"b"]
    finally:
        release.set()
        for stream in streams:
            stream.cancel()
