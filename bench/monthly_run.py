"""Benchmark: the whole month-end run of an 85,000-dwelling landlord (issue 15): the scheduler and
the report workers as `nameko run` processes, a reporting replica and the data services as
`quitus serve` processes, on PostgreSQL and RabbitMQ, with 1 and then 2 report workers.

    .venv/bin/python bench/monthly_run.py [--dwellings 85000] [--seed 7]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
        [--amqp-url amqp://guest:guest@127.0.0.1:5672/] [--statement-timeout-s S]
        [--keep] [--reuse PREFIX] [--baseline sampled|loop|none]
        [--order 1,2,baseline] [--case-timeout-s S[,S...]]

Setup (timed apart): the portfolio, three years of interventions and of daily meter readings,
loaded by bench/report_csr.py's loader (its docstring says what), plus the provisions of 2025
(the charge-control year) as services/demo/consumption.py sends them. At full size use
--statement-timeout-s 0 (see report_csr.py). --keep leaves the data schemas, --reuse PREFIX
runs on them again without the 20-minute load (a --reuse of a prefix loaded before provisions
were part of the load: the charge controls then find none).

The run measured is December 2025's, the heavy one of the year: held in January, it makes the
year's reports beside the month's (services/workers/schedule.py): the month's CSR for the
portfolio and each territory, each residence's charge control for 2025, each contractor's
scorecard of the month, then the year's CSR for the portfolio and each territory and each
contractor's scorecard of the year. Its cut-off is moved: the scheduler's would be the month's
end (2026-01-01), but the data services record what they receive when they receive it (today),
so reports as of 2026-01-01 would find no meter and no reading. This bench therefore records
the run itself, with the scheduler's own jobs (schedule.jobs_for, the request built by
reporting_client.report_request) and a cut-off just after the load, and then calls the
scheduler's ``plan`` RPC, which finds the run recorded and queues its jobs; the workers make them.

Each case (1 worker, then 2 workers) runs on schemas of its own (prefix ``<data prefix>w<N>_``
for reporting's store and the runs) with a reporting replica started fresh: its export cache is
empty and its report store holds nothing, so every report is really generated (reports are
content-addressed: the same run on the same store would return the stored ones). One replica
serves both workers in the 2-worker case (its cache is shared by them; a second replica would
pull every export a second time on the same two cores); it renders PDFs in as many processes as
there are workers (QUITUS_RENDER_PROCESSES), as docker-compose.yml runs it.

wall_s_N_worker(s): from the run's planning (the perimeters listed, the run recorded, ``plan``
called) until every job is done or parked, as seen in the runs store.

Baseline (the naive way, same data, same cut-off): ``sampled`` (default) generates the first
job of each kind of report (month CSR portfolio, month CSR territory, charge control, month
scorecard, year CSR portfolio, year CSR territory, year scorecard) with a plain gRPC client on a
reporting replica started fresh for it (empty export cache: it pulls every export it needs), and
estimates the run as the sum over kinds of that time x the number of such jobs; ``loop`` makes
every job so, one by one, each on a fresh replica (only at small sizes: the replica's start is
not counted); ``none`` skips it.

peak_rss_mb: the largest VmHWM (peak resident set, /proc/<pid>/status) of any process during the
measured runs: each data service, each reporting replica, the scheduler and each report worker
(nameko processes), every PostgreSQL process (sampled every 0.2 s; a backend's counts the shared
buffers it touched).

The last line printed is a JSON object with the figures.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest_interventions import drop_schemas  # noqa: E402
from report_csr import (  # noqa: E402
    CUT_OFF_AGE,
    SERVICES,
    PostgresWatch,
    load,
    load_average,
    machine,
    peak_rss_mb,
    start_service,
    stop,
)

from services.api.quitus.consumption.v1 import consumption_pb2_grpc as cpb_grpc  # noqa: E402
from services.api.quitus.reporting.v1 import reporting_pb2 as pb  # noqa: E402
from services.api.quitus.reporting.v1 import reporting_pb2_grpc as pb_grpc  # noqa: E402
from services.demo import meters as demo_meters  # noqa: E402
from services.demo import portfolio as demo_portfolio  # noqa: E402
from services.demo import prices as demo_prices  # noqa: E402
from services.demo.consumption import _provisions  # noqa: E402
from services.runtime.client import open_channel  # noqa: E402
from services.runtime.timestamps import to_period  # noqa: E402
from services.workers.reporting_client import ReportingClient, ReportOptions, report_request  # noqa: E402
from services.workers.runs_store import NewJob, RunRecord, RunsStore, open_store  # noqa: E402
from services.workers.schedule import Month, jobs_for  # noqa: E402

MONTH = Month(2025, 12)
PLAN_AT = "2026-01-01T06:00:00+00:00"  # the scheduler's clock: December 2025 is the one month due
SCENARIO = "reference_2023"
OPTIONS = ReportOptions(SCENARIO, "ademe_base_carbone@23.6", "uk_desnz_2025@1", "fr")
NAMEKO = str(Path(sys.executable).with_name("nameko"))
NAMEKO_CONFIG = str(ROOT / "services" / "workers" / "nameko.yaml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dwellings", type=int, default=85_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument(
        "--statement-timeout-s",
        type=float,
        help="QUITUS_STATEMENT_TIMEOUT_S of the services (their default is 120 s; 0: none)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data schemas (to --reuse them)")
    parser.add_argument("--reuse", metavar="PREFIX", help="run on the data schemas of an earlier --keep run")
    parser.add_argument("--baseline", choices=("sampled", "loop", "none"), default="sampled")
    parser.add_argument(
        "--order",
        default="1,2,baseline",
        help="what runs, in this order: a case's number of report workers, and where the baseline runs",
    )
    parser.add_argument(
        "--case-timeout-s",
        default="10800",
        help="a case still running after this is stopped, its figures then what was done by then; "
        "one value, or one per case in --order's order",
    )
    parser.add_argument("--log-dir", default="", help="where the processes' logs go (default: a new temp dir)")
    args = parser.parse_args()

    machine()
    prefix = args.reuse or f"bench_{uuid.uuid4().hex[:8]}_"
    log_dir = Path(args.log_dir or f"/tmp/monthly_run_{uuid.uuid4().hex[:6]}")
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"data prefix {prefix}, logs in {log_dir}", flush=True)
    if args.statement_timeout_s is not None:
        os.environ["QUITUS_STATEMENT_TIMEOUT_S"] = str(args.statement_timeout_s)
    setup: dict[str, Any] = {}
    case_prefixes: list[str] = []
    try:
        if not args.reuse:
            setup = load(args.database_url, prefix, args.dwellings, args.seed)
            setup["provisions"] = load_provisions(args.database_url, prefix, args.dwellings, args.seed)
            time.sleep(CUT_OFF_AGE.total_seconds())  # the cut-off must lie after the load
        as_of = datetime.now(UTC).replace(microsecond=0) - CUT_OFF_AGE
        print(f"cut-off of the run: {as_of.isoformat()}", flush=True)
        figures, rss = measure(args, prefix, as_of, log_dir, case_prefixes)
    finally:
        for case_prefix in case_prefixes:
            drop_exactly(args.database_url, case_prefix)
        if not args.keep and not args.reuse:
            drop_schemas(args.database_url, prefix)
    if args.keep and not args.reuse:
        print(f"schemas kept: --reuse {prefix}")
    for name, mb in sorted(rss.items(), key=lambda item: -item[1]):
        print(f"peak RSS {name}: {mb:,.0f} MB")
    print(json.dumps({**figures, "peak_rss_mb": round(max(rss.values())), **setup}))


def load_provisions(url: str, prefix: str, dwellings: int, seed: int) -> int:
    """The provisions of 2025 each dwelling pays, as the consumption demo sends them."""
    consumption, port = start_service("consumption", url, prefix)
    channel = open_channel(f"127.0.0.1:{port}")
    try:
        portfolio = demo_portfolio.generate_portfolio(dwellings, seed)
        meters = demo_meters.demo_meters(portfolio.buildings, seed)
        batches = demo_prices.provision_batches(_provisions(meters, portfolio.units), date(2025, 1, 1), 12)
        cpb_grpc.ConsumptionServiceStub(channel).ImportPrices(iter(batches))
    finally:
        channel.close()
        stop([consumption])
    sent = sum(len(b.provisions) for b in batches)
    print(f"provisions: {sent:,} sent", flush=True)
    return sent


def drop_exactly(url: str, prefix: str) -> None:
    """Drop the schemas named ``prefix`` + anything (``_`` taken literally, not as LIKE's wildcard)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        pattern = prefix.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%"
        for schema in (
            conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p ESCAPE '\\'"), {"p": pattern})
            .scalars()
            .all()
        ):
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


# ---------------------------------------------------------------------------------------- processes


class Processes:
    """Every process this bench starts for a measurement, by name, for their peak memory."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: dict[str, subprocess.Popen] = {}
        self.peaks: dict[str, float] = {}

    def service(self, name: str, label: str, url: str, prefix: str, **env: str) -> int:
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        try:
            process, port = start_service(name, url, prefix)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        self.started[label] = process
        return port

    def nameko(self, label: str, module: str, env: dict[str, str]) -> subprocess.Popen:
        log = (self.log_dir / f"{label}.log").open("w")
        process = subprocess.Popen(
            [NAMEKO, "run", "--config", NAMEKO_CONFIG, f"services.workers.{module}"],
            env={**os.environ, **env, "QUITUS_WORKER_NAME": label},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.started[label] = process
        return process

    def stop(self, *labels: str) -> None:
        """Stop these (all if none named), noting each one's peak memory before it goes."""
        chosen = [label for label in (labels or tuple(self.started)) if label in self.started]
        for label in chosen:
            process = self.started[label]
            self.peaks[label] = max(self.peaks.get(label, 0.0), peak_rss_mb(process.pid))
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for label in chosen:
            process = self.started.pop(label)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def reporting_env(ports: dict[str, int]) -> dict[str, str]:
    return {
        "QUITUS_INTERVENTIONS_ADDRESS": f"127.0.0.1:{ports['interventions']}",
        "QUITUS_CONSUMPTION_ADDRESS": f"127.0.0.1:{ports['consumption']}",
        "QUITUS_FACTORS_ADDRESS": f"127.0.0.1:{ports['factors']}",
    }


def declare_scenario(port: int) -> None:
    """The 2023 reference with each trade's visits per intervention declared (as the tests'
    stack does, tests/reporting/stack.py)."""
    content = pb.ScenarioContent(
        name=SCENARIO,
        description="2023, before the preventive plan",
        reference_period=to_period(datetime(2023, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)),
        trades=[
            pb.TradeReference(trade=t, visits_per_intervention=v)
            for t, v in (("multiservice", 1.6), ("heating", 1.8), ("lift", 1.5), ("plumbing", 1.7))
        ],
        road_factor=1.3,
        vehicle_profile="diesel_van",
        vehicle_factor_key="uk_desnz2025.van_diesel.avg.vkm",
        uncertainty_pct=20.0,
    )
    channel = open_channel(f"127.0.0.1:{port}")
    try:
        pb_grpc.ReportingServiceStub(channel).DeclareScenario(pb.DeclareScenarioRequest(content=content))
    finally:
        channel.close()


# ---------------------------------------------------------------------------------------- measurement


def measure(
    args: argparse.Namespace, prefix: str, as_of: datetime, log_dir: Path, case_prefixes: list[str]
) -> tuple[dict[str, Any], dict[str, float]]:
    url = args.database_url
    processes = Processes(log_dir)
    ports = {name: processes.service(name, f"{name} service", url, prefix) for name in SERVICES}
    watch = PostgresWatch()
    watch.start()
    figures: dict[str, Any] = {"month": str(MONTH), "as_of": as_of.isoformat(), "dwellings": args.dwellings}
    load_before = load_average()
    try:
        steps = [step for step in args.order.split(",") if step]
        cases = [step for step in steps if step != "baseline"]
        timeouts = [float(t) for t in args.case_timeout_s.split(",")]
        timeouts += timeouts[-1:] * (len(cases) - len(timeouts))
        for step in steps:
            if step == "baseline":
                if args.baseline != "none":
                    case_prefix = f"{prefix}b_"
                    case_prefixes.append(case_prefix)
                    figures |= baseline(args.baseline, url, processes, ports, case_prefix, as_of, log_dir)
                continue
            workers, timeout_s = int(step), timeouts.pop(0)
            case_prefix = f"{prefix}w{workers}_"
            case_prefixes.append(case_prefix)
            jobs, wall_s, complete = month_end_run(
                args, processes, ports, case_prefix, workers, as_of, log_dir, timeout_s
            )
            name = "wall_s_1_worker" if workers == 1 else f"wall_s_{workers}_workers"
            # a case stopped by --case-timeout-s has no wall time: what it did by then is counted apart
            figures[name] = round(wall_s, 1) if complete else None
            if complete:
                figures["reports"] = sum(1 for j in jobs if j.state == "done")
                figures["pages"] = sum(j.pages or 0 for j in jobs)
            else:
                figures[f"stopped_after_s_{workers}"] = round(wall_s, 1)
            figures[f"jobs_{workers}"] = len(jobs)
            figures[f"done_{workers}"] = sum(1 for j in jobs if j.state == "done")
            figures[f"pages_done_{workers}"] = sum(j.pages or 0 for j in jobs if j.state == "done")
            figures[f"parked_{workers}"] = sum(1 for j in jobs if j.state == "parked")
            figures[f"per_kind_{workers}"] = per_kind(jobs)
            so_far = processes.peaks | watch.peaks()
            print(f"figures so far: {json.dumps(figures)}; peak RSS so far {max(so_far.values()):,.0f} MB", flush=True)
    finally:
        processes.stop()
        watch.stop()
    load_after = load_average()
    figures["load_average"] = [load_before, load_after]
    print(f"load average (1 min) before and after: {load_before}, {load_after}", flush=True)
    return figures, processes.peaks | watch.peaks()


def group(key: str) -> str:
    """A job key's kind of report: its key without the perimeter's id."""
    parts = key.split("/")
    return "/".join(parts[:3]) if len(parts) > 3 else key


def per_kind(jobs: list) -> dict[str, dict[str, float]]:
    """Jobs, those done, pages and summed job seconds (started to finished) per kind of report, and
    when the kind's first job started and its last finished (seconds after the run's first start)."""
    kinds: dict[str, dict[str, float]] = {}
    starts = [job.started_at for job in jobs if job.started_at]
    first = min(starts) if starts else None
    for job in jobs:
        kind = kinds.setdefault(group(job.key), {"jobs": 0, "done": 0, "pages": 0, "job_s": 0.0})
        kind["jobs"] += 1
        kind["done"] += job.state == "done"
        kind["pages"] += job.pages or 0
        if job.started_at and job.finished_at and first:
            kind["job_s"] = round(kind["job_s"] + (job.finished_at - job.started_at).total_seconds(), 1)
            began, ended = ((t - first).total_seconds() for t in (job.started_at, job.finished_at))
            kind["first_start_s"] = round(min(kind.get("first_start_s", began), began), 1)
            kind["last_end_s"] = round(max(kind.get("last_end_s", ended), ended), 1)
    return kinds


def month_end_run(
    args: argparse.Namespace,
    processes: Processes,
    ports: dict[str, int],
    case_prefix: str,
    workers: int,
    as_of: datetime,
    log_dir: Path,
    timeout_s: float,
) -> tuple[list, float, bool]:
    """(the jobs as stored at the end, seconds from planning to the end, whether every job finished)."""
    url = args.database_url
    tag = uuid.uuid4().hex[:8]
    store = open_store(url, case_prefix)  # migrated before any process starts
    # as docker-compose.yml runs it: the replica renders in as many processes as there are workers
    reporting_port = processes.service(
        "reporting",
        f"reporting w{workers}",
        url,
        case_prefix,
        **reporting_env(ports),
        QUITUS_RENDER_PROCESSES=str(workers),
    )
    declare_scenario(reporting_port)
    env = {
        "PYTHONPATH": str(ROOT),
        "PSYCOPG_WAIT_FUNC": "wait_select",
        "QUITUS_DATABASE_URL": url,
        "QUITUS_SCHEMA_PREFIX": case_prefix,
        "QUITUS_AMQP_URL": args.amqp_url,
        "QUITUS_JOBS_QUEUE": f"quitus.bench.jobs.{tag}",
        "QUITUS_SCHEDULER_NAME": f"quitus_bench_scheduler_{tag}",
        "QUITUS_REPORTING_ADDRESS": f"127.0.0.1:{reporting_port}",
        "QUITUS_SERVICE_TOKEN": "",
        "QUITUS_REPORT_SCENARIO": SCENARIO,
        "QUITUS_SCHEDULE_START": str(MONTH),
        "QUITUS_SCHEDULE_EVERY_S": "86400",  # the bench gives the clock through plan(now_iso)
        "QUITUS_LOG_LEVEL": "INFO",
    }
    labels = [f"scheduler-w{workers}"] + [f"report-worker-{n + 1}-of-{workers}" for n in range(workers)]
    processes.nameko(labels[0], "scheduler", env)
    for label in labels[1:]:
        processes.nameko(label, "report_worker", env)
    broker = Broker(args.amqp_url)
    try:
        wait_for(
            "the scheduler and the workers on the broker",
            lambda: (
                broker.consumers(f"rpc-{env['QUITUS_SCHEDULER_NAME']}") >= 1
                and broker.consumers(env["QUITUS_JOBS_QUEUE"]) >= workers
            ),
            processes,
            labels,
        )
        print(f"{workers} worker(s): planning {MONTH} as of {as_of.isoformat()}", flush=True)
        started = time.perf_counter()
        planned = record_run(store, f"127.0.0.1:{reporting_port}", as_of)
        outcome = plan(args.amqp_url, env["QUITUS_SCHEDULER_NAME"])
        print(f"  {planned} jobs recorded; plan: {outcome}", flush=True)
        try:
            jobs = wait_for("every job finished", lambda: finished(store, planned), processes, labels, timeout_s)
            complete = True
        except TimedOut:
            jobs, complete = store.jobs(), False
        wall_s = time.perf_counter() - started
    finally:
        processes.stop(*labels, f"reporting w{workers}")
        broker.delete(env["QUITUS_JOBS_QUEUE"])
        broker.delete(f"rpc-{env['QUITUS_SCHEDULER_NAME']}")
        broker.close()
        store.dispose()
    print(
        f"  {workers} worker(s): {'' if complete else 'STOPPED, '}{sum(j.state == 'done' for j in jobs)} of "
        f"{len(jobs)} jobs done in {wall_s:.1f} s, {sum(j.pages or 0 for j in jobs):,} pages, "
        f"{sum(1 for j in jobs if j.state == 'parked')} parked",
        flush=True,
    )
    for kind, counts in per_kind(jobs).items():
        print(f"    {kind}: {counts}", flush=True)
    return jobs, wall_s, complete


def record_run(store: RunsStore, reporting_address: str, as_of: datetime) -> int:
    """December's run as the scheduler records it (planning.Planner.plan), its cut-off moved to
    ``as_of`` (see the module's docstring)."""
    client = ReportingClient(reporting_address, timeout_s=900)
    try:
        perimeters, portfolio_sha256 = client.perimeters(as_of)
    finally:
        client.close()
    specs = [replace(spec, as_of=as_of) for spec in jobs_for(MONTH, perimeters)]
    run = RunRecord(
        month=str(MONTH),
        as_of=as_of,
        planned_at=datetime.now(UTC),
        planned_by="bench/monthly_run.py",
        portfolio_sha256=portfolio_sha256,
        territories=len(perimeters.territories),
        residences=len(perimeters.residences),
        contractors=len(perimeters.contractors),
    )
    return store.record_run(run, [NewJob(s.key, s.kind, report_request(s, OPTIONS)) for s in specs])


def plan(amqp_url: str, scheduler_name: str) -> dict:
    from nameko.standalone.rpc import ClusterRpcProxy  # a plain client: no eventlet in this process

    with ClusterRpcProxy({"AMQP_URI": amqp_url}, timeout=600) as rpc:
        return getattr(rpc, scheduler_name).plan(PLAN_AT)


def finished(store: RunsStore, expected: int) -> list | None:
    """The jobs once every one of ``expected`` is done or parked, else None. Polled by their counts
    per state (one small aggregate): reading the 810 jobs themselves five times a second took a
    tenth of a core from the run it measures."""
    ended = sum(n for _, counts in store.runs() for state, n in counts.items() if state in ("done", "parked"))
    return store.jobs() if ended >= expected else None


def wait_for(what: str, condition: Any, processes: Processes, labels: list[str], timeout_s: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if result := condition():
            return result
        for label in labels:
            if processes.started[label].poll() is not None:
                log = (processes.log_dir / f"{label}.log").read_text()[-3000:]
                raise SystemExit(f"{label} exited while waiting for {what}: {log}")
        time.sleep(0.2)
    raise TimedOut(f"timed out waiting for {what}")


class TimedOut(Exception):
    pass


class Broker:
    """A plain amqp connection: a queue's consumers (passive declare), and deleting queues."""

    def __init__(self, url: str) -> None:
        from urllib.parse import urlparse

        import amqp

        u = urlparse(url)
        self.amqp = amqp
        self.connection = amqp.Connection(
            host=f"{u.hostname}:{u.port or 5672}", userid=u.username or "guest", password=u.password or "guest"
        )
        self.connection.connect()

    def consumers(self, queue: str) -> int:
        channel = self.connection.channel()
        try:
            return channel.queue_declare(queue, passive=True)[2]
        except self.amqp.exceptions.NotFound:
            return 0
        finally:
            if channel.is_open:
                channel.close()

    def delete(self, queue: str) -> None:
        channel = self.connection.channel()
        channel.queue_delete(queue)
        channel.exchange_delete(queue)
        channel.close()

    def close(self) -> None:
        self.connection.close()


# ---------------------------------------------------------------------------------------- baseline


def baseline(
    mode: str,
    url: str,
    processes: Processes,
    ports: dict[str, int],
    case_prefix: str,
    as_of: datetime,
    log_dir: Path,
) -> dict[str, Any]:
    """Reports made one by one by a plain client, each on a reporting replica started fresh for
    it (empty export cache): every job (``loop``) or the first of each kind (``sampled``)."""
    address_probe = processes.service("reporting", "reporting baseline", url, case_prefix, **reporting_env(ports))
    try:
        declare_scenario(address_probe)
        client = ReportingClient(f"127.0.0.1:{address_probe}", timeout_s=900)
        try:
            perimeters, _ = client.perimeters(as_of)
        finally:
            client.close()
    finally:
        processes.stop("reporting baseline")
    specs = [replace(spec, as_of=as_of) for spec in jobs_for(MONTH, perimeters)]
    kinds: dict[str, list] = {}
    for spec in specs:
        kinds.setdefault(group(spec.key), []).append(spec)
    chosen = specs if mode == "loop" else [members[0] for members in kinds.values()]
    times: dict[str, list[float]] = {}
    for n, spec in enumerate(chosen):
        label = f"reporting baseline {n + 1}"
        # each on a store of its own too: the same request on the store would return the stored report
        port = processes.service("reporting", label, url, f"{case_prefix}{n}_", **reporting_env(ports))
        try:
            declare_scenario(port)
            client = ReportingClient(f"127.0.0.1:{port}", timeout_s=900)
            started = time.perf_counter()
            generated = client.generate(report_request(spec, OPTIONS))
            elapsed = time.perf_counter() - started
            client.close()
        finally:
            processes.stop(label)
            drop_exactly(url, f"{case_prefix}{n}_")
        times.setdefault(group(spec.key), []).append(elapsed)
        print(f"  baseline {spec.key}: {elapsed:.2f} s, {generated.pages} pages", flush=True)
    per_kind_s = {kind: sum(ts) / len(ts) for kind, ts in times.items()}
    estimate = sum(per_kind_s[kind] * len(members) for kind, members in kinds.items())
    return {
        "baseline": "every report one by one" if mode == "loop" else "one report of each kind x its number",
        "baseline_wall_s": round(estimate, 1),
        "baseline_s_per_kind": {kind: round(s, 2) for kind, s in per_kind_s.items()},
    }


if __name__ == "__main__":
    main()
