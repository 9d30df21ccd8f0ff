"""Index readings -> consumption per period, on tiny series worked by hand (UTC periods)."""

from datetime import UTC, datetime

import polars as pl
import pytest

from services.consumption.domain.periods import period_bounds
from services.consumption.domain.registers import index_consumption


def d(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


def readings(meter: int, rows: list[tuple[datetime, float]], estimated: set[int] = frozenset()) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "meter_id": [meter] * len(rows),
            "read_at": [t for t, _ in rows],
            "value": [v for _, v in rows],
            "estimated": [i in estimated for i in range(len(rows))],
        }
    )


def monthly(r: pl.DataFrame, first: datetime, last: datetime, **kw):
    return index_consumption(r, period_bounds(first, last, "month", "UTC"), **kw)


def daily(r: pl.DataFrame, first: datetime, last: datetime, **kw):
    return index_consumption(r, period_bounds(first, last, "day", "UTC"), **kw)


def test_rollover_on_a_five_digit_register():
    # 99 990 -> 99 998 (8) -> wraps at 100 000 -> 00 012 (2 + 12 = 14) -> 00 020 (8): 30 in total
    r = readings(1, [(d(2024, 3, 1), 99990), (d(2024, 3, 2), 99998), (d(2024, 3, 3), 12), (d(2024, 3, 4), 20)])
    meters = pl.DataFrame({"meter_id": [1], "register_digits": [5]})
    per, events, anomalies = monthly(r, d(2024, 3, 1), d(2024, 3, 4), meters=meters)
    assert per["quantity"].to_list() == [30.0]
    assert events["event"].to_list() == ["rollover"]
    assert events["at"].to_list() == [d(2024, 3, 3)]
    assert anomalies.height == 0


def test_drop_without_register_size_is_backwards_and_estimated():
    # same series, register size unknown: the 99 998 -> 12 drop is not a consumption.
    # Estimate for 2 -> 3 March = mean of neighbour rates (8/day, 8/day) x 1 day = 8; total 8 + 8 + 8 = 24,
    # of which 8 estimated.
    r = readings(1, [(d(2024, 3, 1), 99990), (d(2024, 3, 2), 99998), (d(2024, 3, 3), 12), (d(2024, 3, 4), 20)])
    per, events, anomalies = monthly(r, d(2024, 3, 1), d(2024, 3, 4))
    assert per["quantity"].to_list() == pytest.approx([24.0])
    assert per["estimated_quantity"].to_list() == pytest.approx([8.0])
    assert per["estimated_share"].to_list() == pytest.approx([1 / 3])
    assert events.height == 0
    assert anomalies.select("kind", "expected", "observed").rows() == [("backwards", 99998.0, 12.0)]


def test_isolated_backwards_reading_is_replaced_by_interpolation():
    # 100, 50 (misread), 120: 100 -> 120 = 20 over two days; the misread is reported
    r = readings(1, [(d(2024, 3, 1), 100), (d(2024, 3, 2), 50), (d(2024, 3, 3), 120)])
    per, _, anomalies = daily(r, d(2024, 3, 1), d(2024, 3, 3))
    assert per["quantity"].to_list() == pytest.approx([10.0, 10.0])
    # the merged interval is split over two days: an estimate
    assert per["estimated_quantity"].to_list() == pytest.approx([10.0, 10.0])
    a = anomalies.row(0, named=True)
    assert (a["kind"], a["expected"], a["observed"]) == ("backwards", 100.0, 50.0)
    assert (a["window_start"], a["window_end"]) == (d(2024, 3, 1), d(2024, 3, 3))
    assert a["detail"] == (
        "index 50.0 read at 2024-03-02T00:00:00Z is below the previous one (100.0) and the next is back above it: "
        "a misread, replaced by interpolation"
    )


def test_replacement_counts_old_meter_end_and_new_meter_start():
    # old meter read 5 000 on 1 Mar, removed at 5 030 on 2 Mar 12:00; new meter opened at 10,
    # read 25 on 3 Mar: (5030 - 5000) + (25 - 10) = 45 for 1 -> 3 Mar; then 25 -> 40 = 15.
    r = readings(7, [(d(2024, 3, 1), 5000), (d(2024, 3, 3), 25), (d(2024, 3, 4), 40)])
    repl = pl.DataFrame(
        {"meter_id": [7], "replaced_at": [d(2024, 3, 2, 12)], "old_last_index": [5030.0], "new_first_index": [10.0]}
    )
    per, events, anomalies = monthly(r, d(2024, 3, 1), d(2024, 3, 4), replacements=repl)
    assert per["quantity"].to_list() == pytest.approx([60.0])
    assert events["event"].to_list() == ["replacement"]
    assert anomalies.height == 0


