"""A report's exports pulled side by side instead of one after another.

Each export spends most of its time waiting: on PostgreSQL behind a data service, on that
service's encoding, on the wire, or in the Arrow and digest code of this process, which releases
the interpreter lock. Pulled one after another, the interventions service sat idle while the
consumption service read the year's readings, and the other way round.

Pulls run in lanes: the pulls of one lane one after another, in the order given, and the lanes
at the same time. A lane per data service's exports keeps a report at one export stream open on
each service, as before: a data service refuses a caller's streams beyond a few
(QUITUS_STREAMS_PER_CALLER), and every report of a replica calls as the same service.

Results come back by name, so the manifest lists its inputs in the same order as before. A
report is whole or not made: once a pull fails, no lane begins another, and the failure (the
first in the order given, if several failed) is raised once the pulls already running have
ended.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Pull:
    lane: str  # the pulls of a lane run one after another
    call: Callable[[], Any]


def pull_side_by_side(pulls: dict[str, Pull]) -> dict[str, Any]:
    """Every pull's result by its name."""
    lanes: dict[str, list[str]] = {}
    for name, pull in pulls.items():
        lanes.setdefault(pull.lane, []).append(name)
    results: dict[str, Any] = {}
    failures: dict[str, BaseException] = {}
    failed = threading.Event()

    def run(names: list[str]) -> None:
        for name in names:
            if failed.is_set():
                return
            try:
                results[name] = pulls[name].call()
            except BaseException as exc:  # noqa: BLE001 - raised in the caller's thread below
                failures[name] = exc
                failed.set()
                return

    threads = [
        threading.Thread(target=run, args=(names,), name=f"report-pull {lane}", daemon=True)
        for lane, names in lanes.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name in pulls:
        if name in failures:
            raise failures[name]
    return {name: results[name] for name in pulls}
