"""Liveness of a process without a gRPC health service (the outbox relay, the nameko services):
the process touches a heartbeat file at every turn of its loop (a nameko timer, the relay's pass);
a container healthcheck runs this probe, which exits 0 when the file was touched within MAX_AGE_S
seconds. A loop that hangs (an eventlet hub blocked by a call that does not yield, a relay stuck)
stops touching it; one waiting on a broker outage with back-off does not.

    python -m services.runtime.heartbeat [FILE] [MAX_AGE_S]

FILE defaults to QUITUS_HEARTBEAT_FILE.
"""

import os
import sys
import time
from pathlib import Path

DEFAULT_MAX_AGE_S = 60.0
ENV = "QUITUS_HEARTBEAT_FILE"


def beat(path: str | Path | None = None) -> None:
    """Touch the heartbeat file (``path``, or QUITUS_HEARTBEAT_FILE; nothing when neither is set)."""
    target = path or os.environ.get(ENV, "")
    if target:
        Path(target).touch()


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else os.environ.get(ENV, "")
    max_age = float(argv[2]) if len(argv) > 2 else DEFAULT_MAX_AGE_S
    if not path:
        print(f"no heartbeat file given and {ENV} is not set", file=sys.stderr)
        return 2
    try:
        age = time.time() - os.stat(path).st_mtime
    except FileNotFoundError:
        print(f"{path}: no heartbeat yet", file=sys.stderr)
        return 1
    if age > max_age:
        print(f"{path}: last heartbeat {age:.0f} s ago (more than {max_age:g} s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
