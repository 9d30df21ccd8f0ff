"""The days a heating-only meter is expected to be at rest: outside the heating season.

A meter whose usage is ``heating`` (space heating alone) consumes nothing outside the heating
season, and that zero is normal; a ``heating_hot_water`` meter heats water all year and is not
concerned. Per day, the season comes from

- the degree days of the meter's weather station when the station has that day: the day is in the
  heating season when the mean DJU (Meteo-France, base 18 C) of the week ending that day (at least
  ``WEEK_MIN_DAYS`` of its 7 days known) reaches ``SEASON_MIN_MEAN_DJU``, a week averaging 13 C or
  colder: a week, not the day alone, because a plant is not switched on for one cold day;
- else the calendar: the heating season runs from 15 October to 14 May included, so
  15 May - 14 October is out of it (the usual heating period of French collective housing).

The threshold is deliberately cold so that a zero is only held against a heating-only meter when
its residents would be cold without heating: an alert must be worth waking someone for.
"""

import polars as pl

HEATING_ONLY_USAGE = "heating"  # one of vocab.USAGES
SEASON_MIN_MEAN_DJU = 5.0  # DJU per day over the week: 18 C - 5 = a mean of 13 C
WEEK_MIN_DAYS = 4
SEASON_START = (10, 15)  # month, day: the first day of the calendar heating season
SEASON_END = (5, 15)  # month, day: the first day after it


def _month_day(value: tuple[int, int]) -> int:
    return value[0] * 100 + value[1]


def calendar_season(day: pl.Expr) -> pl.Expr:
    """True on the days (local dates) of the calendar heating season, 15 October to 14 May."""
    month_day = day.dt.month().cast(pl.Int32) * 100 + day.dt.day().cast(pl.Int32)
    return (month_day >= _month_day(SEASON_START)) | (month_day < _month_day(SEASON_END))


def weekly_dju(weather: pl.DataFrame) -> pl.DataFrame:
    """Daily DJU (``station, day, dju``) -> ``station, day, week_dju``: the mean over the 7 days
    ending that day, null when fewer than ``WEEK_MIN_DAYS`` of them are known."""
    return (
        weather.select("station", "day", "dju")
        .drop_nulls()
        .sort("station", "day")
        .with_columns(
            week_dju=pl.col("dju").rolling_mean_by("day", window_size="7d", min_samples=WEEK_MIN_DAYS).over("station")
        )
        .select("station", "day", "week_dju")
    )


def with_heating_off(daily: pl.DataFrame, weather: pl.DataFrame | None, tz: str) -> pl.DataFrame:
    """``daily`` (``period_start, usage, weather_station``, ...) with ``season_day`` (the local date),
    ``heating_season`` (null for meters other than heating-only ones), ``season_source`` ("degree
    days" or "calendar") and ``heating_off``: True on the days a heating-only meter is expected at rest."""
    day = pl.col("period_start").dt.convert_time_zone(tz).dt.date()
    weeks = (
        weekly_dju(weather)
        if weather is not None
        else pl.DataFrame(schema={"station": pl.String(), "day": pl.Date(), "week_dju": pl.Float64()})
    )
    heating_only = pl.col("usage") == HEATING_ONLY_USAGE
    by_weather = pl.col("week_dju").is_not_null()
    season = (
        pl.when(by_weather)
        .then(pl.col("week_dju") >= SEASON_MIN_MEAN_DJU)
        .otherwise(calendar_season(pl.col("season_day")))
    )
    return (
        daily.with_columns(season_day=day)
        .join(
            weeks.rename({"station": "weather_station", "day": "season_day"}),
            on=["weather_station", "season_day"],
            how="left",
            maintain_order="left",
        )
        .with_columns(
            heating_season=pl.when(heating_only).then(season),
            season_source=pl.when(heating_only).then(
                pl.when(by_weather).then(pl.lit("degree days")).otherwise(pl.lit("calendar"))
            ),
        )
        .with_columns(heating_off=(heating_only & ~pl.col("heating_season")).fill_null(False))
        .drop("week_dju")
    )
