"""The alerts' work without nameko (services/workers/alerts/alerting.Alerting) on its real tables,
on SQLite and on PostgreSQL: facts from event payloads, sweeps at instants the test sets.

B1: heating meter G1 (natural gas) flat from 10 to 25 January 2026, found 26 January; curative
heating interventions H1 (1 January), H2 (20 January), H3 (15 February), H4 (1 March), H5 (20
March). B2: a leak on cold-water meter W2 from 1 to 4 January, found 5 January, nobody called.

A sweep on 16 February: the gas fault (energy_anomaly), the run H1, H2, H3 within 60 days while the
heating is flat (heating_run), the leak, and the leak unattended (12 January passed with no
plumber on B2). The gas fault is not unattended: H2, a heating intervention, was requested on B1
within its 7 days. A sweep on 1 June looks back 120 days (from 2 February): H3, H4, H5 would make
a run from H3, but H3 is in the run already alerted: nothing. A third sweep raises nothing.
"""

import json
from datetime import UTC, datetime

import pytest

from services.runtime.db import make_engine
from services.runtime.migrate import upgrade
from services.workers.alerts.alerting import Alerting
from services.workers.alerts.settings import AlertsSettings
from services.workers.alerts.store import AlertStore
from tests.alerts.test_service import REQUESTED


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, tzinfo=UTC)


def z(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def heating_request(ref: str, when: datetime) -> tuple[str, str, dict]:
    payload = {
        "intervention_id": ref,
        "contractor_id": "C3",
        "building_id": "B1",
        "event_time": z(when),
        "trade": "heating",
        "nature": "CURATIVE",
        "intervene_hours": None,
        "repair_hours": None,
    }
    return f"interventions/{ref}#1", "interventions.requested", payload


def anomaly(meter: str, building: str, carrier: str, usage: str, kind: str, start, end, found):
    payload = {
        "meter_ref": meter,
        "building_id": building,
        "unit_id": None,
        "carrier": carrier,
        "usage": usage,
        "kind": kind,
        "window_start": z(start),
        "window_end": z(end),
        "expected": 100.0,
        "observed": 0.0,
        "detail": "",
        "detected_at": z(found),
    }
    return f"consumption/anomaly/{meter}/{kind}/{z(start)}", f"consumption.anomaly_found.{kind}", payload


EVENTS = [
    *(heating_request(ref, when) for ref, when in [("H1", at(1, 1)), ("H2", at(1, 20)), ("H3", at(2, 15))]),
    *(heating_request(ref, when) for ref, when in [("H4", at(3, 1)), ("H5", at(3, 20))]),
    anomaly("G1", "B1", "natural_gas", "heating", "flat_line", at(1, 10), at(1, 25), at(1, 26)),
    anomaly("W2", "B2", "cold_water", "water", "leak", at(1, 1), at(1, 4), at(1, 5)),
]


def test_runs_faults_and_unattended_leaks_each_once(database):
    url, prefix = database
    engine = make_engine(url, prefix + "alerts")
    upgrade(engine, "services.workers.alerts")
    alerting = Alerting(AlertStore(engine), AlertsSettings(webhook_url="", max_age_days=0))
    try:
        for message_id, routing_key, payload in EVENTS:
            assert alerting.take(message_id, routing_key, json.loads(json.dumps(payload)))
        assert not alerting.take(*EVENTS[0])  # a re-delivery

        first = alerting.sweep(at(2, 16))
        assert sorted(a.key for a in first) == [
            "anomaly/consumption/anomaly/G1/flat_line/2026-01-10T00:00:00.000000Z",
            "anomaly/consumption/anomaly/W2/leak/2026-01-01T00:00:00.000000Z",
            "heating_run/B1/H1",
            "unattended/consumption/anomaly/W2/leak/2026-01-01T00:00:00.000000Z",
        ]
        assert alerting.sweep(at(6, 1)) == []
        assert alerting.sweep(at(6, 2)) == []
        stored = alerting.store.list_alerts()
        kinds = sorted(a["kind"] for a in stored)
        assert kinds == ["anomaly_unattended", "energy_anomaly", "heating_run", "water_leak"]
        run = next(a for a in stored if a["kind"] == "heating_run")
        assert json.loads(run["details_json"])["interventions"] == "H1,H2,H3"
        assert {a["state"] for a in stored} == {"logged"}
    finally:
        engine.dispose()


def test_alerts_due_more_than_seven_days_ago_are_not_raised(tmp_path):
    """A backfill of history must not wake anyone. Sweeping on 2 March 2026 00:00 (24 h to
    intervene, 72 h to repair): OLD, requested 1 February, would be due from 1 February 21:36 to 4
    February 00:00, a month ago: not raised, and settled (past 100 % of both), so a later sweep does
    not raise them either. NEW, requested 1 March 00:00, is due at 1 March 21:36 and 2 March 00:00
    (intervene 90 % and 100 %): raised; its repair runs until 4 March."""
    engine = make_engine(f"sqlite:///{tmp_path / 'alerts.db'}", "alerts")
    upgrade(engine, "services.workers.alerts")
    alerting = Alerting(AlertStore(engine), AlertsSettings(webhook_url=""))
    old = {**REQUESTED, "intervention_id": "OLD", "event_time": "2026-02-01T00:00:00Z"}
    new = {**REQUESTED, "intervention_id": "NEW", "event_time": "2026-03-01T00:00:00Z"}
    for payload in (old, new):
        alerting.take(f"interventions/{payload['intervention_id']}#1", "interventions.requested", payload)
    keys = sorted(a.key for a in alerting.sweep(at(3, 2)))
    assert keys == ["deadline/NEW/intervene/100", "deadline/NEW/intervene/90"]
    assert alerting.sweep(at(3, 2)) == []
    assert [t.intervention_id for t in alerting.store.open_tickets()] == ["NEW"]  # its repair still runs
    engine.dispose()


def test_a_webhook_without_a_secret_is_refused(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'alerts.db'}", "alerts")
    with pytest.raises(ValueError, match="QUITUS_ALERTS_WEBHOOK_SECRET is empty"):
        Alerting(AlertStore(engine), AlertsSettings(webhook_url="http://127.0.0.1:9/hook"))
    engine.dispose()
