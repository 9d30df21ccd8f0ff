"""The alerts as a nameko service: ``nameko run services.workers.alerts.service`` (with the
config of README, "Alerts").

- An own durable queue on the relay's topic exchange, bound to interventions.* and
  consumption.anomaly_found.*: each event's fact is kept (the message is acknowledged after, so
  a crash re-delivers it, which the message id makes harmless).
- A timer sweeps every QUITUS_ALERTS_SWEEP_EVERY_S on the real clock; the rpc ``sweep(now_iso)``
  sweeps at an instant given (tests, catching up by hand).
- A timer delivers the pending alerts to the webhook every QUITUS_ALERTS_DELIVER_EVERY_S.

The relay's messages are not nameko's (no nameko headers): EventConsumer hands the method the
message's routing key and id besides its JSON body. The quality check's gRPC calls are unary,
through eventlet.tpool (DESIGN section 7): no streaming call, no server in this process.
"""

import os

# psycopg 3 blocks the eventlet hub otherwise (DESIGN section 7): set before psycopg is imported.
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

import logging  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from functools import partial  # noqa: E402

import eventlet  # noqa: E402
from eventlet import tpool  # noqa: E402
from kombu import Exchange, Queue, binding  # noqa: E402
from nameko.exceptions import ContainerBeingKilled  # noqa: E402
from nameko.extensions import DependencyProvider  # noqa: E402
from nameko.messaging import Consumer  # noqa: E402
from nameko.rpc import rpc  # noqa: E402
from nameko.timer import timer  # noqa: E402

from services.runtime.db import make_engine  # noqa: E402
from services.runtime.log import configure_logging  # noqa: E402
from services.runtime.migrate import upgrade  # noqa: E402
from services.runtime.settings import get_settings  # noqa: E402
from services.workers.alerts.alerting import Alerting  # noqa: E402
from services.workers.alerts.domain.events import ROUTING_KEYS, BadEvent  # noqa: E402
from services.workers.alerts.settings import AlertsSettings  # noqa: E402
from services.workers.alerts.store import AlertStore  # noqa: E402
from services.workers.heartbeat import Heartbeat  # noqa: E402

log = logging.getLogger("quitus.alerts")
SETTINGS = AlertsSettings()
EVENTS = Exchange(SETTINGS.exchange, type="topic", durable=True)
QUEUE = Queue(
    SETTINGS.queue, bindings=[binding(EVENTS, routing_key=key) for key in ROUTING_KEYS], durable=True, auto_delete=False
)


class AlertsFailure(Exception):
    """What an rpc caller gets instead of an error nameko cannot carry."""


class EventConsumer(Consumer):
    def handle_message(self, body, message):
        args = (message.delivery_info.get("routing_key", ""), message.properties.get("message_id", ""), body)
        try:
            self.container.spawn_worker(
                self,
                args,
                {},
                context_data=self.unpack_message_headers(message),
                handle_result=partial(self.handle_result, message),
            )
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)


consume_events = EventConsumer.decorator


class AlertingProvider(DependencyProvider):
    """One Alerting per process, on the migrated ``alerts`` schema."""

    def setup(self):
        settings = get_settings()
        configure_logging(settings.log_level)
        engine = make_engine(settings.database_url, settings.schema_prefix + "alerts")
        upgrade(engine, "services.workers.alerts")
        quality = None
        if SETTINGS.quality_check:
            from services.workers.alerts.quality_source import QualityClient

            client = QualityClient(settings.interventions_address, settings.service_token.get_secret_value())
            quality = partial(tpool.execute, client.window)
        self.alerting = Alerting(AlertStore(engine), SETTINGS, quality)

    def stop(self):
        self.alerting.store.engine.dispose()

    def get_dependency(self, worker_ctx):
        return self.alerting


class AlertsService:
    name = SETTINGS.service_name
    alerting: Alerting = AlertingProvider()
    heartbeat = Heartbeat()

    @consume_events(QUEUE, requeue_on_error=True)
    def on_event(self, routing_key: str, message_id: str, body) -> None:
        try:
            self.alerting.take(message_id, routing_key, body)
        except BadEvent as bad:  # a message nobody can read: dropped with its reason, never re-delivered
            log.error("event dropped", extra={"routing_key": routing_key, "message_id": message_id, "error": str(bad)})
        except Exception as exc:  # the database away: back to the queue, after a pause so as not to spin
            log.warning("event not kept, re-queued", extra={"message_id": message_id, "error": repr(exc)[:300]})
            eventlet.sleep(1.0)
            raise

    @timer(interval=max(SETTINGS.sweep_every_s, 1.0))
    def sweep_now(self) -> None:
        if SETTINGS.sweep_every_s > 0:
            self._sweep(datetime.now(UTC))

    @rpc
    def sweep(self, now_iso: str) -> list[str]:
        """Sweep at ``now_iso`` (ISO 8601 with its offset). -> the keys of the alerts raised."""
        now = datetime.fromisoformat(now_iso)
        if now.tzinfo is None:
            raise AlertsFailure(f"now_iso {now_iso!r} has no UTC offset")
        return [alert.key for alert in self._sweep(now)]

    @rpc
    def ping(self) -> str:
        """A real probe: answers once the service consumes from RabbitMQ and reached its database."""
        self.alerting.store.list_alerts(limit=1)
        return "pong"

    @timer(interval=SETTINGS.deliver_every_s)
    def deliver(self) -> None:
        try:
            self.alerting.deliver()
        except Exception as exc:
            log.warning("delivering alerts failed", extra={"error": repr(exc)[:300]})

    def _sweep(self, now: datetime):
        try:
            alerts = self.alerting.sweep(now)
        except Exception as exc:  # a gRPC or database error would not cross nameko's serialiser
            log.error("sweep failed", extra={"error": repr(exc)[:300]})
            raise AlertsFailure(f"sweep at {now.isoformat()} failed: {type(exc).__name__}: {exc}"[:500]) from None
        if alerts:
            try:
                self.alerting.deliver()
            except Exception as exc:  # raised all the same: the timer delivers them later
                log.warning("delivering alerts failed", extra={"error": repr(exc)[:300]})
        return alerts
