"""The process's cache of as-of exports (services/reporting/export_cache.py): one pull per
export and cut-off whatever the number of reports asking, bounded, never keeping a failed or
unverified pull. Through real channels in test_report_service.py (two reports at one cut-off,
the data services' access log counting their calls)."""

import threading
import time

import polars as pl
import pytest

from services.reporting.export_cache import ExportCache, estimated_bytes


def _frame(rows: int) -> pl.DataFrame:
    return pl.DataFrame({"x": list(range(rows))}, schema={"x": pl.Int64})


def test_eight_reports_asking_at_once_make_one_pull():
    cache, pulls = ExportCache(), []

    def pull():
        pulls.append(1)
        time.sleep(0.05)  # the others ask while it is being pulled
        return _frame(3), "a" * 64

    got: list[pl.DataFrame] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get(("ExportX", b"as_of"), pull))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(pulls) == 1 and len(got) == 8 and all(g is got[0] for g in got)
    assert (cache.pulls, cache.hits, cache.sha256(("ExportX", b"as_of"))) == (1, 7, "a" * 64)


def test_another_cut_off_or_argument_is_another_pull():
    cache, pulls = ExportCache(), []

    def pull(tag):
        pulls.append(tag)
        return tag, "b" * 64

    for key in [("ExportX", b"t1"), ("ExportX", b"t2"), ("ExportY", b"t1"), ("ExportX", b"t1")]:
        cache.get(key, lambda key=key: pull(key))
    assert pulls == [("ExportX", b"t1"), ("ExportX", b"t2"), ("ExportY", b"t1")]


def test_a_failed_or_unverified_pull_is_not_kept():
    cache = ExportCache()

    def fails():
        raise RuntimeError("the service is down")

    with pytest.raises(RuntimeError):
        cache.get("k", fails)
    with pytest.raises(ValueError, match="content_sha256"):
        cache.get("k", lambda: (_frame(1), ""))
    assert len(cache) == 0
    assert cache.get("k", lambda: (_frame(2), "c" * 64)).height == 2  # the next asker pulls


def test_bounded_by_entries_and_bytes_least_recently_used_out_first():
    """Frames of 1,000 Int64 rows hold 8,000 bytes each (estimated_size): a cache of 20,000
    bytes keeps two; reading the first makes the second the least recently used."""
    assert estimated_bytes((_frame(1000), {"n": 1})) == 8000 + 64 + 64
    cache = ExportCache(max_bytes=20_000)
    for key in ("a", "b"):
        cache.get(key, lambda: (_frame(1000), "d" * 64))
    cache.get("a", lambda: pytest.fail("a is cached"))
    cache.get("c", lambda: (_frame(1000), "d" * 64))
    assert [cache.sha256(k) is not None for k in ("a", "b", "c")] == [True, False, True]
    small = ExportCache(max_entries=1)
    small.get("a", lambda: (1, "e" * 64))
    small.get("b", lambda: (2, "e" * 64))
    assert (len(small), small.sha256("a")) == (1, None)
    assert ExportCache(max_bytes=100).get("big", lambda: (_frame(1000), "f" * 64)).height == 1000  # served, not kept


def test_a_frame_held_many_times_is_counted_once():
    """A charge-control pull cut per residence: every slice holds the same portfolio frame
    (8,000 bytes) and a frame of its own (8 bytes a row). Three slices of 10, 20 and 30 rows
    hold 8,000 + 480 bytes of frames (not 3 x 8,000 + 480), plus 64 per dict key: 8,672. Two
    fields of a dataclass holding one frame count it once. (Counted per holder, a full-size
    pull's 692 slices came near the cache's whole budget and would not have been kept.)"""
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Slice:
        portfolio: pl.DataFrame
        rows: pl.DataFrame

    portfolio = _frame(1000)
    slices = {name: Slice(portfolio, _frame(n)) for name, n in (("a", 10), ("b", 20), ("c", 30))}
    assert estimated_bytes(slices) == 8000 + 480 + 3 * 64
    same = _frame(100)
    assert estimated_bytes(Slice(same, same)) == 800
