"""The relay on the real PostgreSQL (and SQLite) and RabbitMQ: every outbox row reaches the
exchange, is marked sent only once confirmed, and is counted on a queue bound to the exchange.

The outbox is filled by the interventions service itself: each life cycle of
tests.interventions.test_grpc.lifecycle announces 4 events (ANNOUNCED_PER_LIFECYCLE).
"""

import socket
import threading
import time
from collections import Counter
from urllib.parse import urlparse

import pytest

from services.relay.backoff import Backoff
from services.relay.outboxes import SOURCES, Outbox
from services.relay.publisher import ConfirmingPublisher
from services.relay.relay import Relay
from tests.relay.conftest import ANNOUNCED_PER_LIFECYCLE, ingest_lifecycles, interventions_service, stored_outbox
from tests.relay.tcp_proxy import TcpProxy

FAST_RETRIES = dict(first_s=0.05, max_s=0.5)


class Killed(BaseException):
    """Stands for the relay's process being killed: nothing of the relay runs after it."""


def interventions_outbox(url: str, prefix: str) -> Outbox:
    return Outbox(SOURCES["interventions"], url, prefix)


def relay_for(url: str, prefix: str, amqp_url: str, exchange: str, *, batch_size: int, publisher=None) -> Relay:
    return Relay(
        [interventions_outbox(url, prefix)],
        publisher or ConfirmingPublisher(amqp_url, exchange),
        batch_size=batch_size,
        idle_s=0.02,
        backoff=lambda: Backoff(**FAST_RETRIES),
    )


def filled_outbox(url: str, prefix: str, tickets: int) -> list[str]:
    """The message ids of the outbox rows of ``tickets`` life cycles, in id order."""
    service = interventions_service(url, prefix)
    ingest_lifecycles(service, tickets)
    ids = [r["message_id"] for r in stored_outbox(service)]
    service.store.engine.dispose()
    assert len(ids) == tickets * ANNOUNCED_PER_LIFECYCLE
    return ids


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def in_thread(relay: Relay) -> threading.Thread:
    thread = threading.Thread(target=relay.run, kwargs={"until_empty": True}, daemon=True)
    thread.start()
    return thread


def test_every_row_is_published_once_and_marked_sent(database, events_queue):
    """300 life cycles: 1,200 rows, published in batches of 250 (the last one 200). The queue
    holds 1,200 messages, in the outbox's order, each persistent, as JSON, with its row's message
    id and routing key; every row is marked sent; a second run finds nothing to publish. On SQLite
    the one relay the embedded default needs; on PostgreSQL the same, claimed with SKIP LOCKED."""
    url, prefix = database
    ids = filled_outbox(url, prefix, 300)
    relay = relay_for(url, prefix, events_queue.url, events_queue.exchange, batch_size=250)
    assert relay.run(until_empty=True).published == {"interventions": 1200}
    received = events_queue.drain()
    assert [r.message_id for r in received] == ids
    assert {(r.properties["delivery_mode"], r.properties["content_type"]) for r in received} == {
        (2, "application/json")
    }
    assert Counter(r.routing_key for r in received) == {
        "interventions.requested": 300,
        "interventions.visit_started": 300,
        "interventions.resolved": 300,
        "interventions.closed": 300,
    }
    assert all(r.properties["type"] == r.routing_key for r in received)
    assert all(r.message_id.endswith(f"{r.body['intervention_id']}#{r.body['sequence']}") for r in received)
    outbox = interventions_outbox(url, prefix)
    assert outbox.unsent_count() == 0
    again = relay_for(url, prefix, events_queue.url, events_queue.exchange, batch_size=250)
    assert again.run(until_empty=True).published == {"interventions": 0}
    assert events_queue.waiting() == 0
    outbox.dispose()


