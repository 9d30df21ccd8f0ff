"""Edges of the shared transport that a review found open, each reproduced on a real server:
health Watch streams must not take worker threads; reflection answers; a slow token lookup does
not hold up other calls; a request that is not valid protobuf is INVALID_ARGUMENT; one caller's
streams are bounded whatever tokens it uses; a client cancelling its stream is no server error."""

import logging
import threading
import time

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_status import rpc_status

from services.interventions.server import build
from services.runtime.db import make_engine
from services.runtime.migrate import upgrade
from services.runtime.principal import ALL_ROLES
from services.runtime.server import Registration, create_server
from services.runtime.settings import Settings
from services.runtime.tokens import TokenStore
from tests.runtime.test_starvation import SERVICE
from tests.runtime.test_starvation import _add as _add  # the same small Ingest/Ping service


class SlowTokens(TokenStore):
    """A token store whose lookups take 2 s, as one behind a database that hangs would."""

    def lookup(self, token):
        time.sleep(2)
        return super().lookup(token)


@pytest.fixture
def edge(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'auth.db'}", "auth")
    upgrade(engine, "services.runtime")
    tokens = SlowTokens(engine)
    access = {f"/{SERVICE}/Ingest": ALL_ROLES, f"/{SERVICE}/Ping": ALL_ROLES}
    server, port = create_server([Registration(SERVICE, _add, None)], access, port=0, token_store=tokens, workers=16)
    server.start()
    channel = grpc.insecure_channel(f"localhost:{port}")
    yield channel, tokens, port
    channel.close()
    server.stop(0)
    engine.dispose()


def _check(port: int) -> float:
    """Seconds a health Check takes on a fresh channel."""
    with grpc.insecure_channel(f"localhost:{port}") as fresh:
        started = time.monotonic()
        reply = health_pb2_grpc.HealthStub(fresh).Check(health_pb2.HealthCheckRequest(), timeout=3)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        return time.monotonic() - started


def test_watch_streams_without_a_token_take_no_worker_thread(edge):
    channel, _, port = edge
    watches = [health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest()) for _ in range(20)]
    try:
        time.sleep(0.5)
        assert _check(port) < 1
    finally:
        for watch in watches:
            watch.cancel()


def test_reflection_answers(edge):
    channel, _, _ = edge
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    replies = list(
        stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5)
    )
    names = [s.name for s in replies[0].list_services_response.service]
    assert SERVICE in names


def test_a_slow_token_lookup_holds_up_no_other_call(edge):
    channel, tokens, port = edge
    token = tokens.issue("auditor")
    slow = threading.Thread(
        target=lambda: channel.unary_unary(f"/{SERVICE}/Ping")(
            b"x", metadata=(("authorization", f"Bearer {token}"),), timeout=10
        )
    )
    slow.start()
    time.sleep(0.3)
    try:
        assert _check(port) < 1
    finally:
        slow.join()


def test_a_stream_limit_counts_a_contractor_whatever_its_tokens(edge):
    channel, tokens, _ = edge
    release = threading.Event()

    def idle():
        release.wait(30)
        return
        yield

    ingest = channel.stream_stream(f"/{SERVICE}/Ingest")
    labels = ["erp", "backup", "test"]
    streams = [
        ingest(idle(), metadata=(("authorization", f"Bearer {tokens.issue('contractor:C1', label=label)}"),))
        for label in labels
        for _ in range(2)
    ]
    try:
        time.sleep(4)  # the slow token store: 2 s per lookup, six in parallel
        refused = [s for s in streams if s.done() and s.code() == grpc.StatusCode.RESOURCE_EXHAUSTED]
        assert len(refused) == 2  # six streams of one contractor through three tokens: four kept
    finally:
        release.set()
        for stream in streams:
            stream.cancel()


def test_a_request_that_is_not_valid_protobuf_is_invalid_argument(tmp_path):
    """GetIntervention with field 1 (id) holding the bytes FF FE: not UTF-8, which grpc's own
    parsing refused with INTERNAL before any interceptor ran."""
    server, port = build(Settings(database_url=f"sqlite:///{tmp_path / 'q.db'}", auth_enabled=False), port=0)
    server.start()
    try:
        with grpc.insecure_channel(f"localhost:{port}") as channel:
            call = channel.unary_unary(
                "/quitus.interventions.v1.InterventionsService/GetIntervention",
                request_serializer=lambda raw: raw,
                response_deserializer=lambda raw: raw,
            )
            with pytest.raises(grpc.RpcError) as refused:
                call(b"\x0a\x02\xff\xfe", timeout=5)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        status = rpc_status.from_call(refused.value)
        bad = error_details_pb2.BadRequest()
        assert status is not None and status.details[0].Unpack(bad) and bad.field_violations[0].field == "request"
    finally:
        server.stop(0)


def test_a_client_cancelling_its_stream_is_not_logged_as_a_server_error(tmp_path, caplog):
    server, port = create_server([Registration(SERVICE, _add, None)], {f"/{SERVICE}/Ingest": ALL_ROLES}, port=0)
    server.start()
    release = threading.Event()

    def slow():
        yield b"a"
        release.wait(5)
        yield b"b"

    try:
        with caplog.at_level(logging.INFO, logger="quitus"), grpc.insecure_channel(f"localhost:{port}") as channel:
            stream = channel.stream_stream(f"/{SERVICE}/Ingest")(slow())
            assert next(stream) == b"a"
            stream.cancel()
            release.set()
            time.sleep(0.5)
        assert not [r for r in caplog.records if r.getMessage() in ("unhandled error", "database error")]
    finally:
        server.stop(0)
