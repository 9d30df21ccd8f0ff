from alembic import context

from services.reporting.models import metadata
from services.runtime.migrate import run_env

run_env(context, metadata)
