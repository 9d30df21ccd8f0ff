"""Leak, spike, flat-line and night flow on crafted series."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from services.consumption.anomalies import daily_anomalies, night_flow

START = datetime(2024, 3, 1, tzinfo=UTC)


def series(meter: int, carrier: str, values: list[float]) -> pl.DataFrame:
    days = [START + timedelta(days=i) for i in range(len(values))]
    return pl.DataFrame(
        {
            "meter_id": [meter] * len(values),
            "period_start": days,
            "period_end": [x + timedelta(days=1) for x in days],
            "quantity": values,
            "carrier": [carrier] * len(values),
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
