"""Publishing to RabbitMQ with publisher confirms, a batch at a time.

The messages of a batch are sent one after the other without waiting, then the broker's confirms
are awaited together (a confirm may cover every message up to its tag): a round trip per batch,
not per message. A batch counts as published only when every one of its messages is confirmed;
anything else (a refusal, a lost connection, no confirm in time) raises PublishFailed, and the
connection, whose state is then in doubt, is dropped: the next batch opens a new one.
"""

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlparse

import amqp

log = logging.getLogger("quitus.relay")

PERSISTENT = 2  # AMQP delivery mode: the broker writes the message to disk before confirming it


class PublishFailed(Exception):
    """A batch was not confirmed whole: none of it may be counted as published."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message: ``message_id`` is the event's stable id, ``body`` its JSON payload."""

    message_id: str
    routing_key: str
    occurred_at: datetime
    body: str
    source: str


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    host: str
    port: int
    userid: str
    password: str
    virtual_host: str

    @classmethod
    def parse(cls, url: str) -> "BrokerAddress":
        """``amqp://user:password@host:port/vhost`` (port 5672, vhost "/" when left out)."""
        parsed = urlparse(url)
        if parsed.scheme != "amqp" or not parsed.hostname:
            raise ValueError(f"not an amqp://user:password@host:port/vhost URL: {parsed.scheme}://{parsed.hostname}")
        vhost = unquote(parsed.path[1:]) if len(parsed.path) > 1 else "/"
        return cls(
            parsed.hostname,
            parsed.port or 5672,
            unquote(parsed.username or "guest"),
            unquote(parsed.password or "guest"),
            vhost,
        )

    def __str__(self) -> str:  # never the password
        return f"amqp://{self.userid}@{self.host}:{self.port}/{self.virtual_host.lstrip('/')}"


class ConfirmingPublisher:
    """A connection and a channel in confirm mode to one broker, publishing persistent messages
    to one topic exchange (declared durable on connecting)."""

    def __init__(
        self, url: str, exchange: str, *, connect_timeout_s: float = 5.0, confirm_timeout_s: float = 30.0
    ) -> None:
        self.address = BrokerAddress.parse(url)
        self.exchange = exchange
        self.connect_timeout_s = connect_timeout_s
        self.confirm_timeout_s = confirm_timeout_s
        self._connection: amqp.Connection | None = None
        self._channel: amqp.Channel | None = None
        self._next_tag = 1  # the broker numbers a channel's publications from 1
        self._pending: set[int] = set()
        self._refused: set[int] = set()

    def publish(self, messages: Sequence[Outgoing]) -> None:
        """Publish ``messages`` in their order and return once the broker confirmed every one."""
        if not messages:
            return
        try:
            channel = self._channel or self._connect()
            first = self._next_tag
            self._pending = set(range(first, first + len(messages)))
            self._refused = set()
            for message in messages:
                channel.basic_publish(_message(message), exchange=self.exchange, routing_key=message.routing_key)
                self._next_tag += 1
            self._await_confirms()
        except BaseException:
            self.close()  # a channel in doubt is never reused
            raise

    def close(self, *, graceful: bool = False) -> None:
        """Drop the connection: at once (after a failure, when it may be dead), or ``graceful``
        with the closing handshake, given 2 s (when stopping)."""
        connection, self._connection, self._channel = self._connection, None, None
        if connection is None:
            return
        try:
            if graceful and connection.connected:
                with connection.transport.having_timeout(2):
                    connection.close()
        except Exception as exc:  # a broker gone meanwhile: dropped below all the same
            log.debug("closing handshake failed", extra={"error": repr(exc)})
        finally:
            try:
                connection.collect()
            except Exception as exc:  # closing what is broken must not hide why it broke
                log.debug("dropping the broker connection failed", extra={"error": repr(exc)})

    def _connect(self) -> amqp.Channel:
        a = self.address
        connection = amqp.Connection(
            host=f"{a.host}:{a.port}",
            userid=a.userid,
            password=a.password,
            virtual_host=a.virtual_host,
            connect_timeout=self.connect_timeout_s,
            write_timeout=self.confirm_timeout_s,
        )
        self._connection = connection
        connection.connect()
        channel = connection.channel()
        channel.exchange_declare(self.exchange, "topic", durable=True, auto_delete=False)
        channel.confirm_select()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        self._channel, self._next_tag = channel, 1
        log.info("connected to the broker", extra={"broker": str(a), "exchange": self.exchange})
        return channel

    def _on_ack(self, tag: int, multiple: bool) -> None:
        self._settle(tag, multiple)

    def _on_nack(self, tag: int, multiple: bool) -> None:
        self._refused.update(self._settle(tag, multiple))

    def _settle(self, tag: int, multiple: bool) -> set[int]:
        settled = {t for t in self._pending if t <= tag} if multiple else {tag} & self._pending
        self._pending -= settled
        return settled

    def _await_confirms(self) -> None:
        assert self._connection is not None
        deadline = time.monotonic() + self.confirm_timeout_s
        while self._pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishFailed(f"{len(self._pending)} message(s) not confirmed within {self.confirm_timeout_s} s")
            try:
                self._connection.drain_events(timeout=remaining)
            except TimeoutError:  # socket.timeout is TimeoutError
                continue  # the loop raises once the deadline has passed
        if self._refused:
            raise PublishFailed(f"the broker refused {len(self._refused)} message(s) (basic.nack)")


def _message(message: Outgoing) -> amqp.Message:
    return amqp.Message(
        message.body,
        content_type="application/json",
        content_encoding="utf-8",
        delivery_mode=PERSISTENT,
        message_id=message.message_id,
        type=message.routing_key,
        timestamp=int(message.occurred_at.timestamp()),
        app_id="quitus-relay",
        headers={"source": message.source},
    )
