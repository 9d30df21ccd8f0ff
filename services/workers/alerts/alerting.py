"""The alerts' work, with no nameko in it (service.py wires it to the broker and the timers).

- ``take(message_id, routing_key, payload)``: keep the fact an event brings (idempotent).
- ``sweep(now)``: raise every alert due at ``now`` (deadlines, faults, unattended faults, heating
  runs, data quality), each once; log them. All alerts come from the sweep, one at a time (an
  advisory lock across processes), so two events of one fault handled at once cannot both open it.
- ``deliver()``: POST the pending alerts whose attempt is due (real clock); back off after a failure.
"""

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from services.workers.alerts.domain.alerts import Alert
from services.workers.alerts.domain.anomalies import (
    HEATING_TRADES,
    HEATING_USAGES,
    anomaly_alerts,
    heating_runs,
    unattended_alert,
)
from services.workers.alerts.domain.deadlines import deadline_alerts, settled
from services.workers.alerts.domain.delivery import retry_delay_s
from services.workers.alerts.domain.events import read_event
from services.workers.alerts.domain.quality import Counts, quality_alert, window_quality
from services.workers.alerts.settings import AlertsSettings
from services.workers.alerts.sinks import DeliveryFailed, Webhook, log_alert
from services.workers.alerts.store import LOGGED, PENDING, AlertStore

log = logging.getLogger("quitus.alerts")

# (window start, window end) -> per contractor (start counts or None, end counts)
QualitySource = Callable[[datetime, datetime], dict[str, tuple[Counts | None, Counts]]]


