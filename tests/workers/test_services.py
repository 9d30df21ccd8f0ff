"""The nameko service classes through nameko.testing's worker_factory (no container, no eventlet
patching in this process), on the real PostgreSQL; reporting is a real gRPC server or a port
where nothing listens (what UNAVAILABLE is)."""

import logging
import socket
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.reporting.server import build as build_reporting
from services.runtime.settings import Settings
from services.workers.jobs import JobRunner, retry_delay
from services.workers.planning import Planner
from services.workers.reporting_client import Generated, ReportingClient, ReportOptions, report_request
from services.workers.runs_store import NewJob, RunRecord, RunsStore, open_store
from services.workers.schedule import Month, Perimeters, jobs_for

OCTOBER = Month(2025, 10)
OPTIONS = ReportOptions("not_declared", "ademe_base_carbone@23.6", "uk_desnz_2025@1", "en")
NOW = datetime(2025, 11, 1, 6, tzinfo=UTC)


@pytest.fixture
def store(pg_url, schema_prefix):
    s = open_store(pg_url, schema_prefix)
    yield s
    s.dispose()


@pytest.fixture
def nowhere() -> str:
    """host:port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


def record_october(store: RunsStore) -> list[int]:
    """October's run for one territory T1 and contractor C1: 3 jobs (portfolio CSR, T1's CSR, C1's
    scorecard), the CSR ones asking for a scenario nobody declared."""
    specs = jobs_for(OCTOBER, Perimeters(("T1",), (), ("C1",)))
    run = RunRecord(str(OCTOBER), OCTOBER.end, NOW, "test", "0" * 64, 1, 0, 1)
    assert store.record_run(run, [NewJob(s.key, s.kind, report_request(s, OPTIONS)) for s in specs]) == 3
    return [j.id for j in store.jobs()]


def runner(store: RunsStore, address: str, sleeps: list[float], attempts: int = 3) -> JobRunner:
    return JobRunner(
        store,
        ReportingClient(address, timeout_s=5),
        worker="unit",
        attempts=attempts,
        retry_first_s=0.5,
        retry_max_s=60.0,
        sleep=sleeps.append,
    )


def test_retry_delay_doubles_up_to_the_ceiling_jittered_in_its_upper_half():
    """First 0.5 s, ceiling 60 s: after 1 failure 0.25 to 0.5 s; after 3, 1 to 2 s; after 9 the
    doubling (128 s) is capped: 30 to 60 s."""
    assert (retry_delay(1, 0.5, 60, lambda: 0.0), retry_delay(1, 0.5, 60, lambda: 1.0)) == (0.25, 0.5)
    assert (retry_delay(3, 0.5, 60, lambda: 0.0), retry_delay(3, 0.5, 60, lambda: 1.0)) == (1.0, 2.0)
    assert (retry_delay(9, 0.5, 60, lambda: 0.0), retry_delay(9, 0.5, 60, lambda: 1.0)) == (30.0, 60.0)


def test_a_run_recorded_twice_is_recorded_once_and_its_jobs_queued_once(store):
    ids = record_october(store)
    again = jobs_for(OCTOBER, Perimeters(("T1",), (), ("C1",)))
    run = RunRecord(str(OCTOBER), OCTOBER.end, NOW + timedelta(hours=1), "other", "1" * 64, 1, 0, 1)
    assert store.record_run(run, [NewJob(s.key, s.kind, report_request(s, OPTIONS)) for s in again]) == 0
    assert [j.id for j in store.jobs()] == ids
    assert store.run(str(OCTOBER))[0].planned_by == "test"
    published: list[tuple[int, str]] = []
    assert store.enqueue_pending(lambda job, month: published.append((job, month)), NOW) == ids
    assert store.enqueue_pending(lambda job, month: published.append((job, month)), NOW) == []
    assert published == [(i, "2025-10") for i in ids]


def test_a_report_worker_retries_an_unavailable_reporting_with_back_off_then_parks_the_job(store, nowhere):
    from nameko.testing.services import worker_factory

    from services.workers.report_worker import ReportWorker

    job_id = record_october(store)[0]
    sleeps: list[float] = []
    worker = worker_factory(ReportWorker, runner=runner(store, nowhere, sleeps, attempts=3))
    assert worker.take({"job_id": job_id, "month": "2025-10"}) == "parked"
    [job] = [j for j in store.jobs() if j.id == job_id]
    assert (job.state, job.attempts, job.worker) == ("parked", 3, "unit")
    assert "UNAVAILABLE" in job.error and "after 3 attempts" in job.error
    assert len(sleeps) == 2 and 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0
    assert worker.take({"job_id": job_id}) == "skipped"  # a parked job stays parked
    assert [j.attempts for j in store.jobs() if j.id == job_id] == [3]


def test_a_report_refused_by_reporting_is_parked_at_once_with_its_error(store, pg_url, schema_prefix):
    from nameko.testing.services import worker_factory

    from services.workers.report_worker import ReportWorker

    server, port = build_reporting(Settings(database_url=pg_url, auth_enabled=False), 0, schema_prefix)
    server.start()
    try:
        job_id = record_october(store)[0]
        sleeps: list[float] = []
        worker = worker_factory(ReportWorker, runner=runner(store, f"localhost:{port}", sleeps))
        assert worker.take({"job_id": job_id}) == "parked"
    finally:
        server.stop(0)
    [job] = [j for j in store.jobs() if j.id == job_id]
    assert (job.state, job.attempts, sleeps) == ("parked", 1, [])
    assert "NOT_FOUND" in job.error and "not_declared" in job.error


def test_a_job_another_worker_holds_is_left_to_it(store, nowhere):
    from nameko.testing.services import worker_factory

    from services.workers.report_worker import ReportWorker

    job_id = record_october(store)[0]
    worker = worker_factory(ReportWorker, runner=runner(store, nowhere, []))
    with store.engine.connect() as other:  # another worker's session holding the job
        assert other.execute(select(func.pg_try_advisory_lock(store.lock_space, job_id))).scalar()
        assert worker.take({"job_id": job_id}) == "skipped"
        other.execute(select(func.pg_advisory_unlock(store.lock_space, job_id)))
    [job] = [j for j in store.jobs() if j.id == job_id]
    assert (job.state, job.attempts, job.worker) == ("queued", 0, "")


def test_a_job_left_running_by_a_worker_that_is_gone_is_found_stranded(store):
    """Job 1 marked running by a worker whose session (and lock) is gone; job 2 running under a
    live worker's lock; job 3 queued: only job 1 is stranded."""
    first, second, _ = record_october(store)
    store.start(first, "gone", NOW)
    with store.holding(second) as held:
        assert held
        store.start(second, "alive", NOW)
        assert store.stranded() == [(first, "2025-10")]
    assert store.stranded() == [(first, "2025-10"), (second, "2025-10")]  # the live one let go of it


