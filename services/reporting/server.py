"""The reporting gRPC service as the runtime builds it: its schema, port setting, wiring (store,
use cases, servicer) and access rules."""

from datetime import timedelta

from sqlalchemy import Engine

from services.reporting import convert
from services.reporting.export_cache import ExportCache
from services.reporting.gather import Sources
from services.reporting.rendering import Renderer
from services.reporting.service import ReportingService
from services.reporting.servicer import METHOD_ACCESS, SERVICE_NAME, ReportingServicer, add_to_server
from services.reporting.store import ReportingStore
from services.runtime.server import QuitusServer, Registration, ServiceDescription, build_server
from services.runtime.settings import Settings


def _registration(engine: Engine, settings: Settings) -> Registration:
    # Channels connect lazily, on the first report; the exports pulled for a cut-off are shared
    # by every report of this process (a monthly run's reports share one as_of).
    sources = Sources.from_settings(settings, ExportCache())
    service = ReportingService(
        ReportingStore(engine),
        convert.content_sha256,
        sources=lambda: sources,
        settle=timedelta(seconds=settings.cutoff_settle_s),
        renderer=Renderer(settings.render_processes),
    )
    return Registration(SERVICE_NAME, add_to_server, ReportingServicer(service))


DESCRIPTION = ServiceDescription(
    schema="reporting", port_setting="reporting_port", registration=_registration, method_access=METHOD_ACCESS
)


def build(settings: Settings, port: int | None = None, schema_prefix: str | None = None) -> tuple[QuitusServer, int]:
    """Engine, migrations, use cases and server: everything but start()."""
    return build_server(DESCRIPTION, settings, port, schema_prefix)
