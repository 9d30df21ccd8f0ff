"""The report worker, a nameko service: it consumes the jobs queue (as many workers as wanted,
on any machine that reaches RabbitMQ and a reporting replica, as competing consumers) and has
reporting generate each job's report (services/workers/jobs.py). A job's message is
acknowledged only once its outcome is recorded: a worker that dies mid-job leaves it to the
broker, which hands it to another. Run it with

    PSYCOPG_WAIT_FUNC=wait_select nameko run --config services/workers/nameko.yaml services.workers.report_worker
"""

import os
import socket
import time

from eventlet import tpool
from nameko.extensions import DependencyProvider
from nameko.messaging import consume

from services.runtime.log import configure_logging
from services.workers.broker import jobs_queue, require_green_psycopg
from services.workers.heartbeat import Heartbeat
from services.workers.jobs import JobRunner
from services.workers.reporting_client import ReportingClient
from services.workers.runs_store import open_store
from services.workers.settings import get_worker_settings

SETTINGS = get_worker_settings()  # read when nameko loads the module: the queue's name needs it


def one_job_at_a_time(max_workers: int) -> None:
    """A report worker process takes one job at a time: its reporting calls run in eventlet's
    native threads over one gRPC channel, and two at once had the channel's locks switch greenlets
    across threads (greenlet.error: Cannot switch to a different thread, jobs left hanging, seen at
    full size with 2). Run more worker processes instead: each is one more job at once."""
    if max_workers != 1:
        raise ValueError(
            f"a report worker takes one job at a time (QUITUS_NAMEKO_MAX_WORKERS / max_workers is {max_workers}): "
            "start more report worker processes instead"
        )


class RunnerProvider(DependencyProvider):
    def setup(self) -> None:
        one_job_at_a_time(self.container.max_workers)
        require_green_psycopg()
        s = get_worker_settings()
        configure_logging(s.log_level)
        self.runner = JobRunner(
            open_store(s.database_url, s.schema_prefix),
            ReportingClient(
                s.reporting_address, s.service_token.get_secret_value(), s.job_timeout_s, run_in_thread=tpool.execute
            ),
            worker=s.worker_name or f"{socket.gethostname()}:{os.getpid()}",
            attempts=s.job_attempts,
            retry_first_s=s.job_retry_first_s,
            retry_max_s=s.job_retry_max_s,
            sleep=time.sleep,  # eventlet's, once nameko has patched the process
        )

    def stop(self) -> None:
        self.runner.store.dispose()
        self.runner.reporting.close()

    def get_dependency(self, worker_ctx) -> JobRunner:
        return self.runner


class ReportWorker:
    name = "quitus_report_worker"
    runner = RunnerProvider()
    heartbeat = Heartbeat()

    # requeued, not dropped, when the outcome could not be recorded (the database is away)
    @consume(jobs_queue(SETTINGS.jobs_queue), requeue_on_error=True)
    def take(self, body: dict) -> str:
        return self.runner.run(int(body["job_id"]))
