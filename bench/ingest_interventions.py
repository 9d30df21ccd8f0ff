"""Benchmark: one year of intervention events of an 85,000-dwelling landlord through gRPC into
PostgreSQL, with every business check on.

    .venv/bin/python bench/ingest_interventions.py [--dwellings 85000] [--batch-size 50000]
        [--replicas 2] [--streams 4] [--form columns|rows]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--baseline-sample 20000]

The service runs as --replicas processes (`quitus serve interventions`, as deployed: one per
core), authentication off (the embedded admin, whose recorded_at is honoured as a backfill),
on fresh schemas ``bench_<random>_*`` dropped at the end. Events are generated (timed apart)
and serialised into IngestEventsRequest messages before the clock starts: by default as one EventColumns
message per batch (the bulk form in plain protobuf); with --form arrow as one Arrow IPC stream
per batch (arrow_ipc, as a loader holding its data in polars sends them), with --form rows one
InterventionEvent message per event. The service checks and stores every form alike. Each of --streams client
processes (contractors' systems are separate processes) streams the events of its share of the
contractors, so a ticket's events stay in order, to replica (stream number mod replicas).
Contractors are dealt to streams by their number of events, largest first to the lightest
stream, so that the streams carry the same load and end together (dealt by contractor number
instead, one stream had 20 % more events than another and ran alone at the end).
events_per_s = events sent / time from the first batch sent to the last ack received.

Baseline: the first --baseline-sample events inserted the naive way, one SQLAlchemy ORM object
per event (session.add) and one commit per --baseline-commit-every events (default 1: a commit
per event), into a table of the same shape, with no business check at all.

The last line printed is a JSON object with the figures.
"""

import argparse
import io
import json
import multiprocessing as mp
import os
import platform
import resource
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from multiprocessing.synchronize import Event as EventFlag
from pathlib import Path

import grpc
import polars as pl
from sqlalchemy import Float, Integer, String, Text, create_engine, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402

from services.api.quitus.interventions.v1 import interventions_pb2 as pb  # noqa: E402
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc  # noqa: E402
from services.demo import contracts, interventions, portfolio  # noqa: E402
from services.interventions import convert  # noqa: E402
from services.interventions.domain.events import SENT_SCHEMA  # noqa: E402
from services.runtime.db import UTCDateTime, make_engine  # noqa: E402
from services.runtime.log import configure_logging  # noqa: E402

