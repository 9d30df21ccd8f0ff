"""Anomaly events reach the nameko alerts subprocess through its queue's second binding
(consumption.anomaly_found.*), and its timer sweeps on the real clock with no rpc.

The events are the consumption service's own (services/consumption/domain/outbox_events.
anomalies_found, published as the relay does): a leak on cold-water meter W1 of B1, found 2 April
2024, with no intervention ever requested; on electricity meter E1 a stuck register (21 March -
5 April) and the spike the day after (5 - 6 April), one fault. Alerts: the leak, the energy
fault once, and the leak unattended (7 days passed long ago with no plumber): three."""

import time
from datetime import UTC, datetime

import polars as pl
import pytest

from services.consumption.domain.outbox_events import anomalies_found
from services.relay.publisher import Outgoing
from tests.alerts.stack import alerts_stack, wait_until
from tests.alerts.test_webhook import publish


def day(month: int, d: int) -> datetime:
    return datetime(2024, month, d, tzinfo=UTC)


def anomaly_events() -> list[Outgoing]:
    found = pl.DataFrame(
        {
            "meter_id": [1, 2, 2],
            "kind": ["leak", "stuck_register", "spike"],
            "window_start": [day(3, 30), day(3, 21), day(4, 5)],
            "window_end": [day(4, 2), day(4, 5), day(4, 6)],
            "expected": [0.5, 150.0, 10.0],
            "observed": [4.0, 150.0, 60.0],
            "detail": ["flow every night", "register at zero for 14 days", ""],
        }
    )
    meters = pl.DataFrame(
        {
            "meter_id": [1, 2],
            "meter_ref": ["W1", "E1"],
            "building_id": ["B1", "B1"],
            "unit_id": [None, None],
            "carrier": ["cold_water", "electricity"],
            "usage": ["water", "common_electricity"],
        },
        schema_overrides={"unit_id": pl.String},
    )
    rows = anomalies_found(found, meters, day(4, 7))
    return [
        Outgoing(r["message_id"], r["routing_key"], r["occurred_at"], r["payload_json"], "consumption")
        for r in rows.to_dicts()
    ]


# The anomalies are of 2024 and the timer sweeps on today's clock: no age limit.
SETTINGS = {"QUITUS_ALERTS_SWEEP_EVERY_S": "1", "QUITUS_ALERTS_MAX_AGE_DAYS": "0"}


@pytest.mark.timeout(120)
def test_anomaly_events_become_one_alert_per_fault_from_the_timers_sweep(pg_url, amqp_url, schema_prefix, tmp_path):
    with alerts_stack(amqp_url, pg_url, schema_prefix, tmp_path, **SETTINGS) as stack:
        publish(amqp_url, stack.exchange, anomaly_events())
        wait_until(
            lambda: (a := stack.table("alert_anomalies")) and len(a) == 3 and all(r["fault"] for r in a),
            "the three anomalies kept and judged",
        )
        wait_until(lambda: len(stack.table("alerts")) == 3, "three alerts")
        time.sleep(1.5)  # another sweep of the timer at least: nothing raised twice
        alerts = sorted((a["kind"], a["subject"]) for a in stack.table("alerts"))
    assert alerts == [("anomaly_unattended", "B1"), ("energy_anomaly", "E1"), ("water_leak", "W1")]
    faults = {r["kind"]: r["fault"] for r in stack.table("alert_anomalies")}
    assert faults["spike"] == faults["stuck_register"] != faults["leak"]
