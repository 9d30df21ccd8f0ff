"""SIGTERM during an ingest stream loses nothing already acknowledged.

`quitus serve interventions` runs as a real process on PostgreSQL. A client streams one
ticket's lifecycle (6 events) per batch, slowly and without end; after 3 acks the server gets
SIGTERM. It turns NOT_SERVING, lets the stream run for its grace period, then stops. Every
event of every batch acknowledged before the stream broke must be in the database.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy import func, select

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.interventions.models import intervention_events
from services.runtime.db import make_engine
from tests.interventions.test_grpc import lifecycle


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_serving(channel: grpc.Channel, timeout: float = 30) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            reply = health.Check(health_pb2.HealthCheckRequest(), timeout=1)
            if reply.status == health_pb2.HealthCheckResponse.SERVING:
                return
        except grpc.RpcError:
            pass
        time.sleep(0.2)
    raise AssertionError("server never became SERVING")


def test_sigterm_during_ingest_keeps_every_acknowledged_batch(pg_url, schema_prefix):
    from tests.interventions.portfolio_fixture import portfolio_batches

    port = free_port()
    env = {
        **os.environ,
        "QUITUS_DATABASE_URL": pg_url,
        "QUITUS_SCHEMA_PREFIX": schema_prefix,
        "QUITUS_AUTH_ENABLED": "false",
        "QUITUS_INTERVENTIONS_PORT": str(port),
        "QUITUS_SHUTDOWN_GRACE_S": "2",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "serve", "interventions"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        wait_serving(channel)
        stub = pb_grpc.InterventionsServiceStub(channel)
        stub.ImportPortfolio(iter(portfolio_batches()))
        three_acks = threading.Event()

        def batches():
            for n in range(200):
                yield pb.IngestEventsRequest(batch_id=str(n), events=pb.EventList(events=lifecycle(f"T-{n}")))
                time.sleep(0.1)

        acked: list[pb.IngestEventsResponse] = []

        def consume():
            try:
                for ack in stub.IngestEvents(batches()):
                    acked.append(ack)
                    if len(acked) == 3:
                        three_acks.set()
            except grpc.RpcError:
                pass  # the stream is cut when the grace period ends

        health_seen: list[int] = []

        def watch_health():
            # New calls are refused once the server stops; a Watch opened before sees the change.
            try:
                for reply in health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest()):
                    health_seen.append(reply.status)
            except grpc.RpcError:
                pass

        reader = threading.Thread(target=consume)
        watcher = threading.Thread(target=watch_health)
        reader.start()
        watcher.start()
        assert three_acks.wait(30)
        proc.send_signal(signal.SIGTERM)
        reader.join(30)
        watcher.join(30)
        assert proc.wait(30) == 0
        assert health_seen[:1] == [health_pb2.HealthCheckResponse.SERVING]
        assert health_pb2.HealthCheckResponse.NOT_SERVING in health_seen
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(acked) >= 3 and all(a.accepted == 6 for a in acked)
    engine = make_engine(pg_url, schema_prefix + "interventions")
    with engine.connect() as conn:
        stored = conn.execute(
            select(intervention_events.c.intervention_id, func.count()).group_by(intervention_events.c.intervention_id)
        ).all()
    stored_ids = {i for i, n in stored if n == 6}
    assert {f"C1/T-{a.batch_id}" for a in acked} <= stored_ids
    assert len(stored) == len(stored_ids)  # no batch half-written
    engine.dispose()