INGEST = "/quitus.interventions.v1.InterventionsService/IngestEvents"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dwellings", type=int, default=85_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--batch-size", type=int, default=50_000)
    parser.add_argument("--replicas", type=int, default=2, help="server processes")
    parser.add_argument("--streams", type=int, default=4, help="concurrent IngestEvents streams, one process each")
    parser.add_argument(
        "--form",
        choices=["columns", "arrow", "rows"],
        default="columns",
        help="batches as EventColumns, as an Arrow IPC stream, or one InterventionEvent message per event",
    )
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--baseline-sample", type=int, default=20_000)
    parser.add_argument("--baseline-commit-every", type=int, default=1)
    args = parser.parse_args()
    configure_logging("WARNING")
    machine()

    started = time.perf_counter()
    p = portfolio.generate_portfolio(args.dwellings, args.seed)
    c = contracts.generate_contractors(p, args.seed)
    events = interventions.generate_events(
        p, c, args.seed, datetime(args.year, 1, 1, tzinfo=UTC), datetime(args.year + 1, 1, 1, tzinfo=UTC)
    )
    generation_s = time.perf_counter() - started
    print(
        f"generation: {len(p.units):,} units, {len(c.contractors)} contractors, {len(events):,} events "
        f"in {generation_s:.1f} s"
    )
    started = time.perf_counter()
    stream_of = stream_of_contractor(events.per_contractor(), args.streams)
    streams = serialised_streams(events, args.batch_size, stream_of, args.streams, args.form)
    serialise_s = time.perf_counter() - started
    print(
        f"serialisation: {sum(len(s) for s in streams):,} batches of up to {args.batch_size} events, "
        f"{sum(len(b) for s in streams for b in s) / 1e6:.0f} MB, in {serialise_s:.1f} s (not timed below); "
        f"events per stream: {', '.join(f'{n:,}' for n in stream_loads(events.per_contractor(), stream_of))}"
    )

    prefix = f"bench_{uuid.uuid4().hex[:8]}_"
    replicas = [start_replica(args.database_url, prefix) for _ in range(args.replicas)]
    channel = grpc.insecure_channel(
        f"127.0.0.1:{replicas[0][1]}", options=[("grpc.max_receive_message_length", 64 << 20)]
    )
    try:
        started = time.perf_counter()
        records = portfolio.records(p) + contracts.records(c)
        pb_grpc.InterventionsServiceStub(channel).ImportPortfolio(
            iter([pb.ImportPortfolioRequest(records=records[i : i + 5000]) for i in range(0, len(records), 5000)])
        )
        print(f"portfolio import: {len(records):,} records in {time.perf_counter() - started:.1f} s")
        del p, c, records

        wal_before = wal_activity(args.database_url)
        acks, ingest_s = ingest([port for _, port in replicas], streams)
        wal = {k: v - wal_before[k] for k, v in wal_activity(args.database_url).items()}
        accepted = sum(a.accepted for a in acks)
        rejected = sum(len(a.rejected) + a.more_rejected for a in acks)  # an ack lists the first 1,000
        duplicates = sum(a.duplicates for a in acks)
        warned = sum(len(a.warnings) + a.more_warnings for a in acks)
        received = sum(a.received for a in acks)
        events_per_s = received / ingest_s
        print(
            f"ingest: {received:,} events in {ingest_s:.1f} s = {events_per_s:,.0f} events/s, "
            f"{args.replicas} replica(s), {args.streams} stream(s), {args.form}; "
            f"accepted {accepted:,}, rejected {rejected:,}, "
            f"duplicates {duplicates:,}, warnings {warned:,}"
        )
        print(
            f"PostgreSQL during the ingest: {wal['wal_bytes'] / received:,.0f} WAL bytes and "
            f"{wal['wal_fpi'] / received:.3f} full-page images per event, {wal['checkpoints']} checkpoint(s)"
        )
        del streams

        baseline_events_per_s = baseline(
            args.database_url, prefix, events, args.baseline_sample, args.baseline_commit_every
        )
        print(
            f"baseline (ORM, one object per event, a commit per {args.baseline_commit_every} event(s), "
            f"no checks): {baseline_events_per_s:,.0f} events/s on {args.baseline_sample:,} events"
        )
    finally:
        channel.close()
        for process, _ in replicas:
            process.terminate()
            process.wait(60)
        drop_schemas(args.database_url, prefix)

    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # ru_maxrss of the children: the largest of the replicas and client processes.
    peak_child_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"peak RSS: bench process (generator) {peak_rss_mb:,.0f} MB, largest replica or client "
        f"{peak_child_rss_mb:,.0f} MB"
    )
    print(
        json.dumps(
            {
                "events_per_s": round(events_per_s),
                "baseline_events_per_s": round(baseline_events_per_s),
                "speedup": round(events_per_s / baseline_events_per_s, 1),
                "peak_rss_mb": round(peak_rss_mb),
                "events": len(events),
                "received": received,
                "accepted": accepted,
                "rejected": rejected,
                "duplicates": duplicates,
                "warnings": warned,
                "generation_s": round(generation_s, 1),
                "ingest_s": round(ingest_s, 1),
                "dwellings": args.dwellings,
                "batch_size": args.batch_size,
                "replicas": args.replicas,
                "streams": args.streams,
                "form": args.form,
                "peak_replica_or_client_rss_mb": round(peak_child_rss_mb),
                "wal_bytes_per_event": round(wal["wal_bytes"] / received),
                "checkpoints": wal["checkpoints"],
            }
        )
    )


def wal_activity(url: str) -> dict[str, int]:
    """Cluster-wide WAL counters: a checkpoint during the run makes PostgreSQL log whole pages
    again (full-page images), one cause of the run-to-run spread."""
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT wal_bytes::bigint, wal_fpi, (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter) "
                "FROM pg_stat_wal"
            )
        ).one()
    engine.dispose()
    return dict(zip(("wal_bytes", "wal_fpi", "checkpoints"), row, strict=True))


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
        f"machine: {os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def stream_of_contractor(events_per_contractor: Counter, streams: int) -> dict[str, int]:
    """Each contractor's stream: largest contractor first, to the stream with fewest events so far."""
    load = [0] * streams
    chosen = {}
    for contractor, n in sorted(events_per_contractor.items(), key=lambda item: (-item[1], item[0])):
        chosen[contractor] = min(range(streams), key=lambda i: (load[i], i))
        load[chosen[contractor]] += n
    return chosen


def stream_loads(events_per_contractor: Counter, stream_of: dict[str, int]) -> list[int]:
    loads = [0] * (max(stream_of.values()) + 1)
    for contractor, n in events_per_contractor.items():
        loads[stream_of[contractor]] += n
    return loads


def serialised_streams(
    events: interventions.Events, size: int, stream_of: dict[str, int], streams: int, form: str
) -> list[list[bytes]]:
    """IngestEventsRequest bytes per stream, each contractor's events in one stream; ``form`` "rows" sends
    one InterventionEvent message per event, "columns" one EventColumns message per batch, "arrow"
    one Arrow IPC stream per batch."""
    out: list[list[bytes]] = [[] for _ in range(streams)]
    pending: list[list] = [[] for _ in range(streams)]

    def flush(i: int) -> None:
        batch = pb.IngestEventsRequest(batch_id=f"bench-{i}-{len(out[i]):06d}")
        if form == "columns":
            batch.columns.CopyFrom(convert.to_event_columns(convert.batch_columns(pending[i])))
        elif form == "arrow":
            batch.arrow_ipc = arrow_ipc(convert.batch_columns(pending[i]))
        else:
            batch.events.events.extend(pending[i])
        out[i].append(batch.SerializeToString())
        pending[i] = []

    for chunk in events.batches(5000, "chunk"):
        for e in chunk.events.events:
            i = stream_of[e.contractor_id]
            pending[i].append(e)
            if len(pending[i]) == size:
                flush(i)
    for i in range(streams):
        if pending[i]:
            flush(i)
    return out


