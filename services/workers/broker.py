"""What the scheduler and the report workers share on the broker, and the one check every
nameko process of theirs makes at start."""

import os

from kombu import Exchange, Queue


def jobs_queue(name: str) -> Queue:
    """The durable queue of report jobs, bound to a durable direct exchange of the same name:
    workers consume it as competing consumers, a job's message acknowledged once its outcome is
    recorded."""
    return Queue(name, exchange=Exchange(name, type="direct", durable=True), routing_key=name, durable=True)


def require_green_psycopg() -> None:
    """psycopg 3 blocks the eventlet hub unless told to wait with select(): refuse to start
    without it (it is read when psycopg is first imported, so it must be in the environment)."""
    import eventlet.patcher

    if eventlet.patcher.is_monkey_patched("socket") and os.environ.get("PSYCOPG_WAIT_FUNC") != "wait_select":
        raise RuntimeError(
            "set PSYCOPG_WAIT_FUNC=wait_select in the environment of `nameko run`: without it every database "
            "call blocks the whole process"
        )