def scheduler(store: RunsStore, address: str, options: ReportOptions = OPTIONS):
    from nameko.testing.services import worker_factory

    from services.workers.scheduler import Scheduler

    def no_broker(*_args, **_kwargs):
        raise AssertionError("nothing should be published")

    planner = Planner(
        store, ReportingClient(address), options, first=OCTOBER, settle=timedelta(seconds=60), name="unit"
    )
    return worker_factory(Scheduler, planner=planner, publisher=no_broker)


def test_the_plan_rpc_raises_its_own_error_when_reporting_is_unavailable_and_records_nothing(store, nowhere):
    from services.workers.scheduler import PlanError

    with pytest.raises(PlanError, match="run of 2025-10 could not be planned.*UNAVAILABLE") as failed:
        scheduler(store, nowhere).plan("2025-11-01T06:00:00+00:00")
    assert type(failed.value) is PlanError and failed.value.__cause__ is None  # no gRPC error inside
    assert store.recorded_months() == set() and store.jobs() == []


@pytest.mark.parametrize("now_iso", ["yesterday", "2025-11-01T06:00:00", None])
def test_the_plan_rpc_wants_an_instant_with_its_offset(store, nowhere, now_iso):
    from services.workers.scheduler import PlanError

    with pytest.raises(PlanError, match="now_iso"):
        scheduler(store, nowhere).plan(now_iso)


def test_no_plan_without_a_reference_scenario(store, nowhere):
    from services.workers.scheduler import PlanError

    with pytest.raises(PlanError, match="QUITUS_REPORT_SCENARIO"):
        scheduler(store, nowhere, ReportOptions("", "a@1", "b@1", "fr")).plan("2025-11-01T06:00:00+00:00")


class _Answering:
    """Stands for a reporting replica that generates every report asked (its own behaviour is
    tested in tests/reporting): what is tested here is the worker's bookkeeping after it."""

    def generate(self, request_json: str) -> Generated:
        return Generated("r-1", 12, True)


def test_a_job_done_is_recorded_and_logged_at_info_once(store, caplog):
    """At INFO (the services' default level) the worker records the job done with the report's
    id and pages, and says so in one log line naming whether the report is new. (The line once
    used the extra key ``created``, which logging refuses: every done job raised after being
    recorded, and its message went back to the queue.)"""
    job_id = record_october(store)[0]
    worker = JobRunner(
        store, _Answering(), worker="unit", attempts=3, retry_first_s=0.5, retry_max_s=60.0, sleep=lambda s: None
    )
    with caplog.at_level(logging.INFO, logger="quitus.report_worker"):
        assert worker.run(job_id) == "done"
    [job] = [j for j in store.jobs() if j.id == job_id]
    assert (job.state, job.report_id, job.pages) == ("done", "r-1", 12)
    [line] = [r for r in caplog.records if r.getMessage() == "report done"]
    assert (line.job, line.report, line.new_report) == (job_id, "r-1", True)


def test_a_report_worker_refuses_to_take_two_jobs_at_once():
    """Two jobs at once in one report worker process left jobs hanging (a greenlet switched
    across eventlet's threads in the shared gRPC channel): the worker refuses the setting at its
    start, naming it, and takes one."""
    from services.workers.report_worker import one_job_at_a_time

    one_job_at_a_time(1)
    for many in (2, 10):
        with pytest.raises(ValueError, match=f"QUITUS_NAMEKO_MAX_WORKERS / max_workers is {many}"):
            one_job_at_a_time(many)
