"""The civil months of a report period, and the periods it is compared with (N-1, the reference).

Months are civil months in Europe/Paris, the portfolio's time: a month starts at the first instant
of its first Paris day (the consumption service's ``month_start``), held as a UTC instant. A period
that does not start or end on a month's bound cuts its first or last month to it.

- N-1 is the same civil period one year before (October 2025 -> October 2024; 2025 -> 2024).
- The reference is the same civil period moved back by whole years into the first year of the
  scenario's reference period (October 2025 against a 2023 reference -> October 2023), so that a
  month is compared with a month and a year with a year.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

TIME_ZONE = "Europe/Paris"
PARIS = ZoneInfo(TIME_ZONE)
INSTANT = pl.Datetime("us", "UTC")
MONTHS_SCHEMA: dict[str, Any] = {
    "month_index": pl.Int32,
    "month_start": INSTANT,
    "month_end": INSTANT,
    "days": pl.Float64,
}


def _local_month_start(at: datetime) -> datetime:
    local = at.astimezone(PARIS)
    return datetime(local.year, local.month, 1, tzinfo=PARIS)


def _next_month(local: datetime) -> datetime:
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return datetime(year, month, 1, tzinfo=PARIS)


def _civil_days(start: datetime, end: datetime) -> float:
    """Days between two instants counted on the Paris wall clock (a month of 31 days is 31.0
    days even when a daylight-saving change makes it 743 hours long)."""
    a, b = start.astimezone(PARIS).replace(tzinfo=None), end.astimezone(PARIS).replace(tzinfo=None)
    return (b - a).total_seconds() / 86_400


def months(start: datetime, end: datetime) -> pl.DataFrame:
    """One row per civil month of [start, end): month_index (0, 1, ...), month_start and
    month_end (cut to the period), and its civil days."""
    rows: list[tuple[int, datetime, datetime, float]] = []
    local = _local_month_start(start)
    while local < end:
        following = _next_month(local)
        month_start, month_end = max(local, start), min(following, end)
        rows.append((len(rows), month_start, month_end, _civil_days(month_start, month_end)))
        local = following
    return pl.DataFrame(rows, schema=MONTHS_SCHEMA, orient="row")


def shift_years(at: datetime, years: int) -> datetime:
    """The same Paris wall-clock instant ``years`` years later (earlier when negative); 29 February
    becomes 28 February in a common year."""
    local = at.astimezone(PARIS)
    year = local.year + years
    day = min(local.day, 28) if local.month == 2 and local.day == 29 else local.day
    return local.replace(year=year, day=day).astimezone(at.tzinfo)


def year_before(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    return shift_years(start, -1), shift_years(end, -1)


def reference_window(start: datetime, end: datetime, reference_start: datetime) -> tuple[datetime, datetime]:
    """The report period moved back by whole years into the year the scenario's reference period
    starts in."""
    years = start.astimezone(PARIS).year - reference_start.astimezone(PARIS).year
    return shift_years(start, -years), shift_years(end, -years)
