"""The consumption service's description (schema, port setting, wiring, access) and ``build``."""

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from services.consumption.service import ConsumptionService, default_conversions_path
from services.consumption.servicer import METHOD_ACCESS, SERVICE_NAME, ConsumptionServicer, add_to_server
from services.consumption.store import ConsumptionStore
from services.runtime.bounded_cache import BoundedCache
from services.runtime.server import QuitusServer, Registration, ServiceDescription, build_server
from services.runtime.settings import Settings

SCHEMA = "consumption"
READINGS_CACHE_ENTRIES = 256  # a year of readings (every kind) as of one cut-off each


def description(clock: Callable[[], datetime] | None = None) -> ServiceDescription:
    """``clock``: the instant what is stored is recorded at; tests only (None: now)."""

    def registration(engine: Engine, settings: Settings) -> Registration:
        conversions = (
            Path(settings.factors_dir) / "conversions.csv" if settings.factors_dir else default_conversions_path()
        )
        settle = timedelta(seconds=settings.cutoff_settle_s)
        mb = settings.readings_cache_mb
        readings_cache = BoundedCache(mb * 1024 * 1024, READINGS_CACHE_ENTRIES) if mb > 0 else None
        service = ConsumptionService(ConsumptionStore(engine, readings_cache), conversions, clock, settle)
        return Registration(SERVICE_NAME, add_to_server, ConsumptionServicer(service))

    return ServiceDescription(SCHEMA, "consumption_port", registration, METHOD_ACCESS)


DESCRIPTION = description()


def build(
    settings: Settings,
    port: int | None = None,
    schema_prefix: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> tuple[QuitusServer, int]:
    """Engine, migrations, use cases and server: everything but start(). ``clock``: tests only."""
    return build_server(DESCRIPTION if clock is None else description(clock), settings, port, schema_prefix)
