"""Benchmark: the decarbonisation (CSR) report of an 85,000-dwelling landlord with three years of
history, computed and rendered through the reporting service's own code path over the real
services on PostgreSQL.

    .venv/bin/python bench/report_csr.py [--dwellings 85000] [--seed 7] [--rounds 3]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--statement-timeout-s S]
        [--keep] [--reuse PREFIX]

--statement-timeout-s sets the services' statement timeout (default 120 s); the replay that
made GetDeadlineStatus exceed it at full size is gone (bench/RESULTS.md). --keep leaves the
loaded schemas, --reuse PREFIX measures on them again without the 20-minute load.

Setup (timed apart, not part of any figure): the interventions, consumption and factors services
run as `quitus serve` processes, authentication off, on fresh schemas ``bench_<random>_*``
(dropped at the end unless --keep). Loaded through gRPC: the shipped factor sets; the demo
portfolio and its contracts (recorded from 2023-01-01); three years (2023-2025) of demo
intervention events (services/demo/interventions.py, about 11 million at full size, sent as
EventColumns batches by 4 client processes to 2 replicas as bench/ingest_interventions.py does);
the demo's building meters (heating, common electricity, water: 6,566 at full size), gas
coefficients, degree days and prices, and three years of DAILY index readings of every meter
(services/demo/meters.py, with its gaps, rollovers, replacements, duplicates and spoilt
records: about 7.2 million). Daily, not monthly period readings: the demo meters are the
landlord's (per building, not per dwelling), so daily indexes load in about a minute, and the
monthly export then rolls up every daily reading of the period as it would in production.

Measurement: the services are restarted (their peak memory is then the report's alone), and a
fresh process (whose peak memory is the report's alone) runs decarbonisation.compute with a
gather.Sources over real channels and decarbonisation.render_pdf, as the reporting service does
for GenerateReport, for the month of December 2025 and for the year 2025 (as of a minute before), --rounds
times each; figures are the median round. The scenario is the 2023 reference with each trade's
visits per intervention taken from 2023 (as DeclareScenario with trades_from_reference does).

- month_compute_s, year_compute_s: compute(), exports included (three periods each: the period,
  N-1 and the reference year, plus the portfolio, quality, deadlines and factors).
- month_first_compute_s, year_first_compute_s: the same in round 1. The month is the first
  report after the services started: nothing is kept in them yet, and every export is read from
  PostgreSQL. The year comes next at the same cut-off, so the portfolio, the data quality and the
  deadline status are kept by then, but none of its facts, readings or monthly figures of a year.
  Later rounds ask for the same cut-off, as a month-end run's reports and a VerifyReport do, and
  the services answer the facts, quality and deadlines from what they kept.
- export_share: the part of year_compute_s during which a Sources call (a gRPC export and its
  conversion to frames) was running; month_export_share the same for the month.
- render_s, pages_per_s: render_pdf() of the annual report, and its pages per second;
  month_render_s and month_pages_per_s for the month's.
- polars_s and pandas_s: the same metrics (energy lines by scope with the month-by-month factor
  join, trips per intervention with the nearest base's great-circle distance, visit profile and
  avoided trips per trade, preventive share overall and per contractor, deadline compliance per
  contractor) on the year's frames, by the domain's polars functions and by the idiomatic
  vectorised pandas of bench/csr_pandas.py; checked to give the same figures; median of 5 runs.
- peak_rss_mb: the largest peak resident set (VmHWM in /proc/<pid>/status) of every process
  during the measurement: the report process, each service process, and every PostgreSQL
  process (sampled every 0.2 s; a backend's VmHWM counts the shared buffers it touched).

The last line printed is a JSON object with the figures.
"""

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import csr_pandas  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from ingest_interventions import drop_schemas, ingest, serialised_streams, stream_of_contractor  # noqa: E402

