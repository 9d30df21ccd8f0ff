"""``quitus report ...``: the reporting service from a terminal (a client of its gRPC API)."""

import hashlib
from pathlib import Path
from typing import Annotated

import grpc
import typer
from google.protobuf.timestamp_pb2 import Timestamp
from rich.console import Console
from rich.table import Table

from services.api.quitus.common.v1.common_pb2 import PageRequest
from services.api.quitus.interventions.v1 import interventions_pb2 as ipb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as ipb_grpc
from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.api.quitus.reporting.v1 import reporting_pb2_grpc as pb_grpc
from services.reporting.domain.periods import parse_period
from services.runtime.cli_options import (
    address_option,
    address_variable,
    check_address,
    parse_choice,
    parse_instant,
    token_option,
)
from services.runtime.client import CliStub, auth_metadata
from services.runtime.errors import InvalidArgument
from services.runtime.settings import Settings
from services.runtime.timestamps import to_period, to_timestamp

app = typer.Typer(help="Reports and their reference scenarios.", no_args_is_help=True)
scenario_app = typer.Typer(help="Reference scenarios: declared once, never edited (a change is a new version).")
app.add_typer(scenario_app, name="scenario")
console = Console()
ADDRESS = address_option("reporting")
TOKEN = token_option()


def parse_trade(text: str) -> pb.TradeReference:
    """``plumbing=1.8``: a trade and its reference visits per intervention."""
    trade, _, value = text.partition("=")
    try:
        return pb.TradeReference(trade=trade.strip(), visits_per_intervention=float(value))
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not TRADE=VISITS (e.g. plumbing=1.8)", param_hint="--trade") from None


