"""`quitus consumption ...`: look at consumption figures, anomalies and rejections from a terminal."""

from datetime import UTC, datetime
from typing import Annotated

import typer
from google.protobuf.timestamp_pb2 import Timestamp
from rich.console import Console
from rich.table import Table

from services.api.quitus.common.v1.common_pb2 import Period
from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.runtime.client import CliStub, auth_metadata

app = typer.Typer(help="Meters, readings, degree days and prices.", no_args_is_help=True)
ADDRESS = typer.Option("localhost:50052", "--address", envvar="QUITUS_CONSUMPTION_ADDRESS")


def _ts(text: str) -> Timestamp:
    t = Timestamp()
    value = datetime.fromisoformat(text)
    t.FromDatetime(value if value.tzinfo else value.replace(tzinfo=UTC))
    return t


@app.command()
def consumption(
    start: str = typer.Argument(..., help="ISO date or instant, e.g. 2024-01-01"),
    end: str = typer.Argument(..., help="exclusive end"),
    granularity: str = typer.Option("month", help="day, month or year"),
    building: Annotated[list[str] | None, typer.Option(help="restrict to these buildings")] = None,
    address: str = ADDRESS,
) -> None:
    """Consumption per meter and period, with totals per carrier."""
    stub = CliStub(pb_grpc.ConsumptionStub, address)
    g = {"day": pb.DAY, "month": pb.MONTH, "year": pb.YEAR}[granularity]
    reply = stub.GetConsumption(
        pb.ConsumptionRequest(
            period=Period(start=_ts(start), end=_ts(end)),
            granularity=g,
            perimeter=pb.Perimeter(building_ids=building or []),
        ),
        metadata=auth_metadata(),
    )
    table = Table("carrier", "unit", "quantity", "kWh PCI", "estimated share")
    for t in reply.totals:
        table.add_row(t.carrier, t.unit, f"{t.quantity:,.1f}", f"{t.kwh_pci:,.0f}", f"{t.estimated_share:.1%}")
    Console().print(table)


@app.command()
def anomalies(kind: str = typer.Option("", help="leak, spike, flat_line, backwards"), address: str = ADDRESS) -> None:
    """Anomalies found, with their evidence."""
    stub = CliStub(pb_grpc.ConsumptionStub, address)
    reply = stub.ListAnomalies(pb.ListAnomaliesRequest(kind=kind), metadata=auth_metadata())
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
def rejections(address: str = ADDRESS) -> None:
    """Rejected readings with their reasons."""
    stub = CliStub(pb_grpc.ConsumptionStub, address)
    reply = stub.ListRejections(pb.ListRejectionsRequest(), metadata=auth_metadata())
    table = Table("batch", "index", "field", "reason")
    for r in reply.rejections:
        table.add_row(r.batch_id, str(r.index), r.field, r.reason)
    Console().print(table)