from services.api.quitus.consumption.v1 import consumption_pb2 as cpb  # noqa: E402
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as cpb_grpc  # noqa: E402
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as ipb_grpc  # noqa: E402
from services.demo import contracts as demo_contracts  # noqa: E402
from services.demo import interventions as demo_interventions  # noqa: E402
from services.demo import meters as demo_meters  # noqa: E402
from services.demo import portfolio as demo_portfolio  # noqa: E402
from services.demo import prices as demo_prices  # noqa: E402
from services.demo import weather as demo_weather  # noqa: E402
from services.factors import cli as factors_cli  # noqa: E402
from services.reporting import decarbonisation  # noqa: E402
from services.reporting.domain import energy, performance, preventive, trips  # noqa: E402
from services.reporting.domain.factor_choice import counted_boundaries  # noqa: E402
from services.reporting.domain.inputs import FACTORS_SCHEMA  # noqa: E402
from services.reporting.domain.periods import ReportPeriod, parse_period  # noqa: E402
from services.reporting.domain.runs import Perimeter, ReportRequest  # noqa: E402
from services.reporting.domain.scenarios import Scenario, ScenarioContent, reference_trades  # noqa: E402
from services.reporting.gather import Sources  # noqa: E402
from services.reporting.service import page_count  # noqa: E402
from services.runtime.client import open_channel  # noqa: E402

