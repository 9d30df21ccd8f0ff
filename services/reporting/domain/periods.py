"""Report periods: whole civil months in Europe/Paris (the consumption service's months), at most
twelve of them; a year, a quarter, a month or twelve rolling months, and the same period a
year before (N-1).

Written ``2025`` (the year), ``2025-Q3`` (a quarter), ``2025-10`` (a month) or ``12m:2025-10``
(the twelve months ending with October 2025). Bounds are instants (UTC) of the first local
midnight of a month: [start, end).
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from services.runtime.errors import InvalidArgument

TIME_ZONE = ZoneInfo("Europe/Paris")
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
    return datetime(year, month, 1, tzinfo=TIME_ZONE).astimezone(UTC)


def _local_month(instant: datetime) -> tuple[int, int]:
    local = instant.astimezone(TIME_ZONE)
    return local.year, local.month


def shift_years(instant: datetime, years: int) -> datetime:
    year, month = _local_month(instant)
    return month_start(year + years, month)


def parse_period(text: str) -> ReportPeriod:
    """A period from its written form (see the module); InvalidArgument naming ``period`` otherwise."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})", text):
        year = int(m[1])
        return ReportPeriod(month_start(year, 1), month_start(year + 1, 1))
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
