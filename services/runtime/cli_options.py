"""What every ``quitus <service> ...`` command shares: where the service is, the token, and
arguments parsed into usage errors (exit code 2, never a traceback).

Environment scheme, one for all: ``QUITUS_<SERVICE>_ADDRESS`` (host:port, e.g.
``QUITUS_CONSUMPTION_ADDRESS``) and ``QUITUS_TOKEN`` (the bearer token). An option given on the
command line wins over its variable.
"""

from datetime import UTC, datetime
from typing import Any

import typer

from services.runtime.settings import Settings
from services.runtime.validation import EARLIEST, LATEST


def address_variable(service: str) -> str:
    return f"QUITUS_{service.upper()}_ADDRESS"


def address_option(service: str) -> Any:
    """``--address`` for a command talking to ``service``."""
    return typer.Option(
        f"localhost:{Settings.model_fields[service + '_port'].default}",
        "--address",
        envvar=address_variable(service),
        callback=check_address,
        help=f"host:port of the {service} service (${address_variable(service)})",
    )


def check_address(address: str) -> str:
    """``host:port`` (``[::1]:50051`` for an IPv6 host), or a usage error."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise typer.BadParameter(f"{address!r} is not host:port (e.g. localhost:50051)", param_hint="--address")
    return address


def token_option() -> Any:
    return typer.Option(None, "--token", envvar="QUITUS_TOKEN", help="Bearer token ($QUITUS_TOKEN)")


def parse_instant(text: str, param_hint: str) -> datetime:
    """An ISO date or instant (``2025-01-01``, ``2025-01-01T06:00``, with or without offset; UTC
    when none); anything else is a usage error naming the option."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not an ISO date or instant (e.g. 2025-01-01)", param_hint=param_hint
        ) from None
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    if not EARLIEST <= value < LATEST:
        raise typer.BadParameter(f"{text!r} is outside {EARLIEST.year}-{LATEST.year}", param_hint=param_hint)
    return value


def parse_choice(text: str, choices: list[str] | tuple[str, ...], param_hint: str) -> str:
    """``text`` if it is one of ``choices`` (case-insensitive, returned as spelt in ``choices``)."""
    for choice in choices:
        if text.lower() == choice.lower():
            return choice
    raise typer.BadParameter(f"{text!r} is not one of {', '.join(choices)}", param_hint=param_hint)
