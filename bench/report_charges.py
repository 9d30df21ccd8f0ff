"""Benchmark: the charge-control report of every residence of an 85,000-dwelling landlord for one
charge year (with N-1), through the real services on PostgreSQL, exports pulled once.

    .venv/bin/python bench/report_charges.py [--dwellings 85000] [--year 2025] [--workers 2]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--out DIR]
        [--reuse PREFIX]

Loaded first (timed apart): the demo portfolio and its contracts, the demo's interventions
requested from 1 January N-1 to 1 January N+1, and the demo's consumption over the same two
years (meters, prices, provisions of the charge year, DAILY index readings, not monthly period
readings), through gRPC into the interventions and consumption services, built in-process
(authentication off) on fresh schemas ``bench_<random>_*``, dropped at the end; or, with --reuse,
schemas loaded and kept before (bench/monthly_run.py --keep: three years, 2025's provisions),
kept. Then a wait of QUITUS_CUTOFF_SETTLE_S + 1 s (an export's cut-off must be settled past what
was recorded).

Timed (wall_s): one pull of each export the charge control reads (portfolio, ExportChargeControl,
ExportMonthly, ExportInterventions, ListAnomalies, for every building: charge_control.pull_portfolio),
the charge controls of every residence computed at once from it and cut per residence
(charge_control.compute_sliced on the Sliced pull, as the reporting service does for a run's
reports), each residence's PDF rendered (charge_control.render_pdf, French) in --workers spawned
processes, which receive each residence's computed charge control as their job while this process
computes the next. PDFs are written only with --out.

peak_rss_mb: the largest resident set of any single process during the timed part: this
process (VmRSS sampled every 0.2 s: it also holds the in-process services), each worker (its
VmHWM at its end) and each PostgreSQL process (VmHWM, sampled every 0.2 s; a backend's counts
the shared buffers it touched). The load's own peak (event generation) is printed apart.

The last line printed is a JSON object with the figures.
"""

import argparse
import json
import os
import platform
import resource
import sys
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime
from multiprocessing import get_context
from pathlib import Path

import grpc
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # its sibling benches

from ingest_interventions import drop_schemas  # noqa: E402

from services.api.quitus.interventions.v1 import interventions_pb2_grpc as ipb_grpc  # noqa: E402
from services.consumption import server as consumption_server  # noqa: E402
from services.demo import contracts as demo_contracts  # noqa: E402
from services.demo import interventions as demo_interventions  # noqa: E402
from services.demo import portfolio as demo_portfolio  # noqa: E402
from services.demo.consumption import load_consumption_demo  # noqa: E402
from services.interventions import server as interventions_server  # noqa: E402
from services.reporting import charge_control  # noqa: E402
from services.reporting.domain.periods import parse_period  # noqa: E402
from services.reporting.domain.runs import Perimeter, ReportRequest  # noqa: E402
from services.reporting.gather import Sources  # noqa: E402
from services.reporting.service import page_count  # noqa: E402
from services.runtime.settings import Settings  # noqa: E402

SEED = 7


