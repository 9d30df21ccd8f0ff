"""What a Quitus client needs: a channel and the bearer token as call metadata."""

import os

import grpc
import typer
from rich.console import Console


def open_channel(address: str) -> grpc.Channel:
    return grpc.insecure_channel(
        address,
        options=[
            ("grpc.max_receive_message_length", 64 * 1024 * 1024),
            ("grpc.max_send_message_length", 64 * 1024 * 1024),
        ],
    )


def auth_metadata(token: str | None = None) -> tuple[tuple[str, str], ...]:
    """``(("authorization", "Bearer ..."),)`` from the token given or $QUITUS_TOKEN; empty if none."""
    token = token or os.environ.get("QUITUS_TOKEN", "")
    return (("authorization", f"Bearer {token}"),) if token else ()


class CliStub:
    """A gRPC stub for the command line: a failed call prints its status and message (never a
    traceback) and exits with code 1."""

    def __init__(self, stub_class, address: str) -> None:
        self._stub = stub_class(open_channel(address))

    def __getattr__(self, method: str):
        call = getattr(self._stub, method)

        def checked(request, **kwargs):
            try:
                return call(request, **kwargs)
            except grpc.RpcError as exc:
                Console(stderr=True).print(f"[red]{exc.code().name}: {exc.details()}[/red]", soft_wrap=True)
                raise typer.Exit(1) from None

        return checked
