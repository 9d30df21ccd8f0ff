"""Benchmark: three years of daily meter readings of an 85,000-dwelling landlord through gRPC into
PostgreSQL, then the monthly rollup of every meter over the three years.

    .venv/bin/python bench/ingest_readings.py [--dwellings 85000] [--days 1096] [--batch-size 20000]
        [--streams 2] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
        [--baseline-sample 20000]

Meters: one cold-water meter per dwelling, and per building of 40 dwellings a heating meter (gas
in m3 with a 5-digit register, or district heating), a common-electricity meter and a general
water meter: 85,000 dwellings -> 91,375 meters -> 100.1 million readings over 1,096 days. Values
have a seasonal profile; a few registers roll over. Readings are generated and serialised into
IngestReadingsRequest messages (columnar, one meter's three years per message run) before the clock starts;
--streams streams send them concurrently (default 2: the server's Python work overlaps PostgreSQL's).

The consumption server is built in-process (authentication off) on a fresh schema
``bench_<random>_consumption``, dropped at the end. Every check runs: validation, duplicates
against stored readings, COPY.

- readings_per_s: readings sent / time from the first batch sent to the last ack.
- baseline_readings_per_s: the first --baseline-sample readings inserted the naive way, one INSERT
  statement per reading (in one transaction), into a table of the same shape, no checks.
- monthly_rollup_s: monthly consumption for every meter over the three years (domain/registers.py:
  rollover, replacement, gaps, proration, estimated share) on the readings once in memory;
  rollup_load_s is the time to read them from PostgreSQL (COPY TO STDOUT) before that.
- peak_rss_mb: peak resident memory of this process (client and server) or of the rollup process,
  whichever is larger.

The last line printed is a JSON object with the figures.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import polars as pl
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.api.quitus.consumption.v1 import consumption_pb2 as pb  # noqa: E402
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc  # noqa: E402
from services.consumption.domain.periods import period_bounds  # noqa: E402
from services.consumption.domain.registers import index_consumption  # noqa: E402
from services.consumption.server import build  # noqa: E402
from services.consumption.store import ConsumptionStore  # noqa: E402
from services.runtime.client import open_channel  # noqa: E402
from services.runtime.db import make_engine  # noqa: E402
from services.runtime.settings import Settings  # noqa: E402

START = datetime(2023, 1, 1, tzinfo=UTC)
DWELLINGS_PER_BUILDING = 40


def meter_table(dwellings: int) -> pl.DataFrame:
    buildings = max(1, dwellings // DWELLINGS_PER_BUILDING)
    rows = []
    for b in range(buildings):
        heat = ("natural_gas", "m3", "heating_hot_water", 5) if b % 3 else ("district_heating", "kWh", "heating", 8)
        rows.append((f"H{b:05d}", f"B{b:05d}", heat[0], heat[1], heat[2], heat[3], 60.0 if b % 3 else 600.0))
        rows.append((f"E{b:05d}", f"B{b:05d}", "electricity", "kWh", "common_electricity", 7, 40.0))
        rows.append((f"G{b:05d}", f"B{b:05d}", "cold_water", "m3", "water", 6, 3.0))
    for d in range(dwellings):
        rows.append((f"W{d:06d}", f"B{d // DWELLINGS_PER_BUILDING:05d}", "cold_water", "m3", "water", 5, 0.3))
    return pl.DataFrame(
        rows, schema=["meter_ref", "building_id", "carrier", "unit", "usage", "digits", "daily"], orient="row"
    ).with_row_index("n")


def meter_batches(meters: pl.DataFrame) -> list[pb.ImportMetersRequest]:
    msgs = [
        pb.Meter(
            meter_ref=r["meter_ref"],
            building_id=r["building_id"],
            carrier=r["carrier"],
            unit=r["unit"],
            usage=r["usage"],
            recoverable=True,
            charge_category="other",
            register_digits=r["digits"],
            reading_kind="index",
            weather_station="S1",
        )
        for r in meters.iter_rows(named=True)
    ]
    return [pb.ImportMetersRequest(meters=msgs[i : i + 5000]) for i in range(0, len(msgs), 5000)]


def readings_frame(meters: pl.DataFrame, days: int) -> pl.DataFrame:
    """Daily index readings with a seasonal profile (winter x 1.8, summer x 0.4 for heating)."""
    day = pl.int_range(days, dtype=pl.Int64)
    grid = meters.select("n", "meter_ref", "unit", "daily", "digits").join(pl.select(day=day), how="cross")
    season = 1.0 + 0.7 * ((pl.col("day") * 2 * 3.14159265 / 365.25).cos())
    noise = (pl.struct("n", "day").hash(7) % 1000).cast(pl.Float64) / 1000.0 + 0.5
    grid = grid.with_columns(inc=pl.col("daily") * season * noise)
    start_index = (pl.col("n").hash(3) % 90_000).cast(pl.Float64)
    return grid.with_columns(
        value=((start_index + pl.col("inc").cum_sum().over("n")) % (10.0 ** pl.col("digits"))).round(3),
        read_at_us=int(START.timestamp()) * 1_000_000 + pl.col("day") * 86_400_000_000,
    ).select("meter_ref", "unit", "read_at_us", "value")


def reading_batches(frame: pl.DataFrame, size: int) -> list[tuple[bytes, int]]:
    """Serialised ReadingBatch messages (bytes keep the 100 million readings in ~4 GB) and their sizes."""
    out = []
    for i, offset in enumerate(range(0, frame.height, size)):
        part = frame.slice(offset, size)
        msg = pb.IngestReadingsRequest(
            batch_id=f"r{i}",
            meter_ref=part["meter_ref"].to_list(),
            kind=["index"] * part.height,
            read_at_us=part["read_at_us"].to_list(),
            value=part["value"].to_list(),
            unit=part["unit"].to_list(),
        )
        out.append((msg.SerializeToString(), part.height))
    return out


def rollup_child(url: str, schema: str, days: int) -> None:
    """Run in a fresh process: read every index reading back and compute the monthly rollup."""
    store = ConsumptionStore(make_engine(url, schema))
    t0 = time.perf_counter()
    readings = store.readings("index", 0, 2**62, 2**62).drop("period_start")
    load_s = time.perf_counter() - t0
    meter_digits = store.meters().select("meter_id", "register_digits")
    t0 = time.perf_counter()
    bounds = period_bounds(START, START + timedelta(days=days), "month")
    monthly, events, _ = index_consumption(readings, bounds, meter_digits)
    rollup_s = time.perf_counter() - t0
    print(
        f"rollup: loaded {readings.height:,} readings in {load_s:.1f} s; {monthly.height:,} meter-months, "
        f"{events.height:,} rollovers/replacements in {rollup_s:.2f} s",
        flush=True,
    )
    print(json.dumps({"load_s": load_s, "rollup_s": rollup_s}))


def baseline(url: str, schema: str, frame: pl.DataFrame) -> float:
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE baseline_reading (meter_ref text, kind text, read_at_us bigint, "
                "value double precision, estimated boolean, recorded_at_us bigint, "
                "PRIMARY KEY (meter_ref, kind, read_at_us))"
            )
        )
    stmt = text("INSERT INTO baseline_reading VALUES (:m, 'index', :t, :v, false, :r)")
    rows = frame.rows()
    t0 = time.perf_counter()
    with engine.begin() as conn:
        for ref, _unit, t, v in rows:
            conn.execute(stmt, {"m": ref, "t": t, "v": v, "r": t})
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return len(rows) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dwellings", type=int, default=85_000)
    parser.add_argument("--days", type=int, default=1096)
    parser.add_argument("--batch-size", type=int, default=20_000)
    parser.add_argument("--streams", type=int, default=2, help="concurrent IngestReadings streams")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--baseline-sample", type=int, default=20_000)
    parser.add_argument("--rollup-only", metavar="SCHEMA", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rollup_only:
        rollup_child(args.database_url, args.rollup_only, args.days)
        return

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}, polars {pl.__version__}",
        flush=True,
    )
    prefix = f"bench_{uuid.uuid4().hex[:8]}_"
    settings = Settings(database_url=args.database_url, auth_enabled=False, grpc_workers=8)
    server, port = build(settings, port=0, schema_prefix=prefix)
    server.start()
    try:
        t0 = time.perf_counter()
        meters = meter_table(args.dwellings)
        frame = readings_frame(meters, args.days)
        batches = reading_batches(frame, args.batch_size)
        print(
            f"generated {meters.height:,} meters, {frame.height:,} readings in {len(batches):,} batches "
            f"({time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
        sample = frame.head(args.baseline_sample)
        del frame
        channel = open_channel(f"localhost:{port}")
        stub = pb_grpc.ConsumptionServiceStub(channel)
        stub.ImportMeters(iter(meter_batches(meters)))
        ingest: grpc.StreamStreamMultiCallable = channel.stream_stream(
            "/quitus.consumption.v1.ConsumptionService/IngestReadings",
            response_deserializer=pb.IngestReadingsResponse.FromString,
        )

        acks: list = []
        lock = threading.Lock()

        def stream(part: list) -> None:
            got = list(ingest(iter([payload for payload, _ in part])))
            with lock:
                acks.extend(got)

        t0 = time.perf_counter()
        threads = [threading.Thread(target=stream, args=(batches[i :: args.streams],)) for i in range(args.streams)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ingest_s = time.perf_counter() - t0
        sent = sum(n for _, n in batches)
        accepted = sum(a.accepted for a in acks)
        rejected = sum(a.rejected_total for a in acks)
        print(
            f"ingest: {sent:,} readings in {ingest_s:.1f} s, accepted {accepted:,}, rejected {rejected:,}", flush=True
        )
        del batches
        channel.close()

        # the rollup runs in a fresh process: this one still holds the client's and server's memory
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--rollup-only",
                prefix + "consumption",
                "--days",
                str(args.days),
                "--database-url",
                args.database_url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        print(child.stdout.splitlines()[-2], flush=True)
        figures = json.loads(child.stdout.splitlines()[-1])
        load_s, rollup_s = figures["load_s"], figures["rollup_s"]
        base = baseline(args.database_url, prefix + "consumption", sample)
        print(f"baseline: {base:,.0f} readings/s (one INSERT per reading)", flush=True)
    finally:
        server.stop(0)
        engine = create_engine(args.database_url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{prefix}consumption" CASCADE'))
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{prefix}auth" CASCADE'))
        engine.dispose()
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    print(
        json.dumps(
            {
                "dwellings": args.dwellings,
                "meters": meters.height,
                "readings": sent,
                "readings_per_s": round(sent / ingest_s),
                "baseline_readings_per_s": round(base),
                "ingest_s": round(ingest_s, 1),
                "rollup_load_s": round(load_s, 1),
                "monthly_rollup_s": round(rollup_s, 2),
                "peak_rss_mb": round(peak),
            }
        )
    )


if __name__ == "__main__":
    main()
