"""A data service that refuses one more export stream of the caller (RESOURCE_EXHAUSTED: the
caller already holds QUITUS_STREAMS_PER_CALLER open there) is busy, not broken: reporting says
so as SourceUnavailable, which a report worker retries with back-off, instead of a refusal that
parks the job. Through a real server with its stream limit, on a real channel: the caller holds
four portfolio exports open, and the fifth is refused."""

import threading
import time
from datetime import UTC, datetime

import grpc
import pytest

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.reporting.errors import SourceUnavailable
from services.reporting.gather import Sources
from services.runtime.db import make_engine
from services.runtime.migrate import upgrade
from services.runtime.principal import ALL_ROLES
from services.runtime.server import Registration, create_server
from services.runtime.tokens import TokenStore

SERVICE = "quitus.interventions.v1.InterventionsService"
RELEASE = threading.Event()


def _export_portfolio(_request, _context):
    RELEASE.wait(30)  # an export the client reads slowly
    yield pb.ExportPortfolioResponse(done=True)


def _add(_servicer, server: grpc.Server) -> None:
    handler = grpc.unary_stream_rpc_method_handler(
        _export_portfolio,
        request_deserializer=pb.ExportPortfolioRequest.FromString,
        response_serializer=pb.ExportPortfolioResponse.SerializeToString,
    )
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, {"ExportPortfolio": handler})])


@pytest.fixture
def busy(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'auth.db'}", "auth")
    upgrade(engine, "services.runtime")
    tokens = TokenStore(engine)
    access = {f"/{SERVICE}/ExportPortfolio": ALL_ROLES}
    built, port = create_server([Registration(SERVICE, _add, None)], access, port=0, token_store=tokens, workers=16)
    built.start()
    channel = grpc.insecure_channel(f"localhost:{port}")
    RELEASE.clear()
    yield channel, tokens.issue("service")
    RELEASE.set()
    channel.close()
    built.stop(0)
    engine.dispose()


def test_one_stream_too_many_is_a_busy_service_to_retry(busy):
    channel, token = busy
    sources = Sources(channel, channel, channel, token)
    export = channel.unary_stream(
        f"/{SERVICE}/ExportPortfolio",
        request_serializer=pb.ExportPortfolioRequest.SerializeToString,
        response_deserializer=pb.ExportPortfolioResponse.FromString,
    )
    held = [export(pb.ExportPortfolioRequest(), metadata=(("authorization", f"Bearer {token}"),)) for _ in range(4)]
    try:
        time.sleep(0.5)  # let the server take them in
        with pytest.raises(SourceUnavailable, match="busy and refused ExportPortfolio.*RESOURCE_EXHAUSTED"):
            sources.portfolio(datetime(2026, 1, 1, tzinfo=UTC))
    finally:
        RELEASE.set()
        for stream in held:
            stream.cancel()
