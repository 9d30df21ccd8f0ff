"""The demo's last act: declare the reference scenario and have the reporting service write the
CSR reports (the year, its last month, and the year in English), through its gRPC API like any
client, then print their paths and headline figures."""

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import grpc
from rich.console import Console
from rich.table import Table

from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.api.quitus.reporting.v1 import reporting_pb2_grpc as pb_grpc
from services.runtime.timestamps import to_period, to_timestamp

ENERGY_SET = "ademe_base_carbone@23.6"
VEHICLE_SET = "uk_desnz_2025@1"  # DESNZ 2025: an average diesel van per km, valid through 2025
VEHICLE_KEY = "uk_desnz2025.van_diesel.avg.vkm"
SHOWN = (
    "tco2e_inventory",
    "tco2e_scope_1",
    "mwh_pci",
    "fossil_share",
    "preventive_share",
    "first_time_fix",
    "trips",
    "avoided_trips",
    "avoided_tco2e",
)


def _paris_month(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=ZoneInfo("Europe/Paris")).astimezone(UTC)


def cut_off_after(instant: datetime) -> datetime:
    """The first whole second after ``instant``: a cut-off every record so far lies at or before.
    (The current second, truncated, left out a reading recorded in the part of it already gone:
    two demo runs of one seed then gave different CSR figures, once in a CI run.)"""
    return (instant + timedelta(seconds=1)).replace(microsecond=0)


def wait_for_cut_off(as_of: datetime, settle: timedelta, console: Console) -> None:
    """Sleep until ``as_of`` is ``settle`` old (and a little more), as the services require of a cut-off."""
    left = (as_of + settle + timedelta(seconds=0.5) - datetime.now(UTC)).total_seconds()
    if left > 0:
        with console.status(f"Letting the data cut-off settle ({left:.0f} s)"):
            time.sleep(left)


def reports_chain(channel: grpc.Channel, as_of: datetime, year: int, out: Path, console: Console) -> dict:
    stub = pb_grpc.ReportingServiceStub(channel)
    reference_year = year - 2
    declared = stub.DeclareScenario(
        pb.DeclareScenarioRequest(
            content=pb.ScenarioContent(
                name=f"reference_{reference_year}",
                description=f"{reference_year}, the first year of the demo's history, before the preventive push",
                reference_period=to_period(_paris_month(reference_year, 1), _paris_month(reference_year + 1, 1)),
                road_factor=1.3,
                vehicle_profile="diesel_van",
                vehicle_factor_key=VEHICLE_KEY,
                uncertainty_pct=20.0,
            ),
            trades_from_reference=True,
            as_of=to_timestamp(as_of),
        )
    ).scenario
    console.print(
        f"Reference scenario [bold]{declared.content.name}[/bold] v{declared.version}: visits per intervention "
        + ", ".join(f"{t.trade} {t.visits_per_intervention:.2f}" for t in declared.content.trades)
    )
    wanted = [
        ("csr", (_paris_month(year, 1), _paris_month(year + 1, 1)), "fr", f"csr-{year}.pdf"),
        ("csr", (_paris_month(year, 12), _paris_month(year + 1, 1)), "fr", f"csr-{year}-12.pdf"),
        ("csr", (_paris_month(year, 1), _paris_month(year + 1, 1)), "en", f"csr-{year}-en.pdf"),
    ]
    runs = []
    for _, period, lang, name in wanted:
        with console.status(f"Generating {name}"):
            run = stub.GenerateReport(
                pb.GenerateReportRequest(
                    kind=pb.REPORT_KIND_DECARBONISATION,
                    period=to_period(*period),
                    as_of=to_timestamp(as_of),
                    factor_set=ENERGY_SET,
                    vehicle_factor_set=VEHICLE_SET,
                    scenario=declared.content.name,
                    scenario_version=declared.version,
                    lang=lang,
                )
            ).run
            pdf = b"".join(r.chunk.data for r in stub.DownloadReport(pb.DownloadReportRequest(id=run.id)))
        (out / name).write_bytes(pdf)
        runs.append((run, out / name))
    table = Table(
        "figure", *(path.name for _, path in runs), title=f"CSR reports (data as of {as_of:%Y-%m-%d %H:%M} UTC)"
    )
    for key in SHOWN:
        cells = []
        for run, _ in runs:
            figure = next((f for f in run.figures if f.key == key), None)
            cells.append("n/a" if figure is None or not figure.HasField("value") else _shown(figure))
        table.add_row(key, *cells)
    console.print(table)
    for run, path in runs:
        console.print(
            f"CSR report: [bold]{path}[/bold] ({run.pages} pages, id {run.id}, "
            f"figures sha256 {run.manifest.figures_sha256[:12]}…)"
        )
    return {
        "scenario": declared.content.name,
        "reports": [
            {"id": r.id, "path": str(p), "pages": r.pages, "figures_sha256": r.manifest.figures_sha256} for r, p in runs
        ],
    }


