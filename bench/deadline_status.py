"""Benchmark: GetDeadlineStatus(limit=1) for one contractor holding ~2.3 M tickets, on PostgreSQL.

    .venv/bin/python bench/deadline_status.py [--tickets 2300000] [--open-share 0.02]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--skip-baseline]

Tickets of one contractor (requested over five years; --open-share of them still open, in every
open status, the others closed) and their events (REQUESTED, and CLOSED for the closed ones) are
generated with polars and loaded with COPY through the store's frame writer into a fresh schema
``bench_<random>_interventions`` (dropped at the end).

Measured, each in a fresh (spawned) process so that its peak RSS is its own (VmHWM, the
interpreter and imports included):
- ``deadline_status``: the use case as GetDeadlineStatus serves it at the present (the lines and
  the counts computed in the database, the page of limit=1 returned);
- ``baseline``: the replay the service used before (every ticket of the contractor and all their
  events loaded, facts derived in polars, then cut to one line): what issue 12 measured at 62 s
  and 3.5 GB.
Both must agree on the counts per level. The last line printed is a JSON object with the figures.
"""

import argparse
import json
import multiprocessing as mp
import platform
import resource
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from services.runtime.db import drop_schema, insert_frame, make_engine  # noqa: E402
from services.runtime.migrate import upgrade  # noqa: E402

CONTRACTOR = "C-BIG"
OPEN = ["OPEN", "SCHEDULED", "IN_PROGRESS", "ON_HOLD"]


