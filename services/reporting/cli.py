"""``quitus report ...``: the reporting service from a terminal (a client of its gRPC API)."""

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from services.api.quitus.common.v1.common_pb2 import PageRequest
from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.api.quitus.reporting.v1 import reporting_pb2_grpc as pb_grpc
from services.runtime.cli_options import address_option, parse_instant, token_option
from services.runtime.client import CliStub, auth_metadata
from services.runtime.timestamps import to_period

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
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Declare a reference scenario (a new version if its name exists with other content)."""
    if not trade:
        raise typer.BadParameter("declare at least one --trade TRADE=VISITS", param_hint="--trade")
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
    reply = stub.DeclareScenario(pb.DeclareScenarioRequest(content=content), metadata=auth_metadata(token))
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
