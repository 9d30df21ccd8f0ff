"""Synthetic daily temperatures per weather station, with a French seasonal profile.

SYNTHETIC DATA, not observations: the daily mean follows ``12.5 - 8 cos(2 pi (day of year - 15) / 365.25)``
degrees C (about 4.5 C in mid-January, 20.5 C in mid-July, roughly a lowland French climate), plus
day-to-day noise; the daily range Tx - Tn is 6-12 C. Deterministic from the seed and station.
"""

import math
import random
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from services.api.quitus.consumption.v1 import consumption_pb2 as pb

# the demo portfolio's civil time (the consumption service's too): its days, months and nights
TIME_ZONE = "Europe/Paris"
PARIS = ZoneInfo(TIME_ZONE)
BASE_C = 18.0  # base of the degree days (DJU) the demo's normals and heating loads are computed with
SOURCE = "synthetic demo weather (seasonal profile of a French climate, not observations)"
NORMAL_YEARS = 30


def daily_temperatures(stations: list[str], first: date, days: int, seed: int, stream: str = "weather") -> pl.DataFrame:
    """``station, day, tn, tx`` for every station and day (``stream`` names an independent draw)."""
    rows = []
    for station in sorted(set(stations)):
        # a station a bit warmer or colder than the next: its climate, the same in every stream
        offset = random.Random(f"climate-{seed}-{station}").uniform(-1.5, 1.5)
        rng = random.Random(f"{stream}-{seed}-{station}")
        anomaly = 0.0
        for n in range(days):
            day = first + timedelta(days=n)
            doy = day.timetuple().tm_yday
            anomaly = 0.7 * anomaly + rng.gauss(0, 1.8)  # spells of mild or cold weather
            mean = 12.5 - 8.0 * math.cos(2 * math.pi * (doy - 15) / 365.25) + offset + anomaly
            spread = rng.uniform(6.0, 12.0)
            rows.append((station, day, round(mean - spread / 2, 1), round(mean + spread / 2, 1)))
    return pl.DataFrame(rows, schema=["station", "day", "tn", "tx"], orient="row")


def degree_day_batches(temperatures: pl.DataFrame, size: int = 20_000) -> list[pb.ImportDegreeDaysRequest]:
    out = []
    for offset in range(0, temperatures.height, size):
        part = temperatures.slice(offset, size)
        out.append(
            pb.ImportDegreeDaysRequest(
                source=SOURCE,
                temperatures=[
                    pb.DailyTemperature(station=s, day=d.isoformat(), tn=tn, tx=tx) for s, d, tn, tx in part.iter_rows()
                ],
            )
        )
    return out


def normal_batch(stations: list[str], before_year: int, seed: int) -> pb.ImportDegreeDaysRequest:
    """DJU normals per station and calendar month: the Meteo-France DJU of the ``NORMAL_YEARS``
    synthetic years before ``before_year`` (an independent draw of the same climate), averaged."""
    first = date(before_year - NORMAL_YEARS, 1, 1)
    temps = daily_temperatures(stations, first, (date(before_year, 1, 1) - first).days, seed, stream="normals")
    ref = dju_normals(temps, first.year, before_year - 1)
    label = f"{first.year}-{before_year - 1} (synthetic)"
    return pb.ImportDegreeDaysRequest(
        source=SOURCE,
        normals=[
            pb.DjuNormal(station=station, month_of_year=month, dju_ref=dju, ref_period=label)
            for station, month, dju in ref.select("station", "month_of_year", "dju_ref").iter_rows()
        ],
    )


def dju_meteo(tn: pl.Expr, tx: pl.Expr) -> pl.Expr:
    """Meteo-France degree days of a day: ``max(0, 18 - (Tn + Tx) / 2)``."""
    return pl.max_horizontal(pl.lit(0.0), BASE_C - (tn + tx) / 2)


def dju_normals(temperatures: pl.DataFrame, first_year: int, last_year: int) -> pl.DataFrame:
    """``station, month_of_year, dju_ref``: the mean Meteo-France DJU of each calendar month over
    the complete months of ``[first_year, last_year]``, from daily ``station, day, tn, tx``."""
    daily = temperatures.select("station", "day", dju=dju_meteo(pl.col("tn"), pl.col("tx")))
    monthly = daily.group_by("station", month=pl.col("day").dt.truncate("1mo")).agg(
        dju=pl.col("dju").sum(), days=pl.len()
    )
    complete = monthly.filter(
        pl.col("month").dt.year().is_between(first_year, last_year)
        & (pl.col("days") == pl.col("month").dt.month_end().dt.day())
    )
    return (
        complete.group_by("station", month_of_year=pl.col("month").dt.month())
        .agg(dju_ref=pl.col("dju").mean())
        .sort("station", "month_of_year")
    )
