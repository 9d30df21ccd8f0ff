"""Season-aware detection (a heating-only meter's summer rest and its restart are no faults) and
one fault reported once (a stuck register is a ``stuck_register``, not a flat line plus a spike)."""

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from services.consumption.domain.anomalies import daily_anomalies

SPRING = date(2024, 3, 1)


def utc_midnight(day: date) -> datetime:
    """UTC midnight of ``day``: in Paris (UTC+1 or +2) the same date, which the season is told by."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def days_between(first: date, end: date) -> int:
    return (end - first).days


def series(
    first: date, segments: list[tuple[int, float]], usage: str, carrier: str = "natural_gas", station: str | None = None
) -> pl.DataFrame:
    """Meter 1's daily consumption from ``first``: ``segments`` are (number of days, quantity a day)."""
    values = [q for n, q in segments for _ in range(n)]
    starts = [utc_midnight(first + timedelta(days=i)) for i in range(len(values))]
    return pl.DataFrame(
        {
            "meter_id": [1] * len(values),
            "period_start": starts,
            "period_end": [s + timedelta(days=1) for s in starts],
            "quantity": values,
            "carrier": [carrier] * len(values),
            "usage": [usage] * len(values),
            "weather_station": pl.Series([station] * len(values), dtype=pl.String),
        }
    )


def weather(first: date, segments: list[tuple[int, float]], station: str = "S1") -> pl.DataFrame:
    values = [q for n, q in segments for _ in range(n)]
    return pl.DataFrame(
        {
            "station": [station] * len(values),
            "day": [first + timedelta(days=i) for i in range(len(values))],
            "dju": values,
        }
    )


def kinds(found: pl.DataFrame) -> list[tuple[str, datetime, datetime]]:
    return found.select("kind", "window_start", "window_end").rows()


# 1 March - 14 May 2024: 75 heating days at 100; 15 May - 30 September: 139 days at 0; 1 - 14 October: 14 days
# at 5 (the plant tried on mild nights); from 15 October: 20 days at 80.
SEASONS = [
    (days_between(SPRING, date(2024, 5, 15)), 100.0),
    (days_between(date(2024, 5, 15), date(2024, 10, 1)), 0.0),
    (14, 5.0),
    (20, 80.0),
]


def test_a_heating_only_meter_resting_in_summer_and_restarting_in_october_is_no_fault():
    """Calendar season (no station). 15 May - 14 October are days at rest: not zeros to hold against the
    meter, and judged against earlier days at rest (none, then zeros: norm 0, so the 5s of early October
    are no spike). On 15 October the meter is judged against its last 28 heating-season days, 20 April -
    14 May at 100: 80 is below 4 x 100. Nothing to report."""
    found = daily_anomalies(series(SPRING, SEASONS, usage="heating"))
    assert found.height == 0


def test_the_same_series_on_a_meter_that_also_heats_water_is_a_flat_line_and_a_spike():
    """``heating_hot_water`` heats water all year: its summer zero is a fault. Zeros 15 May - 30 September
    (139 days) with a norm of 100 at their start: a flat line, expected 139 x 100 (the norm at its start).
    On 15 October the norm is the median of 17 September - 14 October, 14 zeros and 14 fives: 2.5; on
    day k after it (k = 0..13) the window holds 14 - k zeros, the 14 fives and k eighties, median 5 (2.5 at
    k = 0), and 80 > 4 x 5: a 14-day spike 15 - 28 October. On 29 October (k = 14) the median is
    (5 + 80) / 2 = 42.5: over."""
    found = daily_anomalies(series(SPRING, SEASONS, usage="heating_hot_water"))
    assert kinds(found) == [
        ("flat_line", utc_midnight(date(2024, 5, 15)), utc_midnight(date(2024, 10, 1))),
        ("spike", utc_midnight(date(2024, 10, 15)), utc_midnight(date(2024, 10, 29))),
    ]
    assert found["expected"][0] == pytest.approx(139 * 100.0)
    assert found["expected"][1] == pytest.approx(2.5 + 13 * 5.0)


# 1 March - 14 May: 75 days at 100; 15 May - 31 October: 170 days at 0; from 1 November: 20 days at 100.
LATE_AUTUMN = [
    (days_between(SPRING, date(2024, 5, 15)), 100.0),
    (days_between(date(2024, 5, 15), date(2024, 11, 1)), 0.0),
    (20, 100.0),
]
# the station's DJU: 10 a day until 14 May, 0 from 15 May to 31 October (a warm autumn), 10 from 1 November
LATE_AUTUMN_DJU = [
    (days_between(SPRING, date(2024, 5, 15)), 10.0),
    (days_between(date(2024, 5, 15), date(2024, 11, 1)), 0.0),
    (20, 10.0),
]


