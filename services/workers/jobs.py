"""A report worker's work on one job, free of nameko: take it (once across workers), have
reporting generate its report, retry what may pass later with back-off, park what keeps failing,
record the outcome."""

import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime

from services.workers.reporting_client import PermanentFailure, ReportingClient, TransientFailure
from services.workers.runs_store import RunsStore

log = logging.getLogger("quitus.report_worker")

DONE, PARKED, SKIPPED = "done", "parked", "skipped"


def retry_delay(failures: int, first_s: float, max_s: float, rand: Callable[[], float] = random.random) -> float:
    """The wait after ``failures`` transient failures in a row (1, 2, ...): doubling from
    ``first_s`` up to ``max_s``, between half and all of it (workers that failed together do not
    retry together)."""
    ceiling = min(max_s, first_s * 2 ** (failures - 1))
    return ceiling / 2 + rand() * ceiling / 2


class JobRunner:
    def __init__(
        self,
        store: RunsStore,
        reporting: ReportingClient,
        *,
        worker: str,
        attempts: int,
        retry_first_s: float,
        retry_max_s: float,
        sleep: Callable[[float], None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.reporting = reporting
        self.worker = worker
        self.attempts = attempts
        self.retry_first_s = retry_first_s
        self.retry_max_s = retry_max_s
        self.sleep = sleep
        self.clock = clock

    def run(self, job_id: int) -> str:
        """done, parked, or skipped (done or parked before, or being done by another worker)."""
        with self.store.holding(job_id) as held:
            if not held:
                log.info("job held by another worker, left to it", extra={"job": job_id, "worker": self.worker})
                return SKIPPED
            job = self.store.start(job_id, self.worker, self.clock())
            if job is None:
                return SKIPPED
            if job.attempts:
                log.warning(
                    "taking over a job its last worker left running",
                    extra={"job": job_id, "previous_worker": job.worker, "attempts": job.attempts},
                )
            return self._generate(job_id, job.request_json)

    def _generate(self, job_id: int, request_json: str) -> str:
        failures = 0
        while True:
            attempt = self.store.count_attempt(job_id)
            try:
                generated = self.reporting.generate(request_json)
            except PermanentFailure as exc:
                return self._park(job_id, str(exc))
            except TransientFailure as exc:
                if attempt >= self.attempts:
                    return self._park(job_id, f"{exc} (after {attempt} attempts)")
                failures += 1
                self.store.note_error(job_id, str(exc))
                delay = retry_delay(failures, self.retry_first_s, self.retry_max_s)
                log.warning("report failed, retrying", extra={"job": job_id, "attempt": attempt, "delay_s": delay})
                self.sleep(delay)
                continue
            self.store.finish(job_id, generated.report_id, generated.pages, generated.created, self.clock())
            # ("created" is a LogRecord attribute: logging refuses it as an extra)
            log.info(
                "report done", extra={"job": job_id, "report": generated.report_id, "new_report": generated.created}
            )
            return DONE

    def _park(self, job_id: int, error: str) -> str:
        self.store.park(job_id, error, self.clock())
        log.error("job parked", extra={"job": job_id, "error": error})
        return PARKED
