"""A report's files (its PDF and its audit pack) made from its computation, in the server's own
thread or in worker processes beside it.

Rendering is pure Python (reportlab) and holds the interpreter's lock: in one process, reports
generated at once (a monthly run's workers calling one replica) render one after the other on
one core. With ``processes`` > 0, the files are made in that many processes (spawned, never
forked: the server's gRPC threads must not be copied), each computation sent there pickled (a
report's result, small next to the exports it came from, which stay in the server's cache).
The same inputs give the same bytes in any process."""

import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any

from services.reporting import charge_control, decarbonisation, scorecard_report
from services.reporting.domain.runs import ReportRequest

# per report kind, the module that computes, renders and packs it (compute, render_pdf, audit_pack)
BUILDERS: dict[str, Any] = {
    "DECARBONISATION": decarbonisation,
    "CHARGE_CONTROL": charge_control,
    "CONTRACTOR_SCORECARD": scorecard_report,
}


def report_files(computed: Any, request: ReportRequest, run_id: str) -> tuple[bytes, bytes]:
    """(PDF, audit pack) of a report."""
    builder = BUILDERS[request.kind]
    return builder.render_pdf(computed, request, run_id), builder.audit_pack(computed, request, run_id)


def report_pdf(computed: Any, request: ReportRequest, run_id: str) -> bytes:
    return bytes(BUILDERS[request.kind].render_pdf(computed, request, run_id))


class Renderer:
    """Makes report files here (``processes`` 0) or in a pool of processes started on first use."""

    def __init__(self, processes: int = 0) -> None:
        if processes < 0:
            raise ValueError(f"render processes must be >= 0, got {processes}")
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def files(self, computed: Any, request: ReportRequest, run_id: str) -> tuple[bytes, bytes]:
        return self._run(report_files, computed, request, run_id)

    def pdf(self, computed: Any, request: ReportRequest, run_id: str) -> bytes:
        return self._run(report_pdf, computed, request, run_id)

    def _run(self, make: Callable[..., Any], *args: Any) -> Any:
        if not self.processes:
            return make(*args)
        pool = self._started()
        try:
            return pool.submit(make, *args).result()
        except BrokenProcessPool:
            # a render process died (killed, out of memory): this report fails, the next gets a new pool
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise RuntimeError("a render process died while making this report; generate it again") from None

    def _started(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.processes, mp_context=get_context("spawn"))
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
