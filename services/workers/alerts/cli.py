"""``quitus alerts list``: the alerts with their delivery state, read from the alerts' tables
(QUITUS_DATABASE_URL, QUITUS_SCHEMA_PREFIX). No nameko here: `quitus` starts without eventlet."""

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(no_args_is_help=True)


@app.command("list")
def list_alerts(
    state: Annotated[
        str | None, typer.Option(help="Only alerts in this state: pending, delivered, failed or logged.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many, latest raised first.")] = 100,
) -> None:
    """The alerts raised, latest first, with their delivery state and attempts."""
    from services.runtime.db import make_engine
    from services.runtime.migrate import upgrade
    from services.runtime.settings import get_settings
    from services.workers.alerts.store import STATES, AlertStore

    if state is not None and state not in STATES:
        raise typer.BadParameter(f"unknown state {state!r}; one of {', '.join(STATES)}", param_hint="--state")
    settings = get_settings()
    engine = make_engine(settings.database_url, settings.schema_prefix + "alerts")
    upgrade(engine, "services.workers.alerts")
    rows = AlertStore(engine).list_alerts(state, limit)
    engine.dispose()
    table = Table("raised at", "kind", "subject", "state", "attempts", "message", "id")
    for r in rows:
        state_text = r["state"] + (f" ({r['last_error']})" if r["last_error"] and r["state"] != "delivered" else "")
        table.add_row(
            r["raised_at"].isoformat(timespec="seconds"),
            r["kind"],
            r["subject"],
            state_text,
            str(r["attempts"]),
            r["message"],
            r["id"],
        )
    Console(width=200).print(table)
    typer.echo(f"{len(rows)} alert(s)")
