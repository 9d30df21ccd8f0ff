"""Migration 0008 fills buildings.search_text for the buildings stored before it (issue 12:
search ignores accents "as a French user expects", for old buildings as for new ones)."""

from alembic import command
from sqlalchemy import text

from services.runtime.db import make_engine
from services.runtime.migrate import alembic_config


def test_buildings_stored_before_the_migration_are_searchable(database):
    url, prefix = database
    engine = make_engine(url, prefix + "interventions")
    cfg = alembic_config("services.interventions", engine)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0007")
            conn.execute(text("INSERT INTO organisations VALUES ('O', 'o')"))
            conn.execute(text("INSERT INTO territories VALUES ('T', 'O', 't')"))
            conn.execute(text("INSERT INTO residences VALUES ('R', 'T', 'r')"))
            conn.execute(
                text(
                    "INSERT INTO buildings VALUES ('B', 'R', '1 place de l''Église', '42000', 'Saint-Étienne',"
                    " 0, 0, 0, 0, '', '')"
                )
            )
            command.upgrade(cfg, "head")
            stored = conn.execute(text("SELECT search_text FROM buildings")).scalar()
        assert stored == "1 place de l'eglise\x1f42000\x1fsaint-etienne"
    finally:
        engine.dispose()
