"""One fault, one alert, through the consumption service's own detection and events: its season-
aware detection (services/consumption/domain/anomalies.py), its outbox rows (the JSON the relay
publishes), read by the alerts and judged by their rules."""

import json
from datetime import UTC, datetime

import polars as pl

from services.consumption.domain.anomalies import daily_anomalies
from services.consumption.domain.outbox_events import anomalies_found
from services.workers.alerts.domain.anomalies import anomaly_alerts
from services.workers.alerts.domain.events import read_event
from tests.consumption.test_anomalies_season import SEASONS, SPRING, series

DETECTED = datetime(2024, 12, 1, tzinfo=UTC)


def alerts_from(found: pl.DataFrame, carrier: str, usage: str):
    meters = pl.DataFrame(
        {
            "meter_id": [1],
            "meter_ref": ["M1"],
            "building_id": ["B1"],
            "unit_id": [None],
            "carrier": [carrier],
            "usage": [usage],
        },
        schema_overrides={"unit_id": pl.String},
    )
    rows = anomalies_found(found, meters, DETECTED)
    facts = [read_event(r["message_id"], r["routing_key"], json.loads(r["payload_json"])) for r in rows.to_dicts()]
    return anomaly_alerts(facts, [])


def test_a_heating_only_meter_resting_in_summer_raises_no_alert():
    """Heating at 100 a day until 14 May, 0 all summer, restarting in October: no anomaly, no alert."""
    found = daily_anomalies(series(SPRING, SEASONS, "heating"))
    assert alerts_from(found, "natural_gas", "heating") == ([], {})


def test_a_stuck_register_raises_one_alert():
    """Electricity at 10 a day, 14 days at 0, then 150 (tests/consumption/test_anomalies_season):
    one stuck_register from 21 March, one energy alert, due when it was found."""
    found = daily_anomalies(series(SPRING, [(20, 10.0), (14, 0.0), (1, 150.0), (5, 10.0)], "common_electricity"))
    alerts, faults = alerts_from(found, "electricity", "common_electricity")
    assert [(a.kind, a.subject, a.details["anomaly"], a.due_at) for a in alerts] == [
        ("energy_anomaly", "M1", "stuck_register", DETECTED)
    ]
    assert len(faults) == 1


def test_high_days_right_after_a_catch_up_join_the_stuck_registers_alert():
    """The detection's stuck register and the spike the day after it (two anomalies, adjacent
    windows on one meter) are one alert: the register's."""
    found = daily_anomalies(series(SPRING, [(20, 10.0), (14, 0.0), (1, 150.0), (1, 60.0)], "common_electricity"))
    assert found["kind"].to_list() == ["stuck_register", "spike"]
    alerts, faults = alerts_from(found, "electricity", "common_electricity")
    assert [a.details["anomaly"] for a in alerts] == ["stuck_register"]
    stuck = "consumption/anomaly/M1/stuck_register/2024-03-21T00:00:00.000000Z"
    assert faults == {stuck: stuck, "consumption/anomaly/M1/spike/2024-04-05T00:00:00.000000Z": stuck}
