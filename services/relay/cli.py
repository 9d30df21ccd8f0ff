"""`quitus relay`: publish the services' outbox rows to RabbitMQ until SIGTERM.

The relay's own modules (and amqp, of the `workers` extra) are imported when the command runs,
so that `quitus` starts without them.
"""

import logging
import signal
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from services.runtime.log import configure_logging
from services.runtime.settings import get_settings

DEFAULT_SOURCES = ("interventions", "consumption")


def relay(
    amqp_url: Annotated[
        str, typer.Option(envvar="QUITUS_AMQP_URL", help="The broker: amqp://user:password@host:port/vhost.")
    ] = "amqp://guest:guest@127.0.0.1:5672/",
    exchange: Annotated[
        str, typer.Option(envvar="QUITUS_EVENTS_EXCHANGE", help="Topic exchange the events go to (declared durable).")
    ] = "quitus.events",
    source: Annotated[
        list[str] | None, typer.Option(help="Outboxes to relay (repeatable; default: interventions and consumption).")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Rows published and confirmed at a time.")] = 500,
    idle: Annotated[float, typer.Option(min=0.01, help="Seconds to wait when every outbox is empty.")] = 0.2,
    keep_sent_days: Annotated[
        int, typer.Option(min=0, help="Days a sent row is kept before it is deleted (0: kept for ever).")
    ] = 7,
    once: Annotated[bool, typer.Option(help="Stop once every outbox is empty, instead of waiting for more.")] = False,
    heartbeat_file: Annotated[
        str,
        typer.Option(
            envvar="QUITUS_HEARTBEAT_FILE",
            help="A file touched at every turn of the loop, for a liveness probe (services.runtime.heartbeat).",
        ),
    ] = "",
) -> None:
    """Publish the outbox rows of the services to RabbitMQ, confirmed and persistent, until SIGTERM.

    Reads QUITUS_DATABASE_URL and QUITUS_SCHEMA_PREFIX as the services do. Several relays may run
    at once on PostgreSQL (none publishes a row another holds); on SQLite, run one."""
    from services.relay.outboxes import SOURCES, Outbox
    from services.relay.publisher import BrokerAddress, ConfirmingPublisher
    from services.relay.relay import Relay

    names = source or list(DEFAULT_SOURCES)
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise typer.BadParameter(f"unknown source {unknown[0]!r}; one of {', '.join(SOURCES)}", param_hint="--source")
    try:
        BrokerAddress.parse(amqp_url)
    except ValueError as bad:
        raise typer.BadParameter(str(bad), param_hint="--amqp-url") from None
    settings = get_settings()
    configure_logging(settings.log_level)
    outboxes = [Outbox(SOURCES[n], settings.database_url, settings.schema_prefix) for n in names]
    worker = Relay(
        outboxes,
        ConfirmingPublisher(amqp_url, exchange),
        batch_size=batch_size,
        idle_s=idle,
        keep_sent=timedelta(days=keep_sent_days) if keep_sent_days else None,
        heartbeat=Path(heartbeat_file) if heartbeat_file else None,
    )

    def on_signal(signum: int, _frame: object) -> None:
        logging.getLogger("quitus.relay").info("signal received, stopping", extra={"signal": signum})
        worker.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    logging.getLogger("quitus.relay").info("relaying", extra={"sources": names, "exchange": exchange})
    counts = worker.run(until_empty=once)
    for outbox in outboxes:
        outbox.dispose()
    typer.echo(" ".join(f"{name}={n}" for name, n in counts.published.items()))
