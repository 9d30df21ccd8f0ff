"""``quitus factors ...``: list, show, diff, publish and resolve factor sets over gRPC."""

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from google.protobuf.json_format import MessageToDict
from rich.console import Console
from rich.table import Table

from services.api.quitus.factors.v1 import factors_pb2 as pb
from services.api.quitus.factors.v1 import factors_pb2_grpc as pb_grpc
from services.factors import convert
from services.factors.domain.loading import load_set, load_units, read_text_csv, set_directories
from services.factors.errors import FactorsError
from services.factors.paths import FACTORS_DIR
from services.runtime.client import CliStub, auth_metadata

app = typer.Typer(no_args_is_help=True)
console = Console()
ADDRESS = typer.Option(
    os.environ.get("QUITUS_FACTORS_ADDR", "localhost:50053"),
    "--address",
    help="host:port of the factors service ($QUITUS_FACTORS_ADDR)",
)
TOKEN = typer.Option(None, "--token", help="Bearer token ($QUITUS_TOKEN)")


def _stub(address: str) -> CliStub:
    return CliStub(pb_grpc.FactorsStub, address)


def _split(ref: str) -> tuple[str, str]:
    """``SET@VERSION`` or ``SET`` (latest)."""
    name, _, version = ref.partition("@")
    return name, version


def _version_line(v: pb.SetVersion) -> str:
    md = v.metadata
    return (
        f"{md.name}@{md.version}  {md.title}  ({md.publisher}; published {md.publication_date or 'date unknown'}; "
        f"licence {md.licence}; GWP {md.gwp_basis or 'unknown'})  {v.content_hash}"
    )


@app.command("list")
def list_sets(
    name: str = typer.Option("", help="Only this set"), address: str = ADDRESS, token: str | None = TOKEN
) -> None:
    """Every published version, oldest first."""
    response = _stub(address).ListSets(pb.ListSetsRequest(name=name), metadata=auth_metadata(token))
    table = Table("set", "version", "#", "factors", "flagged", "publisher", "content hash")
    for v in response.versions:
        table.add_row(
            v.metadata.name,
            v.metadata.version,
            str(v.sequence),
            str(v.factor_count),
            str(v.flagged_count),
            v.metadata.publisher,
            v.content_hash[:19] + "…",
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


@app.command()
def publish(
    directory: Annotated[Path, typer.Argument(help="A <set>/<version>/ directory, or a tree of them")],
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Validate locally, then publish (admin only). Same content again is a no-op."""
    units = load_units(FACTORS_DIR / "units.csv")
    directories = [directory] if (directory / "metadata.json").exists() else set_directories(directory)
    if not directories:
        raise typer.BadParameter(f"no metadata.json under {directory}", param_hint="DIRECTORY")
    stub = _stub(address)
    for folder in directories:
        try:
            factor_set = load_set(folder, units)
        except FactorsError as exc:
            console.print(f"[red]{folder}: {exc}[/red]")
            raise typer.Exit(2) from None
        response = stub.Publish(convert.publish_request(factor_set), metadata=auth_metadata(token))
        state = "published" if response.created else "already published (no change)"
        console.print(f"{factor_set.label}: {state}  {response.version.content_hash}")


@app.command()
def resolve(
    ref: str = typer.Argument(..., help="SET or SET@VERSION (pin the version for reproducible figures)"),
    carrier: str = typer.Option("", help="e.g. natural_gas, electricity, heating_oil, district_heating"),
    unit: str = typer.Option("", help="e.g. 'kWh PCS', 'kWh PCI', kWh, litre, m3"),
    on: str = typer.Option("", "--date", help="YYYY-MM-DD"),
    quantity: float | None = typer.Option(None, help="Quantity in UNIT: kgCO2e is then computed"),
    usage: str = typer.Option("*", help="heating, dhw, ... or * (any)"),
    country: str = typer.Option("FR"),
    boundary: str = typer.Option("total", help="combustion | upstream | td_losses | total"),
    variant: str = typer.Option(""),
    file: Annotated[Path | None, typer.Option("--file", help="CSV of activities (columns as the options)")] = None,
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line"),
    address: str = ADDRESS,
    token: str | None = TOKEN,
) -> None:
    """Resolve one activity (options) or many (--file) to factors, with their provenance."""
    name, version = _split(ref)
    if file is not None:
        rows = read_text_csv(file).to_dicts()
    elif carrier and unit and on:
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
            }
        ]
    else:
        raise typer.BadParameter("give --carrier, --unit and --date, or --file")
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
            quantity=float(r["quantity"]) if r.get("quantity") not in (None, "") else None,
        )
        for i, r in enumerate(rows)
    ]
    response = _stub(address).Resolve(
        pb.ResolveRequest(set_name=name, version=version, activities=activities), metadata=auth_metadata(token)
    )
    if as_json:
        for r in response.resolutions:
            typer.echo(json.dumps(MessageToDict(r), ensure_ascii=False))
        return
    console.print(_version_line(response.version))
    table = Table("ref", "factor", "kgCO2e/unit", "conversion", "kgCO2e", "scope", "valid", "flag", "source")
    for r in response.resolutions:
        conversion = "" if not r.conversion_source else f"x{r.conversion_multiplier:.6g} ({r.conversion_source})"
        table.add_row(
            r.ref,
            r.factor_key,
            f"{r.kgco2e_per_unit:.6g}",
            conversion,
            f"{r.kgco2e:.6g}" if r.HasField("kgco2e") else "",
            r.scope,
            f"{r.valid_from}..{r.valid_to}",
            r.flag,
            r.source,
        )
    console.print(table)
    if any(r.flag for r in response.resolutions):
        console.print("[yellow]flagged factors used: any report must say so[/yellow]")
