"""Benchmark: PostgreSQL's CPU for the events' COPY, rows in arrival order (the naive baseline)
against rows sorted by their primary key (ticket, sequence), as the interventions store writes them.

    .venv/bin/python bench/copy_order.py [--events 1200000] [--batch-size 50000] [--rounds 4]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Events of synthetic tickets (ids shaped as the demo's: contractor/contractor-date-number), in
arrival order as a year of work interleaves them: new tickets open, and each event goes to one of
the last few thousand open tickets, up to 8 events per ticket. Each round COPies every batch
(one transaction each) into a fresh intervention_events table (the service's own model), once
per order, after a CHECKPOINT; the order that goes first alternates from round to round. The
figure is the CPU time of the PostgreSQL backend (from /proc, the database being on this
machine): the median over the rounds, with the spread; also the wall time and the table's and
key's sizes. The last line printed is a JSON object with the figures.
"""

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.interventions import models as m  # noqa: E402
from services.runtime.db import drop_schema, insert_frame, make_engine  # noqa: E402


def arrival_order(events: int, seed: int) -> list[tuple[str, int]]:
    """(ticket id, sequence) of each event, in the order they arrive."""
    rng = random.Random(seed)
    opened: list[list] = []
    out: list[tuple[str, int]] = []
    number = 0
    while len(out) < events:
        if not opened or rng.random() < 0.15:
            contractor = f"C{rng.randrange(50):02d}"
            day = datetime(2025, 1, 1) + timedelta(days=number * 365 // (events // 7))
            opened.append([f"{contractor}/{contractor}-{day:%Y%m%d}-{number:07d}", 0])
            number += 1
        i = rng.randrange(max(0, len(opened) - 3000), len(opened))
        ticket = opened[i]
        ticket[1] += 1
        out.append((ticket[0], ticket[1]))
        if ticket[1] == 8:
            opened[i] = opened[-1]
            opened.pop()
    return out


def batch_frame(keys: list[tuple[str, int]], seed: int) -> pl.DataFrame:
    rng = random.Random(seed)
    at = datetime(2025, 3, 1, 10, tzinfo=UTC)
    ids, sequences = zip(*keys, strict=True)
    return pl.DataFrame(
        {
            "intervention_id": ids,
            "sequence": sequences,
            "contractor_id": [i[:3] for i in ids],
            "kind": ["VISIT_ENDED"] * len(ids),
            "event_time": [at] * len(ids),
            "recorded_at": [at] * len(ids),
            "visit_number": [1] * len(ids),
            "quitus_document": [""] * len(ids),
            "quitus_signed_by": [""] * len(ids),
            "cost_eur": [12.5] * len(ids),
            "note": [""] * len(ids),
            "warnings": [""] * len(ids),
            "fingerprint": [f"{rng.getrandbits(128):032x}" for _ in ids],
        },
        schema_overrides={"sequence": pl.Int32, "visit_number": pl.Int32},
    )


def backend_cpu_s(conn) -> float:
    pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, in clock ticks


def run(url: str, batches: list[pl.DataFrame]) -> dict:
    schema = f"bench_{uuid.uuid4().hex[:8]}_copy"
    engine = make_engine(url, schema)
    try:
        m.intervention_events.create(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("CHECKPOINT")  # no dirty pages of the previous run to write meanwhile
            conn.commit()
            cpu, wall = backend_cpu_s(conn), time.perf_counter()
            for frame in batches:
                insert_frame(conn, m.intervention_events, frame)
                conn.commit()
            cpu, wall = backend_cpu_s(conn) - cpu, time.perf_counter() - wall
            heap, key = conn.exec_driver_sql(
                "SELECT pg_relation_size('intervention_events') / 8192, "
                "pg_relation_size('intervention_events_pkey') / 8192"
            ).one()
        return {"backend_cpu_s": cpu, "wall_s": wall, "heap_pages": heap, "key_pages": key}
    finally:
        engine.dispose()
        drop_schema(url, schema)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_200_000)
    parser.add_argument("--batch-size", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    keys = arrival_order(args.events, args.seed)
    arrival = [batch_frame(keys[s : s + args.batch_size], args.seed + s) for s in range(0, len(keys), args.batch_size)]
    by_key = [frame.sort("intervention_id", "sequence") for frame in arrival]
    results: dict[str, list[dict]] = {"arrival": [], "by_key": []}
    for round_ in range(args.rounds):
        orders = [("arrival", arrival), ("by_key", by_key)]
        for order, batches in orders if round_ % 2 == 0 else orders[::-1]:
            result = run(args.database_url, batches)
            results[order].append(result)
            cpu = result["backend_cpu_s"]
            print(
                f"round {round_ + 1}, {order:7s}: {len(keys):,} events, PostgreSQL CPU {cpu:.2f} s "
                f"({len(keys) / cpu:,.0f} events per CPU-second), wall {result['wall_s']:.2f} s, "
                f"heap {result['heap_pages']:,} pages, key {result['key_pages']:,} pages"
            )
    cpu = {order: [r["backend_cpu_s"] for r in runs] for order, runs in results.items()}
    median = {order: statistics.median(values) for order, values in cpu.items()}
    for order, values in cpu.items():
        print(f"{order:7s}: PostgreSQL CPU median {median[order]:.2f} s, from {min(values):.2f} to {max(values):.2f} s")
    print(
        json.dumps(
            {
                "events": len(keys),
                "batch_size": args.batch_size,
                "rounds": args.rounds,
                "arrival_cpu_s": round(median["arrival"], 2),
                "by_key_cpu_s": round(median["by_key"], 2),
                "arrival_cpu_s_range": [round(min(cpu["arrival"]), 2), round(max(cpu["arrival"]), 2)],
                "by_key_cpu_s_range": [round(min(cpu["by_key"]), 2), round(max(cpu["by_key"]), 2)],
                "by_key_events_per_cpu_s": round(len(keys) / median["by_key"]),
                "baseline_events_per_cpu_s": round(len(keys) / median["arrival"]),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
