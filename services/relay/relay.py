"""The relay's loop: each outbox in turn, a batch at a time, until stopped.

A failure (broker or database unreachable, a batch not confirmed) leaves the batch unsent and
the relay waits (Backoff) before trying again: an outage delays events and loses none. A row is
marked sent only after the broker confirmed it, so a relay stopped between the two publishes it
again when it restarts, with the same message id (at least once; consumers drop duplicates).
"""

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from services.relay.backoff import Backoff
from services.relay.outboxes import Outbox
from services.relay.publisher import ConfirmingPublisher

log = logging.getLogger("quitus.relay")


@dataclass
class RelayCounts:
    published: dict[str, int] = field(default_factory=dict)  # per source
    failures: int = 0


class Relay:
    def __init__(
        self,
        outboxes: Sequence[Outbox],
        publisher: ConfirmingPublisher,
        *,
        batch_size: int = 500,
        idle_s: float = 0.2,
        backoff: Backoff | None = None,
        keep_sent: timedelta | None = timedelta(days=7),
        purge_every_s: float = 600.0,
    ) -> None:
        self.outboxes = list(outboxes)
        self.publisher = publisher
        self.batch_size = batch_size
        self.idle_s = idle_s
        self.backoff = backoff or Backoff()
        self.keep_sent = keep_sent
        self.purge_every_s = purge_every_s
        self.counts = RelayCounts({o.source.name: 0 for o in self.outboxes})
        self.stopping = threading.Event()
        self._last_purge = 0.0

    def run(self, *, until_empty: bool = False) -> RelayCounts:
        """Relay until ``stop()`` (or, ``until_empty``, until every outbox is found empty)."""
        try:
            while not self.stopping.is_set():
                try:
                    moved = self.pass_once()
                    self._purge_now_and_then()
                except Exception as exc:
                    self.publisher.close()
                    self.counts.failures += 1
                    delay = self.backoff.next_delay()
                    log.warning(
                        "relaying failed, retrying later",
                        extra={"error": f"{type(exc).__name__}: {exc}"[:300], "retry_in_s": round(delay, 2)},
                    )
                    self.stopping.wait(delay)
                    continue
                self.backoff.reset()
                if moved == 0:
                    if until_empty:
                        break
                    self.stopping.wait(self.idle_s)
        finally:
            self.publisher.close(graceful=True)
        return self.counts

    def stop(self) -> None:
        """Finish the batch in hand, then return from run()."""
        self.stopping.set()

    def pass_once(self) -> int:
        """One batch from each outbox, again while one of them is full. -> rows published."""
        total = 0
        while not self.stopping.is_set():
            moved = 0
            full = False
            for outbox in self.outboxes:
                n = outbox.relay_batch(self.publisher.publish, self.batch_size)
                self.counts.published[outbox.source.name] += n
                moved += n
                full = full or n == self.batch_size
            total += moved
            if not full:
                break
        return total

    def _purge_now_and_then(self) -> None:
        if self.keep_sent is None or time.monotonic() - self._last_purge < self.purge_every_s:
            return
        self._last_purge = time.monotonic()
        for outbox in self.outboxes:
            purged = outbox.purge_sent(self.keep_sent)
            if purged:
                log.info("purged sent rows", extra={"source": outbox.source.name, "rows": purged})
