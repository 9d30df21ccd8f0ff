from alembic import context

from services.runtime.migrate import run_env
from services.workers.alerts.models import metadata

run_env(context, metadata)
