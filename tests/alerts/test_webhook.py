"""Alerts reach a webhook once each, signed, also when it refused the first attempts and when the
alerts service is killed between two attempts and started again.

The events come from a test publisher imitating the relay (services/relay/publisher.py: JSON,
persistent, message id and routing key as the relay sets them) on an exchange of the test's own;
the alerts service runs as a `nameko run` subprocess; the receiver is an http.server on
localhost in a thread of the test.

Three tickets requested at T0 with 24 h to intervene (72 h to repair): a sweep at T0 + 30 h raises
two alerts each (90 % and 100 % of the time to intervene): six. The receiver answers 500 to the
first two attempts of every delivery, 200 to the third, and 500 always for ticket W-BAD, whose two
deliveries are given up after 4 attempts (state failed, the last error kept).
"""

import hashlib
import hmac
import json
import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from services.relay.publisher import ConfirmingPublisher, Outgoing
from tests.alerts.stack import WebhookReceiver, alerts_stack, wait_until

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SECRET = "test-secret-not-for-use"
TICKETS = ("W-1", "W-2", "W-BAD")


def requested(ref: str) -> Outgoing:
    payload = {
        "intervention_id": ref,
        "contractor_id": "C1",
        "building_id": "B1",
        "sequence": 1,
        "kind": "REQUESTED",
        "event_time": "2026-03-02T08:00:00.000000Z",
        "ug_id": "U1",
        "equipment_id": None,
        "contract_id": "K1",
        "service_code": "MS-CUR",
        "trade": "multiservice",
        "nature": "CURATIVE",
        "criticality": "normal",
        "intervene_hours": 24.0,
        "repair_hours": 72.0,
    }
    return Outgoing(f"interventions/{ref}#1", "interventions.requested", T0, json.dumps(payload), "interventions")


def publish(amqp_url: str, exchange: str, messages: list[Outgoing]) -> None:
    publisher = ConfirmingPublisher(amqp_url, exchange)
    try:
        publisher.publish(messages)
    finally:
        publisher.close(graceful=True)


@pytest.mark.timeout(120)
def test_each_alert_reaches_the_webhook_once_signed_despite_refusals_and_a_restart(
    pg_url, amqp_url, schema_prefix, tmp_path
):
    with WebhookReceiver(refuse=2, always_refuse=("W-BAD",)) as receiver:
        settings = {
            "QUITUS_ALERTS_WEBHOOK_URL": receiver.url,
            "QUITUS_ALERTS_WEBHOOK_SECRET": SECRET,
            "QUITUS_ALERTS_RETRY_FIRST_S": "0.5",
            "QUITUS_ALERTS_RETRY_MAX_S": "1",
            "QUITUS_ALERTS_MAX_ATTEMPTS": "4",
            "QUITUS_ALERTS_DELIVER_EVERY_S": "0.2",
        }
        with alerts_stack(amqp_url, pg_url, schema_prefix, tmp_path, **settings) as stack:
            # a duplicate (the relay re-publishing after a crash) is kept once
            publish(amqp_url, stack.exchange, [requested(ref) for ref in TICKETS] + [requested("W-1")])
            wait_until(lambda: len(stack.table("alert_tickets")) == 3, "the three requests kept")
            keys = stack.sweep((T0 + 30 * timedelta(hours=1)).isoformat())
            assert len(keys) == 6

            # every delivery refused once: the service is killed before its second attempts
            wait_until(lambda: len({r.delivery for r in receiver.got()}) == 6, "a first attempt of each alert")
            stack.stop(signal.SIGKILL)
            assert not receiver.accepted()
            stack.start()

            wait_until(
                lambda: {a["state"] for a in stack.table("alerts")} == {"delivered", "failed"},
                "every delivery settled",
            )
            alerts = {a["id"]: a for a in stack.table("alerts")}
            settled_requests = len(receiver.got())
            # nothing more after that: a delivered or failed alert is never sent again, even by a new
            # process (given a second: five of its delivery passes), nor raised again by a sweep
            stack.stop()
            stack.start()
            assert stack.sweep((T0 + 31 * timedelta(hours=1)).isoformat()) == []
            time.sleep(1.0)

    good = {i for i, a in alerts.items() if a["subject"] != "W-BAD"}
    assert len(good) == 4
    assert Counter(r.delivery for r in receiver.accepted()) == Counter({i: 1 for i in good})
    for r in receiver.got():
        expected = "sha256=" + hmac.new(SECRET.encode(), r.body, hashlib.sha256).hexdigest()
        assert r.signature == expected
        body = json.loads(r.body)
        assert body["id"] == r.delivery and body["kind"] in ("deadline_alert", "deadline_breached")
        assert body["details"]["intervention_id"] == body["subject"]
    for i in good:
        assert (alerts[i]["state"], alerts[i]["attempts"] >= 1, alerts[i]["last_error"]) == ("delivered", True, None)
        # refused twice, then taken: three attempts in all, whichever process made them
        assert sum(1 for r in receiver.got() if r.delivery == i) == 3
    bad = [a for a in alerts.values() if a["subject"] == "W-BAD"]
    assert [(a["state"], a["attempts"]) for a in bad] == [("failed", 4), ("failed", 4)]
    assert all(a["last_error"].startswith("HTTP 500 from http://127.0.0.1:") for a in bad)
    assert settled_requests == len(receiver.got())
