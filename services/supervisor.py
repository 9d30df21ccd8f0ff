"""`quitus serve all`: the deployment's processes on one machine, outside containers, for
development and the integration tests: the four gRPC services, the outbox relay and the nameko
services (scheduler, report workers, alerts), each its own OS process, as docker-compose runs them.

grpcio and eventlet never share a process (DESIGN section 7): the nameko services run under
``nameko run``, the rest under ``quitus``. SIGTERM or Ctrl-C stops every child (SIGTERM, then SIGKILL
after the grace period); a child that dies on its own stops the others and the command exits 1,
naming it, so that whatever supervises this command (systemd, a terminal) sees the failure.
"""

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("quitus.supervisor")

GRPC_SERVICES = ("interventions", "consumption", "factors", "reporting")
NAMEKO_CONFIG = Path(__file__).parent / "workers" / "nameko.yaml"
# process name -> (the module `nameko run` serves, named by path: this process never imports
# nameko; the process's own environment)
NAMEKO_SERVICES = {
    "scheduler": ("services.workers.scheduler", {}),
    "report-worker": ("services.workers.report_worker", {}),
    # intake, sweep and delivery overlap: more than the report workers' one job at a time
    "alerts": ("services.workers.alerts.service", {"QUITUS_NAMEKO_MAX_WORKERS": "4"}),
}
# nameko service modules: psycopg must wait the eventlet way in them (DESIGN section 7)
NAMEKO_ENV = {"PSYCOPG_WAIT_FUNC": "wait_select"}
POLL_S = 0.2


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)


def quitus_process(name: str, *args: str) -> ProcessSpec:
    return ProcessSpec(name, (sys.executable, "-m", "services.cli", *args))


def nameko_process(name: str, module: str, config: Path, env: dict[str, str]) -> ProcessSpec:
    argv = (sys.executable, "-m", "nameko", "run", "--config", str(config), module)
    return ProcessSpec(name, argv, {**NAMEKO_ENV, **env})


def deployment(
    report_workers: int, nameko_config: Path, nameko_services: dict[str, tuple[str, dict[str, str]]]
) -> list[ProcessSpec]:
    """The processes of a deployment: gRPC services first (reporting last, it calls the others),
    then the relay and the nameko services, ``report_workers`` of the report worker."""
    specs = [quitus_process(name, "serve", name) for name in GRPC_SERVICES]
    specs.append(quitus_process("relay", "relay"))
    for name, (module, env) in nameko_services.items():
        copies = report_workers if name == "report-worker" else 1
        specs += [
            nameko_process(f"{name}-{n + 1}" if copies > 1 else name, module, nameko_config, env) for n in range(copies)
        ]
    return specs


class Supervisor:
    """Starts the processes, waits, and stops them all together."""

    def __init__(self, specs: list[ProcessSpec], grace_s: float) -> None:
        self.specs = specs
        self.grace_s = grace_s
        self.children: dict[str, subprocess.Popen] = {}
        self._stopping = False

    def start(self) -> None:
        for spec in self.specs:
            child = subprocess.Popen(spec.argv, env={**os.environ, **spec.env})
            self.children[spec.name] = child
            log.info("started", extra={"child": spec.name, "pid": child.pid})

    def request_stop(self, signum: int, _frame: object) -> None:
        log.info("signal received, stopping every process", extra={"signal": signum})
        self._stopping = True

    def wait(self) -> str | None:
        """Until a stop is requested (None) or a child exits on its own (its name)."""
        while not self._stopping:
            for name, child in self.children.items():
                if child.poll() is not None:
                    log.error("process exited", extra={"child": name, "returncode": child.returncode})
                    return name
            time.sleep(POLL_S)
        return None

    def stop(self) -> None:
        """SIGTERM to every child still running, in reverse start order (the clients before the
        services they call), then SIGKILL to any left after the grace period."""
        running = [c for c in reversed(list(self.children.values())) if c.poll() is None]
        for child in running:
            child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace_s
        for child in running:
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("process did not stop in time, killed", extra={"pid": child.pid})
                child.kill()
                child.wait()


def run(specs: list[ProcessSpec], grace_s: float) -> int:
    supervisor = Supervisor(specs, grace_s)
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    signal.signal(signal.SIGINT, supervisor.request_stop)
    supervisor.start()
    try:
        died = supervisor.wait()
    finally:
        supervisor.stop()
    if died is not None:
        print(f"quitus serve all: {died} exited; every process stopped", file=sys.stderr)
        return 1
    return 0
