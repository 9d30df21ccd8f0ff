"""The interceptors every service shares, on a real channel with a small generic service:
errors carry their field in the rich error details; the access log names the caller, never the
token."""

import logging

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from services.runtime.db import make_engine
from services.runtime.errors import InvalidArgument
from services.runtime.migrate import upgrade
from services.runtime.principal import ALL_ROLES, Role, current_principal
from services.runtime.server import Registration, create_server
from services.runtime.tokens import TokenStore

SERVICE = "quitus.test.v1.EchoService"


def _echo(request: bytes, context) -> bytes:
    if request == b"bad":
        raise InvalidArgument("must not be 'bad'", field="payload.text")
    return str(current_principal()).encode()


def _add(_servicer, server: grpc.Server) -> None:
    handler = grpc.unary_unary_rpc_method_handler(_echo)
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, {"Echo": handler})])


@pytest.fixture
def echo(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'auth.db'}", "auth")
    upgrade(engine, "services.runtime")
    tokens = TokenStore(engine)
    server, port = create_server(
        [Registration(SERVICE, _add, None)],
        {f"/{SERVICE}/Echo": frozenset(ALL_ROLES) - {Role.CONTRACTOR}},
        port=0,
        token_store=tokens,
    )
    server.start()
    channel = grpc.insecure_channel(f"localhost:{port}")
    call = channel.unary_unary(f"/{SERVICE}/Echo")
    yield call, tokens
    channel.close()
    server.stop(0)
    engine.dispose()


def test_an_invalid_argument_names_its_field_in_the_details(echo):
    call, tokens = echo
    token = tokens.issue("auditor")
    with pytest.raises(grpc.RpcError) as refused:
        call(b"bad", metadata=(("authorization", f"Bearer {token}"),), timeout=5)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details() == "payload.text: must not be 'bad'"
    status = rpc_status.from_call(refused.value)
    bad_request = error_details_pb2.BadRequest()
    assert status is not None and status.details[0].Unpack(bad_request)
    assert [(v.field, v.description) for v in bad_request.field_violations] == [("payload.text", "must not be 'bad'")]


def test_the_access_log_names_the_caller_and_never_the_token(echo, caplog):
    call, tokens = echo
    token = tokens.issue("auditor", label="bank audit 2026")
    contractor = tokens.issue("contractor:C7", label="their ERP")
    with caplog.at_level(logging.INFO, logger="quitus"):
        assert call(b"hi", metadata=(("authorization", f"Bearer {token}"),), timeout=5) == b"auditor"
        with pytest.raises(grpc.RpcError):
            call(b"hi", metadata=(("authorization", f"Bearer {contractor}"),), timeout=5)
        with pytest.raises(grpc.RpcError):
            call(b"hi", metadata=(("authorization", "Bearer qt_unknown"),), timeout=5)
    lines = [r for r in caplog.records if r.getMessage() == "call"]
    seen = [(r.principal, r.label, r.method, r.code) for r in lines]
    assert seen == [
        ("auditor", "bank audit 2026", f"/{SERVICE}/Echo", "OK"),
        ("contractor:C7", "their ERP", f"/{SERVICE}/Echo", "PERMISSION_DENIED"),
        ("unauthenticated", "", f"/{SERVICE}/Echo", "UNAUTHENTICATED"),
    ]
    assert all(isinstance(r.ms, float) for r in lines)
    everything = " ".join(str(vars(r)) for r in caplog.records)
    for secret in (token, contractor, "qt_unknown"):
        assert secret not in everything


def test_a_polars_panic_in_a_handler_comes_back_as_a_status(tmp_path):
    """polars raises its panics as BaseException, past an ``except Exception``: the interceptor
    still answers INTERNAL, and the server goes on serving."""
    import polars as pl

    def panicking(request: bytes, context) -> bytes:
        if request == b"panic":
            raise pl.exceptions.PanicException("invalid or out-of-range datetime")
        return b"ok"

    def add(_servicer, server: grpc.Server) -> None:
        handler = grpc.unary_unary_rpc_method_handler(panicking)
        server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, {"Echo": handler})])

    server, port = create_server([Registration(SERVICE, add, None)], {f"/{SERVICE}/Echo": ALL_ROLES}, port=0)
    server.start()
    channel = grpc.insecure_channel(f"localhost:{port}")
    call = channel.unary_unary(f"/{SERVICE}/Echo")
    try:
        for _ in range(32):
            with pytest.raises(grpc.RpcError) as failed:
                call(b"panic", timeout=1)
            assert failed.value.code() == grpc.StatusCode.INTERNAL
        assert call(b"fine", timeout=1) == b"ok"
    finally:
        channel.close()
        server.stop(0)
