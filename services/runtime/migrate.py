"""Alembic, driven from code: each service keeps its migrations beside its models
(``services/<service>/migrations``) so that an installed package carries them, and has its own
version table, so services migrate independently."""

from importlib import import_module
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, MetaData


def alembic_config(package: str, engine: Engine) -> Config:
    folder = Path(str(import_module(package).__file__)).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(folder))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["version_table"] = f"alembic_version_{package.rsplit('.', 1)[-1]}"
    return cfg


def upgrade(engine: Engine, package: str) -> None:
    """Bring the service's tables to the newest revision (idempotent)."""
    cfg = alembic_config(package, engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def run_env(context: Any, metadata: MetaData) -> None:
    """Body of every service's ``migrations/env.py``."""
    cfg = context.config
    version_table = cfg.attributes.get("version_table", "alembic_version")
    conn = cfg.attributes.get("connection")
    if conn is None:  # the alembic command line: build a connection from the URL
        from sqlalchemy import create_engine

        with create_engine(cfg.get_main_option("sqlalchemy.url")).begin() as conn:
            _run(context, conn, metadata, version_table)
    else:
        _run(context, conn, metadata, version_table)


def _run(context: Any, conn: Any, metadata: MetaData, version_table: str) -> None:
    context.configure(
        connection=conn,
        target_metadata=metadata,
        version_table=version_table,
        render_as_batch=conn.dialect.name == "sqlite",
        # Services share one SQLite file: autogenerate must not see the others' tables.
        include_name=lambda name, type_, _parents: type_ != "table" or name in metadata.tables,
    )
    with context.begin_transaction():
        context.run_migrations()
