"""The ``quitus`` command: demo, serve, tokens, and one group per service."""

import gc
import importlib
import logging
import re
from datetime import timedelta
from pathlib import Path

import typer

from services.consumption.cli import app as consumption_app
from services.factors.cli import app as factors_app
from services.interventions.cli import app as interventions_app
from services.relay.cli import relay
from services.reporting.cli import app as reporting_app
from services.runtime.db import make_engine
from services.runtime.log import configure_logging
from services.runtime.migrate import upgrade
from services.runtime.principal import Principal
from services.runtime.settings import get_settings
from services.runtime.tokens import TokenStore
from services.workers.alerts.cli import app as alerts_app
from services.workers.runs_cli import app as runs_app

app = typer.Typer(help="Quitus: carbon and cost reporting for housing portfolios.", no_args_is_help=True)
app.add_typer(interventions_app, name="interventions", help="Interventions: search, quality, rejections.")
app.add_typer(factors_app, name="factors", help="Emission-factor sets.")
app.add_typer(consumption_app, name="consumption", help="Meters, readings, degree days.")
app.add_typer(reporting_app, name="report", help="Reports and their reference scenarios.")
app.add_typer(runs_app, name="runs", help="Monthly runs and their report jobs.")
app.add_typer(alerts_app, name="alerts", help="Alerts raised and their delivery.")
app.command(help="Publish the services' outbox rows (domain events) to RabbitMQ until SIGTERM.")(relay)
tokens_app = typer.Typer(help="Bearer tokens (stored hashed; shown once).", no_args_is_help=True)
app.add_typer(tokens_app, name="tokens")

SERVERS = {name: f"services.{name}.server" for name in ("interventions", "consumption", "factors", "reporting")}


def quiet_collector() -> None:
    """A service allocates many short-lived objects per batch and makes few reference cycles:
    leave what startup loaded out of every collection, and collect the young generation less
    often (every 50,000 allocations instead of 700)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


@app.command()
def serve(
    service: str = typer.Argument(..., help=f"One of: {', '.join(SERVERS)}, or all"),
    report_workers: int = typer.Option(2, min=1, max=32, help="With all: how many report workers."),
) -> None:
    """Run one gRPC service until SIGTERM (then drain for QUITUS_SHUTDOWN_GRACE_S); `all`: every
    process of a deployment (gRPC services, relay, scheduler, report workers, alerts), each its own."""
    if service != "all" and service not in SERVERS:
        raise typer.BadParameter(f"unknown service {service!r}; one of {', '.join(SERVERS)}, all")
    settings = get_settings()
    configure_logging(settings.log_level)
    if service == "all":
        from services import supervisor

        specs = supervisor.deployment(report_workers, supervisor.NAMEKO_CONFIG, supervisor.NAMEKO_SERVICES)
        raise typer.Exit(supervisor.run(specs, settings.shutdown_grace_s + 5))
    server, port = importlib.import_module(SERVERS[service]).build(settings)
    server.start()
    quiet_collector()
    server.stop_on_sigterm(settings.shutdown_grace_s)
    logging.getLogger("quitus").info("serving", extra={"service": service, "port": port})
    server.wait()


def parse_duration(text: str) -> timedelta:
    """``90d``, ``12h`` or ``30m``: a usage error otherwise."""
    match = re.fullmatch(r"([1-9][0-9]{0,5})([dhm])", text.strip())
    if match is None:
        raise typer.BadParameter(f"{text!r} is not a duration such as 90d, 12h or 30m", param_hint="--expires")
    amount, unit = int(match[1]), match[2]
    return timedelta(**{{"d": "days", "h": "hours", "m": "minutes"}[unit]: amount})


@tokens_app.command("issue")
def issue_token(
    role: str = typer.Option(..., help="admin | service | csr_officer | auditor | contractor:<id>"),
    label: str = typer.Option("", help="Who or what holds it."),
    expires: str | None = typer.Option(None, help="Refused after this long: 90d, 12h, 30m (default: never)."),
) -> None:
    """Create a token; it is printed once and only its hash is kept."""
    expires_in = None if expires is None else parse_duration(expires)
    try:
        Principal.parse(role)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--role") from None
    engine = make_engine(get_settings().database_url, get_settings().schema_prefix + "auth")
    upgrade(engine, "services.runtime")
    typer.echo(TokenStore(engine).issue(role, label, expires_in))


@tokens_app.command("revoke")
def revoke_token(token: str) -> None:
    """Revoke a token: every replica refuses it within a second."""
    if not token.startswith("qt_"):
        raise typer.BadParameter("a Quitus token starts with qt_", param_hint="TOKEN")
    engine = make_engine(get_settings().database_url, get_settings().schema_prefix + "auth")
    upgrade(engine, "services.runtime")
    revoked = TokenStore(engine).revoke(token)
    typer.echo("revoked" if revoked else "no such active token")
    raise typer.Exit(0 if revoked else 1)


@app.command()
def setup(
    service_token_file: str = typer.Option(
        "",
        envvar="QUITUS_SERVICE_TOKEN_FILE",
        help="Where to write the service token (issued once; an existing file is kept). Empty: no token.",
    ),
) -> None:
    """First start of a deployment: migrate every schema, issue the service token into a file."""
    from services.first_start import ensure_service_token, migrate_all

    if service_token_file and Path(service_token_file).is_dir():
        raise typer.BadParameter(f"{service_token_file} is a folder, not a file", param_hint="--service-token-file")
    settings = get_settings()
    configure_logging(settings.log_level)
    schemas = migrate_all(settings)
    typer.echo(f"migrated: {', '.join(schemas)}")
    if service_token_file and settings.auth_enabled:
        issued = ensure_service_token(settings, Path(service_token_file))
        typer.echo(f"service token {'issued into' if issued else 'kept in'} {service_token_file}")


@app.command()
def demo(
    dwellings: int = typer.Option(5000, min=100, help="Size of the generated portfolio (at least 100)."),
    seed: int = typer.Option(7, help="Generator seed: the same seed gives the same portfolio."),
    database: str = typer.Option("sqlite:///out/quitus-demo.db", help="Database URL (fresh SQLite by default)."),
    out: str = typer.Option("out", help="Folder for the demo's outputs."),
) -> None:
    """The whole chain embedded: generate a portfolio, send it through the gRPC services, summarise."""
    from services.demo.run import run_demo

    run_demo(dwellings=dwellings, seed=seed, database_url=database, out_dir=out)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
