"""The monthly run on the real RabbitMQ and PostgreSQL: schedulers and report workers as `nameko
run` subprocesses, reporting and the data services (tests/reporting/stack.py, 120 dwellings: one
territory, one residence, five contractors) in this process. October 2025's run is 8 reports:
the portfolio's CSR, the territory's, the residence's charge control, five scorecards.

Reports are counted in reporting (ListReports) and jobs in the database."""

import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime

import pytest

from services.workers.schedule import Month
from tests.conftest import PG_URL
from tests.reporting.stack import postgres_prefix, report_stack
from tests.workers.processes import cluster, held_port, reports_per_month, stored_reports, wait_for

NOVEMBER_1ST = "2025-11-01T06:00:00+00:00"


@pytest.fixture
def stack():
    with postgres_prefix() as prefix, report_stack((PG_URL, prefix), auth=True) as s:
        yield s


def test_a_month_end_run_makes_each_report_once_with_two_schedulers_two_workers_and_one_killed_mid_job(
    stack, amqp_url, tmp_path
):
    """Worker A's reporting replica takes its call and never answers (a held socket): A is mid-job
    when it is SIGKILLed. Its job goes back to the queue, B takes it over (the second attempt) and
    makes it; every job is done once, each report stored once."""
    expected = reports_per_month(stack)
    assert expected == 8
    with held_port() as silent_reporting, cluster(stack, amqp_url, tmp_path, QUITUS_SCHEDULE_START="2025-10") as c:
        c.start_worker("worker-a", QUITUS_REPORTING_ADDRESS=silent_reporting)
        c.start_worker("worker-b")
        c.start_scheduler("scheduler-1")
        c.start_scheduler("scheduler-2")

        outcomes = c.plan(*[NOVEMBER_1ST] * 4)

        assert {o["planner"] for o in outcomes} == {"scheduler-1", "scheduler-2"}  # both planned
        assert all(o["due"] == ["2025-10"] for o in outcomes)
        assert sum(o["jobs_recorded"] for o in outcomes) == expected
        assert sum(o["jobs_queued"] for o in outcomes) == expected
        # its GenerateReport call made (counted) and not answered
        held = wait_for("worker-a mid-job", lambda: [j for j in c.jobs() if j.worker == "worker-a" and j.attempts])
        assert [(j.state, j.attempts) for j in held] == [("running", 1)]
        c.kill("worker-a")

        jobs = c.wait_all_finished(expected)
        assert Counter(j.state for j in jobs) == {"done": expected}
        assert len({j.key for j in jobs}) == expected
        taken_over = next(j for j in jobs if j.id == held[0].id)
        assert (taken_over.worker, taken_over.attempts) == ("worker-b", 2)
        assert all(j.attempts == 1 and j.worker == "worker-b" for j in jobs if j.id != taken_over.id)

        reports = stored_reports(stack)
        assert sorted(r.id for r in reports) == sorted(j.report_id for j in jobs)
        assert len({r.id for r in reports}) == expected
        assert all(j.created for j in jobs)  # each made by its one job, none found made before

        again = c.plan(NOVEMBER_1ST, NOVEMBER_1ST)  # a restart, or the timer, plans the same month again
        assert [(o["recorded"], o["jobs_recorded"], o["jobs_queued"], o["jobs_requeued"]) for o in again] == [
            ([], 0, 0, 0)
        ] * 2
        assert c.broker.counts(c.jobs_queue)[0] == 0  # nothing left on the queue
    assert len(stored_reports(stack)) == expected


def test_missed_months_are_caught_up_oldest_first(stack, amqp_url, tmp_path):
    """The scheduler, down from September 1st, comes back on November 3rd: September's and
    October's runs are made, September's jobs queued and done first (one worker takes them in
    queue order); December 2nd adds November's run only."""
    per_month = reports_per_month(stack)
    with cluster(stack, amqp_url, tmp_path, QUITUS_SCHEDULE_START="2025-09") as c:
        c.start_worker("worker")
        c.start_scheduler("scheduler")

        [outcome] = c.plan("2025-11-03T08:00:00+00:00")
        assert (outcome["due"], outcome["recorded"]) == (["2025-09", "2025-10"], ["2025-09", "2025-10"])
        jobs = c.wait_all_finished(2 * per_month)
        september = [j for j in jobs if j.month == "2025-09"]
        october = [j for j in jobs if j.month == "2025-10"]
        assert len(september) == len(october) == per_month
        assert max(j.id for j in september) < min(j.id for j in october)
        assert max(j.finished_at for j in september) <= min(j.started_at for j in october)

        [outcome] = c.plan("2025-12-02T08:00:00+00:00")
        assert (outcome["due"], outcome["recorded"]) == (["2025-09", "2025-10", "2025-11"], ["2025-11"])
        jobs = c.wait_all_finished(3 * per_month)
        assert Counter(j.state for j in jobs) == {"done": 3 * per_month}
        assert Counter(j.month for j in jobs) == {"2025-09": per_month, "2025-10": per_month, "2025-11": per_month}
        assert sorted(r.id for r in stored_reports(stack)) == sorted(j.report_id for j in jobs)
        assert len({j.report_id for j in jobs}) == 3 * per_month


def test_the_schedulers_timer_plans_on_its_own_and_jobs_wait_on_the_durable_queue(stack, amqp_url, tmp_path):
    """No RPC and no worker: the timer (every 0.5 s, on the real clock) plans the two months
    before the current one; their 16 jobs wait on the queue until a worker comes. Meanwhile the
    scheduler beats its heartbeat file: the container probe (services.runtime.heartbeat) passes."""
    current = Month.containing(datetime.now(UTC))
    first = current.previous().previous()
    per_month = reports_per_month(stack)
    heartbeat = tmp_path / "scheduler.alive"
    settings = {
        "QUITUS_SCHEDULE_START": str(first),
        "QUITUS_SCHEDULE_EVERY_S": "0.5",
        "QUITUS_HEARTBEAT_FILE": str(heartbeat),
    }
    with cluster(stack, amqp_url, tmp_path, **settings) as c:
        c.start_scheduler("scheduler")
        wait_for("two runs recorded", lambda: c.store.recorded_months() == {str(first), str(first.next())})
        wait_for("their jobs queued", lambda: c.broker.counts(c.jobs_queue)[0] == 2 * per_month)
        # the jobs are marked queued when the plan's transaction commits, just after publishing
        wait_for("their jobs marked queued", lambda: all(j.enqueued_at for j in c.jobs()))
        assert {j.state for j in c.jobs()} == {"queued"}
        probe = [sys.executable, "-m", "services.runtime.heartbeat", str(heartbeat), "10"]
        assert subprocess.run(probe, capture_output=True, check=False).returncode == 0
