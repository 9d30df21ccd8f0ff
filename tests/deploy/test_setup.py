"""`quitus setup`, a deployment's first-start job, on PostgreSQL: every schema migrated, the service
token issued once into a private file that the settings read, and a second run changing nothing."""

import os
import stat
import subprocess
import sys

from sqlalchemy import create_engine, text

from services.runtime.db import make_engine
from services.runtime.settings import Settings
from services.runtime.tokens import TokenStore


def _setup(pg_url: str, prefix: str, token_file) -> subprocess.CompletedProcess:
    env = {**os.environ, "QUITUS_DATABASE_URL": pg_url, "QUITUS_SCHEMA_PREFIX": prefix, "QUITUS_AUTH_ENABLED": "true"}
    return subprocess.run(
        [sys.executable, "-m", "services.cli", "setup", "--service-token-file", str(token_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_setup_migrates_every_schema_and_issues_the_service_token_once(pg_url, schema_prefix, tmp_path):
    token_file = tmp_path / "secrets" / "service-token"
    first = _setup(pg_url, schema_prefix, token_file)
    assert first.returncode == 0, first.stderr
    assert f"issued into {token_file}" in first.stdout
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        schemas = set(
            conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"), {"p": schema_prefix + "%"})
            .scalars()
            .all()
        )
    engine.dispose()
    assert {schema_prefix + s for s in ("auth", "interventions", "consumption", "factors", "reporting")} <= schemas
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    token = token_file.read_text().strip()

    second = _setup(pg_url, schema_prefix, token_file)
    assert second.returncode == 0, second.stderr
    assert f"kept in {token_file}" in second.stdout
    assert token_file.read_text().strip() == token

    settings = Settings(database_url=pg_url, service_token_file=str(token_file))
    assert settings.service_token.get_secret_value() == token
    store_engine = make_engine(pg_url, schema_prefix + "auth")
    try:
        principal = TokenStore(store_engine).lookup(token)
    finally:
        store_engine.dispose()
    assert principal is not None and principal.role.value == "service"


def test_a_token_given_in_the_environment_wins_over_the_file(tmp_path):
    token_file = tmp_path / "service-token"
    token_file.write_text("qt_from_file\n")
    assert Settings(service_token_file=str(token_file)).service_token.get_secret_value() == "qt_from_file"
    assert Settings(service_token="qt_given", service_token_file=str(token_file)).service_token.get_secret_value() == (
        "qt_given"
    )
    assert Settings(service_token_file=str(tmp_path / "missing")).service_token.get_secret_value() == ""
