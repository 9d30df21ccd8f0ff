from alembic import context

from services.interventions.models import metadata
from services.runtime.migrate import run_env

run_env(context, metadata)