def _shown(figure: pb.Figure) -> str:
    if figure.unit == "share":
        return f"{figure.value:.1%}"
    return f"{figure.value:,.1f} {figure.unit}"


def charges_chain(
    channel: grpc.Channel, as_of: datetime, year: int, residences: list[str], out: Path, console: Console
) -> list[dict]:
    """The charge-control report (regularisation per dwelling) of each residence, default keys."""
    stub = pb_grpc.ReportingServiceStub(channel)
    made = []
    for residence in residences:
        with console.status(f"Generating the charge control of residence {residence}"):
            run = stub.GenerateReport(
                pb.GenerateReportRequest(
                    kind=pb.REPORT_KIND_CHARGE_CONTROL,
                    period=to_period(_paris_month(year, 1), _paris_month(year + 1, 1)),
                    perimeter=pb.Perimeter(residence_ids=[residence]),
                    as_of=to_timestamp(as_of),
                )
            ).run
            pdf = b"".join(r.chunk.data for r in stub.DownloadReport(pb.DownloadReportRequest(id=run.id)))
        path = out / f"charges-{year}-{residence}.pdf"
        path.write_bytes(pdf)
        balance = sum(f.value for f in run.figures if f.key.endswith(".balance_eur") and f.HasField("value"))
        console.print(
            f"Charge control: [bold]{path}[/bold] ({run.pages} pages, id {run.id}): provisions - tenants' shares "
            f"= {balance:,.2f} EUR over the residence's buildings"
        )
        made.append({"id": run.id, "path": str(path), "pages": run.pages, "residence": residence})
    return made


def scorecard_chain(
    channel: grpc.Channel, as_of: datetime, year: int, scenario: str, out: Path, console: Console
) -> list[dict]:
    """The year's contractor scorecard for every contractor (French, English) and for two
    contractors alone, against the reference scenario, through the reporting service."""
    stub = pb_grpc.ReportingServiceStub(channel)

    def generate(contractor_ids: list[str], lang: str, name: str) -> dict:
        with console.status(f"Generating {name}"):
            run = stub.GenerateReport(
                pb.GenerateReportRequest(
                    kind=pb.REPORT_KIND_CONTRACTOR_SCORECARD,
                    period=to_period(_paris_month(year, 1), _paris_month(year + 1, 1)),
                    perimeter=pb.Perimeter(contractor_ids=contractor_ids),
                    as_of=to_timestamp(as_of),
                    scenario=scenario,
                    lang=lang,
                )
            ).run
            pdf = b"".join(r.chunk.data for r in stub.DownloadReport(pb.DownloadReportRequest(id=run.id)))
        path = out / name
        path.write_bytes(pdf)
        contractors = sorted({f.key.split(".", 1)[0] for f in run.figures})
        console.print(
            f"Contractor scorecard: [bold]{path}[/bold] ({len(contractors)} contractor(s), {run.pages} pages, id "
            f"{run.id}, figures sha256 {run.manifest.figures_sha256[:12]}…)"
        )
        return {
            "id": run.id,
            "path": str(path),
            "pages": run.pages,
            "contractors": contractors,
            "figures_sha256": run.manifest.figures_sha256,
        }

    made = [
        generate([], "fr", f"contractor-scorecard-{year}.pdf"),
        generate([], "en", f"contractor-scorecard-{year}-en.pdf"),
    ]
    for contractor in made[0]["contractors"][:2]:
        made.append(generate([contractor], "fr", f"contractor-scorecard-{year}-{contractor}.pdf"))
    return made