def test_degree_days_set_the_season_when_the_station_has_them():
    """A warm autumn: the plant restarts on 1 November, not 15 October.

    By the calendar, 15 - 31 October are 17 heating-season days at zero while the last 28 heating-season
    days (17 April - 14 May) were at 100: a flat line, expected 17 x 100; the restart on 1 November brings
    100, less than half of 18 x 100, so no stuck register.
    By the station's degree days, the week ending 31 October averages 0 DJU: still out of season. It turns
    on the week ending 4 November (1 - 4 November at 10, 29 - 31 October at 0: 40 / 7 = 5.7 >= 5); 1 - 3
    November average 10/7, 20/7, 30/7 < 5, out of season with their 100s judged against zeros (norm 0: no
    spike); from 4 November the norm is that of 20 April - 14 May and 15 - 17 May: 100. In spring the week
    ending 17 May (11 - 14 May at 10, 15 - 17 May at 0) averages 40 / 7 = 5.7, in season, that ending 18 May
    30 / 7, out: 3 zeros in season (15 - 17 May), too few for a flat line."""
    meter = series(SPRING, LATE_AUTUMN, usage="heating", station="S1")
    by_calendar = daily_anomalies(meter)
    assert kinds(by_calendar) == [("flat_line", utc_midnight(date(2024, 10, 15)), utc_midnight(date(2024, 11, 1)))]
    assert by_calendar["expected"][0] == pytest.approx(17 * 100.0)
    assert "season by calendar" in by_calendar["detail"][0]
    assert daily_anomalies(meter, weather(SPRING, LATE_AUTUMN_DJU)).height == 0


def test_a_stuck_register_is_one_fault_not_a_flat_line_and_a_spike():
    """Electricity at 10 a day for 20 days (norm 10), 14 days at 0, then 150 in one day: the 15 days
    (14 stuck and the catch-up day) at 10, caught up exactly. Before: a flat line (14 zeros, norm 10) and
    a spike (norm on the catch-up day: 14 tens and 14 zeros, median 5; 150 > 20). Now one stuck register
    over the 15 days, expected 15 x 10 = 150, observed 150."""
    found = daily_anomalies(series(SPRING, [(20, 10.0), (14, 0.0), (1, 150.0), (5, 10.0)], "common_electricity"))
    assert found.select("kind", "window_start", "window_end", "expected", "observed").rows() == [
        ("stuck_register", utc_midnight(date(2024, 3, 21)), utc_midnight(date(2024, 4, 5)), 150.0, 150.0)
    ]
    assert "register at zero for 14 days" in found["detail"][0]


def test_a_short_stuck_register_whose_catch_up_is_a_spike_is_one_fault():
    """10 a day for 20 days, 5 days at 0, then 60: the catch-up's norm is still 10 (5 zeros of 28), 60 > 40
    was a spike; 60 = 6 days at 10: one stuck register, 5 zeros too few for a flat line anyway."""
    found = daily_anomalies(series(SPRING, [(20, 10.0), (5, 0.0), (1, 60.0), (5, 10.0)], "common_electricity"))
    assert found.select("kind", "expected", "observed").rows() == [("stuck_register", 60.0, 60.0)]


def test_high_days_after_the_catch_up_are_still_a_spike():
    """As the first stuck register, then 60 the day after the catch-up: a spike of its own. Its norm is
    learnt from what the register measured, the 150 spread over the 15 days (10 a day), not from the
    zeros: the median of 13 tens and 15 tens, 10 (from the zeros it would be 5), and 60 > 40."""
    found = daily_anomalies(series(SPRING, [(20, 10.0), (14, 0.0), (1, 150.0), (1, 60.0)], "common_electricity"))
    assert found.select("kind", "window_start", "expected", "observed").rows() == [
        ("stuck_register", utc_midnight(date(2024, 3, 21)), 150.0, 150.0),
        ("spike", utc_midnight(date(2024, 4, 5)), 10.0, 60.0),
    ]


def test_a_catch_up_far_above_what_was_missed_is_a_flat_line_and_a_spike():
    """10 a day, 14 days at 0, then 1000: 1000 / (15 x 10) = 6.7, more than twice what was missed, so not
    the register catching up: the flat line (expected 14 x 10) and the spike (expected 5) both stand."""
    found = daily_anomalies(series(SPRING, [(20, 10.0), (14, 0.0), (1, 1000.0)], "common_electricity"))
    assert found.select("kind", "expected", "observed").rows() == [("flat_line", 140.0, 0.0), ("spike", 5.0, 1000.0)]


def test_a_stuck_heating_only_meter_in_season_is_a_stuck_register():
    """A heating-only meter in January (calendar season), 20 days at 50, 14 at 0, then 750 = 15 x 50:
    the season changes nothing in season, one stuck register, expected 750."""
    found = daily_anomalies(series(date(2024, 1, 1), [(20, 50.0), (14, 0.0), (1, 750.0)], "heating"))
    assert found.select("kind", "expected", "observed").rows() == [("stuck_register", 750.0, 750.0)]
    assert "season by calendar" in found["detail"][0]
