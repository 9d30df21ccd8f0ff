from alembic import context

from services.consumption.models import metadata
from services.runtime.migrate import run_env

run_env(context, metadata)
