"""What a monthly run is due to make (pure: no clock, no I/O).

A run is for one civil month in Europe/Paris, the portfolio's time, and is due once the month is
over and its end is settled (a cut-off at the month's end must be old enough for reporting to
accept it). Its reports, each as of the month's end:

- the decarbonisation (CSR) report of the month for the whole portfolio, and one per territory;
- the charge-control report of every residence for its charge year to date (the civil year of
  the month: the year's report, its figures through the month);
- one scorecard per contractor for the month;
- in the run held in January (the December run), the year's ones as well: the year's CSR report
  for the portfolio and per territory, and each contractor's scorecard of the year (December's
  charge control already covers the whole charge year).

Each job has a key unique within its run, so that recording a run's jobs twice records them once.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

CSR = "DECARBONISATION"
CHARGE_CONTROL = "CHARGE_CONTROL"
SCORECARD = "CONTRACTOR_SCORECARD"


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1 to 12, got {self.month}")

    @classmethod
    def parse(cls, text: str) -> "Month":
        """``2025-10``; ValueError otherwise."""
        year, sep, month = text.strip().partition("-")
        if not (sep and year.isdigit() and month.isdigit() and len(year) == 4 and len(month) == 2):
            raise ValueError(f"{text!r} is not a month written YYYY-MM (e.g. 2025-10)")
        return cls(int(year), int(month))

    @classmethod
    def containing(cls, instant: datetime) -> "Month":
        """The civil month in Paris ``instant`` falls in."""
        local = instant.astimezone(PARIS)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def next(self) -> "Month":
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def start(self) -> datetime:
        """The first instant of the month in Paris, in UTC."""
        return datetime(self.year, self.month, 1, tzinfo=PARIS).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The first instant of the next month in Paris, in UTC (exclusive): the run's cut-off."""
        return self.next().start


def months_due(first: Month, now: datetime, settle: timedelta) -> list[Month]:
    """Every month from ``first`` whose end is at least ``settle`` before ``now``, oldest first."""
    due = []
    month = first
    while month.end + settle <= now:
        due.append(month)
        month = month.next()
    return due


@dataclass(frozen=True)
class Perimeters:
    """What the portfolio holds as of a run's cut-off: ids of the territories and residences with
    at least one building, and of the contractors."""

    territories: tuple[str, ...]
    residences: tuple[str, ...]
    contractors: tuple[str, ...]


@dataclass(frozen=True)
class JobSpec:
    """One report of a run, as reporting is asked for it (the run's options aside)."""

    key: str  # unique within the run, e.g. "csr/month/territory/T1"
    kind: str  # CSR, CHARGE_CONTROL or SCORECARD
    period_start: datetime  # UTC, a month's first instant in Paris
    period_end: datetime  # exclusive
    as_of: datetime
    territory_ids: tuple[str, ...] = ()
    residence_ids: tuple[str, ...] = ()
    contractor_ids: tuple[str, ...] = ()


def jobs_for(month: Month, perimeters: Perimeters) -> list[JobSpec]:
    """The reports of ``month``'s run: the portfolio's CSR and one per territory, each
    residence's charge control for the year to date, each contractor's scorecard, and in December
    the year's CSR (portfolio, territories) and scorecards.

    Queued leaders first: the reports that pull a run's portfolio-wide exports (in December the
    year's portfolio CSR, then the first charge control, then the month's portfolio CSR) ahead of
    the hundreds that cut theirs out of those exports, so that workers starting together pull
    different exports at once (the reporting replica makes each pull once and shares it) instead
    of all waiting on the first one's. The other charge controls come next: they cut theirs out of
    the first one's exports and keep the render processes busy while the month's CSR exports are
    still being pulled, where the territories' CSRs queued before them would wait on that pull."""
    as_of = month.end
    year = (Month(month.year, 1).start, Month(month.year + 1, 1).start)
    jobs = list(_month_jobs(month, perimeters, as_of, year)) + (
        list(_year_jobs(perimeters, as_of, year)) if month.month == 12 else []
    )
    charges = [j.key for j in jobs if j.kind == CHARGE_CONTROL][:1]
    leading = ["csr/year/portfolio", *charges, "csr/month/portfolio"]
    leaders = [j for key in leading for j in jobs if j.key == key]
    followers = [j for j in jobs if j.kind == CHARGE_CONTROL and j.key not in leading]
    queued = {j.key for j in leaders + followers}
    return leaders + followers + [j for j in jobs if j.key not in queued]


def _month_jobs(
    month: Month, perimeters: Perimeters, as_of: datetime, year: tuple[datetime, datetime]
) -> Iterator[JobSpec]:
    period = (month.start, month.end)
    yield JobSpec("csr/month/portfolio", CSR, *period, as_of)
    for territory in sorted(perimeters.territories):
        yield JobSpec(f"csr/month/territory/{territory}", CSR, *period, as_of, territory_ids=(territory,))
    for residence in sorted(perimeters.residences):
        yield JobSpec(
            f"charges/year-to-date/residence/{residence}", CHARGE_CONTROL, *year, as_of, residence_ids=(residence,)
        )
    for contractor in sorted(perimeters.contractors):
        yield JobSpec(
            f"scorecard/month/contractor/{contractor}", SCORECARD, *period, as_of, contractor_ids=(contractor,)
        )


def _year_jobs(perimeters: Perimeters, as_of: datetime, year: tuple[datetime, datetime]) -> Iterator[JobSpec]:
    yield JobSpec("csr/year/portfolio", CSR, *year, as_of)
    for territory in sorted(perimeters.territories):
        yield JobSpec(f"csr/year/territory/{territory}", CSR, *year, as_of, territory_ids=(territory,))
    for contractor in sorted(perimeters.contractors):
        yield JobSpec(f"scorecard/year/contractor/{contractor}", SCORECARD, *year, as_of, contractor_ids=(contractor,))
