"""The interventions service as the runtime builds it: its schema, port setting, wiring and
method access (services.runtime.server), and ``build``."""

from datetime import timedelta

from sqlalchemy import Engine

from services.interventions.service import InterventionsService
from services.interventions.servicer import METHOD_ACCESS, SERVICE_NAME, InterventionsServicer, add_to_server
from services.interventions.store import InterventionStore
from services.runtime.bounded_cache import BoundedCache
from services.runtime.server import QuitusServer, Registration, ServiceDescription, build_server
from services.runtime.settings import Settings

SETTLED_ANSWERS_ENTRIES = 64  # portfolios, facts exports, quality counts and deadline status as of settled cut-offs


def _registration(engine: Engine, settings: Settings) -> Registration:
    mb = settings.settled_answers_cache_mb
    service = InterventionsService(
        InterventionStore(engine),
        settle=timedelta(seconds=settings.cutoff_settle_s),
        settled_answers=BoundedCache(mb * 1024 * 1024, SETTLED_ANSWERS_ENTRIES) if mb > 0 else None,
    )
    return Registration(SERVICE_NAME, add_to_server, InterventionsServicer(service))


DESCRIPTION = ServiceDescription(
    schema="interventions",
    port_setting="interventions_port",
    registration=_registration,
    method_access=METHOD_ACCESS,
)


def build(settings: Settings, port: int | None = None, schema_prefix: str | None = None) -> tuple[QuitusServer, int]:
    """Engine, migrations, use cases and server: everything but start()."""
    return build_server(DESCRIPTION, settings, port=port, schema_prefix=schema_prefix)
