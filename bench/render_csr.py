"""Benchmark: rendering the decarbonisation (CSR) report PDF alone, from a computed result built
without any service (the year fixture of tests/reporting, computed in memory by
domain.csr.compute_csr), against a baseline layout in the same run.

    .venv/bin/python bench/render_csr.py [--renders 10] [--rounds 5] [--size demo|fixture]
        [--baseline-rev bfb88f1] [--lang fr]

What is rendered, through services.reporting.decarbonisation.render_pdf's own path (reports.csr):
- the annual report (2025 against 2024 and the 2023 reference: a table of contents, three
  charts) and the month of October 2025 against October 2024 (no chart, no contents);
- ``--size demo`` (default): the fixture's figures with their tables widened to what the demo
  landlord's report holds at 85,000 dwellings (50 contractors in the deadline and data-quality
  tables, 8 territories, 8 trades, a manifest of 16 inputs): 11 pages a report, as in
  bench/report_csr.py; ``--size fixture``: the fixture as it is (7 pages, a one-line manifest).

Variants, each in a fresh process so that each has its own peak memory:
- ``baseline``: the reports/ package as of --baseline-rev (extracted by ``git archive``, first on
  the path), reportlab's pure-Python paths (its C accelerator, if installed, is hidden);
- ``current``: this worktree's reports/, also pure Python (what the layout alone gains);
- ``current+accel``: this worktree's reports/ with reportlab's C accelerator (``rl_accel``, the
  ``accel`` extra) when it can be imported; skipped otherwise.
The machine is shared: rounds alternate the variants, a round renders each report --renders
times after one warm-up render (fonts registered, styles built: a service's steady state; the
first render of a process is reported apart), and the figures are medians over every render:
wall-clock seconds, and the process's CPU seconds (time.process_time), which other processes'
load disturbs much less than the wall clock; pages/s is pages over either median.

Printed: per variant and report, pages, median and best seconds, pages/s (pages / median s), the
first render's seconds, peak RSS (ru_maxrss) and the PDF's sha256 (the same request must give the
same bytes: each variant's renders are checked to be identical). The last line is a JSON object.
"""

import argparse
import hashlib
import importlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ("annual", "month")


def _demo_sized(figures: Any) -> Any:
    """The fixture's figures with the demo's table sizes: rows copied under new ids."""
    import polars as pl

    def widened(frame: pl.DataFrame, column: str, count: int, name: str) -> pl.DataFrame:
        copies = []
        for k in range(count):
            copy = frame.slice(k % frame.height, 1)
            copies.append(copy.with_columns(pl.lit(name.format(k=k + 1)).alias(column)))
        return pl.concat(copies)

    contractors = "PRESTATAIRE-{k:02d}"
    territories = [f"T-{name}" for name in ("Nord", "Sud", "Est", "Ouest", "Centre", "Alpes", "Rhone", "Littoral")]
    by_territory = pl.concat(
        [figures.energy_by_territory.with_columns(pl.lit(t).alias("territory_id")) for t in territories]
    ).unique(subset=["territory_id", "carrier"], keep="first", maintain_order=True)
    trades = ["plumbing", "heating", "lifts", "electricity", "locksmith", "ventilation", "carpentry", "painting"]
    profile = widened(figures.visit_profile, "trade", len(trades), "{k}")
    profile = profile.with_columns(pl.Series("trade", trades))
    avoided = widened(figures.avoided_by_trade, "trade", len(trades), "{k}").with_columns(pl.Series("trade", trades))
    return replace(
        figures,
        deadlines_by_contractor=widened(figures.deadlines_by_contractor, "contractor_id", 50, contractors),
        quality=widened(figures.quality, "contractor_id", 50, contractors),
        energy_by_territory=by_territory,
        visit_profile=profile,
        avoided_by_trade=avoided,
    )


