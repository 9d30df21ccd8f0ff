"""The heating season of heating-only meters: by the station's degree days, else by the calendar."""

from datetime import UTC, date, datetime

import polars as pl
import pytest

from services.consumption.domain.heating_season import (
    HEATING_ONLY_USAGE,
    calendar_season,
    weekly_dju,
    with_heating_off,
)
from services.consumption.domain.vocab import USAGES


def utc_midnight(day: date) -> datetime:
    """UTC midnight of ``day``: in Paris (UTC+1 or +2) the same date, which the season is told by."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def late_autumn_dju() -> pl.DataFrame:
    """Station S1 from 1 March 2024: 10 DJU a day until 14 May, 0 from 15 May to 31 October (a warm
    autumn), 10 from 1 November to 20 November."""
    days = pl.date_range(date(2024, 3, 1), date(2024, 11, 20), eager=True)
    warm = (days >= date(2024, 5, 15)) & (days < date(2024, 11, 1))
    return pl.DataFrame({"station": "S1", "day": days, "dju": pl.Series(~warm).cast(pl.Float64) * 10.0})


def test_the_degree_day_season_by_day():
    """Week means of ``late_autumn_dju``: 17 May = (11 - 14 May: 4 x 10 + 3 x 0) / 7 = 5.71, in season;
    18 May = 30 / 7 = 4.29, out; 3 November = 30 / 7, out; 4 November = 40 / 7, in. A day the station
    lacks (and the meter on no station) falls back to the calendar."""
    days = [date(2024, 5, 17), date(2024, 5, 18), date(2024, 11, 3), date(2024, 11, 4)]
    meter = pl.DataFrame(
        {
            "period_start": [utc_midnight(d) for d in days] * 2,
            "usage": ["heating"] * 8,
            "weather_station": ["S1"] * 4 + [None] * 4,
        }
    )
    judged = with_heating_off(meter, late_autumn_dju(), "Europe/Paris")
    assert judged["heating_season"].to_list() == [True, False, False, True] + [False, False, True, True]
    assert judged["season_source"].to_list() == ["degree days"] * 4 + ["calendar"] * 4
    assert judged["heating_off"].to_list() == [False, True, True, False] + [True, True, False, False]


def test_only_heating_only_meters_have_a_season():
    meter = pl.DataFrame(
        {
            "period_start": [utc_midnight(date(2024, 7, 1))] * 2,
            "usage": ["heating_hot_water", "common_electricity"],
            "weather_station": pl.Series([None, None], dtype=pl.String),
        }
    )
    judged = with_heating_off(meter, None, "Europe/Paris")
    assert judged["heating_off"].to_list() == [False, False]
    assert judged["heating_season"].to_list() == [None, None]


def test_the_calendar_season_runs_from_15_october_to_14_may():
    days = pl.Series([date(2024, 5, 14), date(2024, 5, 15), date(2024, 10, 14), date(2024, 10, 15), date(2025, 1, 1)])
    assert pl.select(calendar_season(pl.lit(days))).to_series().to_list() == [True, False, False, True, True]


def test_a_week_needs_four_known_days():
    """1 - 3 June at 6 DJU, 4 June at 2, then nothing until 10 June at 6: the weeks ending 1, 2, 3 June
    know 1, 2, 3 days (too few: null); that ending 4 June averages (6 + 6 + 6 + 2) / 4 = 5; that ending
    10 June (4 - 10 June) knows 2 days: null."""
    w = pl.DataFrame(
        {"station": ["S1"] * 5, "day": [date(2024, 6, d) for d in (1, 2, 3, 4, 10)], "dju": [6.0, 6.0, 6.0, 2.0, 6.0]}
    )
    assert weekly_dju(w)["week_dju"].to_list() == [None, None, None, pytest.approx(5.0), None]


def test_the_heating_only_usage_is_in_the_vocabulary():
    assert HEATING_ONLY_USAGE in USAGES
