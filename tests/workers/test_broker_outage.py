"""The broker going away in the middle of a monthly run: the scheduler and both report workers
reach RabbitMQ through a TCP proxy (tests/relay/tcp_proxy.py) that drops every connection and
refuses new ones for a few seconds, as a stopped broker does, then forwards again. The jobs in hand
are finished and recorded, their messages (never acked) come back on reconnection and are
recognised as done; the rest are made after. Counted: every job done once, each report stored
once, nothing parked. (The proxy, not a stop of the machine's RabbitMQ, which other tests share.)"""

import time
from collections import Counter
from urllib.parse import urlparse

import pytest

from tests.conftest import PG_URL
from tests.relay.tcp_proxy import TcpProxy
from tests.reporting.stack import postgres_prefix, report_stack
from tests.workers.processes import cluster, reports_per_month, stored_reports, wait_for

NOVEMBER_1ST = "2025-11-01T06:00:00+00:00"


@pytest.fixture
def stack():
    with postgres_prefix() as prefix, report_stack((PG_URL, prefix), auth=True) as s:
        yield s


def test_a_broker_outage_mid_run_loses_no_job_and_doubles_none(stack, amqp_url, tmp_path):
    broker = urlparse(amqp_url)
    proxy = TcpProxy(broker.hostname or "127.0.0.1", broker.port or 5672)
    through_proxy = f"amqp://{broker.username}:{broker.password}@127.0.0.1:{proxy.port}/"
    expected = reports_per_month(stack)
    settings = {"QUITUS_SCHEDULE_START": "2025-10", "QUITUS_AMQP_URL": through_proxy}
    try:
        with cluster(stack, amqp_url, tmp_path, **settings) as c:
            c.start_worker("worker-a")
            c.start_worker("worker-b")
            c.start_scheduler("scheduler")
            [outcome] = c.plan(NOVEMBER_1ST)
            assert outcome["jobs_queued"] == expected

            proxy.cut()
            cut_with = Counter(j.state for j in c.jobs())
            assert cut_with["done"] < expected, "the run ended before the cut: nothing was tested"
            time.sleep(4)
            proxy.restore()

            jobs = c.wait_all_finished(expected, timeout_s=90)
            assert Counter(j.state for j in jobs) == {"done": expected}, f"at the cut: {dict(cut_with)}"
            assert all(j.attempts == 1 for j in jobs), [(j.key, j.attempts) for j in jobs if j.attempts != 1]
            reports = stored_reports(stack)
            assert sorted(r.id for r in reports) == sorted(j.report_id for j in jobs)
            assert len({j.report_id for j in jobs}) == expected
            # the messages of the jobs in hand at the cut came back and were settled: none waits
            wait_for("the queue empty", lambda: c.broker.counts(c.jobs_queue)[0] == 0, 30)
    finally:
        proxy.cut()
