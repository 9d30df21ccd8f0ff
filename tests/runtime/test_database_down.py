"""A service whose database goes away answers UNAVAILABLE (retryable), never INTERNAL, and its
health says NOT_SERVING until the database is back, then SERVING again by itself."""

import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy import text

from services.runtime.db import make_engine
from services.runtime.principal import ALL_ROLES
from services.runtime.server import Registration, create_server
from tests.private_postgres import private_postgres, wait_for

SERVICE = "quitus.test.v1.CountService"


@pytest.mark.postgres
def test_unavailable_and_not_serving_while_the_database_is_down():
    with private_postgres() as cluster:
        engine = make_engine(cluster.url, "faults")

        def count(_request: bytes, _context) -> bytes:
            with engine.connect() as conn:
                return str(conn.execute(text("SELECT 41 + 1")).scalar()).encode()

        def add(_servicer, server: grpc.Server) -> None:
            handler = grpc.unary_unary_rpc_method_handler(count)
            server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, {"Count": handler})])

        server, port = create_server([Registration(SERVICE, add, None)], {f"/{SERVICE}/Count": ALL_ROLES}, port=0)
        server.watch_database(engine, every_s=0.2)
        server.start()
        channel = grpc.insecure_channel(f"localhost:{port}")
        call = channel.unary_unary(f"/{SERVICE}/Count")
        health = health_pb2_grpc.HealthStub(channel)

        def status():
            return health.Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=2).status

        try:
            assert call(b"", timeout=10) == b"42"
            assert status() == health_pb2.HealthCheckResponse.SERVING

            cluster.stop("immediate")
            started = time.monotonic()
            with pytest.raises(grpc.RpcError) as down:
                call(b"", timeout=20)
            assert down.value.code() == grpc.StatusCode.UNAVAILABLE
            assert "database" in down.value.details()
            assert time.monotonic() - started < 10
            assert wait_for(lambda: status() == health_pb2.HealthCheckResponse.NOT_SERVING, 10)

            cluster.start()
            assert wait_for(lambda: status() == health_pb2.HealthCheckResponse.SERVING, 15)
            assert call(b"", timeout=10) == b"42"
        finally:
            channel.close()
            server.stop(0)


def test_a_token_check_against_an_unreachable_store_is_unavailable_not_unknown():
    """Issue 12: with PostgreSQL down, a token not yet cached got UNKNOWN (the lookup failed
    inside the authentication interceptor, outside any error mapping)."""
    from sqlalchemy import create_engine

    from services.runtime.tokens import TokenStore

    nowhere = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none", connect_args={"connect_timeout": 2})
    server, port = create_server([], {f"/{SERVICE}/Count": ALL_ROLES}, port=0, token_store=TokenStore(nowhere))

    def add(_servicer, grpc_server: grpc.Server) -> None:
        handler = grpc.unary_unary_rpc_method_handler(lambda request, context: b"42")
        grpc_server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, {"Count": handler})])

    add(None, server.grpc_server)
    server.start()
    channel = grpc.insecure_channel(f"localhost:{port}")
    try:
        with pytest.raises(grpc.RpcError) as refused:
            channel.unary_unary(f"/{SERVICE}/Count")(b"", metadata=(("authorization", "Bearer qt_x"),), timeout=10)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        channel.close()
        server.stop(0)


@pytest.mark.postgres
def test_database_work_past_the_statement_timeout_is_deadline_exceeded(pg_url, schema_prefix):
    """A bound on every handler's database work: a statement running past the timeout is
    cancelled by PostgreSQL and the call answers DEADLINE_EXCEEDED, the thread free again."""
    from services.runtime.db import drop_schema

    engine = make_engine(pg_url, schema_prefix + "slow", statement_timeout_s=0.3)

    def slow(_request: bytes, _context) -> bytes:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_sleep(3)"))
        return b"done"

    def add(_servicer, server: grpc.Server) -> None:
        handler = grpc.unary_unary_rpc_method_handler(slow)
        server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, {"Count": handler})])

    server, port = create_server([Registration(SERVICE, add, None)], {f"/{SERVICE}/Count": ALL_ROLES}, port=0)
    server.start()
    channel = grpc.insecure_channel(f"localhost:{port}")
    try:
        started = time.monotonic()
        with pytest.raises(grpc.RpcError) as stopped:
            channel.unary_unary(f"/{SERVICE}/Count")(b"", timeout=10)
        assert stopped.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        assert time.monotonic() - started < 2
    finally:
        channel.close()
        server.stop(0)
        engine.dispose()
        drop_schema(pg_url, schema_prefix + "slow")
