"""`quitus setup`: a deployment's first-start job. Brings every schema to its newest migration and,
with authentication on, issues the service token once into a file the other processes read
(QUITUS_SERVICE_TOKEN_FILE). Running it again changes nothing: migrations are idempotent and an
existing token file is kept."""

import os
from pathlib import Path

from services.runtime.db import make_engine
from services.runtime.migrate import upgrade
from services.runtime.settings import Settings
from services.runtime.tokens import TokenStore

# package whose migrations/ own a schema -> the schema's name (without the prefix)
SCHEMAS = {
    "services.runtime": "auth",
    "services.interventions": "interventions",
    "services.consumption": "consumption",
    "services.factors": "factors",
    "services.reporting": "reporting",
    "services.workers": "workers",
    "services.workers.alerts": "alerts",
}


def migrate_all(settings: Settings, schemas: dict[str, str] = SCHEMAS) -> list[str]:
    """Every schema at its newest revision; the schemas' names, prefixed."""
    done = []
    for package, schema in schemas.items():
        engine = make_engine(settings.database_url, settings.schema_prefix + schema)
        try:
            upgrade(engine, package)
        finally:
            engine.dispose()
        done.append(settings.schema_prefix + schema)
    return done


def ensure_service_token(settings: Settings, path: Path) -> bool:
    """Issue a service token into ``path`` (mode 0600) unless the file already holds one; True when
    issued. The file is written whole or not at all (a temporary file renamed), so a crash leaves no
    half-written token."""
    if path.is_file() and path.read_text().strip():
        return False
    engine = make_engine(settings.database_url, settings.schema_prefix + "auth")
    try:
        upgrade(engine, "services.runtime")
        token = TokenStore(engine).issue("service", label="deployment (quitus setup)")
    finally:
        engine.dispose()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(token + "\n")
    temporary.replace(path)
    return True
