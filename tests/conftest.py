"""Fixtures shared by every test: real databases and broker, never mocks.

A test that needs PostgreSQL or RabbitMQ skips when it is unreachable on a developer laptop;
with QUITUS_REQUIRE_SERVICES=1 (set by .ci/run) it fails instead.
"""

import os
import socket
import uuid
from contextlib import contextmanager
from urllib.parse import urlparse

import grpc
import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("QUITUS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
AMQP_URL = os.environ.get("QUITUS_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
REQUIRE_SERVICES = os.environ.get("QUITUS_REQUIRE_SERVICES") == "1"


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url.replace("postgresql+psycopg", "postgresql"))
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def _need(url: str, port: int, what: str) -> None:
    if not _reachable(url, port):
        message = f"{what} unreachable at {url}"
        if REQUIRE_SERVICES:
            pytest.fail(message + " (QUITUS_REQUIRE_SERVICES=1: a missing service is a failure)")
        pytest.skip(message)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the servers it needs, from its fixtures, so that ``-m "not postgres"``
    selects what runs without them: ``postgres`` for ``pg_url`` and the PostgreSQL case of
    ``database``, ``rabbitmq`` for ``amqp_url``."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "pg_url" in names or params.get("database") == "postgres":
            item.add_marker(pytest.mark.postgres)
        if "amqp_url" in names:
            item.add_marker(pytest.mark.rabbitmq)


@pytest.fixture
def pg_url() -> str:
    _need(PG_URL, 5432, "PostgreSQL")
    return PG_URL


@pytest.fixture
def amqp_url() -> str:
    _need(AMQP_URL, 5672, "RabbitMQ")
    return AMQP_URL


@pytest.fixture
def schema_prefix():
    """A unique prefix for this test's PostgreSQL schemas; they are dropped afterwards."""
    prefix = f"t{uuid.uuid4().hex[:10]}_"
    yield prefix
    if _reachable(PG_URL, 5432):
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            schemas = (
                conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"), {"p": prefix + "%"})
                .scalars()
                .all()
            )
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path, schema_prefix) -> tuple[str, str]:
    """(database URL, schema prefix): each test using it runs once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'quitus.db'}", ""
    _need(PG_URL, 5432, "PostgreSQL")
    return PG_URL, schema_prefix


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    """Call metadata carrying a token."""
    return (("authorization", f"Bearer {token}"),)


@contextmanager
def running_server(build, database: tuple[str, str], *, auth: bool = True):
    """Start a service's server (``build`` from services/<service>/server.py) on a free port.

    Yields (channel, token store); the token store is None with ``auth=False``."""
    from services.runtime.settings import Settings
    from services.runtime.tokens import token_store_for

    url, prefix = database
    settings = Settings(database_url=url, auth_enabled=auth)
    server, port = build(settings, port=0, schema_prefix=prefix)
    server.start()
    tokens = token_store_for(settings, prefix)
    channel = grpc.insecure_channel(f"localhost:{port}")
    try:
        yield channel, tokens
    finally:
        channel.close()
        server.stop(0)
        if tokens is not None:
            tokens.engine.dispose()
