"""Benchmark: resolve one million activity lines against ADEME Base Carbone v23.6.

    .venv/bin/python bench/resolve_factors.py [--lines 1000000] [--baseline-sample 500]

The batch is resolved as one polars join (services.factors.domain.resolution.resolve); the
baseline resolves a sample of the same lines one call per line, as a per-record RPC or a loop
would. Both must give the same factor for each sampled line. The last line printed is a JSON
object with the figures.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.factors.domain.resolution import resolve  # noqa: E402
from services.factors.files import data_dir  # noqa: E402
from services.factors.local_sets import load_conversions, load_set, load_units  # noqa: E402

# (carrier, unit, boundary, usage): a landlord's usual lines, every one resolvable in ADEME v23.6
# between 2022-04-01 and 2024-12-31 (gas in kWh PCS before 2023-03-15 goes through PCS/PCI).
MIX = [
    ("natural_gas", "kWh PCS", "total", "heating"),
    ("natural_gas", "kWh PCS", "combustion", "heating"),
    ("natural_gas", "kWh PCI", "total", "dhw"),
    ("heating_oil", "litre", "total", "heating"),
    ("electricity", "kWh", "total", "common_electricity"),
    ("electricity", "kWh", "upstream", "heating"),
    ("district_heating", "kWh", "combustion", "heating"),
    ("lpg", "kWh PCI", "total", "heating"),
    ("water_supply", "m3", "total", "*"),
    ("wood_pellets", "kg", "total", "heating"),
]
FIRST_DAY, DAYS = date(2022, 4, 1), 1006  # to 2024-12-31


def activities(n: int) -> pl.DataFrame:
    mix = pl.DataFrame(MIX, schema=["carrier", "unit", "boundary", "usage"], orient="row").with_row_index("k")
    idx = pl.col("line")
    lines = pl.DataFrame({"line": pl.int_range(n, eager=True, dtype=pl.UInt64)}).with_columns(
        (idx.hash(7) % len(MIX)).cast(pl.UInt32).alias("k"),
        (pl.lit(FIRST_DAY) + pl.duration(days=idx.hash(11) % DAYS)).alias("date"),
        ((idx.hash(13) % 100_000).cast(pl.Float64) / 10).alias("quantity"),
    )
    return (
        lines.join(mix, on="k", maintain_order="left")
        .drop("k")
        .with_columns(pl.lit("FR").alias("country"), pl.lit("").alias("variant"))
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--baseline-sample", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    factors_dir = data_dir()
    units = load_units(factors_dir)
    conversions = load_conversions(factors_dir, units)
    ademe = load_set(factors_dir / "ademe_base_carbone" / "23.6", units)
    lines = activities(args.lines)
    print(
        f"machine: nproc={os.cpu_count()} python={platform.python_version()} polars={pl.__version__} "
        f"{platform.machine()}"
    )
    print(
        f"set: {ademe.label} {ademe.content_sha256}; {lines.height} lines, "
        f"{lines.select('carrier', 'unit', 'usage', 'boundary', 'date').n_unique()} distinct activities"
    )

    resolve(ademe, conversions, lines.head(1000))  # warm-up
    timings: list[float] = []
    result = pl.DataFrame()
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = resolve(ademe, conversions, lines)
        timings.append(time.perf_counter() - start)
    batch_s = statistics.median(timings)
    assert result.height == lines.height and result["factor_key"].null_count() == 0
    print(
        f"batch join: median {batch_s:.3f} s over {args.repeat} runs (min {min(timings):.3f} s), "
        f"total {result['kgco2e'].sum() / 1000:,.1f} tCO2e"
    )

    sample = lines.head(args.baseline_sample)
    start = time.perf_counter()
    naive = [resolve(ademe, conversions, sample.slice(i, 1)).row(0, named=True) for i in range(sample.height)]
    baseline_s = time.perf_counter() - start
    expected = result.head(args.baseline_sample)
    assert [r["factor_key"] for r in naive] == expected["factor_key"].to_list()
    assert [r["kgco2e"] for r in naive] == expected["kgco2e"].to_list()
    print(f"baseline, one call per line: {sample.height} lines in {baseline_s:.3f} s (same factors as the batch)")

    figures = {
        "lines": lines.height,
        "batch_seconds": round(batch_s, 4),
        "resolutions_per_s": round(lines.height / batch_s),
        "baseline_resolutions_per_s": round(sample.height / baseline_s),
        "speedup": round((lines.height / batch_s) / (sample.height / baseline_s)),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