class Alerting:
    def __init__(
        self,
        store: AlertStore,
        settings: AlertsSettings,
        quality_source: QualitySource | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.settings = settings
        self.quality_source = quality_source
        self.clock = clock
        secret = settings.webhook_secret.get_secret_value()
        if settings.webhook_url and not secret:
            raise ValueError("QUITUS_ALERTS_WEBHOOK_SECRET is empty: a webhook's deliveries must be signed")
        # one delivery pass at a time in a process (the timer's and a sweep's); across processes
        # the rows are held (PostgreSQL)
        self._delivering = threading.Lock()
        self._quality_checked_at: datetime | None = None
        self.webhook = (
            Webhook(settings.webhook_url, secret, settings.webhook_timeout_s) if settings.webhook_url else None
        )

    def take(self, message_id: str, routing_key: str, payload: Any) -> bool:
        """Keep what the event says; False for an event of no use here or seen before. Raises
        BadEvent for an event that cannot be read."""
        fact = read_event(message_id, routing_key, payload)
        return fact is not None and self.store.record(fact)

    def sweep(self, now: datetime) -> list[Alert]:
        """Raise the alerts due at ``now``. -> those raised by this sweep (none when another
        sweep holds the lock). Each rule stores its alerts before it marks what it judged, so
        a sweep stopped in between finds the same alerts again next time (raised once)."""
        with self.store.sweep_lock() as mine:
            if not mine:
                return []
            raised: list[Alert] = []
            for rule in (self._deadlines, self._faults, self._unattended, self._heating_runs, self._quality):
                raised.extend(rule(now))
            return raised

    def _keep(self, alerts: list[Alert], now: datetime) -> list[Alert]:
        if self.settings.max_age_days > 0:
            oldest = now - timedelta(days=self.settings.max_age_days)
            stale = [a for a in alerts if a.due_at < oldest]
            if stale:
                alerts = [a for a in alerts if a.due_at >= oldest]
                log.info("stale alerts not raised", extra={"count": len(stale), "first_key": stale[0].key})
        new = self.store.raise_alerts(alerts, now, PENDING if self.webhook else LOGGED)
        for alert in new:
            log_alert({**_row(alert), "id": alert.id})
        return new

    def _deadlines(self, now: datetime) -> list[Alert]:
        tickets = self.store.open_tickets()
        new = self._keep([a for t in tickets for a in deadline_alerts(t, now, self.settings.alert_share)], now)
        self.store.settle([t.intervention_id for t in tickets if settled(t, now)])
        return new

    def _faults(self, now: datetime) -> list[Alert]:
        found = self.store.unjudged_anomalies()
        if not found:
            return []
        known = self.store.judged_anomalies(sorted({a.meter_ref for a in found}))
        alerts, faults = anomaly_alerts(found, known, timedelta(days=self.settings.fault_gap_days))
        new = self._keep(alerts, now)
        self.store.judge(faults)
        return new

    def _unattended(self, now: datetime) -> list[Alert]:
        days = self.settings.unattended_days
        candidates = self.store.unattended_candidates(now - timedelta(days=days))
        if not candidates:
            return []
        since = min(a.window_start for a in candidates)
        tickets = self.store.tickets_on(sorted({a.building_id for a in candidates}), since)
        alerts = [alert for a in candidates if (alert := unattended_alert(a, tickets, now, days)) is not None]
        new = self._keep(alerts, now)
        self.store.unattended_checked([a.message_id for a in candidates])
        return new

    def _heating_runs(self, now: datetime) -> list[Alert]:
        days = self.settings.heating_run_days
        # A run ends within its span of the first request: looking back two spans finds every run still growing.
        since = now - timedelta(days=2 * days)
        tickets = [t for t in self.store.curative_heating_tickets(since, HEATING_TRADES) if t.requested_at <= now]
        if len(tickets) < self.settings.heating_run_count:
            return []
        buildings = sorted({t.building_id for t in tickets})
        anomalies = self.store.heating_anomalies(buildings, HEATING_USAGES, since - timedelta(days=days))
        claimed = self.store.run_tickets(buildings)
        runs = heating_runs(tickets, anomalies, count=self.settings.heating_run_count, days=days, claimed=claimed)
        return self._keep(runs, now)

    def _quality(self, now: datetime) -> list[Alert]:
        if self.quality_source is None:
            return []
        last = self._quality_checked_at
        if last is not None and abs((now - last).total_seconds()) < self.settings.quality_every_s:
            return []
        self._quality_checked_at = now
        days = self.settings.quality_days
        try:
            figures = self.quality_source(now - timedelta(days=days), now)
        except Exception as exc:  # the other rules have had their say; this one waits for the next sweep
            log.warning("data quality unavailable", extra={"error": f"{type(exc).__name__}: {exc}"[:300]})
            return []
        episodes = self.store.quality_episodes()
        alerts, rows = [], []
        for contractor, (start, end) in sorted(figures.items()):
            quality = window_quality(contractor, start, end)
            if quality is None:
                continue
            target = self.settings.quality_target
            alert, below_since = quality_alert(quality, episodes.get(contractor), now, target, days)
            if alert is not None:
                alerts.append(alert)
            rows.append(
                {
                    "contractor_id": contractor,
                    "below_since": below_since,
                    "share": quality.share,
                    "received": quality.received,
                    "checked_at": now,
                }
            )
        new = self._keep(alerts, now)
        self.store.set_quality(rows)
        return new

    def deliver(self, limit: int = 50) -> tuple[int, int]:
        """POST the pending alerts whose attempt is due (on the real clock). -> (delivered, failed attempts)."""
        if self.webhook is None or not self._delivering.acquire(blocking=False):
            return 0, 0
        try:
            return self._deliver(limit)
        finally:
            self._delivering.release()

    def _deliver(self, limit: int) -> tuple[int, int]:
        assert self.webhook is not None
        done = failures = 0
        with self.store.due_deliveries(self.clock(), limit) as (conn, due):
            for alert in due:
                try:
                    self.webhook.post(alert)
                except DeliveryFailed as exc:
                    failures += 1
                    attempts = alert["attempts"] + 1
                    last = attempts >= self.settings.max_attempts
                    delay = retry_delay_s(attempts, self.settings.retry_first_s, self.settings.retry_max_s)
                    retry_at = None if last else self.clock() + timedelta(seconds=delay)
                    self.store.failed_attempt(conn, alert["id"], str(exc), retry_at)
                    log.warning(
                        "webhook delivery failed" + ("; giving up" if last else ", retrying later"),
                        extra={"alert_id": alert["id"], "attempt": attempts, "error": str(exc), "retry_in_s": delay},
                    )
                    continue
                self.store.delivered(conn, alert["id"], self.clock())
                done += 1
        return done, failures


def _row(alert: Alert) -> dict[str, Any]:
    return {
        "kind": alert.kind,
        "subject": alert.subject,
        "building_id": alert.building_id,
        "contractor_id": alert.contractor_id,
        "message": alert.message,
    }
