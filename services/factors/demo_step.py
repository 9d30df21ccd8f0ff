"""For the embedded demo: publish every set under factors/ into the factors store."""

from pathlib import Path

from services.factors.domain.loading import load_set, set_directories
from services.factors.paths import FACTORS_DIR
from services.factors.service import FactorsService
from services.factors.store import FactorStore
from services.runtime.db import make_engine
from services.runtime.migrate import upgrade
from services.runtime.principal import EMBEDDED


def load_reference_sets(
    database_url: str, schema_prefix: str = "", factors_dir: Path = FACTORS_DIR
) -> list[tuple[str, str, bool]]:
    """Publish each ``<set>/<version>/`` of ``factors_dir`` (idempotent: a set already published
    with the same content is left as is). Returns (label, content hash, created) per set."""
    engine = make_engine(database_url, schema_prefix + "factors")
    upgrade(engine, "services.factors")
    service = FactorsService.from_data_dir(FactorStore(engine), factors_dir)
    published = []
    for directory in set_directories(factors_dir):
        stored, created = service.publish_set(load_set(directory, service.units), EMBEDDED)
        published.append((f"{stored.name}@{stored.version}", stored.content_hash, created))
    engine.dispose()
    return published
