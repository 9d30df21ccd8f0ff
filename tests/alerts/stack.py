"""What the alerts' integration tests share: the nameko alerts service as a subprocess (`nameko
run`, never eventlet in the pytest process), talked to with nameko.standalone; an exchange, a
queue and an rpc name of the test's own; a localhost webhook receiver; the alerts' tables."""

import http.server
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import amqp
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[2]
NAMEKO = str(Path(os.environ.get("VIRTUAL_ENV", "/work/main/.venv")) / "bin" / "nameko")
if not Path(NAMEKO).exists():
    NAMEKO = "nameko"


@dataclass
class AlertsStack:
    amqp_url: str
    pg_url: str
    prefix: str
    folder: Path
    env: dict[str, str] = field(default_factory=dict)
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    process: subprocess.Popen | None = None

    @property
    def exchange(self) -> str:
        return f"quitus.events.test.{self.tag}"

    @property
    def queue(self) -> str:
        return f"quitus.alerts.test.{self.tag}"

    @property
    def name(self) -> str:
        return f"alerts_test_{self.tag}"

    @property
    def log_path(self) -> Path:
        return self.folder / f"alerts-{self.tag}.log"

    def start(self) -> None:
        """Start `nameko run` and wait until its rpc answers (it consumes its queue by then)."""
        config = self.folder / f"nameko-{self.tag}.yaml"
        config.write_text(f"AMQP_URI: {self.amqp_url}\nmax_workers: 4\n")
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PSYCOPG_WAIT_FUNC": "wait_select",
            "QUITUS_DATABASE_URL": self.pg_url,
            "QUITUS_SCHEMA_PREFIX": self.prefix,
            "QUITUS_LOG_LEVEL": "INFO",
            "QUITUS_ALERTS_EXCHANGE": self.exchange,
            "QUITUS_ALERTS_QUEUE": self.queue,
            "QUITUS_ALERTS_SERVICE_NAME": self.name,
            "QUITUS_ALERTS_SWEEP_EVERY_S": "0",
            **self.env,
        }
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [NAMEKO, "run", "--config", str(config), "services.workers.alerts.service"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                assert self.call("ping", timeout=2) == "pong"
                return
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"alerts did not start:\n{self.log_path.read_text()[-3000:]}") from None
                time.sleep(0.2)

    def call(self, method: str, *args, timeout: float = 20):
        from nameko.standalone.rpc import ClusterRpcProxy

        with ClusterRpcProxy({"AMQP_URI": self.amqp_url}, timeout=timeout) as rpc:
            return getattr(getattr(rpc, self.name), method)(*args)

    def sweep(self, now_iso: str) -> list[str]:
        return self.call("sweep", now_iso)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def delete_broker_objects(self) -> None:
        from services.relay.publisher import BrokerAddress

        a = BrokerAddress.parse(self.amqp_url)
        connection = amqp.Connection(
            host=f"{a.host}:{a.port}", userid=a.userid, password=a.password, virtual_host=a.virtual_host
        )
        connection.connect()
        channel = connection.channel()
        channel.queue_delete(self.queue)
        channel.queue_delete(f"rpc-{self.name}")  # nameko's rpc queue outlives the service
        channel.exchange_delete(self.exchange)
        connection.close()

    def table(self, name: str) -> list[dict]:
        """The rows of one of the alerts' tables (services/workers/alerts/models.py)."""
        from services.runtime.db import make_engine
        from services.workers.alerts import models

        engine = make_engine(self.pg_url, self.prefix + "alerts")
        try:
            with engine.connect() as conn:
                return [dict(r) for r in conn.execute(select(models.metadata.tables[name])).mappings()]
        finally:
            engine.dispose()


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@contextmanager
def alerts_stack(amqp_url: str, pg_url: str, prefix: str, folder: Path, **env: str):
    stack = AlertsStack(amqp_url, pg_url, prefix, folder, dict(env))
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        stack.delete_broker_objects()


@dataclass(frozen=True)
class Received:
    delivery: str
    signature: str
    body: bytes
    status: int


class WebhookReceiver:
    """An HTTP server on localhost in a thread: answers 500 to a delivery's first ``refuse``
    attempts (and to every attempt for a subject in ``always_refuse``), 200 after; keeps every
    request it got."""

    def __init__(self, refuse: int = 0, always_refuse: tuple[str, ...] = ()) -> None:
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                delivery = self.headers.get("X-Quitus-Delivery", "")
                with receiver.lock:
                    tries = sum(1 for r in receiver.requests if r.delivery == delivery)
                    subject = json.loads(body).get("subject")
                    status = 500 if tries < refuse or subject in always_refuse else 200
                    receiver.requests.append(
                        Received(delivery, self.headers.get("X-Quitus-Signature", ""), body, status)
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/quitus"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "WebhookReceiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.status == 200]

    def got(self) -> list[Received]:
        with self.lock:
            return list(self.requests)
