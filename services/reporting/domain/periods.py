"""Report periods: their civil months, how they are written, and the periods they are compared
with (N-1, the reference).

A report covers whole civil months in Europe/Paris, at most twelve: a year, a quarter, a month or
twelve rolling months, written ``2025``, ``2025-Q3``, ``2025-10`` or ``12m:2025-10`` (the twelve
months ending with October 2025). Bounds are UTC instants of a month's first local midnight.

Months are civil months in Europe/Paris, the portfolio's time: a month starts at the first instant
of its first Paris day (the consumption service's ``month_start``), held as a UTC instant. A period
that does not start or end on a month's bound cuts its first or last month to it.

- N-1 is the same civil period one year before (October 2025 -> October 2024; 2025 -> 2024).
- The reference is the same civil period moved back by whole years into the first year of the
  scenario's reference period (October 2025 against a 2023 reference -> October 2023), so that a
  month is compared with a month and a year with a year.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from services.runtime.errors import InvalidArgument

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


MAX_MONTHS = 12
_FORMS = "2025 (a year), 2025-Q3 (a quarter), 2025-10 (a month) or 12m:2025-10 (twelve months ending with it)"


@dataclass(frozen=True)
class ReportPeriod:
    start: datetime  # UTC, the first local instant of its month
    end: datetime  # UTC, exclusive

    @property
    def months(self) -> int:
        first, last = _local_month(self.start), _local_month(self.end)
        return (last[0] - first[0]) * 12 + last[1] - first[1]

    def previous(self) -> "ReportPeriod":
        """The same months a year before (N-1)."""
        return ReportPeriod(shift_years(self.start, -1), shift_years(self.end, -1))

    def label(self) -> str:
        """``2025``, ``2025-10``, ``2025-07..2025-09`` (by the local months)."""
        year, month = _local_month(self.start)
        last_year, last_month = _local_month(self.end)
        last_month -= 1
        if last_month == 0:
            last_year, last_month = last_year - 1, 12
        if self.months == 12 and month == 1:
            return f"{year}"
        if self.months == 1:
            return f"{year}-{month:02d}"
        return f"{year}-{month:02d}..{last_year}-{last_month:02d}"


def month_start(year: int, month: int) -> datetime:
    """The first local instant of a civil month in Europe/Paris, in UTC."""
    while month > 12:
        year, month = year + 1, month - 12
    while month < 1:
        year, month = year - 1, month + 12
    return datetime(year, month, 1, tzinfo=PARIS).astimezone(UTC)


def civil_year(year: int) -> ReportPeriod:
    """The civil year ``year`` in Europe/Paris."""
    return ReportPeriod(month_start(year, 1), month_start(year + 1, 1))


def _local_month(instant: datetime) -> tuple[int, int]:
    local = instant.astimezone(PARIS)
    return local.year, local.month


def parse_period(text: str) -> ReportPeriod:
    """A period from its written form (see the module); InvalidArgument naming ``period`` otherwise."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})", text):
        return civil_year(int(m[1]))
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text, flags=re.IGNORECASE):
        year, quarter = int(m[1]), int(m[2])
        return ReportPeriod(month_start(year, 3 * quarter - 2), month_start(year, 3 * quarter + 1))
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return ReportPeriod(month_start(year, month), month_start(year, month + 1))
    if m := re.fullmatch(r"12m:(\d{4})-(\d{2})", text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return ReportPeriod(month_start(year, month - 11), month_start(year, month + 1))
    raise InvalidArgument(f"{text!r} is not a period: write {_FORMS}", field="period")


def check_period(start: datetime | None, end: datetime | None) -> ReportPeriod:
    """A period given by its bounds: both set, each the first local instant of a month in
    Europe/Paris, from 1 to 12 months, within 1900-2200."""
    if start is None or end is None:
        raise InvalidArgument("both bounds are required", field="period")
    for name, bound in (("period.start", start), ("period.end", end)):
        if not 1900 <= bound.year <= 2200:
            raise InvalidArgument(f"must lie within 1900-2200, got {bound.isoformat()}", field=name)
        if month_start(*_local_month(bound)) != bound:
            raise InvalidArgument(
                f"must be the first instant of a month in Europe/Paris (e.g. "
                f"{month_start(*_local_month(bound)).isoformat()}), got {bound.isoformat()}",
                field=name,
            )
    period = ReportPeriod(start, end)
    if not 1 <= period.months <= MAX_MONTHS:
        raise InvalidArgument(f"must cover 1 to {MAX_MONTHS} whole months, got {period.months}", field="period")
    return period