def _status_kb(pid: int | str, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _processes() -> tuple[list[str], list[str]]:
    """(PostgreSQL processes, this process's children)."""
    postgres, children, me = [], [], str(os.getpid())
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    postgres.append(entry.name)
                elif (entry / "stat").read_text().rsplit(")", 1)[1].split()[1] == me:
                    children.append(entry.name)
            except (OSError, IndexError):
                continue
    return postgres, children


class RssSampler(threading.Thread):
    """Every 0.2 s: this process's VmRSS, its children's (the workers') and every PostgreSQL
    process's VmHWM, the highest kept."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.own_kb = self.workers_kb = self.postgres_kb = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.own_kb = max(self.own_kb, _status_kb("self", "VmRSS"))
            postgres, children = _processes()
            for pid in postgres:
                self.postgres_kb = max(self.postgres_kb, _status_kb(pid, "VmHWM"))
            for pid in children:
                self.workers_kb = max(self.workers_kb, _status_kb(pid, "VmHWM"))
            self.stopping.wait(0.2)


def load(channels: dict[str, grpc.Channel], dwellings: int, year: int) -> dict:
    t0 = time.perf_counter()
    portfolio = demo_portfolio.generate_portfolio(dwellings, SEED)
    contracting = demo_contracts.generate_contractors(portfolio, SEED)
    stub = ipb_grpc.InterventionsServiceStub(channels["interventions"])
    records = demo_portfolio.records(portfolio) + demo_contracts.records(contracting)
    first = datetime(year - 1, 1, 1, tzinfo=UTC)
    stub.ImportPortfolio(iter(demo_portfolio.import_requests(records, recorded_at=first)))
    events = demo_interventions.generate_events(
        portfolio, contracting, SEED, first, datetime(year + 1, 1, 1, tzinfo=UTC)
    )
    generated_s = time.perf_counter() - t0
    for _ in stub.IngestEvents(events.arrow_batches(50_000, "bench")):
        pass
    sent = len(events)
    del events
    consumption = load_consumption_demo(
        channels["consumption"],
        portfolio.buildings,
        portfolio.units,
        seed=SEED,
        first=date(year - 1, 1, 1),
        days=(date(year + 1, 1, 1) - date(year - 1, 1, 1)).days + 1,
    )
    return {
        "residences": len(portfolio.residences),
        "buildings": len(portfolio.buildings),
        "dwellings": portfolio.dwellings,
        "events": sent,
        "readings": consumption["readings_accepted"],
        "charge_year": consumption["charges_year"],
        "generated_s": generated_s,
        "load_s": time.perf_counter() - t0,
    }


class TimedSources(Sources):
    """Sources that time each export they pull (seconds per export, in ``took``)."""

    took: dict[str, float]

    def _timed(self, name: str, method, *args):
        t0 = time.perf_counter()
        try:
            return method(*args)
        finally:
            self.took[name] = time.perf_counter() - t0

    def portfolio(self, as_of):
        return self._timed("ExportPortfolio", super().portfolio, as_of)

    def charge_control(self, period, as_of, building_ids):
        return self._timed("ExportChargeControl", super().charge_control, period, as_of, building_ids)

    def monthly(self, period, as_of, building_ids):
        return self._timed("ExportMonthly", super().monthly, period, as_of, building_ids)

    def facts(self, period, as_of, perimeter, building_ids):
        return self._timed("ExportInterventions", super().facts, period, as_of, perimeter, building_ids)

    def anomalies(self, as_of, building_ids):
        return self._timed("ListAnomalies", super().anomalies, as_of, building_ids)


def _render(job: tuple[str, "charge_control.Computed", ReportRequest, str | None]) -> tuple[str, int, int, str, float]:
    """-> (residence, pages, PDF bytes, figures sha256, seconds to render)."""
    residence, computed, request, out = job
    t0 = time.perf_counter()
    pdf = charge_control.render_pdf(computed, request, request.run_id())
    if out:
        Path(out, f"{request.run_id()}.pdf").write_bytes(pdf)
    return residence, page_count(pdf), len(pdf), computed.manifest.figures_sha256, time.perf_counter() - t0


def _profile_one(sliced: charge_control.Sliced, request: ReportRequest) -> None:
    """The compute (every residence's at once, on a Sliced of its own) and render of one report."""
    import cProfile
    import pstats

    keys = charge_control.allocation_keys(request.allocation_keys)
    sliced = charge_control.Sliced(sliced.whole)
    profile = cProfile.Profile()
    computed = profile.runcall(charge_control.compute_sliced, sliced, request, keys)
    profile.runcall(_render, (request.perimeter.residence_ids[0], computed, request, None))
    pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dwellings", type=int, default=85_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--out", help="write every PDF into this folder")
    parser.add_argument("--profile", action="store_true", help="profile the largest residence's report first")
    parser.add_argument(
        "--reuse",
        metavar="PREFIX",
        help="measure on schemas loaded before and kept (e.g. by bench/monthly_run.py --keep: three years of "
        "daily readings and 2025's provisions) instead of loading, and keep them",
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}, polars {pl.__version__}",
        flush=True,
    )
    prefix = args.reuse or f"bench_{uuid.uuid4().hex[:8]}_"
    settings = Settings(database_url=args.database_url, auth_enabled=False, grpc_workers=8)
    servers = {
        "interventions": interventions_server.build(settings, port=0, schema_prefix=prefix),
        "consumption": consumption_server.build(settings, port=0, schema_prefix=prefix),
    }
    for server, _ in servers.values():
        server.start()
    channels = {
        name: grpc.insecure_channel(
            f"localhost:{port}", options=[("grpc.max_receive_message_length", 256 * 1024 * 1024)]
        )
        for name, (_, port) in servers.items()
    }
    try:
        if args.reuse:
            loaded, load_peak_mb = {}, None
        else:
            loaded = load(channels, args.dwellings, args.year)
            load_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"loaded {loaded['residences']:,} residences, {loaded['buildings']:,} buildings, "
                f"{loaded['dwellings']:,} dwellings, {loaded['events']:,} events, {loaded['readings']:,} daily "
                f"readings in {loaded['load_s']:.0f} s (peak RSS {load_peak_mb:,.0f} MB)",
                flush=True,
            )
        as_of = datetime.now(UTC)  # everything loaded is recorded before it
        time.sleep(settings.cutoff_settle_s + 1)  # and an export's cut-off must be settled
        # the factors stub is never called by a charge control
        sources = TimedSources(channels["interventions"], channels["consumption"], channels["consumption"])
        sources.took = {}
        template = ReportRequest(
            kind="CHARGE_CONTROL",
            period=parse_period(str(args.year)),
            perimeter=Perimeter(),
            as_of=as_of,
            factor_set="",
            vehicle_factor_set="",
            scenario="",
            scenario_version=0,
            lang="fr",
        )
        if args.out:
            Path(args.out).mkdir(parents=True, exist_ok=True)
        sampler = RssSampler()
        sampler.start()
        t0 = time.perf_counter()
        pulled = charge_control.pull_portfolio(sources, args.year, as_of)
        pull_s = time.perf_counter() - t0
        sliced = charge_control.Sliced(pulled)
        print(
            f"pulled once in {pull_s:.1f} s ({', '.join(f'{i.source} {i.records:,}' for i in pulled.inputs)}); "
            f"{len(sliced.residences):,} residences; seconds per export: "
            + ", ".join(f"{name} {s:.1f}" for name, s in sources.took.items()),
            flush=True,
        )
        sizes = dict(pulled.portfolio.buildings.group_by("residence_id").len().iter_rows())
        residences = sorted(sliced.residences, key=lambda r: -sizes[r])  # the largest first
        requests = {r: replace(template, perimeter=Perimeter(residence_ids=(r,))) for r in residences}
        if args.profile:
            _profile_one(sliced, requests[residences[0]])
        dwellings = pulled.portfolio.units.filter(pl.col("kind") == "dwelling").height
        keys = charge_control.allocation_keys(template.allocation_keys)
        t_compute = time.perf_counter()
        sliced.charges(requests[residences[0]], keys)  # every residence's, at once
        compute_all_s = time.perf_counter() - t_compute
        with ProcessPoolExecutor(args.workers, mp_context=get_context("spawn")) as pool:
            futures = [
                pool.submit(
                    _render, (r, charge_control.compute_sliced(sliced, requests[r], keys), requests[r], args.out)
                )
                for r in residences
            ]
            computed_s = time.perf_counter() - t_compute
            results = [future.result() for future in futures]
        wall_s = time.perf_counter() - t0
        sampler.stopping.set()
        sampler.join()
    finally:
        for channel in channels.values():
            channel.close()
        for server, _ in servers.values():
            server.stop(0)
        if not args.reuse:
            drop_schemas(args.database_url, prefix)
    pages = sum(r[1] for r in results)
    slowest = max(results, key=lambda r: r[4])
    worker_mb = sampler.workers_kb / 1024
    print(
        f"{len(results):,} reports, {pages:,} pages, {sum(r[2] for r in results) / 1e6:,.1f} MB of PDF; "
        f"every residence's charge control computed at once in {compute_all_s:.1f} s, all cut and sent to "
        f"the workers {computed_s:.1f} s after the computation started; "
        f"rendering {sum(r[4] for r in results) / len(results):.3f} s per report on average in a worker, slowest "
        f"{slowest[0]} {slowest[4]:.2f} s; peak RSS: bench {sampler.own_kb / 1024:,.0f} MB, workers "
        f"{worker_mb:,.0f} MB, PostgreSQL {sampler.postgres_kb / 1024:,.0f} MB",
        flush=True,
    )
    print(
        json.dumps(
            {
                "dwellings": dwellings,
                "residences": len(results),
                "year": args.year,
                "workers": args.workers,
                "reports": len(results),
                "pages": pages,
                "pull_s": round(pull_s, 1),
                "compute_all_s": round(compute_all_s, 1),
                "wall_s": round(wall_s, 1),
                "reports_per_s": round(len(results) / wall_s, 2),
                "peak_rss_mb": round(max(sampler.own_kb, sampler.workers_kb, sampler.postgres_kb) / 1024),
                "load_peak_rss_mb": round(load_peak_mb) if load_peak_mb else None,
            }
        )
    )


if __name__ == "__main__":
    main()
