"""The factors gRPC service as the runtime builds it: its schema, port setting, wiring (store,
use cases with the units and conversions of the factor data folder, servicer) and access rules."""

from sqlalchemy import Engine

from services.factors import convert, files
from services.factors.service import FactorsService
from services.factors.servicer import METHOD_ACCESS, SERVICE_NAME, FactorsServicer, add_to_server
from services.factors.store import FactorStore
from services.runtime.server import QuitusServer, Registration, ServiceDescription, build_server
from services.runtime.settings import Settings


def _registration(engine: Engine, settings: Settings) -> Registration:
    data = files.data_dir(settings)
    service = FactorsService.from_tables(
        FactorStore(engine),
        files.read_text_csv(data / files.UNITS_FILE),
        files.read_text_csv(data / files.CONVERSIONS_FILE),
        convert.content_sha256,
    )
    return Registration(SERVICE_NAME, add_to_server, FactorsServicer(service))


DESCRIPTION = ServiceDescription(
    schema="factors", port_setting="factors_port", registration=_registration, method_access=METHOD_ACCESS
)


def build(settings: Settings, port: int | None = None, schema_prefix: str | None = None) -> tuple[QuitusServer, int]:
    """Engine, migrations, use cases and server: everything but start()."""
    return build_server(DESCRIPTION, settings, port, schema_prefix)
