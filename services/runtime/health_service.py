"""The gRPC health service every server carries: grpc_health's, without its shutdown deadlock.

grpc_health's HealthServicer sends a status to its Watch streams while holding its lock, and
the send waits for the server's event thread to complete it; when a Watch stream closes at the
same moment, that event thread runs the stream's close callback, which waits for the same lock.
Neither moves again: a server stopping (NOT_SERVING sent to every watcher) while a client closes
its channel hung for good (seen in CI in a test's teardown; reproduced within ten stops of a
server with eight Watch streams whose channel had just closed). Here the close callback runs on
a thread of its own, so the event thread never waits for the lock and every send completes.
"""

import threading
from collections.abc import Callable
from typing import Any

from grpc_health.v1 import health


class HealthServicer(health.HealthServicer):
    def _on_close_callback(self, send_response_callback: Any, service: str) -> Callable[[], None]:
        close = super()._on_close_callback(send_response_callback, service)

        def callback() -> None:
            threading.Thread(target=close, name="health-watch-closed", daemon=True).start()

        return callback
