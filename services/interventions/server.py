"""Build and run the interventions gRPC server."""

from services.interventions.service import InterventionsService
from services.interventions.servicer import METHOD_ACCESS, SERVICE_NAME, InterventionsServicer, add_to_server
from services.interventions.store import InterventionStore
from services.runtime.db import make_engine
from services.runtime.migrate import upgrade
from services.runtime.server import QuitusServer, Registration, create_server
from services.runtime.settings import Settings
from services.runtime.tokens import token_store_for

SCHEMA = "interventions"


def build(settings: Settings, port: int | None = None, schema_prefix: str | None = None) -> tuple[QuitusServer, int]:
    """Engine, migrations, use cases and server: everything but start()."""
    schema_prefix = settings.schema_prefix if schema_prefix is None else schema_prefix
    engine = make_engine(settings.database_url, schema_prefix + SCHEMA)
    upgrade(engine, "services.interventions")
    service = InterventionsService(InterventionStore(engine))
    tokens = token_store_for(settings, schema_prefix)
    registration = Registration(SERVICE_NAME, add_to_server, InterventionsServicer(service))
    return create_server(
        [registration],
        METHOD_ACCESS,
        host=settings.listen_host,
        port=settings.interventions_port if port is None else port,
        token_store=tokens,
        workers=settings.grpc_workers,
    )
