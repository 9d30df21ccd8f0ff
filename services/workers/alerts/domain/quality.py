"""A contractor's data quality over a rolling window, from two cumulative figures.

The interventions service counts a contractor's records received by a cut-off (GetDataQuality
with ``as_of``); the window's own counts are the difference between its end and its start. The
passing share is the service's: (accepted - warned) / received. An alert is raised when a
contractor falls under the target (the start of an episode) and not again until it has come back
above it: one alert per episode, not one per sweep.
"""

from dataclasses import dataclass
from datetime import datetime

from services.workers.alerts.domain.alerts import DATA_QUALITY, Alert, iso

TARGET = 0.95


@dataclass(frozen=True, slots=True)
class Counts:
    received: int
    accepted: int
    warned: int


@dataclass(frozen=True, slots=True)
class WindowQuality:
    contractor_id: str
    received: int
    passing: int

    @property
    def share(self) -> float:
        return self.passing / self.received


def window_quality(contractor_id: str, start: Counts | None, end: Counts) -> WindowQuality | None:
    """The records received after ``start`` up to ``end`` (None: nothing received in the window)."""
    before = start or Counts(0, 0, 0)
    received = end.received - before.received
    if received <= 0:
        return None
    passing = (end.accepted - end.warned) - (before.accepted - before.warned)
    return WindowQuality(contractor_id, received, passing)


def quality_alert(
    quality: WindowQuality, below_since: datetime | None, now: datetime, target: float = TARGET, days: int = 30
) -> tuple[Alert | None, datetime | None]:
    """(the alert to raise or None, when the contractor's current episode under ``target``
    began, None when it meets it) given the episode stored (``below_since``)."""
    if quality.share >= target:
        return None, None
    if below_since is not None:
        return None, below_since
    alert = Alert(
        key=f"data_quality/{quality.contractor_id}/{iso(now)}",
        kind=DATA_QUALITY,
        subject=quality.contractor_id,
        due_at=now,
        message=f"contractor {quality.contractor_id}: {quality.share:.1%} of its {quality.received} records of the "
        f"last {days} days passed the checks (target {target:.0%})",
        contractor_id=quality.contractor_id,
        details={"received": quality.received, "passing": quality.passing, "share": quality.share, "target": target},
    )
    return alert, now
