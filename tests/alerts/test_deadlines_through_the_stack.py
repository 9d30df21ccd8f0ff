"""A deadline test with a clock the test controls, through the whole chain: the interventions
service writes its events into its outbox, the real relay publishes them to RabbitMQ, the nameko
alerts service (a `nameko run` subprocess) keeps them from its own queue, and each sweep is
called at an instant the test chooses (rpc ``sweep(now_iso)``).

The portfolio is tests/interventions/portfolio_fixture.py: C1, K1, MS-CUR normal, 24 h to
intervene and 72 h to repair, on U1 in B1. T0 = 2026-03-02 08:00 UTC.

- C1/D-1 requested T0 and never visited: its time to intervene is 90 % used at T0 + 21.6 h and
  breached at T0 + 24 h; its time to repair reaches 90 % only at T0 + 64.8 h.
- C1/D-2 requested T0, visit started T0 + 2 h: its time to intervene stopped early; its repair
  runs on, on track until T0 + 64.8 h.
"""

from datetime import datetime, timedelta

import pytest

from services.interventions import convert
from services.relay.outboxes import SOURCES, Outbox
from services.relay.publisher import ConfirmingPublisher
from services.relay.relay import Relay
from services.runtime.principal import EMBEDDED
from tests.alerts.stack import alerts_stack, wait_until
from tests.interventions.portfolio_fixture import T0, event, request
from tests.relay.conftest import interventions_service

H = timedelta(hours=1)
# Sweeps at these hours after T0, some twice: (hours, the alert keys that sweep raises).
SWEEPS = [
    (20, []),
    (22, ["deadline/C1/D-1/intervene/90"]),
    (22, []),
    (23, []),
    (25, ["deadline/C1/D-1/intervene/100"]),
    (25, []),
    (30, []),
]


def relay_once(pg_url: str, prefix: str, amqp_url: str, exchange: str) -> int:
    relay = Relay([Outbox(SOURCES["interventions"], pg_url, prefix)], ConfirmingPublisher(amqp_url, exchange))
    counts = relay.run(until_empty=True)
    for outbox in relay.outboxes:
        outbox.dispose()
    return counts.published["interventions"]


def levels(service, at: datetime) -> dict[tuple[str, str], str]:
    """The interventions service's deadline status at ``at``: (intervention, deadline) -> level."""
    report = service.deadline_status(EMBEDDED, at=at, contractor_id="", alerts_only=False, limit=100)
    return {(line["id"], line["kind"]): line["level"] for line in report.lines}


def alerted_levels(keys: set[str]) -> dict[tuple[str, str], str]:
    """The level the alerts raised so far say: BREACHED with a 100 % alert, ALERT_90 with a 90 % one."""
    out: dict[tuple[str, str], str] = {}
    for key in sorted(keys):
        _, contractor, ref, kind, pct = key.split("/")
        level = "BREACHED" if pct == "100" else "ALERT_90"
        if out.get((f"{contractor}/{ref}", kind)) != "BREACHED":
            out[(f"{contractor}/{ref}", kind)] = level
    return out


@pytest.mark.timeout(120)
def test_an_intervention_crossing_90_then_100_percent_yields_exactly_two_alerts(
    pg_url, amqp_url, schema_prefix, tmp_path
):
    service = interventions_service(pg_url, schema_prefix)
    events = [
        request("C1", "D-1", T0),
        request("C1", "D-2", T0),
        event("C1", "D-2", 2, "VISIT_STARTED", T0 + 2 * H, visit_number=1),
    ]
    for e in events:
        e.recorded_at.CopyFrom(e.event_time)
    assert service.ingest_batch(convert.batch_columns(events), EMBEDDED).rejected == []

    with alerts_stack(amqp_url, pg_url, schema_prefix, tmp_path) as stack:
        assert relay_once(pg_url, schema_prefix, amqp_url, stack.exchange) == 3
        wait_until(lambda: len(stack.table("alert_ticket_events")) == 1, "the visit kept by the alerts")
        assert sorted(t["intervention_id"] for t in stack.table("alert_tickets")) == ["C1/D-1", "C1/D-2"]

        raised: set[str] = set()
        for hours, expected in SWEEPS:
            at = T0 + hours * H
            keys = stack.sweep(at.isoformat())
            assert keys == expected, f"sweep at T0 + {hours} h"
            raised.update(keys)
            # the interventions service's deadline status at the same instant says the same
            status = {k: v for k, v in levels(service, at).items() if v != "ON_TRACK"}
            assert alerted_levels(raised) == status, f"at T0 + {hours} h"

        alerts = stack.table("alerts")
        assert sorted((a["key"], a["kind"], a["state"]) for a in alerts) == [
            ("deadline/C1/D-1/intervene/100", "deadline_breached", "logged"),
            ("deadline/C1/D-1/intervene/90", "deadline_alert", "logged"),
        ]
        due = {a["key"]: a["due_at"] for a in alerts}
        assert due["deadline/C1/D-1/intervene/90"] == T0 + timedelta(hours=21, minutes=36)
        assert due["deadline/C1/D-1/intervene/100"] == T0 + 24 * H
        # a restart re-delivers nothing new and a sweep after it raises nothing again
        stack.stop()
        stack.start()
        assert stack.sweep((T0 + 30 * H).isoformat()) == []
    service.store.engine.dispose()
