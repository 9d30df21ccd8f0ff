"""`quitus demo`: the whole chain in one process on SQLite, through the real gRPC services.

Generate a portfolio (deterministic from the seed), start the services on free ports with
authentication off (the embedded default), send everything through gRPC, then print what a
newcomer wants to see: what was accepted and refused and why, data quality per contractor,
the units with the most curative interventions, and for the buildings' meters (three years of
daily readings) the consumption per carrier and year, weather-normalised heating, charge control
and the anomalies found; last, the reports written by the reporting service (CSR, charge control,
contractor scorecards).
"""

import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.consumption import server as consumption_server
from services.demo import contracts as demo_contracts
from services.demo import interventions as demo_interventions
from services.demo import portfolio as demo_portfolio
from services.demo import reports as demo_reports
from services.demo.consumption import load_consumption_demo
from services.demo.consumption_report import print_consumption
from services.factors import cli as factors_cli
from services.factors import server as factors_server
from services.interventions import server as interventions_server
from services.interventions.cli import quality_table
from services.reporting import server as reporting_server
from services.runtime.client import open_channel
from services.runtime.log import configure_logging
from services.runtime.settings import Settings

console = Console()
# events per IngestEvents batch: at the demo's 3 % of bad records, about 600 rejections, within
# the 1,000 an ack lists one by one (the rules table counts those)
BATCH_SIZE = 20_000
DEMO_SETTLE_S = 2.0  # seconds a cut-off waits in the demo (see run_demo)
SERVERS = {
    "interventions": interventions_server.build,
    "factors": factors_server.build,
    "consumption": consumption_server.build,
}
CONSUMPTION_YEARS = 3  # daily readings for the demo year and the two before it


def run_demo(*, dwellings: int, seed: int, database_url: str, out_dir: str, year: int = 2025) -> dict:
    configure_logging("WARNING")
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _fresh_sqlite(database_url)
    # The demo is the only writer of its fresh database and every batch has returned, committed, before
    # the cut-off is taken: a cut-off need not wait the minute concurrent writers would need.
    settings = Settings(database_url=database_url, auth_enabled=False, cutoff_settle_s=DEMO_SETTLE_S)
    console.print(
        f"[bold]Quitus demo[/bold]: {dwellings:,} dwellings, seed {seed}, year {year}, "
        f"database {database_url} (authentication off: embedded default)"
    )

    servers = {name: build(settings, port=0) for name, build in SERVERS.items()}
    channels = {}
    summary: dict[str, Any]
    try:
        for name, (server, port) in servers.items():
            server.start()
            channels[name] = open_channel(f"localhost:{port}")
        reporting_settings = settings.model_copy(
            update={f"{name}_address": f"localhost:{port}" for name, (_, port) in servers.items()}
        )
        servers["reporting"] = reporting_server.build(reporting_settings, port=0)
        servers["reporting"][0].start()
        channels["reporting"] = open_channel(f"localhost:{servers['reporting'][1]}")
        summary = {"factor_sets": _publish_factor_sets(channels["factors"])}
        with console.status("Generating the portfolio"):
            portfolio = demo_portfolio.generate_portfolio(dwellings, seed)
        # readings are recorded as they arrive, so they go first: the reports' cut-off follows them
        summary["consumption"] = _consumption_chain(channels["consumption"], portfolio, seed, year)
        as_of = demo_reports.cut_off_after(datetime.now(UTC))
        summary |= _interventions_chain(
            pb_grpc.InterventionsServiceStub(channels["interventions"]), portfolio, seed, year
        )
        demo_reports.wait_for_cut_off(as_of, timedelta(seconds=settings.cutoff_settle_s), console)
        summary["csr"] = demo_reports.reports_chain(channels["reporting"], as_of, year, out, console)
        residences = [r.id for r in portfolio.residences[:3]]
        summary["charges"] = demo_reports.charges_chain(channels["reporting"], as_of, year, residences, out, console)
        summary["scorecards"] = demo_reports.scorecard_chain(
            channels["reporting"], as_of, year, summary["csr"]["scenario"], out, console
        )
    finally:
        for channel in channels.values():
            channel.close()
        for server, _ in servers.values():
            server.stop(2)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    console.print(f"\nDone in {summary['seconds']} s.")
    return summary


