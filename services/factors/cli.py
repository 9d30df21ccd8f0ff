"""``quitus factors ...``: list, show, diff, publish and resolve factor sets over gRPC; and
``publish_directory``, the client helper that publishes the set folders of a directory."""

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import grpc
import typer
from google.protobuf.json_format import MessageToDict
from rich.console import Console
from rich.table import Table

from services.api.quitus.factors.v1 import factors_pb2 as pb
from services.api.quitus.factors.v1 import factors_pb2_grpc as pb_grpc
from services.factors import files
from services.runtime.cli_options import address_option, token_option
from services.runtime.client import CliStub, auth_metadata, open_channel

app = typer.Typer(no_args_is_help=True)
console = Console()
ADDRESS = address_option("factors")
TOKEN = token_option()
METADATA_TEXT = tuple(f.name for f in pb.SetMetadata.DESCRIPTOR.fields if f.name != "excluded")
NUMBER_COLUMNS = ("kgco2e_per_unit", "uncertainty_pct")
FACTOR_TEXT = tuple(f.name for f in pb.Factor.DESCRIPTOR.fields if f.name not in NUMBER_COLUMNS)


def _stub(address: str) -> CliStub:
    return CliStub(pb_grpc.FactorsServiceStub, address)


def _split(ref: str) -> tuple[str, str]:
    """``SET@VERSION`` or ``SET`` (latest)."""
    name, _, version = ref.partition("@")
    return name, version


def _version_line(v: pb.SetVersion) -> str:
    md = v.metadata
    return (
        f"{md.name}@{md.version}  {md.title}  ({md.publisher}; published {md.publication_date or 'date unknown'}; "
        f"licence {md.licence}; GWP {md.gwp_basis or 'unknown'})  {v.content_sha256}"
    )


@app.command("list")
def list_sets(
    name: str = typer.Option("", help="Only this set"), address: str = ADDRESS, token: str | None = TOKEN
) -> None:
    """Every published version, oldest first."""
    stub, request, versions = _stub(address), pb.ListSetsRequest(name=name), []
    while True:  # ListSets answers by pages of at most 50 versions
        response = stub.ListSets(request, metadata=auth_metadata(token))
        versions += response.versions
        if not response.next_page_token:
            break
        request.page.page_token = response.next_page_token
    table = Table("set", "version", "#", "factors", "flagged", "publisher", "content_sha256")
    for v in versions:
        table.add_row(
            v.metadata.name,
            v.metadata.version,
            str(v.sequence),
            str(v.factor_count),
            str(v.flagged_count),
            v.metadata.publisher,
            v.content_sha256[:16] + "…",
        )
    console.print(table)