def arrow_ipc(columns: dict[str, list]) -> bytes:
    """Columns (events.SENT_SCHEMA) as an Arrow IPC stream whose columns are named as EventColumns,
    its buffers LZ4-compressed (a sixth of the uncompressed size, half the size of EventColumns)."""
    buffer = io.BytesIO()
    pl.DataFrame(columns, schema=SENT_SCHEMA).rename(convert.COLUMN_FIELDS).write_ipc_stream(buffer, compression="lz4")
    return buffer.getvalue()


def start_replica(url: str, prefix: str) -> tuple[subprocess.Popen, int]:
    """`quitus serve interventions` on a free port; returns when it reports SERVING."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "QUITUS_DATABASE_URL": url,
        "QUITUS_SCHEMA_PREFIX": prefix,
        "QUITUS_AUTH_ENABLED": "false",
        "QUITUS_INTERVENTIONS_PORT": str(port),
        "QUITUS_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "serve", "interventions"], env=env, stdout=subprocess.DEVNULL
    )
    health = health_pb2_grpc.HealthStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            reply = health.Check(health_pb2.HealthCheckRequest(), timeout=1)
            if reply.status == health_pb2.HealthCheckResponse.SERVING:
                return process, port
        except grpc.RpcError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"replica on port {port} never became SERVING")


def _send(port: int, batches: list[bytes], results: "mp.Queue", go: "EventFlag") -> None:
    """One client process: stream its batches, report (acks, first send, last ack)."""
    channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", 64 << 20)])
    call = channel.stream_stream(INGEST, request_serializer=lambda b: b, response_deserializer=lambda b: b)
    go.wait()
    started = time.perf_counter()
    acks = list(call(iter(batches)))
    results.put((acks, started, time.perf_counter()))


def ingest(ports: list[int], streams: list[list[bytes]]) -> tuple[list[pb.IngestEventsResponse], float]:
    context = mp.get_context("fork")  # the children inherit the serialised batches without copying them
    results, go = context.Queue(), context.Event()
    clients = [
        context.Process(target=_send, args=(ports[i % len(ports)], stream, results, go))
        for i, stream in enumerate(streams)
    ]
    for client in clients:
        client.start()
    time.sleep(1.0)  # every client connected and waiting
    go.set()
    outcomes = [results.get() for _ in clients]
    for client in clients:
        client.join()
    if sorted(len(acks) for acks, _, _ in outcomes) != sorted(len(s) for s in streams):
        raise SystemExit("a stream ended before every batch was acknowledged")
    elapsed = max(end for _, _, end in outcomes) - min(start for _, start, _ in outcomes)
    return [pb.IngestEventsResponse.FromString(a) for acks, _, _ in outcomes for a in acks], elapsed


class Base(DeclarativeBase):
    pass


class BaselineEvent(Base):
    """The shape of services/interventions/models.py intervention_events."""

    __tablename__ = "baseline_events"
    intervention_id: Mapped[str] = mapped_column(String(140), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True)
    contractor_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    event_time: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    visit_number: Mapped[int] = mapped_column(Integer)
    quitus_document: Mapped[str] = mapped_column(String(200))
    quitus_signed_by: Mapped[str] = mapped_column(String(40))
    cost_eur: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text)
    warnings: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(32))


def baseline(url: str, prefix: str, events: interventions.Events, sample: int, commit_every: int) -> float:
    engine = make_engine(url, prefix + "baseline")
    Base.metadata.create_all(engine)
    seen: set[tuple[str, int]] = set()
    rows = []
    for e in events[:sample]:
        key = (f"{e.contractor_id}/{e.external_ref}", e.sequence)
        if key not in seen:  # identical re-sends would break the primary key
            seen.add(key)
            rows.append(e)
    started = time.perf_counter()
    with Session(engine) as session:
        for n, e in enumerate(rows, start=1):
            session.add(
                BaselineEvent(
                    intervention_id=f"{e.contractor_id}/{e.external_ref}",
                    sequence=e.sequence,
                    contractor_id=e.contractor_id,
                    kind=convert.KIND_NAMES[e.kind],
                    event_time=e.event_time.ToDatetime(UTC),
                    recorded_at=e.recorded_at.ToDatetime(UTC),
                    visit_number=e.visit_number,
                    quitus_document=e.quitus_document,
                    quitus_signed_by=e.quitus_signed_by,
                    cost_eur=e.cost_eur,
                    note=e.note,
                    warnings="",
                    fingerprint="",
                )
            )
            if n % commit_every == 0:
                session.commit()
        session.commit()
    elapsed = time.perf_counter() - started
    engine.dispose()
    return len(rows) / elapsed


def drop_schemas(url: str, prefix: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for schema in (
            conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"), {"p": prefix + "%"})
            .scalars()
            .all()
        ):
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


if __name__ == "__main__":
    main()
