"""Build and run the factors gRPC server."""

from services.factors.service import FactorsService
from services.factors.servicer import METHOD_ACCESS, SERVICE_NAME, FactorsServicer, add_to_server
from services.factors.store import FactorStore
from services.runtime.db import make_engine
from services.runtime.migrate import upgrade
from services.runtime.server import QuitusServer, Registration, create_server
from services.runtime.settings import Settings
from services.runtime.tokens import token_store_for

SCHEMA = "factors"


def build(settings: Settings, port: int | None = None, schema_prefix: str | None = None) -> tuple[QuitusServer, int]:
    """Engine, migrations, use cases and server: everything but start()."""
    schema_prefix = settings.schema_prefix if schema_prefix is None else schema_prefix
    engine = make_engine(settings.database_url, schema_prefix + SCHEMA)
    upgrade(engine, "services.factors")
    service = FactorsService.from_data_dir(FactorStore(engine))
    tokens = token_store_for(settings, schema_prefix)
    registration = Registration(SERVICE_NAME, add_to_server, FactorsServicer(service))
    return create_server(
        [registration],
        METHOD_ACCESS,
        host=settings.listen_host,
        port=settings.factors_port if port is None else port,
        token_store=tokens,
        workers=settings.grpc_workers,
    )
