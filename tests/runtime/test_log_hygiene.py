"""Logs carry no caller data: a database error is logged without the SQL parameters or the COPY
row that caused it, and any other error without its message (issue 12, "Logs carry SQL text with
callers' values ... COPY context with field values")."""

import logging

import grpc
import pytest
from sqlalchemy import text

from services.runtime.db import drop_schema, make_engine
from services.runtime.principal import ALL_ROLES
from services.runtime.server import Registration, create_server

SERVICE = "quitus.test.v1.LeakService"
SECRET = "SECRET-TENANT-Dupont-0612345678"


@pytest.fixture
def leaky(pg_url, schema_prefix):
    schema = schema_prefix + "leak"
    engine = make_engine(pg_url, schema)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE leak (code varchar(3))"))

    def by_parameter(_request: bytes, _context) -> bytes:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO leak (code) VALUES (:code)"), {"code": SECRET})
        return b""

    def by_copy(_request: bytes, _context) -> bytes:
        with engine.begin() as conn:
            raw = conn.connection.driver_connection
            with raw.cursor() as cur, cur.copy("COPY leak (code) FROM STDIN") as copy:
                copy.write_row((SECRET,))
        return b""

    def by_message(_request: bytes, _context) -> bytes:
        raise KeyError(SECRET)

    def add(_servicer, server: grpc.Server) -> None:
        handlers = {
            name: grpc.unary_unary_rpc_method_handler(behaviour)
            for name, behaviour in (("Parameter", by_parameter), ("Copy", by_copy), ("Message", by_message))
        }
        server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, handlers)])

    access = {f"/{SERVICE}/{name}": ALL_ROLES for name in ("Parameter", "Copy", "Message")}
    server, port = create_server([Registration(SERVICE, add, None)], access, port=0)
    server.start()
    channel = grpc.insecure_channel(f"localhost:{port}")
    yield channel
    channel.close()
    server.stop(0)
    engine.dispose()
    drop_schema(pg_url, schema)


@pytest.mark.parametrize("method", ["Parameter", "Copy", "Message"])
def test_no_caller_data_in_the_logs(leaky, caplog, method):
    with caplog.at_level(logging.INFO, logger="quitus"):
        with pytest.raises(grpc.RpcError) as failed:
            leaky.unary_unary(f"/{SERVICE}/{method}")(b"", timeout=10)
    assert failed.value.code() == grpc.StatusCode.INTERNAL
    assert SECRET not in failed.value.details()
    logged = [r for r in caplog.records if r.getMessage() in ("database error", "unhandled error")]
    assert logged, "the failure is logged"
    everything = " ".join(f"{r.getMessage()} {vars(r)} {r.exc_text or ''}" for r in caplog.records)
    assert SECRET not in everything
    if method != "Message":
        assert logged[0].sqlstate == "22001"  # string_data_right_truncation: the kind is kept
