"""A report's exports pulled side by side instead of one after another.

Each export spends most of its time waiting: on PostgreSQL behind a data service, on that
service's encoding, on the wire, or in the Arrow and digest code of this process, which releases
the interpreter lock. Pulled one after another, the interventions service sat idle while the
consumption service read the year's readings, and the other way round. A few at a time keeps both
busy; more would only hold more exports half-read in memory at once on a 2-core machine.

Results come back by name, whatever the order they finished in, so the manifest lists its inputs
in the same order as before. A report is whole or not made: once a pull fails, none not yet
started is begun, and the failure (the first in the order given, if several failed) is raised
once every pull already running has stopped.
"""

from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any

PULLS_AT_ONCE = 3


def pull_side_by_side(pulls: dict[str, Callable[[], Any]], at_once: int = PULLS_AT_ONCE) -> dict[str, Any]:
    """Every pull's result by its name, ``at_once`` pulls running at a time, started in the order
    given (put the longest first)."""
    with ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="report-pull") as pool:
        futures: dict[str, Future[Any]] = {name: pool.submit(pull) for name, pull in pulls.items()}
        wait(futures.values(), return_when=FIRST_EXCEPTION)
        failed = [f for f in futures.values() if f.done() and not f.cancelled() and f.exception() is not None]
        if failed:
            for future in futures.values():
                future.cancel()
            raise failed[0].exception()  # type: ignore[misc]
        return {name: future.result() for name, future in futures.items()}