@scenario_app.command("declare")
def declare(
    name: str = typer.Option(..., help="Scenario name, e.g. reference_2023"),
    reference_from: str = typer.Option(..., "--from", help="Start of the reference period (ISO date)"),
    reference_to: str = typer.Option(..., "--to", help="End of the reference period, exclusive (ISO date)"),
    trade: Annotated[list[str], typer.Option(help="TRADE=VISITS per intervention; repeat per trade")] = [],  # noqa: B006
    road_factor: float = typer.Option(1.3, help="Road km per great-circle km"),
    vehicle_profile: str = typer.Option("diesel_van", help="The contractors' vehicle profile"),
    vehicle_factor: str = typer.Option(..., help="Factor key the trips are valued with"),
    litres_per_100km: float = typer.Option(0.0, help="Fuel use, for the litre route (0: per-km route)"),
    uncertainty: float = typer.Option(20.0, help="The scenario's own uncertainty, percent"),
    description: str = typer.Option("", help="What the scenario assumes, in words"),
    trades_from_reference: bool = typer.Option(
        False, help="Take each trade's visits per intervention from the reference period (needs --as-of)"
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="With --trades-from-reference: the data cut-off"),
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Declare a reference scenario (a new version if its name exists with other content)."""
    if trades_from_reference == bool(trade):
        raise typer.BadParameter(
            "give --trade TRADE=VISITS per trade, or --trades-from-reference (not both)", param_hint="--trade"
        )
    if trades_from_reference and as_of is None:
        raise typer.BadParameter("--trades-from-reference needs the data cut-off", param_hint="--as-of")
    start, end = parse_instant(reference_from, "--from"), parse_instant(reference_to, "--to")
    content = pb.ScenarioContent(
        name=name,
        description=description,
        reference_period=to_period(start, end),
        trades=[parse_trade(t) for t in trade],
        road_factor=road_factor,
        vehicle_profile=vehicle_profile,
        vehicle_factor_key=vehicle_factor,
        fuel_litres_per_100km=litres_per_100km,
        uncertainty_pct=uncertainty,
    )
    stub = CliStub(pb_grpc.ReportingServiceStub, address)
    request = pb.DeclareScenarioRequest(content=content, trades_from_reference=trades_from_reference)
    if as_of is not None:
        request.as_of.CopyFrom(to_timestamp(parse_instant(as_of, "--as-of")))
    reply = stub.DeclareScenario(request, metadata=auth_metadata(token))
    s = reply.scenario
    state = "declared" if reply.created else "unchanged: identical to"
    console.print(f"{state} {s.content.name} version {s.version} (content sha256 {s.content_sha256[:12]})")


@scenario_app.command("list")
def list_scenarios(
    name: str = typer.Option("", help="Only this scenario's versions"),
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Every declared version, newest first."""
    stub = CliStub(pb_grpc.ReportingServiceStub, address)
    table = Table("name", "version", "reference period", "trades", "road factor", "vehicle factor", "declared", "by")
    token_page = ""
    while True:
        reply = stub.ListScenarios(
            pb.ListScenariosRequest(name=name, page=PageRequest(page_size=100, page_token=token_page)),
            metadata=auth_metadata(token),
        )
        for s in reply.scenarios:
            period = s.content.reference_period
            table.add_row(
                s.content.name,
                str(s.version),
                f"{period.start.ToDatetime():%Y-%m-%d} to {period.end.ToDatetime():%Y-%m-%d}",
                ", ".join(f"{t.trade} {t.visits_per_intervention:g}" for t in s.content.trades),
                f"{s.content.road_factor:g}",
                s.content.vehicle_factor_key,
                f"{s.declared_at.ToDatetime():%Y-%m-%d %H:%M}",
                s.declared_by,
            )
        token_page = reply.next_page_token
        if not token_page:
            break
    console.print(table)


def _perimeter(
    territory: list[str], residence: list[str], building: list[str], contractor: list[str], trade: list[str]
):
    return pb.Perimeter(
        territory_ids=territory, residence_ids=residence, building_ids=building, contractor_ids=contractor, trades=trade
    )


def _period(text: str):
    try:
        period = parse_period(text)
    except InvalidArgument as exc:
        raise typer.BadParameter(exc.message, param_hint="--period") from None
    return to_period(period.start, period.end)


def _print_run(run: pb.ReportRun, created: bool | None = None) -> None:
    state = "" if created is None else ("generated " if created else "already stored, unchanged: ")
    console.print(
        f"{state}[bold]{run.id}[/bold]: {run.pages} pages, {run.pdf_bytes:,} bytes, figures sha256 "
        f"{run.manifest.figures_sha256[:16]}…, as of {run.manifest.as_of.ToDatetime():%Y-%m-%d %H:%M} UTC"
    )
    table = Table("figure", "value", "N-1", "reference", "unit", title="Headline figures")
    shown = lambda f, name: f"{getattr(f, name):,.3f}" if f.HasField(name) else "n/a"  # noqa: E731
    for figure in run.figures:
        table.add_row(
            figure.key, shown(figure, "value"), shown(figure, "previous"), shown(figure, "reference"), figure.unit
        )
    console.print(table)


def _save(chunks, output: Path) -> None:
    digest, expected, size = hashlib.sha256(), "", 0
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    with partial.open("wb") as sink:
        for reply in chunks:
            chunk = reply.chunk
            expected = expected or chunk.sha256
            digest.update(chunk.data)
            size += len(chunk.data)
            sink.write(chunk.data)
    if digest.hexdigest() != expected:
        partial.unlink()
        Console(stderr=True).print(
            f"[red]the file received hashes to {digest.hexdigest()}, not {expected}: not saved[/red]"
        )
        raise typer.Exit(1)
    partial.replace(output)  # a file is whole or absent
    console.print(f"{output} ({size:,} bytes, sha256 {expected[:16]}…)")


@app.command("csr")
def csr(
    period: str = typer.Option(..., help="2025 (a year), 2025-Q3, 2025-10 (a month) or 12m:2025-10 (rolling)"),
    as_of: str = typer.Option(..., "--as-of", help="Data cut-off (ISO instant, at least a minute old)"),
    scenario: str = typer.Option(..., help="Reference scenario name"),
    scenario_version: int = typer.Option(0, help="Its version (0: the latest, then pinned in the run)"),
    factor_set: str = typer.Option("ademe_base_carbone@23.6", help="Energy factor set, name@version"),
    vehicle_factor_set: str = typer.Option(
        "", help="Set of the scenario's vehicle factor, name@version (default: --factor-set)"
    ),
    territory: Annotated[list[str], typer.Option(help="Perimeter: a territory id; repeat")] = [],  # noqa: B006
    residence: Annotated[list[str], typer.Option(help="Perimeter: a residence id; repeat")] = [],  # noqa: B006
    building: Annotated[list[str], typer.Option(help="Perimeter: a building id; repeat")] = [],  # noqa: B006
    contractor: Annotated[list[str], typer.Option(help="Perimeter: a contractor id; repeat")] = [],  # noqa: B006
    trade: Annotated[list[str], typer.Option(help="Perimeter: a trade; repeat")] = [],  # noqa: B006
    lang: str = typer.Option("fr", help="fr or en"),
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Also save the PDF here")] = None,
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Generate the decarbonisation (CSR) report of a period and perimeter (the stored run when
    the same request was made before) and print its headline figures."""
    request = pb.GenerateReportRequest(
        kind=pb.REPORT_KIND_DECARBONISATION,
        period=_period(period),
        perimeter=_perimeter(territory, residence, building, contractor, trade),
        as_of=to_timestamp(parse_instant(as_of, "--as-of")),
        factor_set=factor_set,
        vehicle_factor_set=vehicle_factor_set,
        scenario=scenario,
        scenario_version=scenario_version,
        lang=parse_choice(lang, ("fr", "en"), "--lang"),
    )
    stub = CliStub(pb_grpc.ReportingServiceStub, address)
    reply = stub.GenerateReport(request, metadata=auth_metadata(token))
    _print_run(reply.run, reply.created)
    if output is not None:
        _save(stub.DownloadReport(pb.DownloadReportRequest(id=reply.run.id), metadata=auth_metadata(token)), output)


@app.command("verify")
def verify(
    report_id: str = typer.Argument(..., help="The report's id"),
    as_of: str | None = typer.Option(None, "--as-of", help="Re-run at this later cut-off instead of the run's own"),
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Re-run a report from its manifest; exit 0 when the figures hash matches, 1 otherwise,
    naming the inputs whose hashes changed."""
    request = pb.VerifyReportRequest(id=report_id)
    if as_of is not None:
        request.as_of.CopyFrom(to_timestamp(parse_instant(as_of, "--as-of")))
    reply = CliStub(pb_grpc.ReportingServiceStub, address).VerifyReport(request, metadata=auth_metadata(token))
    console.print(
        f"figures sha256: stored {reply.original.figures_sha256[:16]}…, re-run {reply.rerun.figures_sha256[:16]}…: "
        + ("[green]the same[/green]" if reply.same_figures else "[red]different[/red]")
        + ("; PDF bytes the same" if reply.same_pdf else "; PDF bytes differ")
    )
    if reply.changed_inputs:
        table = Table("input", "stored sha256", "re-run sha256", "records", title="Inputs that changed")
        for c in reply.changed_inputs:
            table.add_row(
                c.source, c.original_sha256[:16], c.rerun_sha256[:16], f"{c.original_records:,} -> {c.rerun_records:,}"
            )
        console.print(table)
    raise typer.Exit(0 if reply.same_figures else 1)


@app.command("pack")
def pack(
    report_id: Annotated[str, typer.Argument(help="The report's id")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the zip")],
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Save a report's audit pack (zip: manifest, figures, one line per emission and per trip,
    factors, ESRS E1 datapoints)."""
    stub = CliStub(pb_grpc.ReportingServiceStub, address)
    _save(stub.ExportAuditPack(pb.ExportAuditPackRequest(id=report_id), metadata=auth_metadata(token)), output)


@app.command("download")
def download(
    report_id: Annotated[str, typer.Argument(help="The report's id")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the PDF")],
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Save a report's PDF."""
    stub = CliStub(pb_grpc.ReportingServiceStub, address)
    _save(stub.DownloadReport(pb.DownloadReportRequest(id=report_id), metadata=auth_metadata(token)), output)


@app.command("list")
def list_reports(address: str = ADDRESS, token: str | None = TOKEN) -> None:
    """Stored reports, newest first."""
    stub = CliStub(pb_grpc.ReportingServiceStub, address)
    table = Table("id", "period", "as of", "pages", "figures sha256", "generated", "by")
    page_token = ""
    while True:
        reply = stub.ListReports(
            pb.ListReportsRequest(page=PageRequest(page_size=100, page_token=page_token)), metadata=auth_metadata(token)
        )
        for run in reply.runs:
            p = run.request.period
            table.add_row(
                run.id,
                f"{p.start.ToDatetime():%Y-%m-%d} to {p.end.ToDatetime():%Y-%m-%d}",
                f"{run.manifest.as_of.ToDatetime():%Y-%m-%d %H:%M}",
                str(run.pages),
                run.manifest.figures_sha256[:16],
                f"{run.generated_at.ToDatetime():%Y-%m-%d %H:%M}",
                run.generated_by,
            )
        page_token = reply.next_page_token
        if not page_token:
            break
    console.print(table)


def _allocation_key(text: str) -> pb.AllocationKey:
    """``hot_water=own_meter:heated_area`` or ``heating_energy=heated_area``."""
    category, _, rule = text.partition("=")
    basis, _, remainder = rule.partition(":")
    if not category or not basis:
        raise typer.BadParameter(
            f"{text!r} is not CATEGORY=BASIS[:REMAINDER] (e.g. hot_water=own_meter:heated_area)", param_hint="--key"
        )
    return pb.AllocationKey(charge_category=category.strip(), basis=basis.strip(), remainder_basis=remainder.strip())


def _interventions_address(address: str) -> str:
    try:
        return check_address(address)
    except typer.BadParameter as exc:
        raise typer.BadParameter(exc.message, param_hint="--interventions-address") from None


INTERVENTIONS_ADDRESS = typer.Option(
    f"localhost:{Settings.model_fields['interventions_port'].default}",
    "--interventions-address",
    envvar=address_variable("interventions"),
    callback=_interventions_address,
    help=f"With --all: host:port of the interventions service, which lists the residences "
    f"(${address_variable('interventions')})",
)


def portfolio_residences(address: str, as_of: Timestamp, token: str | None) -> list[str]:
    """Every residence with a building in the portfolio as known at the cut-off (the buildings of
    interventions.ExportPortfolio), sorted."""
    stub = CliStub(ipb_grpc.InterventionsServiceStub, address)
    residences: set[str] = set()
    try:  # a stream fails while it is read, past CliStub's check of the call
        for batch in stub.ExportPortfolio(ipb.ExportPortfolioRequest(as_of=as_of), metadata=auth_metadata(token)):
            residences.update(r.building.residence_id for r in batch.records if r.WhichOneof("record") == "building")
    except grpc.RpcError as exc:
        Console(stderr=True).print(
            f"[red]interventions.ExportPortfolio: {exc.code().name}: {exc.details()}[/red]", soft_wrap=True
        )
        raise typer.Exit(1) from None
    residences.discard("")
    return sorted(residences)


@app.command("charges")
def charges(
    year: int = typer.Option(..., min=1900, max=2199, help="The charge year, e.g. 2025"),
    as_of: str = typer.Option(..., "--as-of", help="Data cut-off (ISO instant, at least a minute old)"),
    residence: Annotated[list[str], typer.Option(help="A residence id; repeat (one report each)")] = [],  # noqa: B006
    building: Annotated[list[str], typer.Option(help="A building id; repeat (one report each)")] = [],  # noqa: B006
    every_residence: Annotated[
        bool, typer.Option("--all", help="One report per residence of the portfolio as of the cut-off")
    ] = False,
    key: Annotated[list[str], typer.Option(help="Allocation key CATEGORY=BASIS[:REMAINDER]; repeat")] = [],  # noqa: B006
    lang: str = typer.Option("fr", help="fr or en"),
    output_dir: Annotated[Path | None, typer.Option("-o", "--output-dir", help="Save the PDFs in this folder")] = None,
    address: str = ADDRESS,
    interventions_address: str = INTERVENTIONS_ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Generate the charge-control report (regularisation per dwelling) of each residence or
    building named, or of every residence (--all), for a charge year."""
    if sum((bool(residence), bool(building), every_residence)) != 1:
        raise typer.BadParameter(
            "name the reports' perimeter one way: --residence (repeat), --building (repeat) or --all",
            param_hint="--residence / --building / --all",
        )
    keys = [_allocation_key(k) for k in key]
    chosen_lang = parse_choice(lang, ("fr", "en"), "--lang")
    period = _period(str(year))
    cut_off = to_timestamp(parse_instant(as_of, "--as-of"))
    stub = CliStub(pb_grpc.ReportingServiceStub, address)
    if every_residence:
        residence = portfolio_residences(interventions_address, cut_off, token)
        console.print(f"{len(residence)} residences in the portfolio as of {as_of}")
    jobs = [("residence", one) for one in residence] + [("building", one) for one in building]
    for done, (scope, one) in enumerate(jobs, start=1):
        perimeter = pb.Perimeter(residence_ids=[one]) if scope == "residence" else pb.Perimeter(building_ids=[one])
        request = pb.GenerateReportRequest(
            kind=pb.REPORT_KIND_CHARGE_CONTROL,
            period=period,
            perimeter=perimeter,
            as_of=cut_off,
            allocation_keys=keys,
            lang=chosen_lang,
        )
        reply = stub.GenerateReport(request, metadata=auth_metadata(token))
        run = reply.run
        console.print(
            f"[{done}/{len(jobs)}] {'generated' if reply.created else 'already stored'} [bold]{run.id}[/bold] "
            f"({scope} {one}): {run.pages} pages, figures sha256 {run.manifest.figures_sha256[:16]}…"
        )
        if output_dir is not None:
            stream = stub.DownloadReport(pb.DownloadReportRequest(id=run.id), metadata=auth_metadata(token))
            _save(stream, output_dir / f"{run.id}.pdf")


@app.command("scorecard")
def scorecard(
    period: str = typer.Option(..., help="2025 (a year), 2025-Q3, 2025-10 (a month) or 12m:2025-10 (rolling)"),
    as_of: str = typer.Option(..., "--as-of", help="Data cut-off (ISO instant, at least a minute old)"),
    contractor: Annotated[list[str], typer.Option(help="A contractor id; repeat (default: every one)")] = [],  # noqa: B006
    scenario: str = typer.Option("", help="Reference scenario, for avoided trips per contractor (optional)"),
    lang: str = typer.Option("fr", help="fr or en"),
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Also save the PDF here")] = None,
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Generate the contractor scorecard of a period (every contractor, or those named), with N-1
    beside each figure, and print its figures."""
    request = pb.GenerateReportRequest(
        kind=pb.REPORT_KIND_CONTRACTOR_SCORECARD,
        period=_period(period),
        perimeter=pb.Perimeter(contractor_ids=contractor),
        as_of=to_timestamp(parse_instant(as_of, "--as-of")),
        scenario=scenario,
        lang=parse_choice(lang, ("fr", "en"), "--lang"),
    )
    stub = CliStub(pb_grpc.ReportingServiceStub, address)
    reply = stub.GenerateReport(request, metadata=auth_metadata(token))
    _print_run(reply.run, reply.created)
    if output is not None:
        _save(stub.DownloadReport(pb.DownloadReportRequest(id=reply.run.id), metadata=auth_metadata(token)), output)
