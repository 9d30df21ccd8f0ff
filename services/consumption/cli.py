"""`quitus consumption ...`: look at consumption figures, anomalies and rejections from a terminal."""

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.runtime.cli_options import address_option, parse_choice, parse_instant, token_option
from services.runtime.client import CliStub, auth_metadata
from services.runtime.timestamps import to_period

app = typer.Typer(help="Meters, readings, degree days and prices.", no_args_is_help=True)
ADDRESS = address_option("consumption")
TOKEN = token_option()
GRANULARITIES = {"day": pb.GRANULARITY_DAY, "month": pb.GRANULARITY_MONTH, "year": pb.GRANULARITY_YEAR}


@app.command()
def consumption(
    start: str = typer.Argument(..., help="ISO date or instant, e.g. 2024-01-01"),
    end: str = typer.Argument(..., help="exclusive end"),
    granularity: str = typer.Option("month", help="day, month or year"),
    building: Annotated[list[str] | None, typer.Option(help="restrict to these buildings")] = None,
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Consumption per meter and period, with totals per carrier."""
    period = to_period(parse_instant(start, "START"), parse_instant(end, "END"))
    g = GRANULARITIES[parse_choice(granularity, tuple(GRANULARITIES), "--granularity")]
    stub = CliStub(pb_grpc.ConsumptionServiceStub, address)
    reply = stub.GetConsumption(
        pb.GetConsumptionRequest(period=period, granularity=g, perimeter=pb.Perimeter(building_ids=building or [])),
        metadata=auth_metadata(token),
    )
    table = Table("carrier", "unit", "quantity", "kWh PCI", "estimated share")
    for t in reply.totals:
        table.add_row(t.carrier, t.unit, f"{t.quantity:,.1f}", f"{t.kwh_pci:,.0f}", f"{t.estimated_share:.1%}")
    Console().print(table)


@app.command()
def anomalies(
    kind: str = typer.Option("", help="leak, night_flow, spike, flat_line, stuck_register, backwards"),
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Anomalies found, with their evidence."""
    stub = CliStub(pb_grpc.ConsumptionServiceStub, address)
    reply = stub.ListAnomalies(pb.ListAnomaliesRequest(kind=kind), metadata=auth_metadata(token))
    table = Table("meter", "building", "kind", "from", "to", "expected", "observed", "detail")
    for a in reply.anomalies:
        table.add_row(
            a.meter_ref,
            a.building_id,
            a.kind,
            a.window_start.ToDatetime().date().isoformat(),
            a.window_end.ToDatetime().date().isoformat(),
            f"{a.expected:.2f}",
            f"{a.observed:.2f}",
            a.detail,
        )
    Console().print(table)


@app.command()
def rejections(address: str = ADDRESS, token: str | None = TOKEN) -> None:
    """Rejected readings with their reasons."""
    stub = CliStub(pb_grpc.ConsumptionServiceStub, address)
    reply = stub.ListRejections(pb.ListRejectionsRequest(), metadata=auth_metadata(token))
    table = Table("batch", "index", "field", "reason")
    for r in reply.rejections:
        table.add_row(r.batch_id, str(r.index), r.field, r.reason)
    Console().print(table)
