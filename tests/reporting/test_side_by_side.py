"""A report's exports pulled side by side: every result under its name, the lanes really running
at the same time and the pulls of one lane one after another, and a failure stopping the report
without beginning any pull still waiting in any lane."""

import threading
import time

import pytest

from services.reporting.errors import SourceUnavailable
from services.reporting.side_by_side import Pull, pull_side_by_side


def test_each_result_comes_back_under_its_name_whatever_finished_first() -> None:
    def slow() -> str:
        time.sleep(0.2)
        return "portfolio"

    got = pull_side_by_side({"slow": Pull("interventions", slow), "fast": Pull("consumption", lambda: "figures")})
    assert got == {"slow": "portfolio", "fast": "figures"}
    assert list(got) == ["slow", "fast"]


def test_lanes_run_at_the_same_time() -> None:
    """Each pull waits for the other at a barrier: one after another, the first would wait alone
    until the barrier's timeout and fail."""
    barrier = threading.Barrier(2, timeout=5)

    def meet(name: str) -> str:
        barrier.wait()
        return name

    pulls = {"a": Pull("interventions", lambda: meet("a")), "b": Pull("consumption", lambda: meet("b"))}
    assert pull_side_by_side(pulls) == {"a": "a", "b": "b"}


def test_the_pulls_of_a_lane_run_one_after_another_in_the_order_given() -> None:
    """One export stream at a time on a service: no two pulls of a lane are ever running at once."""
    running, most, order = [0], [0], []
    lock = threading.Lock()

    def pull(name: str) -> str:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            order.append(name)
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return name

    names = ["portfolio", "facts 2025", "facts 2024", "facts 2023"]
    got = pull_side_by_side({name: Pull("interventions exports", lambda name=name: pull(name)) for name in names})
    assert got == {name: name for name in names}
    assert most[0] == 1 and order == names


def test_a_failure_begins_no_waiting_pull_in_any_lane() -> None:
    """The monthly figures fail after 0.2 s. The facts of 2024, waiting behind them in their lane,
    are never begun; nor is the quality, waiting in the other lane behind the portfolio, which
    ends after the failure. The portfolio, already running, ends; the failure is then raised."""
    begun: list[str] = []

    def down() -> None:
        begun.append("monthly")
        time.sleep(0.2)
        raise SourceUnavailable("the consumption service did not answer ExportMonthly")

    def pull(name: str, seconds: float = 0.0) -> str:
        begun.append(name)
        time.sleep(seconds)
        return name

    pulls = {
        "monthly": Pull("consumption", down),
        "facts 2024": Pull("consumption", lambda: pull("facts 2024")),
        "portfolio": Pull("interventions", lambda: pull("portfolio", 0.4)),
        "quality": Pull("interventions", lambda: pull("quality")),
    }
    with pytest.raises(SourceUnavailable, match="ExportMonthly"):
        pull_side_by_side(pulls)
    assert sorted(begun) == ["monthly", "portfolio"]


def test_of_several_failures_the_first_in_the_order_given_is_raised() -> None:
    barrier = threading.Barrier(2, timeout=5)

    def fails(message: str) -> None:
        barrier.wait()
        raise SourceUnavailable(message)

    pulls = {
        "portfolio": Pull("interventions", lambda: fails("portfolio")),
        "monthly": Pull("consumption", lambda: fails("monthly")),
    }
    with pytest.raises(SourceUnavailable, match="portfolio"):
        pull_side_by_side(pulls)
