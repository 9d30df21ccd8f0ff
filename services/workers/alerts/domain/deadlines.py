"""An open intervention against its contractual deadlines, as the interventions service judges it
(services/interventions/domain/deadlines.py): the time to intervene runs from the request until
the first visit, the time to repair until the ticket is resolved, closed or cancelled; a deadline
is at its alert share once elapsed / allowed reaches it, breached at 1. Calendar hours.

A threshold is crossed at one instant, requested_at + share x allowed: the alert is due when that
instant has come and the deadline was still running then. So a sweep that missed the moment (the
service was down) still raises it, and a visit or a resolution before it means no alert.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.workers.alerts.domain.alerts import DEADLINE_ALERT, DEADLINE_BREACHED, Alert, iso

ALERT_SHARE = 0.9  # the interventions service's own ALERT_90


@dataclass(frozen=True, slots=True)
class Ticket:
    intervention_id: str
    contractor_id: str
    building_id: str
    requested_at: datetime
    intervene_hours: float | None
    repair_hours: float | None
    first_visit_at: datetime | None = None
    ended_at: datetime | None = None  # resolved, closed or cancelled, whichever came first
    trade: str = ""
    nature: str = ""

    def stops(self) -> dict[str, tuple[float | None, datetime | None]]:
        """Each deadline: (allowed hours, the instant it stopped running or None)."""
        visit_or_end = [t for t in (self.first_visit_at, self.ended_at) if t is not None]
        return {
            "intervene": (self.intervene_hours, min(visit_or_end) if visit_or_end else None),
            "repair": (self.repair_hours, self.ended_at),
        }


def crossing(requested_at: datetime, allowed_hours: float, share: float) -> datetime:
    return requested_at + timedelta(hours=allowed_hours * share)


def deadline_alerts(ticket: Ticket, now: datetime, alert_share: float = ALERT_SHARE) -> list[Alert]:
    """The alerts due at ``now``: per deadline, one at ``alert_share`` and one at 100 %, each
    when its instant has come (<= now) before the deadline stopped running (a visit or an end at
    the very instant counts as in time)."""
    alerts = []
    for kind, (allowed, stopped) in ticket.stops().items():
        if allowed is None or allowed <= 0:
            continue
        for share, alert_kind in ((alert_share, DEADLINE_ALERT), (1.0, DEADLINE_BREACHED)):
            at = crossing(ticket.requested_at, allowed, share)
            if at > now or (stopped is not None and stopped <= at):
                continue
            pct = round(share * 100)
            word = "breached" if share >= 1 else f"{pct} % used"
            verb = "intervene (first visit)" if kind == "intervene" else "repair (resolution)"
            alerts.append(
                Alert(
                    key=f"deadline/{ticket.intervention_id}/{kind}/{pct}",
                    kind=alert_kind,
                    subject=ticket.intervention_id,
                    due_at=at,
                    message=f"intervention {ticket.intervention_id}: time to {verb} {word} "
                    f"({allowed:g} h allowed from {iso(ticket.requested_at)})",
                    building_id=ticket.building_id,
                    contractor_id=ticket.contractor_id,
                    details={
                        "intervention_id": ticket.intervention_id,
                        "deadline": kind,
                        "share": share,
                        "allowed_hours": allowed,
                        "requested_at": iso(ticket.requested_at),
                        "due_at": iso(at),
                    },
                )
            )
    return alerts


def settled(ticket: Ticket, now: datetime) -> bool:
    """Nothing more can come of this ticket: at ``now`` every deadline has stopped or is past 100 %."""
    for allowed, stopped in ticket.stops().values():
        if allowed is None or allowed <= 0 or (stopped is not None and stopped <= now):
            continue
        if crossing(ticket.requested_at, allowed, 1.0) > now:
            return False
    return True
