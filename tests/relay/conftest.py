"""What the relay tests share: an interventions service holding announced events, an exchange of
the test's own with a queue bound to every routing key, and the outbox rows as stored."""

import json
import uuid
from dataclasses import dataclass

import amqp
import pytest
from sqlalchemy import select

from services.interventions import convert
from services.interventions import models as m
from services.interventions.service import InterventionsService
from services.runtime.principal import EMBEDDED
from tests.interventions.test_grpc import lifecycle
from tests.interventions.test_replicas import import_fixture_portfolio, replica

# Of the six events of tests.interventions.test_grpc.lifecycle, four are announced: requested,
# visit started, resolved, closed (visit ended and quitus are not).
ANNOUNCED_PER_LIFECYCLE = 4


@dataclass(frozen=True)
class Received:
    message_id: str
    routing_key: str
    body: dict
    properties: dict


class EventsQueue:
    """A topic exchange named for one test and a queue bound to it with ``#`` (every event)."""

    def __init__(self, url: str) -> None:
        from services.relay.publisher import BrokerAddress

        a = BrokerAddress.parse(url)
        self.url = url
        self.exchange = f"quitus.events.test.{uuid.uuid4().hex[:8]}"
        self.queue = f"{self.exchange}.all"
        self.connection = amqp.Connection(
            host=f"{a.host}:{a.port}", userid=a.userid, password=a.password, virtual_host=a.virtual_host
        )
        self.connection.connect()
        self.channel = self.connection.channel()
        self.channel.exchange_declare(self.exchange, "topic", durable=True, auto_delete=False)
        self.channel.queue_declare(self.queue, durable=True, auto_delete=False)
        self.channel.queue_bind(self.queue, self.exchange, "#")

    def waiting(self) -> int:
        """Messages in the queue now."""
        return self.channel.queue_declare(self.queue, passive=True).message_count

    def drain(self) -> list[Received]:
        """Every message in the queue, in queue order (each acknowledged)."""
        got = []
        while (message := self.channel.basic_get(self.queue)) is not None:
            self.channel.basic_ack(message.delivery_tag)
            got.append(
                Received(
                    message.properties["message_id"],
                    message.delivery_info["routing_key"],
                    json.loads(message.body),
                    dict(message.properties),
                )
            )
        return got

    def close(self) -> None:
        self.channel.queue_delete(self.queue)
        self.channel.exchange_delete(self.exchange)
        self.connection.close()


@pytest.fixture
def events_queue(amqp_url):
    queue = EventsQueue(amqp_url)
    yield queue
    queue.close()


def interventions_service(url: str, prefix: str) -> InterventionsService:
    """The interventions service on a migrated schema, holding tests/interventions' portfolio."""
    service = replica(url, prefix + "interventions")
    import_fixture_portfolio(service)
    return service


def ingest_lifecycles(service: InterventionsService, tickets: int, prefix: str = "T") -> None:
    """``tickets`` whole life cycles (tests.interventions.test_grpc.lifecycle), 100 tickets a batch."""
    for start in range(0, tickets, 100):
        events = [e for n in range(start, min(tickets, start + 100)) for e in lifecycle(f"{prefix}-{n}")]
        for e in events:
            e.recorded_at.CopyFrom(e.event_time)
        outcome = service.ingest_batch(convert.batch_columns(events), EMBEDDED)
        assert outcome.rejected == []


def stored_outbox(service: InterventionsService) -> list[dict]:
    with service.store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(m.outbox).order_by(m.outbox.c.id)).mappings()]
