"""`quitus serve all` on this machine's PostgreSQL and RabbitMQ, after `quitus setup`: the four gRPC
services answer their health checks with a service token read from the file setup wrote, the
scheduler, both report workers and the alerts consume their queues; SIGTERM stops every process. A
process that dies on its own stops the others and the command exits 1, naming it (the supervisor
over stand-in processes)."""

import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.workers.processes import Broker, wait_for

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("interventions", "consumption", "factors", "reporting")


def free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def serving(port: int) -> bool:
    with grpc.insecure_channel(f"localhost:{port}") as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
        except grpc.RpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in found.split()]


def command_line(pid: int) -> list[bytes]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").split(b"\0")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def deployment_env(pg_url: str, prefix: str, amqp_url: str, tmp_path: Path) -> tuple[dict, dict]:
    ports = dict(zip(SERVICES, free_ports(4), strict=True))
    tag = uuid.uuid4().hex[:8]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "QUITUS_DATABASE_URL": pg_url,
        "QUITUS_SCHEMA_PREFIX": prefix,
        "QUITUS_AUTH_ENABLED": "true",
        "QUITUS_AMQP_URL": amqp_url,
        "QUITUS_EVENTS_EXCHANGE": f"quitus.test.events.{tag}",
        "QUITUS_JOBS_QUEUE": f"quitus.test.jobs.{tag}",
        "QUITUS_SCHEDULER_NAME": f"quitus_test_scheduler_{tag}",
        "QUITUS_ALERTS_QUEUE": f"quitus.test.alerts.{tag}",
        "QUITUS_ALERTS_SERVICE_NAME": f"quitus_test_alerts_{tag}",
        "QUITUS_SCHEDULE_EVERY_S": "3600",
        "QUITUS_SERVICE_TOKEN_FILE": str(tmp_path / "service-token"),
        "QUITUS_SHUTDOWN_GRACE_S": "3",
        "QUITUS_LOG_LEVEL": "WARNING",
        "PSYCOPG_WAIT_FUNC": "wait_select",
    }
    for name, port in ports.items():
        env[f"QUITUS_{name.upper()}_PORT"] = str(port)
        env[f"QUITUS_{name.upper()}_ADDRESS"] = f"localhost:{port}"
    return env, ports


def test_serve_all_runs_the_deployment_and_stops_it_whole(pg_url, schema_prefix, amqp_url, tmp_path):
    env, ports = deployment_env(pg_url, schema_prefix, amqp_url, tmp_path)
    setup = subprocess.run(
        [sys.executable, "-m", "services.cli", "setup"], env=env, capture_output=True, text=True, timeout=120
    )
    assert setup.returncode == 0, setup.stderr
    broker = Broker(amqp_url)
    log = (tmp_path / "serve-all.log").open("w")
    command = [sys.executable, "-m", "services.cli", "serve", "all", "--report-workers", "2"]
    main = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for("the four gRPC services serving", lambda: all(serving(p) for p in ports.values()), 60)
        wait_for("two report workers consuming", lambda: broker.counts(env["QUITUS_JOBS_QUEUE"])[1] == 2, 60)
        wait_for("the scheduler serving", lambda: broker.counts(f"rpc-{env['QUITUS_SCHEDULER_NAME']}")[1] == 1, 60)
        wait_for("the alerts taking events", lambda: broker.counts(env["QUITUS_ALERTS_QUEUE"])[1] == 1, 60)
        pids = children(main.pid)
        assert len(pids) == 4 + 1 + 1 + 2 + 1  # gRPC services, relay, scheduler, report workers, alerts
        assert main.poll() is None

        main.send_signal(signal.SIGTERM)
        assert main.wait(30) == 0
        assert not [p for p in pids if alive(p)]
    finally:
        if main.poll() is None:
            main.kill()
        broker.delete(env["QUITUS_JOBS_QUEUE"], env["QUITUS_JOBS_QUEUE"])
        broker.delete(env["QUITUS_ALERTS_QUEUE"])
        broker.close()


SUPERVISED = """
import sys
from services import supervisor
sleeper = (sys.executable, "-c", "import time; time.sleep(120)")
quitter = (sys.executable, "-c", "import time; time.sleep(1.5)")
specs = [supervisor.ProcessSpec("sleeper", sleeper), supervisor.ProcessSpec("quitter", quitter)]
sys.exit(supervisor.run(specs, grace_s=5))
"""


def test_a_process_that_dies_stops_the_others_and_the_supervisor_exits_1():
    """The supervisor of `quitus serve all` (services.supervisor.run) over two stand-in processes:
    when one exits on its own, the other is stopped and the command exits 1 naming the first."""
    main = subprocess.Popen(
        [sys.executable, "-c", SUPERVISED], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    wait_for("both processes started", lambda: len(children(main.pid)) == 2, 20)
    pids = children(main.pid)
    _, err = main.communicate(timeout=30)
    assert main.returncode == 1
    assert "quitter exited; every process stopped" in err
    assert not [p for p in pids if alive(p)]