def _publish_factor_sets(channel: grpc.Channel) -> list[str]:
    """Every factor set shipped under factors/, published through the factors service."""
    table = Table("set", "version", "factors", "flagged", "content hash", title="Emission-factor sets published")
    labels = []
    for response in factors_cli.publish_directory(channel):
        version = response.version
        meta = version.metadata
        table.add_row(
            meta.name,
            meta.version,
            str(version.factor_count),
            str(version.flagged_count),
            version.content_sha256[:16] + "…",
        )
        labels.append(f"{meta.name}@{meta.version}")
    console.print(table)
    return labels


def _fresh_sqlite(database_url: str) -> None:
    """The demo always starts from an empty embedded database."""
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _interventions_chain(
    stub: pb_grpc.InterventionsServiceStub,
    portfolio: demo_portfolio.Portfolio,
    seed: int,
    year: int,
) -> dict:
    years = len(demo_interventions.HISTORY)  # one profile per year, the last one for ``year``
    first = datetime(year - years + 1, 1, 1, tzinfo=UTC)
    with console.status(f"Generating contracts and {years} years of events"):
        contracting = demo_contracts.generate_contractors(portfolio, seed)
        events = demo_interventions.generate_events(
            portfolio, contracting, seed, first, datetime(year + 1, 1, 1, tzinfo=UTC)
        )
    records = demo_portfolio.records(portfolio) + demo_contracts.records(contracting)
    # the portfolio is known from the start of the demo's history (events and consumption)
    known_from = min(first, datetime(year - CONSUMPTION_YEARS + 1, 1, 1, tzinfo=UTC))
    imported = stub.ImportPortfolio(iter(demo_portfolio.import_requests(records, recorded_at=known_from)))
    upserted = imported.summary.upserted
    console.print("Portfolio imported: " + ", ".join(f"{n:,} {kind}" for kind, n in sorted(upserted.items())))

    totals: Counter = Counter()
    rules: Counter = Counter()
    with Progress(
        TextColumn("Ingesting events"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("ingest", total=len(events))
        for ack in stub.IngestEvents(events.arrow_batches(BATCH_SIZE)):
            totals.update(
                received=ack.received,
                accepted=ack.accepted,
                duplicates=ack.duplicates,
                rejected=len(ack.rejected) + ack.more_rejected,
                warnings=len(ack.warnings) + ack.more_warnings,
            )
            rules.update(f"{r.rule}" for r in ack.rejected)
            rules.update(f"{w.rule} (warning)" for w in ack.warnings)
            progress.advance(task, ack.received)

    console.print(
        f"\nEvents: {totals['received']:,} received, {totals['accepted']:,} accepted, "
        f"{totals['duplicates']:,} identical re-sends ignored, {totals['rejected']:,} rejected, "
        f"{totals['warnings']:,} accepted with a warning."
    )
    table = Table("rule", "records", title="Refused or flagged records, by business rule")
    for rule, n in rules.most_common():
        table.add_row(rule, f"{n:,}")
    console.print(table)
    console.print(quality_table(stub.GetDataQuality(pb.GetDataQualityRequest())))
    top = stub.GetTopUnits(pb.GetTopUnitsRequest(limit=10))
    table = Table(
        "UG",
        "building",
        "address",
        "curative interventions",
        title="Top 10 units by curative interventions (recurring faults hide a problem)",
    )
    for unit in top.units:
        table.add_row(unit.ug_id, unit.building_id, unit.address, str(unit.curative_interventions))
    console.print(table)
    return {
        "years": list(range(first.year, year + 1)),
        "events": dict(totals),
        "rules": dict(rules),
        "top_units": [u.ug_id for u in top.units],
    }


def _consumption_chain(channel, portfolio: demo_portfolio.Portfolio, seed: int, year: int) -> dict:
    """Meters of every building, three years of daily readings, weather and prices, through gRPC."""
    first = date(year - CONSUMPTION_YEARS + 1, 1, 1)
    days = (date(year + 1, 1, 1) - first).days + 1  # readings up to 1 January of the next year, midnight
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        summary = load_consumption_demo(
            channel, portfolio.buildings, portfolio.units, seed=seed, first=first, days=days, progress=progress
        )
    print_consumption(console, summary)
    return summary
