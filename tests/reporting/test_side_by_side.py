"""A report's exports pulled side by side: every result under its name, the pulls really running
at the same time, and a failure stopping the report without beginning the pulls still waiting."""

import threading
import time

import pytest

from services.reporting.errors import SourceUnavailable
from services.reporting.side_by_side import pull_side_by_side


def test_each_result_comes_back_under_its_name_whatever_finished_first() -> None:
    def slow() -> str:
        time.sleep(0.2)
        return "portfolio"

    got = pull_side_by_side({"slow": slow, "fast": lambda: "facts"})
    assert got == {"slow": "portfolio", "fast": "facts"}
    assert list(got) == ["slow", "fast"]


def test_pulls_run_at_the_same_time() -> None:
    """Each pull waits for the other at a barrier: one after another, the first would wait alone
    until the barrier's timeout and fail."""
    barrier = threading.Barrier(2, timeout=5)

    def meet(name: str) -> str:
        barrier.wait()
        return name

    assert pull_side_by_side({"a": lambda: meet("a"), "b": lambda: meet("b")}, at_once=2) == {"a": "a", "b": "b"}


def test_a_failure_is_raised_and_no_waiting_pull_is_begun() -> None:
    begun: list[str] = []

    def down() -> None:
        begun.append("monthly")
        raise SourceUnavailable("the consumption service did not answer ExportMonthly")

    def later() -> str:
        begun.append("facts")
        return "facts"

    with pytest.raises(SourceUnavailable, match="ExportMonthly"):
        pull_side_by_side({"monthly": down, "facts": later}, at_once=1)
    assert begun == ["monthly"]
