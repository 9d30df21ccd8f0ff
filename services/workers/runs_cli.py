"""``quitus runs list|show``: the monthly runs and their jobs, read from the workers' tables
(QUITUS_DATABASE_URL, QUITUS_SCHEMA_PREFIX). Nothing here imports nameko or eventlet."""

from datetime import datetime

import typer
from rich.console import Console
from rich.table import Table

from services.workers import models as m
from services.workers.runs_store import open_store
from services.workers.schedule import Month
from services.workers.settings import get_worker_settings

app = typer.Typer(help="Monthly runs of the scheduler and their report jobs.", no_args_is_help=True)
console = Console()
STATES = (m.QUEUED, m.RUNNING, m.DONE, m.PARKED)


def _when(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M:%S}" if at else ""


@app.command("list")
def list_runs(limit: int = typer.Option(24, min=1, help="Show the newest N runs")) -> None:
    """The runs, newest month first, with their jobs counted by state."""
    settings = get_worker_settings()
    store = open_store(settings.database_url, settings.schema_prefix)
    table = Table("month", "as of (UTC)", "planned", "by", "jobs", *STATES)
    for run, counts in store.runs()[:limit]:
        table.add_row(
            run.month,
            _when(run.as_of),
            _when(run.planned_at),
            run.planned_by,
            str(sum(counts.values())),
            *(str(counts.get(s, 0)) for s in STATES),
        )
    store.dispose()
    console.print(table)


@app.command("show")
def show_run(run: str = typer.Argument(..., help="The run's month, YYYY-MM")) -> None:
    """A run's jobs: state, attempts, worker, report id or last error. Exit 1 if it has a parked job."""
    try:
        month = str(Month.parse(run))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="RUN") from None
    settings = get_worker_settings()
    store = open_store(settings.database_url, settings.schema_prefix)
    found = store.run(month)
    store.dispose()
    if found is None:
        Console(stderr=True).print(f"[red]no run for {month}[/red]")
        raise typer.Exit(1)
    record, jobs = found
    console.print(
        f"run [bold]{record.month}[/bold], as of {_when(record.as_of)} UTC, planned {_when(record.planned_at)} by "
        f"{record.planned_by}: {record.territories} territories, {record.residences} residences, "
        f"{record.contractors} contractors (portfolio sha256 {record.portfolio_sha256[:16]})"
    )
    table = Table("job", "key", "state", "attempts", "worker", "finished", "report or error")
    for job in jobs:
        table.add_row(
            str(job.id),
            job.key,
            job.state,
            str(job.attempts),
            job.worker,
            _when(job.finished_at),
            job.report_id if job.state == m.DONE else job.error,
        )
    console.print(table)
    if any(job.state == m.PARKED for job in jobs):
        raise typer.Exit(1)
