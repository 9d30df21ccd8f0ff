"""A server stopping while a client closes its channel of health Watch streams stops
(services/runtime/health_service.py): grpc_health's own servicer deadlocked there, its lock held
while sending NOT_SERVING to a watcher whose close callback waited for that lock on the
server's event thread; a CI run hung in a test's teardown on it. Reproduced before the fix
within ten rounds of this test (the sixth, in the run that found it)."""

import threading

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.runtime.principal import ALL_ROLES
from services.runtime.server import Registration, create_server
from tests.runtime.test_starvation import SERVICE
from tests.runtime.test_starvation import _add as _add  # the same small Ingest/Ping service

ROUNDS, WATCHERS = 40, 8


def test_stopping_while_watchers_close_never_hangs():
    for round_ in range(ROUNDS):
        server, port = create_server([Registration(SERVICE, _add, None)], {f"/{SERVICE}/Ping": ALL_ROLES}, port=0)
        server.start()
        channel = grpc.insecure_channel(f"localhost:{port}")
        watches = [health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest()) for _ in range(WATCHERS)]
        assert {next(w).status for w in watches} == {health_pb2.HealthCheckResponse.SERVING}
        channel.close()
        stopping = threading.Thread(target=server.stop, args=(0,), daemon=True)
        stopping.start()
        stopping.join(10)
        assert not stopping.is_alive(), f"the server's stop hung in round {round_ + 1}"