def test_a_broker_out_of_reach_delays_the_events_and_loses_none(pg_url, schema_prefix, events_queue):
    """The relay pointed at a port where nothing listens: for 1.5 s every attempt fails (it backs
    off and tries again), nothing is marked sent, nothing reaches the queue. The same rows through
    the real broker afterwards: each of the 400 once."""
    ids = filled_outbox(pg_url, schema_prefix, 100)
    nowhere = f"amqp://guest:guest@127.0.0.1:{closed_port()}/"
    down = relay_for(pg_url, schema_prefix, nowhere, events_queue.exchange, batch_size=100)
    thread = in_thread(down)
    time.sleep(1.5)
    down.stop()
    thread.join(10)
    assert down.counts.failures >= 3 and down.counts.published == {"interventions": 0}
    outbox = interventions_outbox(pg_url, schema_prefix)
    assert outbox.unsent_count() == 400
    assert events_queue.waiting() == 0

    up = relay_for(pg_url, schema_prefix, events_queue.url, events_queue.exchange, batch_size=100)
    assert up.run(until_empty=True).published == {"interventions": 400}
    assert sorted(r.message_id for r in events_queue.drain()) == sorted(ids)
    assert outbox.unsent_count() == 0
    outbox.dispose()


class SlowPublisher(ConfirmingPublisher):
    """A publisher that takes 5 ms more per batch, so that a run lasts long enough to be cut."""

    def publish(self, messages):
        time.sleep(0.005)
        super().publish(messages)


def test_the_broker_going_away_mid_run_loses_nothing(pg_url, schema_prefix, events_queue):
    """1,500 life cycles (6,000 rows) in batches of 100, through a TCP forwarder in front of
    RabbitMQ. Once some rows are sent, the forwarder drops every connection and refuses new ones
    for 1 s, then forwards again. The relay fails (at least once), backs off, reconnects and goes
    on: every row is marked sent and every message id is on the queue. A batch cut between the
    broker's confirm and the relay's mark is published again, so at most one batch (100) comes
    twice; nothing comes three times."""
    ids = filled_outbox(pg_url, schema_prefix, 1500)
    broker = urlparse(events_queue.url)
    proxy = TcpProxy(broker.hostname, broker.port or 5672)
    via_proxy = f"amqp://guest:guest@127.0.0.1:{proxy.port}/"
    relay = relay_for(
        pg_url,
        schema_prefix,
        via_proxy,
        events_queue.exchange,
        batch_size=100,
        publisher=SlowPublisher(via_proxy, events_queue.exchange, confirm_timeout_s=5),
    )
    outbox = interventions_outbox(pg_url, schema_prefix)
    thread = in_thread(relay)
    deadline = time.monotonic() + 30
    while outbox.unsent_count() > 5000 and time.monotonic() < deadline:
        time.sleep(0.01)
    proxy.cut()
    time.sleep(1.0)
    assert outbox.unsent_count() > 0, "the relay finished before the broker went away: nothing was tested"
    proxy.restore()
    thread.join(60)
    assert not thread.is_alive()
    proxy.close()
    assert relay.counts.failures >= 1 and proxy.connections >= 2
    assert outbox.unsent_count() == 0
    seen = Counter(r.message_id for r in events_queue.drain())
    assert set(seen) == set(ids)
    assert sum(seen.values()) - len(ids) <= 100 and max(seen.values()) <= 2
    outbox.dispose()


