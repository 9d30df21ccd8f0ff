"""Leak, spike, flat-line and night flow on crafted series."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from services.consumption.domain.anomalies import daily_anomalies, night_flow
from services.consumption.domain.periods import PARIS
from services.consumption.domain.registers import reading_intervals

START = datetime(2024, 3, 1, tzinfo=UTC)


def series(
    meter: int, carrier: str, values: list[float], usage: str = "other", station: str | None = None
) -> pl.DataFrame:
    """One meter's daily consumption from ``START`` (UTC midnight: the same date in Paris)."""
    days = [START + timedelta(days=i) for i in range(len(values))]
    return pl.DataFrame(
        {
            "meter_id": [meter] * len(values),
            "period_start": days,
            "period_end": [x + timedelta(days=1) for x in days],
            "quantity": values,
            "carrier": [carrier] * len(values),
            "usage": [usage] * len(values),
            "weather_station": pl.Series([station] * len(values), dtype=pl.String),
        }
    )


def test_leak_on_a_water_meter():
    # 30 days at 0.1 m3, then 4 days at 1.0 (10x the 28-day median of 0.1, > 0.3), then back to 0.1
    s = series(1, "cold_water", [0.1] * 30 + [1.0] * 4 + [0.1] * 5)
    a = daily_anomalies(s)
    assert a["kind"].to_list() == ["leak"]
    leak = a.row(0, named=True)
    assert leak["window_start"] == START + timedelta(days=30)
    assert leak["window_end"] == START + timedelta(days=34)
    assert leak["expected"] == pytest.approx(0.4)
    assert leak["observed"] == pytest.approx(4.0)


def test_two_high_days_are_not_a_leak_and_normal_variation_is_nothing():
    s = series(1, "cold_water", [0.1, 0.12, 0.08] * 10 + [1.0] * 2 + [0.1] * 5)
    assert daily_anomalies(s).height == 0


def test_spike_on_an_energy_meter():
    s = series(2, "electricity", [10.0] * 20 + [50.0] + [10.0] * 3)
    a = daily_anomalies(s)
    assert a.select("kind", "expected", "observed").rows() == [("spike", 10.0, 50.0)]


def test_flat_line():
    s = series(3, "natural_gas", [100.0] * 20 + [0.0] * 14)
    a = daily_anomalies(s)
    assert a.select("kind", "observed").rows() == [("flat_line", 0.0)]
    assert a["window_start"][0] == START + timedelta(days=20)


def test_night_flow_on_hourly_data():
    # meter 1: 0.01 m3/h all night for 3 nights -> night flow; meter 2: zero at 03:00 each night -> none
    rows = []
    for meter, quiet in ((1, 0.01), (2, 0.0)):
        for night in range(3):
            base = datetime(2024, 3, 1, tzinfo=UTC) + timedelta(days=night)  # 01:00 Paris = 00:00 UTC in March
            for h in range(4):
                q = quiet if h == 2 else 0.01
                rows.append((meter, base + timedelta(hours=h), base + timedelta(hours=h + 1), q))
    iv = pl.DataFrame(rows, schema=["meter_id", "start", "end", "quantity"], orient="row")
    a = night_flow(iv)
    assert a["meter_id"].to_list() == [1]
    assert a["observed"][0] == pytest.approx(0.12)


def paris(day: int, hour: int) -> datetime:
    """``hour``:00 in Paris on ``day`` March 2024 (UTC+1), as a UTC instant."""
    return datetime(2024, 3, day, hour, tzinfo=PARIS).astimezone(UTC)


def raw_intervals(r: pl.DataFrame) -> pl.DataFrame:
    """What night flow used to run on: bare index differences."""
    return r.select(
        "meter_id",
        start=pl.col("read_at").shift(1).over("meter_id"),
        end="read_at",
        quantity=pl.col("value").diff().over("meter_id"),
    ).filter(pl.col("start").is_not_null())


def test_night_flow_counts_a_replacement_as_what_both_registers_measured():
    # Water meter 1 read every hour from 1 March 00:00 (Paris), 0.01 m3 an hour: nights 1 and 2 flow
    # (01:00-05:00 never below 0.005 m3/h). On 3 March the water is shut 02:00-03:00 to replace the meter:
    # the old register closes at 0.50 (its 02:00 reading, hour 50), the new one opens at 500.00 and reads
    # 500.00 at 03:00, then 0.01 an hour again. The 02:00-03:00 interval is (0.50 - 0.50) + (500.00 - 500.00)
    # = 0: night 3 does not flow, two nights are not a night flow. The bare difference 500.00 - 0.50 = 499.5
    # made night 3 "flow" and raised a night flow.
    values = [round(0.01 * h, 2) if h <= 50 else round(500.0 + 0.01 * (h - 51), 2) for h in range(54)]
    r = pl.DataFrame(
        {
            "meter_id": [1] * 54,
            "read_at": [paris(1, 0) + timedelta(hours=h) for h in range(54)],
            "value": values,
            "estimated": [False] * 54,
        }
    )
    replacement = pl.DataFrame(
        {
            "meter_id": [1],
            "replaced_at": [paris(3, 2) + timedelta(minutes=30)],
            "old_last_index": [0.50],
            "new_first_index": [500.0],
        }
    )
    assert night_flow(raw_intervals(r)).height == 1  # the false alarm this guards against
    iv = reading_intervals(r, pl.DataFrame({"meter_id": [1], "register_digits": [None]}), replacement)
    across = iv.filter(pl.col("end") == paris(3, 3)).row(0, named=True)
    assert (across["quantity"], across["estimated"]) == (pytest.approx(0.0), False)
    assert night_flow(iv).height == 0


def test_night_flow_leaves_out_the_intervals_of_a_misread():
    # Water meter 2 read at 01:00, 05:00, 13:00 and 21:00 (Paris) on 1-3 March, from 100 m3. Per interval:
    # 21:00-01:00 0.2 m3, 01:00-05:00 0.1 (0.025 m3/h, flowing) on 1 and 2 March but 0 on 3 March,
    # 05:00-13:00 and 13:00-21:00 1.0 each. The 3 March 01:00 reading is misread 5 m3 low: its bare difference
    # to 05:00 is +5 (1.25 m3/h), a third flowing night and a false night flow. It is a misread (below the
    # reading before it, the next back above), so both intervals around it are estimates and left out:
    # 3 March has no observed night interval, the run is two nights, no night flow.
    times, values, total = [], [], 100.0
    for day in (1, 2, 3):
        for hour, used in ((1, 0.2), (5, 0.1 if day < 3 else 0.0), (13, 1.0), (21, 1.0)):
            if (day, hour) != (1, 1):
                total += used
            times.append(paris(day, hour))
            values.append(round(total, 3))
    misread = times.index(paris(3, 1))
    values[misread] -= 5.0
    r = pl.DataFrame({"meter_id": [2] * 12, "read_at": times, "value": values, "estimated": [False] * 12})
    assert night_flow(raw_intervals(r)).height == 1  # the false alarm this guards against
    iv = reading_intervals(r)
    assert iv.filter(pl.col("estimated"))["end"].to_list() == [paris(3, 1), paris(3, 5)]
    assert night_flow(iv.filter(~pl.col("estimated"))).height == 0