SERVICES = ("interventions", "consumption", "factors")
FIRST_YEAR, LAST_YEAR = 2023, 2025
MONTH, YEAR = "2025-12", "2025"
FACTOR_SET, VEHICLE_SET = "ademe_base_carbone@23.6", "uk_desnz_2025@1"
VEHICLE_KEY = "uk_desnz2025.van_diesel.avg.vkm"
PEER_RUNS = 5
CUT_OFF_AGE = timedelta(seconds=61)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dwellings", type=int, default=85_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="month and year reports computed and rendered N times")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument(
        "--statement-timeout-s",
        type=float,
        help="QUITUS_STATEMENT_TIMEOUT_S of the measured services (their default is 120 s; 0: none)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the schemas (to --reuse them)")
    parser.add_argument("--reuse", metavar="PREFIX", help="measure on the schemas of an earlier --keep run")
    parser.add_argument("--measure", metavar="PORTS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(json.loads(args.measure), args.rounds)
        return

    machine()
    prefix = args.reuse or f"bench_{uuid.uuid4().hex[:8]}_"
    setup: dict[str, Any] = {}
    try:
        if not args.reuse:
            setup = load(args.database_url, prefix, args.dwellings, args.seed)
            time.sleep(CUT_OFF_AGE.total_seconds())  # the cut-off must lie after the load
        if args.statement_timeout_s is not None:
            os.environ["QUITUS_STATEMENT_TIMEOUT_S"] = str(args.statement_timeout_s)
            print(f"services' statement timeout: {args.statement_timeout_s:g} s", flush=True)
        figures, rss = measured_run(args.database_url, prefix, args.rounds)
    finally:
        if not args.keep and not args.reuse:  # schemas reused are someone's kept load: never dropped
            drop_schemas(args.database_url, prefix)
    if args.keep and not args.reuse:
        print(f"schemas kept: --reuse {prefix}")
    for name, mb in sorted(rss.items(), key=lambda item: -item[1]):
        print(f"peak RSS {name}: {mb:,.0f} MB")
    print(json.dumps({**figures, "peak_rss_mb": round(max(rss.values())), **setup}))


def machine() -> None:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(
        f"machine: {os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, polars {pl.__version__}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        flush=True,
    )


# ---------------------------------------------------------------------------------------- services


def start_service(name: str, url: str, prefix: str) -> tuple[subprocess.Popen, int]:
    """`quitus serve NAME` on a free port, authentication off; returns when it reports SERVING."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "QUITUS_DATABASE_URL": url,
        "QUITUS_SCHEMA_PREFIX": prefix,
        "QUITUS_AUTH_ENABLED": "false",
        f"QUITUS_{name.upper()}_PORT": str(port),
        "QUITUS_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "serve", name], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    health = health_pb2_grpc.HealthStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if (
                health.Check(health_pb2.HealthCheckRequest(), timeout=1).status
                == health_pb2.HealthCheckResponse.SERVING
            ):
                return process, port
        except grpc.RpcError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{name} on port {port} never became SERVING")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(60)


# ---------------------------------------------------------------------------------------- setup


def load(url: str, prefix: str, dwellings: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    servers = {name: start_service(name, url, prefix) for name in SERVICES}
    replica = start_service("interventions", url, prefix)
    channels = {name: open_channel(f"127.0.0.1:{port}") for name, (_, port) in servers.items()}
    try:
        factors_cli.publish_directory(channels["factors"])
        portfolio = demo_portfolio.generate_portfolio(dwellings, seed)
        contracting = demo_contracts.generate_contractors(portfolio, seed)
        known_from = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
        records = demo_portfolio.records(portfolio) + demo_contracts.records(contracting)
        ipb_grpc.InterventionsServiceStub(channels["interventions"]).ImportPortfolio(
            iter(demo_portfolio.import_requests(records, recorded_at=known_from))
        )
        events_sent, events_s = load_events(
            portfolio, contracting, seed, [servers["interventions"][1], replica[1]], known_from
        )
        readings_sent, meters, readings_s = load_readings(channels["consumption"], portfolio, seed)
    finally:
        for channel in channels.values():
            channel.close()
        stop([process for process, _ in servers.values()] + [replica[0]])
    setup_s = time.perf_counter() - started
    print(f"setup done in {setup_s:.0f} s", flush=True)
    return {
        "buildings": len(portfolio.buildings),
        "meters": meters,
        "events": events_sent,
        "readings": readings_sent,
        "events_load_s": round(events_s, 1),
        "readings_load_s": round(readings_s, 1),
        "setup_s": round(setup_s),
    }


def load_events(
    portfolio: demo_portfolio.Portfolio,
    contracting: demo_contracts.Contracting,
    seed: int,
    ports: list[int],
    start: datetime,
) -> tuple[int, float]:
    started = time.perf_counter()
    events = demo_interventions.generate_events(
        portfolio, contracting, seed, start, datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
    )
    streams = serialised_streams(events, 50_000, stream_of_contractor(events.per_contractor(), 4), 4, "columns")
    sent = len(events)
    del events
    print(f"events: {sent:,} generated and serialised in {time.perf_counter() - started:.0f} s", flush=True)
    acks, ingest_s = ingest(ports, streams)
    accepted = sum(a.accepted for a in acks)
    print(f"events: {sent:,} sent in {ingest_s:.0f} s, {accepted:,} accepted", flush=True)
    return sent, time.perf_counter() - started


def load_readings(channel: grpc.Channel, portfolio: demo_portfolio.Portfolio, seed: int) -> tuple[int, int, float]:
    """Meters, gas coefficients, degree days, prices and three years of daily readings, as the
    demo's consumption loader sends them (without its anomaly detection and exports)."""
    started = time.perf_counter()
    stub = cpb_grpc.ConsumptionServiceStub(channel)
    first = date(FIRST_YEAR, 1, 1)
    days = (date(LAST_YEAR + 1, 1, 1) - first).days + 1
    meters = demo_meters.demo_meters(portfolio.buildings, seed)
    months = (LAST_YEAR - FIRST_YEAR + 1) * 12 + 1
    coefficients = demo_meters.gas_coefficients(meters, first, months, seed)
    stub.ImportMeters(iter([cpb.ImportMetersRequest(meters=meters, gas_coefficients=coefficients)]))
    stations = [b.weather_station or "DEMO" for b in portfolio.buildings]
    temperatures = demo_weather.daily_temperatures(stations, first, days, seed)
    weather = demo_weather.degree_day_batches(temperatures) + [demo_weather.normal_batch(stations, FIRST_YEAR, seed)]
    stub.ImportDegreeDays(iter(weather))
    stub.ImportPrices(iter([demo_prices.price_batch(meters, FIRST_YEAR + 1)]))
    readings, replacements, _ = demo_meters.demo_readings(
        meters, {b.id: b.dwellings for b in portfolio.buildings}, temperatures, first, days, seed
    )
    stub.ImportMeters(iter([cpb.ImportMetersRequest(replacements=replacements)]))
    batches, _ = demo_meters.reading_batches(readings, seed)
    del readings
    sent = sum(len(b.meter_ref) for b in batches)
    print(f"readings: {sent:,} generated in {time.perf_counter() - started:.0f} s", flush=True)
    ingest_started = time.perf_counter()
    # the readings in two concurrent streams, then the demo's re-sends and spoilt records in one:
    # a re-sent reading racing its original in the other stream was refused with INTERNAL
    # (a unique violation in the consumption service) and ended that stream
    readings_first = [b for b in batches if b.batch_id.startswith("demo-")]
    accepted = [0, 0]
    failed: list[BaseException] = []

    def send(part: int, parts: int, sending: list[cpb.IngestReadingsRequest]) -> None:
        try:
            for ack in stub.IngestReadings(iter(sending[part::parts])):
                accepted[part] += ack.accepted
        except BaseException as error:
            failed.append(error)

    for parts, sending in ((2, readings_first), (1, batches[len(readings_first) :])):
        threads = [threading.Thread(target=send, args=(part, parts, sending)) for part in range(parts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failed:
            raise failed[0]
    print(
        f"readings: {sent:,} sent in {time.perf_counter() - ingest_started:.0f} s, {sum(accepted):,} accepted "
        f"({len(meters):,} meters)",
        flush=True,
    )
    return sent, len(meters), time.perf_counter() - started


# ---------------------------------------------------------------------------------------- measurement


def measured_run(url: str, prefix: str, rounds: int) -> tuple[dict[str, Any], dict[str, float]]:
    """Fresh service processes, the report measured in a fresh process, every process's peak RSS.
    The cut-off is a minute ago (readings are recorded when they arrive, and a cut-off must be
    settled): the caller waits for the load to be a minute old."""
    as_of = datetime.now(UTC).replace(microsecond=0) - CUT_OFF_AGE
    servers = {name: start_service(name, url, prefix) for name in SERVICES}
    watch = PostgresWatch()
    watch.start()
    try:
        config = {"ports": {name: port for name, (_, port) in servers.items()}, "as_of": as_of.isoformat()}
        load_before = load_average()
        with tempfile.NamedTemporaryFile(suffix=".json") as figures_file:
            config["figures_path"] = figures_file.name
            # the child prints its progress as it goes, and leaves its figures in the file
            command = [sys.executable, __file__, "--measure", json.dumps(config), "--rounds", str(rounds)]
            subprocess.run(command, check=True)
            figures = json.loads(Path(figures_file.name).read_text())
        rss = {f"{name} service": peak_rss_mb(process.pid) for name, (process, _) in servers.items()}
        load_after = load_average()
    finally:
        stop([process for process, _ in servers.values()])
        watch.stop()
    # other work on the machine slows every figure: the 1-minute load average before and after
    figures["load_average"] = [load_before, load_after]
    print(f"load average (1 min) before and after the measurement: {load_before}, {load_after}")
    rss["report process"] = figures.pop("report_process_rss_mb")
    rss |= watch.peaks()
    return figures, rss


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def peak_rss_mb(pid: int | str) -> float:
    """VmHWM, the process's peak resident set, from /proc; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class PostgresWatch(threading.Thread):
    """Samples the VmHWM of every PostgreSQL process every 0.2 s (a backend's ends with its
    connection), keeping the largest per kind of process."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self._halt = threading.Event()
        self._peaks: dict[str, float] = {}

    def run(self) -> None:
        while not self._halt.is_set():
            self._sample()
            self._halt.wait(0.2)

    def _sample(self) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if (entry / "comm").read_text().strip() != "postgres":
                    continue
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                continue
            if not title:  # a process ending
                continue
            kind = "PostgreSQL backend" if "(" in title or "idle" in title else f"PostgreSQL {title[:40]}"
            self._peaks[kind] = max(self._peaks.get(kind, 0.0), peak_rss_mb(entry.name))

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self._sample()

    def peaks(self) -> dict[str, float]:
        return dict(self._peaks)


class TimedSources(Sources):
    """Sources that note when each of its calls ran, and keep what each period's pulls gave (the
    frames the pandas peer is run on). The report pulls several exports at once: the time spent
    pulling is the union of the calls' intervals, not their sum."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.intervals: list[tuple[str, float, float]] = []  # call, start, end (list.append is atomic)
        self.pulled: dict[tuple[str, datetime], Any] = {}

    @property
    def seconds(self) -> float:
        """Wall-clock time during which at least one call was running."""
        covered, reach = 0.0, float("-inf")
        for _, start, end in sorted(self.intervals, key=lambda interval: interval[1]):
            if end > reach:
                covered += end - max(start, reach)
                reach = end
        return covered

    def calls(self) -> str:
        return ", ".join(f"{name} {end - start:.2f}" for name, start, end in self.intervals)

    def _timed(self, call: Callable[..., Any], *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return call(*args)
        finally:
            self.intervals.append((call.__name__, started, time.perf_counter()))

    def portfolio(self, as_of):
        result = self._timed(super().portfolio, as_of)
        self.pulled[("portfolio", as_of)] = result[0]
        return result

    def facts(self, period, as_of, perimeter, building_ids):
        result = self._timed(super().facts, period, as_of, perimeter, building_ids)
        self.pulled[("facts", period.start)] = result[0]
        return result

    def monthly(self, period, as_of, building_ids):
        result = self._timed(super().monthly, period, as_of, building_ids)
        self.pulled[("monthly", period.start)] = result[0]
        return result

    def energy_factors(self, factor_set, period, carrier_units):
        result = self._timed(super().energy_factors, factor_set, period, carrier_units)
        self.pulled[("factors", period.start)] = result[0]
        return result

    def quality(self, as_of):
        return self._timed(super().quality, as_of)

    def deadline_status(self, as_of):
        return self._timed(super().deadline_status, as_of)

    def vehicle_factor(self, factor_set, key, period):
        return self._timed(super().vehicle_factor, factor_set, key, period)


def reference_scenario(sources: Sources, as_of: datetime) -> Scenario:
    """The 2023 reference, each trade's visits per intervention taken from 2023 as recorded at
    the cut-off (what DeclareScenario with trades_from_reference stores)."""
    reference = parse_period(str(FIRST_YEAR))
    facts, _, _ = sources.facts(reference, as_of, Perimeter(), None)
    content = ScenarioContent(
        name=f"reference_{FIRST_YEAR}",
        description=f"{FIRST_YEAR}, visits per intervention of each trade taken from it",
        reference_start=reference.start,
        reference_end=reference.end,
        trades=reference_trades(facts),
        road_factor=1.3,
        vehicle_profile="diesel_van",
        vehicle_factor_key=VEHICLE_KEY,
        fuel_litres_per_100km=0.0,
        uncertainty_pct=20.0,
    )
    return Scenario(content, 1, as_of, "bench", "bench")


def request_for(period: ReportPeriod, scenario: Scenario, as_of: datetime) -> ReportRequest:
    return ReportRequest(
        kind="DECARBONISATION",
        period=period,
        perimeter=Perimeter(),
        as_of=as_of,
        factor_set=FACTOR_SET,
        vehicle_factor_set=VEHICLE_SET,
        scenario=scenario.content.name,
        scenario_version=scenario.version,
        lang="fr",
    )


def one_report(sources: TimedSources, request: ReportRequest, scenario: Scenario) -> dict[str, float]:
    sources.intervals.clear()
    started = time.perf_counter()
    computed = decarbonisation.compute(sources, request, scenario)
    compute_s = time.perf_counter() - started
    exports_s = sources.seconds
    calls = sources.calls()
    started = time.perf_counter()
    pdf = decarbonisation.render_pdf(computed, request, request.run_id())
    render_s = time.perf_counter() - started
    pages = page_count(pdf)
    print(f"  {request.period.label()} exports: {calls}", flush=True)
    return {"compute_s": compute_s, "exports_s": exports_s, "render_s": render_s, "pages": pages}


def measure(config: dict[str, Any], rounds: int) -> None:
    """Run in a fresh process: the month and year reports, then polars against pandas."""
    channels = {name: open_channel(f"127.0.0.1:{port}") for name, port in config["ports"].items()}
    sources = TimedSources(channels["interventions"], channels["consumption"], channels["factors"])
    as_of = datetime.fromisoformat(config["as_of"])
    scenario = reference_scenario(sources, as_of)
    month, year = parse_period(MONTH), parse_period(YEAR)
    runs: dict[str, list[dict[str, float]]] = {"month": [], "year": []}
    for n in range(rounds):
        for name, period in (("month", month), ("year", year)):
            run = one_report(sources, request_for(period, scenario, as_of), scenario)
            runs[name].append(run)
            print(
                f"round {n + 1} {name}: compute {run['compute_s']:.2f} s (exports {run['exports_s']:.2f} s), "
                f"render {run['render_s']:.2f} s for {run['pages']:.0f} pages",
                flush=True,
            )
    portfolio = sources.pulled[("portfolio", as_of)]
    frames = {
        "facts": sources.pulled[("facts", year.start)],
        "figures": sources.pulled[("monthly", year.start)],
        "factors": counted_boundaries(sources.pulled[("factors", year.start)]).select(
            *FACTORS_SCHEMA, "month_start", "unit"
        ),
        "frames": decarbonisation.emission_frames(),
        "buildings": portfolio.buildings,
        "bases": portfolio.bases,
        "reference": pl.DataFrame(
            [(t.trade, t.visits_per_intervention) for t in scenario.content.trades],
            schema={"trade": pl.String, "visits_per_intervention": pl.Float64},
            orient="row",
        ),
    }
    road = scenario.content.road_factor
    polars_s, pandas_s, wrong = polars_against_pandas(frames, road)
    print(
        f"metrics on the year's frames ({frames['facts'].height:,} interventions, {frames['figures'].height:,} "
        f"monthly figures): polars {polars_s:.3f} s, pandas {pandas_s:.3f} s"
        + ("" if not wrong else f"; DIFFERENT ANSWERS: {'; '.join(wrong)}"),
        flush=True,
    )
    if wrong:
        raise SystemExit("the pandas peer does not compute the same figures: its time would not compare")

    def median(name: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[name])

    def middle(name: str) -> dict[str, float]:
        return sorted(runs[name], key=lambda run: run["compute_s"])[len(runs[name]) // 2]

    month_run, year_run = middle("month"), middle("year")
    Path(config["figures_path"]).write_text(
        json.dumps(
            {
                "month_compute_s": round(median("month", "compute_s"), 2),
                "year_compute_s": round(median("year", "compute_s"), 2),
                "month_first_compute_s": round(runs["month"][0]["compute_s"], 2),
                "year_first_compute_s": round(runs["year"][0]["compute_s"], 2),
                "render_s": round(median("year", "render_s"), 3),
                "pages_per_s": round(year_run["pages"] / median("year", "render_s"), 1),
                "export_share": round(year_run["exports_s"] / year_run["compute_s"], 3),
                "pandas_s": round(pandas_s, 3),
                "polars_s": round(polars_s, 3),
                "month_render_s": round(median("month", "render_s"), 3),
                "month_pages_per_s": round(month_run["pages"] / median("month", "render_s"), 1),
                "month_export_share": round(month_run["exports_s"] / month_run["compute_s"], 3),
                "year_pages": int(year_run["pages"]),
                "month_pages": int(month_run["pages"]),
                "year_interventions": frames["facts"].height,
                "year_monthly_figures": frames["figures"].height,
                "rounds": rounds,
                "dwellings": int(portfolio.buildings["dwellings"].sum()),
                "as_of": as_of.isoformat(),
                "report_process_rss_mb": round(peak_rss_mb("self")),
            }
        )
    )


def polars_metrics(frames: dict[str, pl.DataFrame], road: float) -> dict[str, pl.DataFrame]:
    facts = frames["facts"]
    lines = energy.emission_lines(frames["figures"], frames["factors"], frames["frames"])
    distances = trips.trip_distances(facts, frames["buildings"], frames["bases"], road)
    profile = trips.visit_profile(facts)
    return {
        "scopes": energy.emissions_by_scope(lines),
        "unresolved_lines": lines.select((~pl.col("resolved")).sum()),
        "distances": distances,
        "avoided": trips.avoided_km(trips.avoided_trips(profile, frames["reference"]), distances),
        "preventive": preventive.preventive_shares(facts.with_columns(pl.lit("all").alias("perimeter")), ["perimeter"]),
        "preventive_by_contractor": preventive.preventive_shares(facts, ["contractor_id"]),
        "deadlines": performance.deadline_compliance(facts, ["contractor_id"]),
    }


def polars_against_pandas(frames: dict[str, pl.DataFrame], road: float) -> tuple[float, float, list[str]]:
    """(polars s, pandas s, what differs): the median of PEER_RUNS runs of each, on the same frames
    (converted to pandas beforehand, outside the clock)."""
    peer = csr_pandas.PeerInputs(
        facts=csr_pandas.to_pandas(frames["facts"]),
        figures=csr_pandas.to_pandas(frames["figures"]),
        factors=csr_pandas.to_pandas(frames["factors"]),
        frames=csr_pandas.to_pandas(frames["frames"]),
        buildings=csr_pandas.to_pandas(frames["buildings"]),
        bases=csr_pandas.to_pandas(frames["bases"]),
        reference=csr_pandas.to_pandas(frames["reference"]),
        road_factor=road,
    )
    polars_times, pandas_times = [], []
    for _ in range(PEER_RUNS):
        started = time.perf_counter()
        ours = polars_metrics(frames, road)
        polars_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        theirs = csr_pandas.metrics(peer)
        pandas_times.append(time.perf_counter() - started)
    return statistics.median(polars_times), statistics.median(pandas_times), csr_pandas.same_answers(ours, theirs)


if __name__ == "__main__":
    main()
