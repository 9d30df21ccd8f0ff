"""A nameko service's heartbeat: a greenthread of the container touches QUITUS_HEARTBEAT_FILE every
few seconds (services.runtime.heartbeat, the probe its container's healthcheck runs). It is not a
worker, so a long report job holding every worker slot does not stop it; a hub blocked by a call
that does not yield does, which is what the probe is for."""

import eventlet
from nameko.extensions import DependencyProvider

from services.runtime.heartbeat import beat

EVERY_S = 5.0


class Heartbeat(DependencyProvider):
    def start(self) -> None:
        self._running = True
        self.container.spawn_managed_thread(self._beat)

    def stop(self) -> None:
        self._running = False

    def kill(self) -> None:
        self._running = False

    def _beat(self) -> None:
        while self._running:
            beat()
            eventlet.sleep(EVERY_S)
