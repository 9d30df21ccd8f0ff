"""Build and run the consumption gRPC server."""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from services.consumption.service import ConsumptionService, default_conversions_path
from services.consumption.servicer import METHOD_ACCESS, SERVICE_NAME, ConsumptionServicer, add_to_server
from services.consumption.store import ConsumptionStore
from services.runtime.db import make_engine
from services.runtime.migrate import upgrade
from services.runtime.server import QuitusServer, Registration, create_server
from services.runtime.settings import Settings
from services.runtime.tokens import token_store_for

SCHEMA = "consumption"


def build(
    settings: Settings,
    port: int | None = None,
    schema_prefix: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> tuple[QuitusServer, int]:
    """Engine, migrations, use cases and server: everything but start(). ``clock``: tests only."""
    schema_prefix = settings.schema_prefix if schema_prefix is None else schema_prefix
    engine = make_engine(settings.database_url, schema_prefix + SCHEMA)
    upgrade(engine, "services.consumption")
    conversions = Path(settings.factors_dir) / "conversions.csv" if settings.factors_dir else default_conversions_path()
    service = ConsumptionService(ConsumptionStore(engine), conversions, clock)
    tokens = token_store_for(settings, schema_prefix)
    registration = Registration(SERVICE_NAME, add_to_server, ConsumptionServicer(service))
    return create_server(
        [registration],
        METHOD_ACCESS,
        host=settings.listen_host,
        port=settings.consumption_port if port is None else port,
        token_store=tokens,
        workers=settings.grpc_workers,
    )
