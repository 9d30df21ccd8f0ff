"""`quitus relay` as deployed: its own process, killed with SIGKILL in the middle of a run, then
started again; stopped with SIGTERM once idle."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.relay.test_relay import filled_outbox, interventions_outbox

ROOT = Path(__file__).resolve().parents[2]


def relay_process(pg_url: str, prefix: str, amqp_url: str, exchange: str, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "QUITUS_DATABASE_URL": pg_url,
        "QUITUS_SCHEMA_PREFIX": prefix,
        "QUITUS_AMQP_URL": amqp_url,
        "QUITUS_EVENTS_EXCHANGE": exchange,
        "QUITUS_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "services.cli", "relay", "--source", "interventions", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_killed_relay_loses_nothing_and_its_successor_publishes_the_rest(pg_url, schema_prefix, events_queue):
    """1,000 life cycles (4,000 rows), batches of 20. The relay is killed (SIGKILL) once it has
    marked some rows sent, wherever it is in its next batch; a second one, run with --once, publishes
    what is left and says how many. Every message id is on the queue, at most the killed relay's
    batch in hand (20) twice, and every row is marked sent."""
    ids = filled_outbox(pg_url, schema_prefix, 1000)
    outbox = interventions_outbox(pg_url, schema_prefix)
    first = relay_process(pg_url, schema_prefix, events_queue.url, events_queue.exchange, "--batch-size", "20")
    deadline = time.monotonic() + 30
    while outbox.unsent_count() == 4000 and time.monotonic() < deadline:
        time.sleep(0.005)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    left = outbox.unsent_count()
    assert 0 < left < 4000, "killed before it started or after it finished: nothing was tested"

    second = relay_process(
        pg_url, schema_prefix, events_queue.url, events_queue.exchange, "--batch-size", "20", "--once"
    )
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert out.strip() == f"interventions={left}"
    seen = Counter(r.message_id for r in events_queue.drain())
    assert set(seen) == set(ids)
    assert sum(seen.values()) - len(ids) <= 20 and max(seen.values()) <= 2
    assert outbox.unsent_count() == 0
    outbox.dispose()


def test_sigterm_stops_an_idle_relay_at_once(pg_url, schema_prefix, events_queue):
    """A relay with nothing to publish stops within 5 s of SIGTERM, exit status 0."""
    filled_outbox(pg_url, schema_prefix, 1)
    relay = relay_process(pg_url, schema_prefix, events_queue.url, events_queue.exchange)
    deadline = time.monotonic() + 30
    while events_queue.waiting() < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    relay.send_signal(signal.SIGTERM)
    out, err = relay.communicate(timeout=5)
    assert relay.returncode == 0, err
    assert out.strip() == "interventions=4"


def test_the_probe_sees_a_running_relay_alive_and_a_stopped_one_dead(pg_url, schema_prefix, events_queue, tmp_path):
    """The relay touches its heartbeat file at every turn: the probe answers 0 while it runs, 1 once
    the file is older than the age allowed (here 1 s) after it stopped, 1 with no file at all."""
    heartbeat = tmp_path / "relay.alive"
    probe = [sys.executable, "-m", "services.runtime.heartbeat", str(heartbeat), "1"]
    assert subprocess.run(probe, capture_output=True, check=False).returncode == 1
    relay = relay_process(
        pg_url, schema_prefix, events_queue.url, events_queue.exchange, "--heartbeat-file", str(heartbeat)
    )
    deadline = time.monotonic() + 30
    while not heartbeat.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.5)  # longer than the age allowed: only a live loop keeps the file young
    assert subprocess.run(probe, capture_output=True, check=False).returncode == 0
    relay.send_signal(signal.SIGTERM)
    relay.communicate(timeout=5)
    time.sleep(1.5)
    dead = subprocess.run(probe, capture_output=True, text=True, check=False)
    assert dead.returncode == 1 and "last heartbeat" in dead.stderr
