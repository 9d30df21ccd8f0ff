"""What a Quitus client needs: a channel and the bearer token as call metadata."""
import os

import grpc


def open_channel(address: str) -> grpc.Channel:
    return grpc.insecure_channel(address, options=[("grpc.max_receive_message_length", 64 * 1024 * 1024),
                                                   ("grpc.max_send_message_length", 64 * 1024 * 1024)])


def auth_metadata(token: str | None = None) -> tuple[tuple[str, str], ...]:
    """``(("authorization", "Bearer ..."),)`` from the token given or $QUITUS_TOKEN; empty if none."""
    token = token or os.environ.get("QUITUS_TOKEN", "")
    return (("authorization", f"Bearer {token}"),) if token else ()