class KilledAfterConfirm(ConfirmingPublisher):
    """Publishes (and has confirmed) its third batch, then the process is killed before the
    relay marks it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.batches = 0

    def publish(self, messages):
        super().publish(messages)
        self.batches += 1
        if self.batches == 3:
            raise Killed()


def test_a_relay_killed_between_confirm_and_mark_publishes_the_batch_again(pg_url, schema_prefix, events_queue):
    """100 life cycles: 400 rows in batches of 50. The relay is killed once the broker confirmed
    its third batch (rows 101-150) and before it marked it: the transaction holding the batch is
    rolled back, rows 101-150 stay unsent. The next relay publishes rows 101-400: the queue holds
    450 messages, the 50 of the third batch twice, each time with the same message id (what
    consumers drop duplicates by); every row is marked sent."""
    ids = filled_outbox(pg_url, schema_prefix, 100)
    dying = relay_for(
        pg_url,
        schema_prefix,
        events_queue.url,
        events_queue.exchange,
        batch_size=50,
        publisher=KilledAfterConfirm(events_queue.url, events_queue.exchange),
    )
    with pytest.raises(Killed):
        dying.run(until_empty=True)
    outbox = interventions_outbox(pg_url, schema_prefix)
    assert outbox.unsent_count() == 300
    after = relay_for(pg_url, schema_prefix, events_queue.url, events_queue.exchange, batch_size=50)
    assert after.run(until_empty=True).published == {"interventions": 300}
    received = [r.message_id for r in events_queue.drain()]
    assert len(received) == 450
    twice = {i for i, n in Counter(received).items() if n == 2}
    assert twice == set(ids[100:150]) and set(received) == set(ids)
    assert outbox.unsent_count() == 0
    outbox.dispose()


class RecordingPublisher(ConfirmingPublisher):
    """Remembers the message ids it published, and takes 2 ms more per batch so that two relays
    overlap."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.published: list[str] = []

    def publish(self, messages):
        time.sleep(0.002)
        super().publish(messages)
        self.published += [m.message_id for m in messages]


def test_two_relays_at_once_never_publish_the_same_row(pg_url, schema_prefix, events_queue):
    """1,000 life cycles (4,000 rows), two relays on the same outbox at once, batches of 50. Each
    claims its batch with SKIP LOCKED: the two publish disjoint sets of rows, both take part,
    together they publish every row, and the queue holds 4,000 messages, each id once."""
    ids = filled_outbox(pg_url, schema_prefix, 1000)
    publishers = [RecordingPublisher(events_queue.url, events_queue.exchange) for _ in range(2)]
    relays = [
        relay_for(pg_url, schema_prefix, events_queue.url, events_queue.exchange, batch_size=50, publisher=p)
        for p in publishers
    ]
    threads = [in_thread(r) for r in relays]
    for t in threads:
        t.join(60)
    a, b = (set(p.published) for p in publishers)
    assert a and b and not (a & b)
    assert a | b == set(ids)
    received = [r.message_id for r in events_queue.drain()]
    assert len(received) == 4000 and set(received) == set(ids)
    outbox = interventions_outbox(pg_url, schema_prefix)
    assert outbox.unsent_count() == 0
    outbox.dispose()


def test_an_outbox_that_fails_does_not_hold_the_others_back(pg_url, schema_prefix, events_queue):
    """The relay reads two outboxes: the interventions' (400 rows) and the consumption's, whose
    service never migrated its schema (no table: reading it fails). Each outbox backs off on its
    own, from 20 s (so at least 10 s before the consumption's is tried again): the interventions'
    400 rows all reach the queue meanwhile, and the consumption's failed once."""
    ids = filled_outbox(pg_url, schema_prefix, 100)
    interventions = interventions_outbox(pg_url, schema_prefix)
    relay = Relay(
        [Outbox(SOURCES["consumption"], pg_url, schema_prefix), interventions],
        ConfirmingPublisher(events_queue.url, events_queue.exchange),
        batch_size=100,
        idle_s=0.02,
        backoff=lambda: Backoff(first_s=20.0, max_s=20.0),
    )
    started = time.monotonic()
    thread = in_thread(relay)
    while interventions.unsent_count() and time.monotonic() - started < 10:
        time.sleep(0.02)
    relay.stop()
    thread.join(10)
    assert time.monotonic() - started < 10
    assert relay.counts.published == {"consumption": 0, "interventions": 400}
    assert relay.counts.failures == 1
    assert sorted(r.message_id for r in events_queue.drain()) == sorted(ids)
    for outbox in relay.outboxes:
        outbox.dispose()
