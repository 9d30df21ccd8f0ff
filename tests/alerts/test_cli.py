"""`quitus alerts list` reads the alerts' tables in a plain process: no nameko, no eventlet."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from services.runtime.db import make_engine
from services.runtime.migrate import upgrade
from services.workers.alerts.alerting import Alerting
from services.workers.alerts.settings import AlertsSettings
from services.workers.alerts.store import AlertStore
from tests.alerts.test_service import REQUESTED

ROOT = Path(__file__).resolve().parents[2]
RUN = """
import sys
from services.cli import app
try:
    app(sys.argv[1:])
except SystemExit as done:
    code = done.code
print("eventlet loaded" if "eventlet" in sys.modules or "nameko" in sys.modules else "no eventlet")
sys.exit(code)
"""


def quitus(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUITUS_DATABASE_URL": url, "QUITUS_SCHEMA_PREFIX": ""}
    return subprocess.run(
        [sys.executable, "-c", RUN, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_alerts_list_shows_the_alerts_in_a_state(tmp_path):
    url = f"sqlite:///{tmp_path / 'quitus.db'}"
    engine = make_engine(url, "alerts")
    upgrade(engine, "services.workers.alerts")
    alerting = Alerting(AlertStore(engine), AlertsSettings(webhook_url=""))
    alerting.take("interventions/I1#1", "interventions.requested", REQUESTED)
    assert len(alerting.sweep(datetime(2026, 3, 3, 9, tzinfo=UTC))) == 2
    engine.dispose()

    shown = quitus(url, "alerts", "list", "--state", "logged")
    assert shown.returncode == 0, shown.stderr
    assert "deadline_breached" in shown.stdout and "deadline_alert" in shown.stdout
    assert "2 alert(s)" in shown.stdout and shown.stdout.rstrip().endswith("no eventlet")
    none = quitus(url, "alerts", "list", "--state", "failed")
    assert none.returncode == 0 and "0 alert(s)" in none.stdout