def _manifest(size: str, digest: str) -> dict[str, str]:
    if size == "fixture":
        return {"figures": "sha256 " + digest}
    lines = {
        "report": "CSR-BENCH-1",
        "method_version": "csr-3",
        "as_of": "2026-01-15T00:00:00+00:00",
        "period": "[2025-01-01T00:00:00+01:00, 2026-01-01T00:00:00+01:00)",
        "factor set": "ademe_base_carbone@23.6 sha256 " + hashlib.sha256(b"factors").hexdigest(),
    }
    sources = ["interventions.ExportInterventions", "consumption.ExportMonthly", "factors.ExportFactors"]
    for i in range(16):
        source = sources[i % len(sources)] + f", {2023 + i % 3}-01..{2023 + i % 3}-12"
        lines[f"input {i + 1}: {source}"] = (
            f"sha256 {hashlib.sha256(str(i).encode()).hexdigest()} ({i * 31_337:,} records)"
        )
    lines["figures"] = "sha256 " + digest
    lines["re-run"] = "quitus report verify CSR-BENCH-1"
    return lines


def _figures(report: str, size: str) -> Any:
    from services.reporting.domain.csr import compute_csr

    # imported by name: the fixtures are test code, outside what mypy checks
    fixture = importlib.import_module("tests.reporting.csr_year_fixture")
    inputs = fixture.month_inputs(10) if report == "month" else fixture.year_inputs()
    figures = compute_csr(inputs)
    return _demo_sized(figures) if size == "demo" else figures


def worker(report: str, size: str, renders: int, lang: str) -> dict[str, Any]:
    """One variant, one report, in this process: the path decides which reports/ is imported."""
    from services.reporting.decarbonisation import figures_sha256
    from services.reporting.domain.csr import figures_frame

    figures = _figures(report, size)
    from reportlab.lib import rl_accel

    import reports
    from reports.csr import CsrReport, render

    digest = figures_sha256(figures_frame(figures))  # as the service writes it on every page
    shown = CsrReport(
        report_id="CSR-BENCH-1",
        perimeter="Portefeuille",
        figures=figures,
        figures_sha256=digest,
        lang=lang,
        manifest=_manifest(size, digest),
    )
    times, cpu, hashes = [], [], set()
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(renders + 1):  # the first: fonts registered, styles built
            started, started_cpu = time.perf_counter(), time.process_time()
            data = render(shown, Path(folder) / "csr.pdf").read_bytes()
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            hashes.add(hashlib.sha256(data).hexdigest())
    import io

    from pypdf import PdfReader

    return {
        "first_s": times[0],
        "times": times[1:],
        "cpu": cpu[1:],
        "pages": len(PdfReader(io.BytesIO(data)).pages),
        "bytes": len(data),
        "sha256": sorted(hashes),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "accelerated": "fp_str" in rl_accel._c_funcs,
        "reports": str(Path(reports.__file__).parent),
    }


