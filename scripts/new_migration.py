"""Autogenerate a service's next Alembic revision.

    python scripts/new_migration.py services.<service> "what changes" <rev id>

It diffs the models against a scratch SQLite file brought to the current head, so the revision
holds only what changed since.
"""

import sys
import tempfile
from pathlib import Path

from alembic import command

from services.runtime.db import make_engine
from services.runtime.migrate import alembic_config, upgrade


def main() -> None:
    package, message, rev_id = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}", "scratch")
        upgrade(engine, package)
        command.revision(alembic_config(package, engine), message=message, autogenerate=True, rev_id=rev_id)


if __name__ == "__main__":
    main()
