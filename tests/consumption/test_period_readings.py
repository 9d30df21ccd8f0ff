"""Period-consumption readings (bills): proration and hole filling, worked by hand."""

from datetime import UTC, datetime

import polars as pl
import pytest

from services.consumption.domain.intervals import period_intervals
from services.consumption.domain.periods import period_bounds, prorate


def d(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


def test_bill_straddling_two_months_is_prorated_by_days():
    # a bill of 300 m3 from 16 Jan to 15 Feb (30 days): 16 days in January (160), 14 in February (140)
    bills = pl.DataFrame(
        {
            "meter_id": [1],
            "period_start": [d(2024, 1, 16)],
            "read_at": [d(2024, 2, 15)],
            "value": [300.0],
            "estimated": [False],
        }
    )
    per = prorate(period_intervals(bills), period_bounds(d(2024, 1, 16), d(2024, 2, 15), "month", "UTC"))
    assert per["quantity"].to_list() == pytest.approx([160.0, 140.0])
    assert per["estimated_quantity"].to_list() == pytest.approx([0.0, 0.0])


def test_hole_between_bills_is_filled_at_the_mean_rate_and_flagged():
    # 1-11 Mar: 100 (10/day); 21-31 Mar: 300 (30/day); hole 11-21 Mar filled at 20/day = 200, estimated
    bills = pl.DataFrame(
        {
            "meter_id": [1, 1],
            "period_start": [d(2024, 3, 1), d(2024, 3, 21)],
            "read_at": [d(2024, 3, 11), d(2024, 3, 31)],
            "value": [100.0, 300.0],
            "estimated": [False, False],
        }
    )
    iv = period_intervals(bills)
    assert iv.filter("gap")["quantity"].to_list() == pytest.approx([200.0])
    per = prorate(iv, period_bounds(d(2024, 3, 1), d(2024, 3, 31), "month", "UTC"))
    assert per["quantity"].to_list() == pytest.approx([600.0])
    assert per["estimated_quantity"].to_list() == pytest.approx([200.0])
    assert per["estimated_share"].to_list() == pytest.approx([1 / 3])