def _run(variant: str, baseline: Path, report: str, args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ)
    path = [str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    if variant == "baseline":
        path.insert(0, str(baseline))
    env["PYTHONPATH"] = os.pathsep.join(path)
    command = [sys.executable, __file__, "--worker", report, "--size", args.size, "--renders", str(args.renders)]
    command += ["--lang", args.lang] + (["--no-accel"] if variant != "current+accel" else [])
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _accel_importable() -> bool:
    done = subprocess.run([sys.executable, "-c", "import _rl_accel"], capture_output=True)
    return done.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--renders", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--size", choices=["demo", "fixture"], default="demo")
    parser.add_argument("--baseline-rev", default="bfb88f1", help="the commit whose reports/ is the baseline")
    parser.add_argument("--lang", default="fr")
    parser.add_argument("--worker", choices=REPORTS, help=argparse.SUPPRESS)
    parser.add_argument("--no-accel", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        if args.no_accel:
            sys.modules["_rl_accel"] = None  # type: ignore[assignment]  # reportlab falls back to Python
        # the path is PYTHONPATH's (set by _run): the baseline's reports/ first, then this worktree
        print(json.dumps(worker(args.worker, args.size, args.renders, args.lang)))
        return

    variants = ["baseline", "current"] + (["current+accel"] if _accel_importable() else [])
    with tempfile.TemporaryDirectory() as folder:
        baseline = Path(folder)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.baseline_rev, "reports"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive, check=True)
        results: dict[str, dict[str, list[dict[str, Any]]]] = {v: {r: [] for r in REPORTS} for v in variants}
        for round_ in range(args.rounds):
            for variant in variants if round_ % 2 == 0 else reversed(variants):
                for report in REPORTS:
                    run = _run(variant, baseline, report, args)
                    if (variant == "baseline") != run["reports"].startswith(folder):
                        raise SystemExit(f"{variant} rendered with the wrong reports/: {run['reports']}")
                    results[variant][report].append(run)
            print(f"round {round_ + 1}/{args.rounds} done, load {os.getloadavg()[0]:.2f}", file=sys.stderr)

    summary: dict[str, Any] = {
        "size": args.size,
        "renders_per_round": args.renders,
        "rounds": args.rounds,
        "baseline_rev": args.baseline_rev,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_average": round(os.getloadavg()[0], 2),
        "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    print(
        f"{'variant':<14} {'report':<7} {'pages':>5} {'median s':>9} {'best s':>8} {'pages/s':>8} {'cpu s':>7} "
        f"{'p/cpu s':>8} {'first s':>8} "
        f"{'RSS MB':>7} {'KB':>6}  sha256"
    )
    for variant in variants:
        for report in REPORTS:
            runs = results[variant][report]
            times = [t for run in runs for t in run["times"]]
            cpu = statistics.median(t for run in runs for t in run["cpu"])
            hashes = {h for run in runs for h in run["sha256"]}
            pages = runs[0]["pages"]
            median, best = statistics.median(times), min(times)
            figures = {
                "pages": pages,
                "median_s": round(median, 4),
                "best_s": round(best, 4),
                "pages_per_s": round(pages / median, 1),
                "cpu_s": round(cpu, 4),
                "pages_per_cpu_s": round(pages / cpu, 1),
                "first_render_s": round(statistics.median(r["first_s"] for r in runs), 4),
                "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
                "pdf_kb": round(runs[0]["bytes"] / 1024, 1),
                "same_bytes_every_render": len(hashes) == 1,
                "sha256": sorted(hashes)[0][:16],
                "accelerated": runs[0]["accelerated"],
            }
            summary[f"{variant}.{report}"] = figures
            print(
                f"{variant:<14} {report:<7} {pages:>5} {median:>9.4f} {best:>8.4f} {pages / median:>8.1f} {cpu:>7.4f} "
                f"{pages / cpu:>8.1f} "
                f"{figures['first_render_s']:>8.3f} {figures['peak_rss_mb']:>7.1f} {figures['pdf_kb']:>6.1f}  "
                f"{figures['sha256']}{'' if len(hashes) == 1 else ' (DIFFERENT BYTES)'}"
            )
    for variant in variants[1:]:
        for report in REPORTS:
            summary[f"{variant}.{report}"]["speedup"] = round(
                summary[f"baseline.{report}"]["median_s"] / summary[f"{variant}.{report}"]["median_s"], 2
            )
            summary[f"{variant}.{report}"]["cpu_speedup"] = round(
                summary[f"baseline.{report}"]["cpu_s"] / summary[f"{variant}.{report}"]["cpu_s"], 2
            )
    best = variants[-1]
    summary["render_s"] = summary[f"{best}.annual"]["median_s"]
    summary["pages_per_s"] = summary[f"{best}.annual"]["pages_per_s"]
    summary["month_render_s"] = summary[f"{best}.month"]["median_s"]
    summary["month_pages_per_s"] = summary[f"{best}.month"]["pages_per_s"]
    summary["pages_per_cpu_s"] = summary[f"{best}.annual"]["pages_per_cpu_s"]
    summary["month_pages_per_cpu_s"] = summary[f"{best}.month"]["pages_per_cpu_s"]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