def generate(n: int, open_share: float, now: datetime, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(tickets, events) frames with the interventions and intervention_events columns."""
    span_us = int(timedelta(days=5 * 365).total_seconds() * 1e6)
    now_us = int(now.timestamp() * 1e6)
    base = pl.DataFrame({"n": pl.int_range(0, n, eager=True)}).with_columns(
        (pl.lit(now_us) - (pl.col("n").hash(seed) % span_us).cast(pl.Int64) - 3 * 3_600_000_000).alias("req_us"),
        ((pl.col("n").hash(seed + 1) % 10_000).cast(pl.Float64) / 10_000 < open_share).alias("is_open"),
    )
    ts = pl.Datetime("us", "UTC")
    tickets = base.select(
        pl.format("{}/T-{}", pl.lit(CONTRACTOR), "n").alias("id"),
        pl.lit(CONTRACTOR).alias("contractor_id"),
        pl.format("T-{}", "n").alias("external_ref"),
        pl.lit("K-BIG").alias("contract_id"),
        pl.lit("MS-CUR").alias("service_code"),
        pl.lit("multiservice").alias("trade"),
        pl.lit("CURATIVE").alias("nature"),
        pl.lit("normal").alias("criticality"),
        pl.format("B-{}", pl.col("n") % 5000).alias("building_id"),
        pl.format("U-{}", pl.col("n") % 90000).alias("ug_id"),
        pl.lit(None, pl.String).alias("equipment_id"),
        pl.lit("Fuite d'eau").alias("description"),
        pl.col("req_us").cast(ts).alias("requested_at"),
        pl.when("is_open")
        .then(pl.lit(pl.Series(OPEN)).get(pl.col("n") % 4))
        .otherwise(pl.lit("CLOSED"))
        .alias("status"),
        pl.lit(0, pl.Int32).alias("visits"),
        pl.lit(None, pl.Int32).alias("open_visit_number"),
        pl.lit(None, ts).alias("open_visit_started_at"),
        pl.lit(None, ts).alias("first_visit_at"),
        pl.lit(None, ts).alias("resolved_at"),
        pl.when("is_open").then(None).otherwise(pl.col("req_us") + 7_200_000_000).cast(ts).alias("closed_at"),
        pl.lit(None, ts).alias("cancelled_at"),
        pl.lit(False).alias("planned"),
        pl.lit(False).alias("on_hold"),
        pl.lit(False).alias("has_quitus"),
        pl.lit(0.0).alias("cost_eur"),
        pl.when("is_open").then(1).otherwise(2).cast(pl.Int32).alias("max_sequence"),
        pl.lit(24.0).alias("intervene_hours"),
        pl.lit(72.0).alias("repair_hours"),
        pl.lit(0.5).alias("recoverable_share"),
    )
    event_cols = dict(
        contractor_id=pl.lit(CONTRACTOR),
        visit_number=pl.lit(0, pl.Int32),
        quitus_document=pl.lit(""),
        quitus_signed_by=pl.lit(""),
        cost_eur=pl.lit(0.0),
        note=pl.lit(""),
        warnings=pl.lit(""),
        fingerprint=pl.lit("0" * 32),
    )
    requested = base.select(
        pl.format("{}/T-{}", pl.lit(CONTRACTOR), "n").alias("intervention_id"),
        pl.lit(1, pl.Int32).alias("sequence"),
        event_cols["contractor_id"].alias("contractor_id"),
        pl.lit("REQUESTED").alias("kind"),
        pl.col("req_us").cast(ts).alias("event_time"),
        pl.col("req_us").cast(ts).alias("recorded_at"),
        *[v.alias(k) for k, v in event_cols.items() if k != "contractor_id"],
    )
    closed = base.filter(~pl.col("is_open")).select(
        pl.format("{}/T-{}", pl.lit(CONTRACTOR), "n").alias("intervention_id"),
        pl.lit(2, pl.Int32).alias("sequence"),
        event_cols["contractor_id"].alias("contractor_id"),
        pl.lit("CLOSED").alias("kind"),
        (pl.col("req_us") + 7_200_000_000).cast(ts).alias("event_time"),
        (pl.col("req_us") + 7_200_000_000).cast(ts).alias("recorded_at"),
        *[v.alias(k) for k, v in event_cols.items() if k != "contractor_id"],
    )
    return tickets, pl.concat([requested, closed])


def _peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM: unlike ru_maxrss, which Linux carries across
    exec, it starts afresh in a spawned process and is not the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(url: str, schema: str, how: str, queue) -> None:
    """In a fresh process: run GetDeadlineStatus(limit=1)'s use case (or the baseline), report
    (seconds, peak RSS MB, counts)."""
    from services.interventions.domain.deadlines import deadline_report
    from services.interventions.service import InterventionsService
    from services.interventions.store import InterventionStore
    from services.runtime.principal import Principal, Role

    engine = make_engine(url, schema)
    service = InterventionsService(InterventionStore(engine))
    admin = Principal(Role.ADMIN, "bench")
    started = time.perf_counter()
    if how == "deadline_status":
        report = service.deadline_status(admin, at=None, contractor_id=CONTRACTOR, alerts_only=False, limit=1)
    else:  # the replay the service did before issue 12, at the present
        report = deadline_report(service._deadline_lines(datetime.now(UTC), CONTRACTOR), alerts_only=False, limit=1)
    took = time.perf_counter() - started
    rss_mb = _peak_rss_mb()
    queue.put((took, rss_mb, (report.on_track, report.alert_90, report.breached), len(report.lines)))
    engine.dispose()


def run_measure(url: str, schema: str, how: str) -> tuple[float, float, tuple[int, int, int], int]:
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=measure, args=(url, schema, how, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=2_300_000)
    parser.add_argument("--open-share", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    print(f"machine: {mp.cpu_count()} CPUs, Python {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    prefix = f"bench_{uuid.uuid4().hex[:8]}_"
    schema = prefix + "interventions"
    engine = make_engine(args.database_url, schema)
    try:
        upgrade(engine, "services.interventions")
        started = time.perf_counter()
        tickets, events = generate(args.tickets, args.open_share, datetime.now(UTC), args.seed)
        print(
            f"generation: {tickets.height:,} tickets, {events.height:,} events in {time.perf_counter() - started:.1f} s"
        )
        from services.interventions import models as m

        started = time.perf_counter()
        with engine.begin() as conn:
            for start in range(0, tickets.height, 500_000):
                insert_frame(conn, m.interventions, tickets.slice(start, 500_000))
            for start in range(0, events.height, 500_000):
                insert_frame(conn, m.intervention_events, events.slice(start, 500_000))
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE interventions")
            conn.exec_driver_sql("ANALYZE intervention_events")
            conn.commit()
        print(f"load (COPY): {time.perf_counter() - started:.1f} s")
        del tickets, events
        figures: dict[str, object] = {"tickets": args.tickets, "open_share": args.open_share}
        took, rss, counts, lines = run_measure(args.database_url, schema, "deadline_status")
        print(f"GetDeadlineStatus(limit=1), in the database: {took:.2f} s, peak RSS {rss:.0f} MB, counts {counts}")
        figures |= {"deadline_status_s": round(took, 3), "deadline_status_peak_rss_mb": round(rss), "counts": counts}
        if not args.skip_baseline:
            b_took, b_rss, b_counts, _ = run_measure(args.database_url, schema, "baseline")
            print(
                f"baseline (every ticket and event loaded, replayed): {b_took:.2f} s,"
                f" peak RSS {b_rss:.0f} MB, counts {b_counts}"
            )
            assert b_counts == counts, f"the two disagree: {counts} != {b_counts}"
            figures |= {
                "baseline_s": round(b_took, 3),
                "baseline_peak_rss_mb": round(b_rss),
                "speedup": round(b_took / took, 1),
            }
        print(json.dumps(figures))
    finally:
        engine.dispose()
        drop_schema(args.database_url, schema)


if __name__ == "__main__":
    main()
