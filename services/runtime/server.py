"""The one way every Quitus gRPC service is built, run and stopped."""

import logging
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent import futures
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from sqlalchemy import Engine, text

from services.runtime.db import is_unreachable, make_engine
from services.runtime.health_service import HealthServicer
from services.runtime.interceptors import (
    AccessLogInterceptor,
    AuthInterceptor,
    ErrorInterceptor,
    StreamLimitInterceptor,
)
from services.runtime.migrate import upgrade
from services.runtime.principal import Role
from services.runtime.settings import Settings
from services.runtime.tokens import TokenStore, token_store_for

log = logging.getLogger("quitus.server")


@dataclass(frozen=True)
class Registration:
    """A servicer and how to add it: ``add(servicer, server)`` is the generated
    ``add_<Service>Servicer_to_server``; ``name`` the full service name for health/reflection."""

    name: str
    add: Callable[[Any, grpc.Server], None]
    servicer: Any


class QuitusServer:
    """A started-or-not grpc server with its health servicer and a graceful stop. With a
    database to watch, health says NOT_SERVING while the database cannot be reached and SERVING
    again once it can."""

    def __init__(self, server: grpc.Server, health_servicer: health.HealthServicer, names: Sequence[str]):
        self.grpc_server = server
        self.health = health_servicer
        self.names = list(names)
        self._stopped = threading.Event()
        self._database: Engine | None = None
        self.watch_every_s = 1.0

    def watch_database(self, engine: Engine, every_s: float = 1.0) -> None:
        self._database, self.watch_every_s = engine, every_s

    def start(self) -> None:
        self.grpc_server.start()
        self._set_health(health_pb2.HealthCheckResponse.SERVING)
        if self._database is not None:
            threading.Thread(target=self._watch, args=(self._database,), name="db-health", daemon=True).start()

    def _set_health(self, status: Any) -> None:
        for name in [*self.names, ""]:
            self.health.set(name, status)

    def _watch(self, engine: Engine) -> None:
        reachable = True
        while not self._stopped.wait(self.watch_every_s):
            now_reachable = database_reachable(engine)
            if now_reachable != reachable:
                reachable = now_reachable
                log.warning("database reachable" if reachable else "database unreachable: NOT_SERVING")
                serving = health_pb2.HealthCheckResponse.SERVING
                self._set_health(serving if reachable else health_pb2.HealthCheckResponse.NOT_SERVING)

    def stop(self, grace_s: float) -> None:
        """NOT_SERVING first (load balancers stop sending), then let in-flight calls finish."""
        self.health.enter_graceful_shutdown()
        self.grpc_server.stop(grace_s).wait()
        self._stopped.set()
        if self._database is not None:
            self._database.dispose()

    def wait(self) -> None:
        self._stopped.wait()

    def stop_on_sigterm(self, grace_s: float) -> None:
        def on_signal(signum: int, _frame: Any) -> None:
            log.info("signal received, draining", extra={"signal": signum, "grace_s": grace_s})
            threading.Thread(target=self.stop, args=(grace_s,), daemon=True).start()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)


def database_reachable(engine: Engine) -> bool:
    """Whether a trivial query answers. Any failure counts as not reachable for the health
    check (too many connections, a bad password, a pool timeout serve no call either); the
    watcher thread must never die of one, or health would stay stuck."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception as exc:
        if not is_unreachable(exc):
            log.warning("database check failed", extra={"error": type(getattr(exc, "orig", exc)).__name__})
        return False


def create_server(
    registrations: Sequence[Registration],
    method_access: Mapping[str, frozenset[Role]],
    *,
    host: str = "[::]",
    port: int = 0,
    token_store: TokenStore | None = None,
    workers: int = 16,
    streams_per_caller: int = 4,
    reserved_workers: int = 4,
) -> tuple[QuitusServer, int]:
    """Build (not start) a server; ``port=0`` picks a free one. ``token_store=None`` means
    authentication off, which only the embedded default should use."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers),
        interceptors=[
            AccessLogInterceptor(),
            AuthInterceptor(method_access, token_store),
            StreamLimitInterceptor(total=max(1, workers - reserved_workers), per_caller=streams_per_caller),
            ErrorInterceptor(),
        ],
        options=[
            ("grpc.max_receive_message_length", 64 * 1024 * 1024),
            ("grpc.max_send_message_length", 64 * 1024 * 1024),
        ],
    )
    health_servicer = HealthServicer()  # grpc_health's, without its shutdown deadlock
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for reg in registrations:
        reg.add(reg.servicer, server)
    names = [reg.name for reg in registrations]
    reflection.enable_server_reflection([*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise RuntimeError(f"could not bind {host}:{port}")
    if token_store is None:
        log.warning("authentication is OFF: every call acts as admin (embedded default only)")
    return QuitusServer(server, health_servicer, names), bound


@dataclass(frozen=True)
class ServiceDescription:
    """What makes one Quitus service: its schema (also naming its migrations,
    ``services.<schema>.migrations``), the setting holding its port, the function wiring store,
    use cases and servicer on its engine, and who may call each method."""

    schema: str
    port_setting: str
    registration: Callable[[Engine, Settings], Registration]
    method_access: Mapping[str, frozenset[Role]]


def build_server(
    description: ServiceDescription,
    settings: Settings,
    port: int | None = None,
    schema_prefix: str | None = None,
) -> tuple[QuitusServer, int]:
    """Engine, migrations, use cases and server: everything but start(). ``port=None`` takes the
    port from settings, ``schema_prefix=None`` the prefix from settings."""
    schema_prefix = settings.schema_prefix if schema_prefix is None else schema_prefix
    engine = make_engine(settings.database_url, schema_prefix + description.schema, settings.statement_timeout_s)
    upgrade(engine, f"services.{description.schema}")
    registration = description.registration(engine, settings)
    server, bound = create_server(
        [registration],
        description.method_access,
        host=settings.listen_host,
        port=getattr(settings, description.port_setting) if port is None else port,
        token_store=token_store_for(settings, schema_prefix),
        workers=settings.grpc_workers,
        streams_per_caller=settings.streams_per_caller,
        reserved_workers=settings.reserved_workers,
    )
    server.watch_database(engine)
    return server, bound
