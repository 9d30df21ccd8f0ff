"""The scheduler, a nameko service: on a timer, and on an RPC ``plan(now_iso)`` that lets a caller
give the clock, it records the runs due and their jobs and queues the jobs not yet queued
(services/workers/planning.py). Run it with

    PSYCOPG_WAIT_FUNC=wait_select nameko run --config services/workers/nameko.yaml services.workers.scheduler

Several schedulers may run at once: each run and job is recorded once, each job queued once
(a job queued twice is still done once)."""

import logging
import os
import socket
from datetime import UTC, datetime, timedelta

from eventlet import tpool
from nameko.extensions import DependencyProvider
from nameko.messaging import Publisher
from nameko.rpc import rpc
from nameko.timer import timer

from services.runtime.log import configure_logging
from services.workers.broker import jobs_queue, require_green_psycopg
from services.workers.heartbeat import Heartbeat
from services.workers.planning import PlanFailed, Planner
from services.workers.reporting_client import ReportingClient, ReportOptions
from services.workers.runs_store import open_store
from services.workers.schedule import Month
from services.workers.settings import get_worker_settings

log = logging.getLogger("quitus.scheduler")
SETTINGS = get_worker_settings()  # read when nameko loads the module: the names below need it
QUEUE = jobs_queue(SETTINGS.jobs_queue)


class PlannerProvider(DependencyProvider):
    def setup(self) -> None:
        require_green_psycopg()
        s = get_worker_settings()
        configure_logging(s.log_level)
        self.name = s.worker_name or f"{socket.gethostname()}:{os.getpid()}"
        self.planner = Planner(
            open_store(s.database_url, s.schema_prefix),
            ReportingClient(
                s.reporting_address, s.service_token.get_secret_value(), s.job_timeout_s, run_in_thread=tpool.execute
            ),
            ReportOptions(s.report_scenario, s.report_factor_set, s.report_vehicle_factor_set, s.report_lang),
            first=Month.parse(s.schedule_start) if s.schedule_start else None,
            settle=timedelta(seconds=s.cutoff_settle_s),
            name=self.name,
        )

    def stop(self) -> None:
        self.planner.store.dispose()
        self.planner.reporting.close()

    def get_dependency(self, worker_ctx) -> Planner:
        return self.planner


class PlanError(Exception):
    """What the ``plan`` RPC raises (its message says why); never a gRPC error object."""


class Scheduler:
    name = SETTINGS.scheduler_name
    planner = PlannerProvider()
    heartbeat = Heartbeat()
    # mandatory: a job the broker cannot route (its queue deleted) fails the plan, which queues it again next time
    publisher = Publisher(exchange=QUEUE.exchange, declare=[QUEUE], mandatory=True)

    def _publish(self, job_id: int, month: str) -> None:
        self.publisher({"job_id": job_id, "month": month}, routing_key=QUEUE.routing_key)

    @timer(interval=SETTINGS.schedule_every_s)
    def tick(self) -> None:
        try:
            self.planner.plan(datetime.now(UTC), self._publish)
        except PlanFailed as exc:
            log.error("plan failed", extra={"error": str(exc)})

    @rpc
    def plan(self, now_iso: str) -> dict:
        """Plan as if it were ``now_iso`` (an ISO instant with its offset); returns what was done."""
        try:
            now = datetime.fromisoformat(now_iso)
        except (TypeError, ValueError):
            raise PlanError(
                f"now_iso must be an ISO instant such as 2025-11-01T06:00:00+00:00, got {now_iso!r}"
            ) from None
        if now.tzinfo is None:
            raise PlanError(f"now_iso must carry its offset, got {now_iso!r}")
        try:
            return self.planner.plan(now, self._publish).as_dict()
        except PlanFailed as exc:
            raise PlanError(str(exc)) from None
