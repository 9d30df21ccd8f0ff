"""Liveness probe of the relay, for a container healthcheck: exit 0 when its heartbeat file was
touched within the last MAX_AGE_S seconds (the loop turns at least every few seconds, even while
the broker is down and it backs off).

    python -m services.relay.probe [FILE] [MAX_AGE_S]

FILE defaults to QUITUS_RELAY_HEARTBEAT_FILE.
"""

import os
import sys
import time

DEFAULT_MAX_AGE_S = 60.0


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else os.environ.get("QUITUS_RELAY_HEARTBEAT_FILE", "")
    max_age = float(argv[2]) if len(argv) > 2 else DEFAULT_MAX_AGE_S
    if not path:
        print("no heartbeat file given and QUITUS_RELAY_HEARTBEAT_FILE is not set", file=sys.stderr)
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
