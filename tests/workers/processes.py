"""Nameko services as subprocesses (`nameko run`, never eventlet in the test process), each test
on broker names of its own (jobs queue, scheduler name) and the stack's schema prefix, and what
the tests read back: the queue's consumers and messages, the jobs as stored, the reports."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import amqp

from services.api.quitus.common.v1.common_pb2 import PageRequest
from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.workers.runs_store import Job, RunsStore, open_store
from tests.conftest import PG_URL
from tests.reporting.stack import SCENARIO, Stack

ROOT = Path(__file__).resolve().parents[2]
NAMEKO = str(Path(sys.executable).with_name("nameko"))
CONFIG = str(ROOT / "services" / "workers" / "nameko.yaml")


def wait_for(what: str, condition: Callable[[], object], timeout_s: float = 40.0, every_s: float = 0.05) -> object:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(every_s)
    raise AssertionError(f"timed out waiting for {what}")


class Broker:
    """A plain amqp connection to read a queue's counts (passive declares)."""

    def __init__(self, url: str) -> None:
        from urllib.parse import urlparse

        u = urlparse(url)
        self.connection = amqp.Connection(
            host=f"{u.hostname}:{u.port or 5672}", userid=u.username or "guest", password=u.password or "guest"
        )
        self.connection.connect()

    def counts(self, queue: str) -> tuple[int, int]:
        """(messages ready, consumers) of a queue; (0, 0) if it does not exist yet."""
        channel = self.connection.channel()
        try:
            _, messages, consumers = channel.queue_declare(queue, passive=True)
            return messages, consumers
        except amqp.exceptions.NotFound:
            return 0, 0
        finally:
            if channel.is_open:
                channel.close()

    def delete(self, queue: str, exchange: str = "") -> None:
        channel = self.connection.channel()
        channel.queue_delete(queue)
        if exchange:
            channel.exchange_delete(exchange)
        channel.close()

    def close(self) -> None:
        self.connection.close()


class Cluster:
    """The environment every nameko process of one test shares, and the processes started."""

    def __init__(self, stack: Stack, amqp_url: str, log_dir: Path, **settings: str) -> None:
        tag = uuid.uuid4().hex[:8]
        self.jobs_queue = f"quitus.test.jobs.{tag}"
        self.scheduler_name = f"quitus_test_scheduler_{tag}"
        self.amqp_url = amqp_url
        self.log_dir = log_dir
        _, reporting_port = stack.servers["reporting"]
        self.reporting_address = f"localhost:{reporting_port}"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PSYCOPG_WAIT_FUNC": "wait_select",
            "QUITUS_DATABASE_URL": PG_URL,
            "QUITUS_SCHEMA_PREFIX": stack.prefix,
            "QUITUS_AMQP_URL": amqp_url,
            "QUITUS_JOBS_QUEUE": self.jobs_queue,
            "QUITUS_SCHEDULER_NAME": self.scheduler_name,
            "QUITUS_REPORTING_ADDRESS": self.reporting_address,
            "QUITUS_SERVICE_TOKEN": stack.token("service") if stack.token else "",
            "QUITUS_REPORT_SCENARIO": SCENARIO,
            "QUITUS_SCHEDULE_EVERY_S": "3600",  # the tests give the clock through plan(now_iso)
            "QUITUS_JOB_RETRY_FIRST_S": "0.2",
            "QUITUS_LOG_LEVEL": "INFO",
            **settings,
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.broker = Broker(amqp_url)
        self.store: RunsStore = open_store(PG_URL, stack.prefix)  # migrated before any process starts

    def start(self, name: str, module: str, **env: str) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("w")
        process = subprocess.Popen(
            [NAMEKO, "run", "--config", CONFIG, f"services.workers.{module}"],
            env={**self.env, "QUITUS_WORKER_NAME": name, **env},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes[name] = process
        return process

    def start_worker(self, name: str, **env: str) -> subprocess.Popen:
        _, before = self.broker.counts(self.jobs_queue)
        process = self.start(name, "report_worker", **env)
        wait_for(f"{name} consuming", lambda: self._alive(name) and self.broker.counts(self.jobs_queue)[1] > before)
        return process

    def start_scheduler(self, name: str) -> subprocess.Popen:
        queue = f"rpc-{self.scheduler_name}"
        _, before = self.broker.counts(queue)
        process = self.start(name, "scheduler")
        wait_for(f"{name} serving", lambda: self._alive(name) and self.broker.counts(queue)[1] > before)
        return process

    def _alive(self, name: str) -> bool:
        process = self.processes[name]
        if process.poll() is not None:
            raise AssertionError(f"{name} exited with {process.returncode}: {self.log(name)[-3000:]}")
        return True

    def log(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text()

    def kill(self, name: str) -> None:
        process = self.processes[name]
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def plan(self, *now_isos: str) -> list[dict]:
        """``plan(now_iso)`` on the schedulers, the calls made at once (the broker spreads them over
        the scheduler processes)."""
        from nameko.standalone.rpc import ClusterRpcProxy  # no eventlet patching: a plain client

        with ClusterRpcProxy({"AMQP_URI": self.amqp_url}, timeout=60) as rpc:
            scheduler = getattr(rpc, self.scheduler_name)
            calls = [scheduler.plan.call_async(now) for now in now_isos]
            return [call.result() for call in calls]

    def jobs(self) -> list[Job]:
        return self.store.jobs()

    def wait_all_finished(self, expected: int, timeout_s: float = 45.0) -> list[Job]:
        def finished() -> list[Job] | None:
            jobs = self.jobs()
            return jobs if len(jobs) == expected and all(j.state in ("done", "parked") for j in jobs) else None

        return wait_for(f"{expected} jobs finished", finished, timeout_s, every_s=0.2)

    def close(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.broker.delete(self.jobs_queue, self.jobs_queue)
        self.broker.delete(f"rpc-{self.scheduler_name}")
        self.broker.close()
        self.store.dispose()


@contextmanager
def cluster(stack: Stack, amqp_url: str, log_dir: Path, **settings: str) -> Iterator[Cluster]:
    c = Cluster(stack, amqp_url, log_dir, **settings)
    try:
        yield c
    finally:
        c.close()


@contextmanager
def held_port() -> Iterator[str]:
    """host:port of a socket that completes TCP handshakes and never answers: a reporting replica
    that takes a call and never returns, so that a worker calling it is mid-job for as long as the
    test wants."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def stored_reports(stack: Stack) -> list[pb.ReportRun]:
    runs, token = [], ""
    while True:
        reply = stack.reporting.ListReports(
            pb.ListReportsRequest(page=PageRequest(page_size=100, page_token=token)), metadata=stack.admin
        )
        runs += list(reply.runs)
        token = reply.next_page_token
        if not token:
            return runs


def reports_per_month(stack: Stack) -> int:
    """The reports of a month outside December for the stack's portfolio: the portfolio's CSR, one
    per territory and per residence holding buildings, one per contractor."""
    residences = {b.residence_id for b in stack.portfolio.buildings}
    territories = {r.territory_id for r in stack.portfolio.residences if r.id in residences}
    territories |= {b.territory_id for b in stack.portfolio.buildings if b.territory_id}
    return 1 + len(territories) + len(residences) + len(stack.contracting.contractors)