@app.command()
def show(
    ref: str = typer.Argument(..., help="SET or SET@VERSION"),
    as_json: bool = typer.Option(False, "--json"),
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """A set version: its metadata and every factor with its source."""
    name, version = _split(ref)
    response = _stub(address).GetSet(pb.GetSetRequest(name=name, version=version), metadata=auth_metadata(token))
    if as_json:
        typer.echo(json.dumps(MessageToDict(response), indent=2, ensure_ascii=False))
        return
    console.print(_version_line(response.version))
    table = Table(
        "key",
        "carrier",
        "unit",
        "usage",
        "ctry",
        "boundary",
        "variant",
        "kgCO2e/unit",
        "scope",
        "valid",
        "±%",
        "flag",
        "source",
    )
    for f in response.factors:
        table.add_row(
            f.key,
            f.carrier,
            f.unit,
            f.usage,
            f.country,
            f.boundary,
            f.variant,
            f"{f.kgco2e_per_unit:g}",
            f.scope,
            f"{f.valid_from}..{f.valid_to or ''}",
            f"{f.uncertainty_pct:g}" if f.HasField("uncertainty_pct") else "",
            f.flag,
            f.source,
        )
    console.print(table)


@app.command()
def diff(
    old: str = typer.Argument(..., help="SET@VERSION"),
    new: str = typer.Argument(..., help="SET@VERSION"),
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Factors added, removed and changed between two versions (or two sets)."""
    (old_name, old_version), (new_name, new_version) = _split(old), _split(new)
    d = _stub(address).Diff(
        pb.DiffRequest(old_name=old_name, old_version=old_version, new_name=new_name, new_version=new_version),
        metadata=auth_metadata(token),
    )
    console.print(f"- {_version_line(d.old)}\n+ {_version_line(d.new)}")
    if d.identical:
        console.print("identical content")
        return
    for f in d.added:
        console.print(f"[green]+ {f.key} [{f.valid_from}..{f.valid_to}) {f.kgco2e_per_unit:g} kgCO2e/{f.unit}[/green]")
    for f in d.removed:
        console.print(f"[red]- {f.key} [{f.valid_from}..{f.valid_to}) {f.kgco2e_per_unit:g} kgCO2e/{f.unit}[/red]")
    for c in d.changed:
        console.print(f"~ {c.key} [{c.valid_from}] {c.field}: {c.old_value!r} -> {c.new_value!r}")
    for c in d.metadata_changed:
        console.print(f"~ metadata {c.field}: {c.old_value!r} -> {c.new_value!r}")


def _number(text: str, where: str, field: str) -> float | None:
    if text.strip() == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise typer.BadParameter(f"{where}: {field}: not a number, got {text!r}", param_hint="DIRECTORY") from None


def publish_request(directory: Path) -> pb.PublishRequest:
    """The Publish call for one ``<set>/<version>/`` folder (metadata.json + factors.csv), values
    sent as written; the service validates the set. A file that cannot be put into the request
    (unknown field or column, a value that is not a number) is a usage error."""
    metadata, factors = files.read_set(directory)
    where = str(directory)
    unknown = sorted(set(metadata) - {*METADATA_TEXT, "excluded"})
    bad = [f for f in METADATA_TEXT if metadata.get(f) is not None and not isinstance(metadata[f], str)]
    if unknown or bad:
        raise typer.BadParameter(f"{where}: metadata: unknown fields {unknown}, not text {bad}", param_hint="DIRECTORY")
    unknown = sorted(set(factors.columns) - {*FACTOR_TEXT, *NUMBER_COLUMNS})
    if unknown:
        raise typer.BadParameter(f"{where}: factors: unknown columns {unknown}", param_hint="DIRECTORY")
    request = pb.PublishRequest(
        metadata=pb.SetMetadata(
            **{f: metadata.get(f) or "" for f in METADATA_TEXT},
            excluded=[pb.Excluded(key=e["key"], reason=e.get("reason") or "") for e in metadata.get("excluded") or []],
        )
    )
    for index, row in enumerate(factors.iter_rows(named=True), start=1):
        at = f"{where}: row {index} (key {row.get('key')!r})"
        value = _number(row.get("kgco2e_per_unit") or "", at, "kgco2e_per_unit")
        if value is None:
            raise typer.BadParameter(f"{at}: kgco2e_per_unit: required", param_hint="DIRECTORY")
        factor = request.factors.add(**{c: row.get(c) or "" for c in FACTOR_TEXT}, kgco2e_per_unit=value)
        uncertainty = _number(row.get("uncertainty_pct") or "", at, "uncertainty_pct")
        if uncertainty is not None:
            factor.uncertainty_pct = uncertainty
    return request


def publish_directory(
    channel: grpc.Channel, directory: Path | None = None, metadata: Sequence[tuple[str, str]] = ()
) -> list[pb.PublishResponse]:
    """Publish every set folder of ``directory`` (default: the factor data folder), in path
    order, through ``channel``. A refused set raises grpc.RpcError."""
    stub = pb_grpc.FactorsServiceStub(channel)
    return [
        stub.Publish(publish_request(folder), metadata=metadata)
        for folder in _set_folders(directory or files.data_dir())
    ]


def _set_folders(directory: Path) -> list[Path]:
    folders = files.set_directories(directory)
    if not folders:
        raise typer.BadParameter(f"no metadata.json under {directory}", param_hint="DIRECTORY")
    return folders


@app.command()
def publish(
    directory: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, help="A <set>/<version>/ directory, or a tree of them")
    ],
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Publish (admin only); the service validates. Same content again is a no-op. A set the
    service refuses as invalid is a usage error (exit code 2) naming row, key and field."""
    stub = pb_grpc.FactorsServiceStub(open_channel(address))
    for folder in _set_folders(directory):
        try:
            response = stub.Publish(publish_request(folder), metadata=auth_metadata(token))
        except grpc.RpcError as exc:
            console.print(f"[red]{folder}: {exc.code().name}: {exc.details()}[/red]", soft_wrap=True)
            raise typer.Exit(2 if exc.code() == grpc.StatusCode.INVALID_ARGUMENT else 1) from None
        state = "published" if response.created else "already published (no change)"
        md = response.version.metadata
        console.print(f"{md.name}@{md.version}: {state}  {response.version.content_sha256}")


@app.command()
def resolve(
    ref: str = typer.Argument(..., help="SET or SET@VERSION (pin the version for reproducible figures)"),
    carrier: str = typer.Option("", help="e.g. natural_gas, electricity, heating_oil, district_heating"),
    unit: str = typer.Option("", help="e.g. 'kWh PCS', 'kWh PCI', kWh, litre, m3"),
    on: str = typer.Option("", "--date", help="YYYY-MM-DD"),
    quantity: float | None = typer.Option(None, help="Quantity in UNIT: kgCO2e is then computed"),
    usage: str = typer.Option("*", help="heating, dhw, ... or * (any)"),
    country: str = typer.Option("FR"),
    boundary: str = typer.Option("total", help="combustion | upstream | td_losses | total, or * (every one)"),
    variant: str = typer.Option(""),
    date_to: str = typer.Option("", "--date-to", help="YYYY-MM-DD: the period [--date, --date-to) (exclusive end)"),
    fallback: bool = typer.Option(
        False, "--fallback", help="A day without a valid factor takes the latest expired one, flagged"
    ),
    file: Annotated[
        Path | None,
        typer.Option("--file", exists=True, dir_okay=False, help="CSV of activities (columns as the options)"),
    ] = None,
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line"),
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Resolve one activity (options) or many (--file) to factors, with their provenance."""
    name, version = _split(ref)
    if file is not None:
        rows = files.read_text_csv(file).to_dicts()
    elif carrier and unit and on:
        try:
            date.fromisoformat(on)
        except ValueError:
            raise typer.BadParameter(f"{on!r} is not an ISO date (YYYY-MM-DD)", param_hint="--date") from None
        rows = [
            {
                "carrier": carrier,
                "unit": unit,
                "date": on,
                "quantity": quantity,
                "usage": usage,
                "country": country,
                "boundary": boundary,
                "variant": variant,
                "date_to": date_to,
            }
        ]
    else:
        raise typer.BadParameter("give --carrier, --unit and --date, or --file")

    def quantity_of(r: dict[str, Any], i: int) -> float | None:
        text = r.get("quantity")
        if text in (None, ""):
            return None
        try:
            return float(text)
        except ValueError:
            raise typer.BadParameter(
                f"line {i + 1}: quantity: not a number, got {text!r}", param_hint="--file"
            ) from None

    activities = [
        pb.Activity(
            ref=str(r.get("ref") or i + 1),
            carrier=r.get("carrier") or "",
            unit=r.get("unit") or "",
            usage=r.get("usage") or "",
            country=r.get("country") or "",
            boundary=r.get("boundary") or "",
            variant=r.get("variant") or "",
            date=r.get("date") or "",
            date_to=r.get("date_to") or "",
            quantity=quantity_of(r, i),
        )
        for i, r in enumerate(rows)
    ]
    response = _stub(address).Resolve(
        pb.ResolveRequest(
            set_name=name,
            version=version,
            activities=activities,
            fallback_rule=pb.FALLBACK_RULE_LATEST_EXPIRED if fallback else pb.FALLBACK_RULE_REFUSE,
        ),
        metadata=auth_metadata(token),
    )
    if as_json:
        for r in response.resolutions:
            typer.echo(json.dumps(MessageToDict(r), ensure_ascii=False))
        return
    console.print(_version_line(response.version))
    table = Table(
        "ref", "factor", "boundary", "kgCO2e/unit", "conversion", "kgCO2e", "scope", "valid", "flag", "source"
    )
    for r in response.resolutions:
        conversion = "" if not r.conversion_source else f"x{r.conversion_multiplier:.6g} ({r.conversion_source})"
        table.add_row(
            r.ref,
            r.factor_key,
            r.boundary,
            f"{r.kgco2e_per_unit:.6g}",
            conversion,
            f"{r.kgco2e:.6g}" if r.HasField("kgco2e") else "",
            r.scope,
            f"{r.valid_from}..{r.valid_to}",
            " ".join(f for f in (r.flag, "FALLBACK" if r.fallback else "") if f),
            r.source,
        )
    console.print(table)
    for r in response.resolutions:
        if r.fallback:
            console.print(f"[yellow]{r.ref}: {r.fallback_reason}[/yellow]")
    if any(r.flag for r in response.resolutions):
        console.print("[yellow]flagged factors used: any report must say so[/yellow]")
