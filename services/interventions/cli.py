"""``quitus interventions ...``: a client of the interventions service's gRPC API (and
``quality_table``, the data-quality table the demo prints too)."""

import json
from typing import cast

import typer
from google.protobuf.json_format import MessageToDict
from rich.console import Console
from rich.table import Table

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.runtime.cli_options import address_option, parse_choice, parse_instant, token_option
from services.runtime.client import CliStub, auth_metadata
from services.runtime.timestamps import set_timestamp

app = typer.Typer(no_args_is_help=True)
console = Console()
ADDRESS = address_option("interventions")
TOKEN = token_option()
REQUESTED_FROM = typer.Option(None, "--from", help="Requested on or after (ISO date or instant, UTC if no offset)")
REQUESTED_TO = typer.Option(None, "--to", help="Requested before (ISO date or instant, UTC if no offset)")
# Status names as shown and typed: the Status enum's values without their STATUS_ prefix.
STATUS_PREFIX = "STATUS_"
STATUSES = cast(
    "dict[str, pb.Status]", {n.removeprefix(STATUS_PREFIX): pb.Status.Value(n) for n in pb.Status.keys()[1:]}
)


def _stub(address: str) -> CliStub:
    return CliStub(pb_grpc.InterventionsServiceStub, address)


def _status_name(number: int) -> str:
    return pb.Status.Name(number).removeprefix(STATUS_PREFIX)


@app.command()
def search(
    ug: str = typer.Option("", help="UG id of the unit"),
    address_text: str = typer.Option("", "--text", help="Part of the address, city or postcode"),
    building: str = typer.Option("", help="Building id"),
    contractor: str = typer.Option("", help="Contractor id"),
    status: str = typer.Option("", help=f"One of {', '.join(STATUSES)}"),
    requested_from: str | None = REQUESTED_FROM,
    requested_to: str | None = REQUESTED_TO,
    limit: int = typer.Option(20, help="Rows to show"),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line"),
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Search interventions."""
    status_number = STATUSES[parse_choice(status, list(STATUSES), "--status")] if status else pb.STATUS_UNSPECIFIED
    start = parse_instant(requested_from, "--from") if requested_from else None
    end = parse_instant(requested_to, "--to") if requested_to else None
    if start and end and end <= start:
        raise typer.BadParameter("--to must be after --from", param_hint="--to")
    if limit < 0:
        raise typer.BadParameter(f"must be >= 0, got {limit}", param_hint="--limit")
    request = pb.SearchInterventionsRequest(
        ug_id=ug,
        address_text=address_text,
        building_id=building,
        contractor_id=contractor,
        status=status_number,
        page={"page_size": limit},
    )
    set_timestamp(request.requested.start, start)
    set_timestamp(request.requested.end, end)
    response = _stub(address).SearchInterventions(request, metadata=auth_metadata(token))
    if as_json:
        for item in response.interventions:
            typer.echo(json.dumps(MessageToDict(item)))
        return
    table = Table("id", "status", "trade", "nature", "UG", "address", "requested", "visits")
    for i in response.interventions:
        table.add_row(
            i.id,
            _status_name(i.status),
            i.trade,
            pb.Nature.Name(i.nature).removeprefix("NATURE_"),
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
    typer.echo(json.dumps(MessageToDict(response.intervention), indent=2, ensure_ascii=False))


@app.command()
def quality(contractor: str = typer.Option(""), address: str = ADDRESS, token: str | None = TOKEN) -> None:
    """Data quality per contractor (share of records passing the business checks)."""
    response = _stub(address).GetDataQuality(
        pb.GetDataQualityRequest(contractor_id=contractor), metadata=auth_metadata(token)
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
    if limit < 0:
        raise typer.BadParameter(f"must be >= 0, got {limit}", param_hint="--limit")
    response = _stub(address).ListRejections(
        pb.ListRejectionsRequest(contractor_id=contractor, rule=rule, page={"page_size": limit}),
        metadata=auth_metadata(token),
    )
    table = Table("record", "rule", "field", "reason")
    for r in response.rejections:
        table.add_row(r.record_key, r.rule, r.field, r.reason)
    console.print(table)


def quality_table(response: pb.GetDataQualityResponse) -> Table:
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