def test_gap_is_interpolated_and_flagged_only_where_its_split_is_estimated():
    # daily readings, 4 days missing: 10 Mar -> 15 Mar, 100 -> 150 (5 days, 50)
    rows = [(d(2024, 3, day), 10.0 * day) for day in (8, 9, 10, 15, 16)]
    r = readings(1, rows)
    per, _, _ = daily(r, d(2024, 3, 8), d(2024, 3, 16))
    q = dict(zip(per["period_start"].dt.day().to_list(), per["quantity"].to_list(), strict=True))
    e = dict(zip(per["period_start"].dt.day().to_list(), per["estimated_quantity"].to_list(), strict=True))
    # linear interpolation of the index: 10 per day on each of 10..14 March, flagged estimated
    assert [q[k] for k in range(8, 16)] == pytest.approx([10.0] * 8)
    assert [e[k] for k in range(8, 16)] == pytest.approx([0, 0, 10, 10, 10, 10, 10, 0])
    # monthly: the gap lies inside March, so March's figure is exact
    per_m, _, _ = monthly(r, d(2024, 3, 8), d(2024, 3, 16))
    assert per_m["quantity"].to_list() == pytest.approx([80.0])
    assert per_m["estimated_quantity"].to_list() == pytest.approx([0.0])


def test_proration_across_a_month_boundary():
    # readings on 30 Jan 12:00 (1 000) and 2 Feb 12:00 (1 300): 300 over 3 days = 100/day.
    # January gets 31 Jan 00:00 - 30 Jan 12:00 = 1.5 days = 150; February 1.5 days = 150.
    # The interval is a gap (3 days vs 1-day neighbours) split across the boundary: both parts estimated.
    r = readings(
        1,
        [(d(2024, 1, 29, 12), 900), (d(2024, 1, 30, 12), 1000), (d(2024, 2, 2, 12), 1300), (d(2024, 2, 3, 12), 1400)],
    )
    per, _, _ = monthly(r, d(2024, 1, 29), d(2024, 2, 4))
    assert per["quantity"].to_list() == pytest.approx([100 + 150, 150 + 100])
    assert per["estimated_quantity"].to_list() == pytest.approx([150.0, 150.0])
    # coverage: January 29 Jan 12:00 -> 1 Feb = 2.5 days of 31; February 1 Feb -> 3 Feb 12:00 = 2.5 of 29
    assert per["coverage"].to_list() == pytest.approx([2.5 / 31, 2.5 / 29])


def test_regular_readings_across_a_boundary_are_prorated_but_not_estimated():
    # readings every day at noon: the 31 Jan 12:00 -> 1 Feb 12:00 interval (24) splits 12 / 12
    r = readings(1, [(d(2024, 1, 30, 12), 0), (d(2024, 1, 31, 12), 24), (d(2024, 2, 1, 12), 48)])
    per, _, _ = monthly(r, d(2024, 1, 30), d(2024, 2, 2))
    assert per["quantity"].to_list() == pytest.approx([24 + 12, 12])
    assert per["estimated_quantity"].to_list() == pytest.approx([0.0, 0.0])


def test_estimated_reading_marks_both_its_intervals():
    # 0, 10, 20 (estimated by the supplier), 30: intervals 2 and 3 rest on the estimate
    r = readings(1, [(d(2024, 3, day), 10.0 * (day - 1)) for day in (1, 2, 3, 4)], estimated={2})
    per, _, _ = monthly(r, d(2024, 3, 1), d(2024, 3, 4))
    assert per["quantity"].to_list() == pytest.approx([30.0])
    assert per["estimated_quantity"].to_list() == pytest.approx([20.0])


def test_meters_are_independent_and_unsorted_input_is_sorted():
    a = readings(2, [(d(2024, 3, 2), 5), (d(2024, 3, 1), 0)])
    b = readings(1, [(d(2024, 3, 1), 0), (d(2024, 3, 3), 7)])
    per, _, _ = monthly(pl.concat([a, b]), d(2024, 3, 1), d(2024, 3, 3))
    assert per.select("meter_id", "quantity").rows() == [(1, 7.0), (2, 5.0)]


def test_paris_months_start_at_local_midnight():
    # 1 Feb 00:00 in Paris is 31 Jan 23:00 UTC: a reading then closes January exactly
    r = readings(1, [(d(2024, 1, 30, 23), 0), (d(2024, 1, 31, 23), 24), (d(2024, 2, 1, 23), 48)])
    per, _, _ = index_consumption(r, period_bounds(d(2024, 1, 30, 23), d(2024, 2, 1, 23), "month"))
    assert per["quantity"].to_list() == pytest.approx([24.0, 24.0])
