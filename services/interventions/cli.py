"""``quitus interventions ...``: read the interventions service over gRPC."""

import json
import os
from datetime import UTC, datetime

import typer
from google.protobuf.json_format import MessageToDict
from rich.console import Console
from rich.table import Table

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.interventions.convert import STATUS_PB
from services.runtime.client import CliStub, auth_metadata

app = typer.Typer(no_args_is_help=True)
console = Console()
ADDRESS = typer.Option(
    os.environ.get("QUITUS_INTERVENTIONS_ADDR", "localhost:50051"),
    "--address",
    help="host:port of the service ($QUITUS_INTERVENTIONS_ADDR)",
)
TOKEN = typer.Option(None, "--token", help="Bearer token ($QUITUS_TOKEN)")
REQUESTED_FROM = typer.Option(None, "--from", help="Requested on or after (UTC)")
REQUESTED_TO = typer.Option(None, "--to", help="Requested before (UTC)")


def _stub(address: str) -> CliStub:
    return CliStub(pb_grpc.InterventionsStub, address)


@app.command()
def search(
    ug: str = typer.Option("", help="UG id of the unit"),
    address_text: str = typer.Option("", "--text", help="Part of the address, city or postcode"),
    building: str = typer.Option("", help="Building id"),
    contractor: str = typer.Option("", help="Contractor id"),
    status: str = typer.Option("", help=f"One of {', '.join(STATUS_PB)}"),
    requested_from: datetime | None = REQUESTED_FROM,
    requested_to: datetime | None = REQUESTED_TO,
    limit: int = typer.Option(20, help="Rows to show"),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line"),
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Search interventions."""
    if status and status.upper() not in STATUS_PB:
        raise typer.BadParameter(f"unknown status {status!r}", param_hint="--status")
    if requested_from and requested_to and requested_to <= requested_from:
        raise typer.BadParameter("--to must be after --from", param_hint="--to")
    request = pb.SearchRequest(
        ug_id=ug,
        address_text=address_text,
        building_id=building,
        contractor_id=contractor,
        status=STATUS_PB.get(status.upper(), 0),
        page={"page_size": limit},
    )
    for bound, value in (("start", requested_from), ("end", requested_to)):
        if value:
            getattr(request.requested, bound).FromDatetime(value.replace(tzinfo=value.tzinfo or UTC))
    response = _stub(address).SearchInterventions(request, metadata=auth_metadata(token))
    if as_json:
        for item in response.interventions:
            typer.echo(json.dumps(MessageToDict(item)))
        return
    table = Table("id", "status", "trade", "nature", "UG", "address", "requested", "visits")
    for i in response.interventions:
        table.add_row(
            i.id,
            pb.Status.Name(i.status),
            i.trade,
            pb.Nature.Name(i.nature),
            i.ug_id,
            i.address,
            i.requested_at.ToDatetime().strftime("%Y-%m-%d %H:%M"),
            str(i.visits),
        )
    console.print(table)


@app.command()
def get(intervention_id: str, address: str = ADDRESS, token: str | None = TOKEN) -> None:
    """One intervention with its timeline, as JSON."""
    response = _stub(address).GetIntervention(
        pb.GetInterventionRequest(id=intervention_id), metadata=auth_metadata(token)
    )
    typer.echo(json.dumps(MessageToDict(response), indent=2, ensure_ascii=False))


@app.command()
def quality(contractor: str = typer.Option(""), address: str = ADDRESS, token: str | None = TOKEN) -> None:
    """Data quality per contractor (share of records passing the business checks)."""
    response = _stub(address).GetDataQuality(
        pb.DataQualityRequest(contractor_id=contractor), metadata=auth_metadata(token)
    )
    console.print(quality_table(response))


@app.command()
def rejections(
    contractor: str = typer.Option(""),
    rule: str = typer.Option(""),
    limit: int = typer.Option(50),
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Records refused at ingest, with rule, field and reason."""
    response = _stub(address).ListRejections(
        pb.ListRejectionsRequest(contractor_id=contractor, rule=rule, page={"page_size": limit}),
        metadata=auth_metadata(token),
    )
    table = Table("record", "rule", "field", "reason")
    for r in response.rejections:
        table.add_row(r.record_key, r.rule, r.field, r.reason)
    console.print(table)


def quality_table(response: pb.DataQualityResponse) -> Table:
    table = Table(
        "contractor",
        "received",
        "accepted",
        "rejected",
        "warned",
        "passing",
        f"≥ {response.target:.0%}",
        title="Data quality per contractor",
    )
    for q in response.contractors:
        table.add_row(
            q.contractor_id,
            f"{q.received:,}",
            f"{q.accepted:,}",
            f"{q.rejected:,}",
            f"{q.warned:,}",
            f"{q.passing_share:.1%}",
            "yes" if q.meets_target else "[red]no[/red]",
        )
    return table
