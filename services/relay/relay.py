"""The relay's loop: each outbox in turn, a batch at a time, until stopped.

A failure (broker or database unreachable, a batch not confirmed, an outbox table not there yet)
leaves the batch unsent, and that outbox waits (its own Backoff) before it is tried again, while
the others go on: an outage delays events and loses none. A row is marked sent only after the
broker confirmed it, so a relay stopped between the two publishes it again when it restarts,
with the same message id (at least once; consumers drop duplicates).
"""

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from services.relay.backoff import Backoff
from services.relay.outboxes import Outbox
from services.relay.publisher import ConfirmingPublisher
from services.runtime.heartbeat import beat

log = logging.getLogger("quitus.relay")


@dataclass
class RelayCounts:
    published: dict[str, int] = field(default_factory=dict)  # per source
    failures: int = 0


@dataclass
class _Turn:
    """An outbox and when it may be tried again after failing."""

    outbox: Outbox
    backoff: Backoff
    retry_at: float = 0.0


class Relay:
    def __init__(
        self,
        outboxes: Sequence[Outbox],
        publisher: ConfirmingPublisher,
        *,
        batch_size: int = 500,
        idle_s: float = 0.2,
        backoff: Callable[[], Backoff] = Backoff,
        keep_sent: timedelta | None = timedelta(days=7),
        purge_every_s: float = 600.0,
        heartbeat: Path | None = None,
    ) -> None:
        """``backoff`` makes each outbox's Backoff; ``heartbeat``: a file touched at every turn of the
        loop, whose age a container probe checks (services.runtime.heartbeat)."""
        self.heartbeat = heartbeat
        self.outboxes = list(outboxes)
        self.publisher = publisher
        self.batch_size = batch_size
        self.idle_s = idle_s
        self.keep_sent = keep_sent
        self.purge_every_s = purge_every_s
        self.counts = RelayCounts({o.source.name: 0 for o in self.outboxes})
        self.stopping = threading.Event()
        self._turns = [_Turn(o, backoff()) for o in self.outboxes]
        self._last_purge = 0.0
        self._last_report = time.monotonic()
        self._reported = dict(self.counts.published)

    def run(self, *, until_empty: bool = False) -> RelayCounts:
        """Relay until ``stop()`` (or, ``until_empty``, until a pass finds every outbox empty and
        none failing)."""
        try:
            while not self.stopping.is_set():
                if self.heartbeat is not None:
                    beat(self.heartbeat)
                moved, failed = self.pass_once()
                self._purge_now_and_then()
                self._report_now_and_then()
                if moved == 0:
                    if until_empty and not failed:
                        break
                    self.stopping.wait(self._pause())
        finally:
            self.publisher.close(graceful=True)
        return self.counts

    def stop(self) -> None:
        """Finish the batch in hand, then return from run()."""
        self.stopping.set()

    def pass_once(self) -> tuple[int, bool]:
        """One batch from each outbox not waiting after a failure, again while one of them is
        full. -> (rows published, whether an outbox failed or is still waiting)."""
        total = 0
        while not self.stopping.is_set():
            moved, full = 0, False
            for turn in self._turns:
                if turn.retry_at > time.monotonic():
                    continue
                n = self._relay(turn)
                moved += n
                full = full or n == self.batch_size
            total += moved
            if not full:
                break
        return total, any(t.retry_at > time.monotonic() for t in self._turns)

    def _relay(self, turn: _Turn) -> int:
        name = turn.outbox.source.name
        try:
            n = turn.outbox.relay_batch(self.publisher.publish, self.batch_size)
        except Exception as exc:
            self.counts.failures += 1
            delay = turn.backoff.next_delay()
            turn.retry_at = time.monotonic() + delay
            log.warning(
                "relaying failed, retrying later",
                extra={"source": name, "error": f"{type(exc).__name__}: {exc}"[:300], "retry_in_s": round(delay, 2)},
            )
            return 0
        turn.backoff.reset()
        self.counts.published[name] += n
        return n

    def _pause(self) -> float:
        """How long to wait after a pass that moved nothing: ``idle_s``, or until the first
        outbox waiting after a failure may be tried again when every one is waiting."""
        waits = [t.retry_at - time.monotonic() for t in self._turns]
        return max(0.0, min(waits)) if all(w > 0 for w in waits) else self.idle_s

    def _report_now_and_then(self, every_s: float = 60.0) -> None:
        """A log line a minute while events flow: how many each outbox published since the last."""
        if time.monotonic() - self._last_report < every_s or self.counts.published == self._reported:
            return
        since = {name: n - self._reported[name] for name, n in self.counts.published.items()}
        log.info("published", extra={"since_last_report": since, "failures": self.counts.failures})
        self._last_report, self._reported = time.monotonic(), dict(self.counts.published)

    def _purge_now_and_then(self) -> None:
        if self.keep_sent is None or time.monotonic() - self._last_purge < self.purge_every_s:
            return
        self._last_purge = time.monotonic()
        for outbox in self.outboxes:
            try:
                purged = outbox.purge_sent(self.keep_sent)
            except Exception as exc:  # tried again at the next purge; relaying goes on
                log.warning("purging sent rows failed", extra={"source": outbox.source.name, "error": repr(exc)[:300]})
                continue
            if purged:
                log.info("purged sent rows", extra={"source": outbox.source.name, "rows": purged})
