"""The nameko service class itself, with nameko.testing's worker_factory (no container, no
broker, no eventlet patching): its Alerting dependency is a real one on a SQLite file."""

import os

import psycopg  # noqa: F401  (imported before the service module, which sets PSYCOPG_WAIT_FUNC for nameko processes)
import pytest

_before = os.environ.get("PSYCOPG_WAIT_FUNC")
from nameko.testing.services import worker_factory  # noqa: E402

from services.runtime.db import make_engine  # noqa: E402
from services.runtime.migrate import upgrade  # noqa: E402
from services.workers.alerts import service as alerts_service  # noqa: E402
from services.workers.alerts.alerting import Alerting  # noqa: E402
from services.workers.alerts.settings import AlertsSettings  # noqa: E402
from services.workers.alerts.store import AlertStore  # noqa: E402

if _before is None:  # the pytest process is no nameko process
    os.environ.pop("PSYCOPG_WAIT_FUNC", None)

REQUESTED = {
    "intervention_id": "I1",
    "contractor_id": "C1",
    "building_id": "B1",
    "sequence": 1,
    "kind": "REQUESTED",
    "event_time": "2026-03-02T08:00:00.000000Z",
    "trade": "multiservice",
    "nature": "CURATIVE",
    "intervene_hours": 24.0,
    "repair_hours": 72.0,
}


@pytest.fixture
def worker(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'alerts.db'}", "alerts")
    upgrade(engine, "services.workers.alerts")
    alerting = Alerting(AlertStore(engine), AlertsSettings(webhook_url=""))
    yield worker_factory(alerts_service.AlertsService, alerting=alerting)
    engine.dispose()


def test_an_event_is_kept_and_a_sweep_at_an_instant_raises_its_alerts(worker):
    """I1 requested 2 March 08:00 (24 h to intervene) and never visited; I2 the same, visited at 10:00."""
    worker.on_event("interventions.requested", "interventions/I1#1", REQUESTED)
    worker.on_event("interventions.requested", "interventions/I1#1", REQUESTED)  # a re-delivery
    worker.on_event("interventions.requested", "interventions/I2#1", {**REQUESTED, "intervention_id": "I2"})
    visit = {"intervention_id": "I2", "event_time": "2026-03-02T10:00:00Z", "visit_number": 1}
    worker.on_event("interventions.visit_started", "interventions/I2#2", visit)
    assert worker.sweep("2026-03-03T07:00:00+00:00") == ["deadline/I1/intervene/90"]
    assert worker.sweep("2026-03-03T07:00:00+00:00") == []
    assert worker.sweep("2026-03-03T09:00:00Z") == ["deadline/I1/intervene/100"]
    assert [a["state"] for a in worker.alerting.store.list_alerts()] == ["logged", "logged"]


def test_an_unreadable_event_is_dropped_not_requeued(worker):
    """Returning normally acknowledges the message: a poison message would otherwise come back for ever."""
    worker.on_event("interventions.closed", "interventions/I1#6", {"intervention_id": "I1", "event_time": "soon"})
    worker.on_event("interventions.closed", "interventions/I1#7", ["not", "an", "object"])
    assert worker.alerting.store.open_tickets() == []


def test_a_sweep_without_an_offset_is_refused_with_an_error_nameko_can_carry(worker):
    with pytest.raises(alerts_service.AlertsFailure, match="no UTC offset"):
        worker.sweep("2026-03-03T09:00:00")
