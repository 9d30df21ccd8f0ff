"""The state of one intervention, and how each accepted event moves it."""

from dataclasses import dataclass

OPEN_STATUSES = ("OPEN", "SCHEDULED", "IN_PROGRESS", "ON_HOLD")


def status_of(*, cancelled: bool, closed: bool, resolved: bool, on_hold: bool, visits: int, planned: bool) -> str:
    """Status by precedence. facts.py applies the same precedence to the event log."""
    if cancelled:
        return "CANCELLED"
    if closed:
        return "CLOSED"
    if resolved:
        return "RESOLVED"
    if on_hold:
        return "ON_HOLD"
    if visits > 0:
        return "IN_PROGRESS"
    if planned:
        return "SCHEDULED"
    return "OPEN"


@dataclass(slots=True)
class TicketState:
    """Instants are integer microseconds since the epoch (see instants.py)."""

    id: str
    contractor_id: str
    external_ref: str
    contract_id: str
    service_code: str
    trade: str
    nature: str
    criticality: str
    building_id: str
    ug_id: str | None
    equipment_id: str | None
    description: str
    requested_at: int
    status: str = "OPEN"
    visits: int = 0
    open_visit_number: int | None = None
    open_visit_started_at: int | None = None
    first_visit_at: int | None = None
    resolved_at: int | None = None
    closed_at: int | None = None
    cancelled_at: int | None = None
    planned: bool = False
    on_hold: bool = False
    has_quitus: bool = False
    cost_eur: float = 0.0
    max_sequence: int = 0
    # Copied from the contract when the intervention is requested, so that a later re-import of
    # the contract cannot change an export already signed.
    intervene_hours: float | None = None
    repair_hours: float | None = None
    recoverable_share: float = 0.0
    # The sequence of the SUSPENDED or RESUMED event ``on_hold`` comes from: the hold is the last
    # one's by sequence, whatever order they arrived in (as domain.facts derives it).
    hold_sequence: int = 0
    # When Quitus learnt the latest of the ticket's events: up to then the state is also the
    # ticket as known at any later cut-off (domain.facts.facts_from_states).
    last_recorded_at: int | None = None

    def apply(
        self,
        kind: str,
        at: int,
        sequence: int,
        visit_number: int = 0,
        cost_eur: float = 0.0,
        recorded_at: int | None = None,
    ) -> None:
        """Move the state by one event that passed every check, learnt at ``recorded_at``."""
        if recorded_at is not None and (self.last_recorded_at is None or recorded_at > self.last_recorded_at):
            self.last_recorded_at = recorded_at
        if kind in ("PLANNED", "REPLANNED"):
            self.planned = True
        elif kind == "VISIT_STARTED":
            self.visits += 1
            self.open_visit_number, self.open_visit_started_at = visit_number, at
            if self.first_visit_at is None or at < self.first_visit_at:
                self.first_visit_at = at
        elif kind == "VISIT_ENDED":
            self.open_visit_number = self.open_visit_started_at = None
        elif kind in ("SUSPENDED", "RESUMED"):
            if sequence > self.hold_sequence:
                self.on_hold, self.hold_sequence = kind == "SUSPENDED", sequence
        elif kind == "RESOLVED":
            self.resolved_at = at
            self.cost_eur += cost_eur
        elif kind == "QUITUS":
            self.has_quitus = True
        elif kind == "CLOSED":
            self.closed_at = at
        elif kind == "CANCELLED":
            self.cancelled_at = at
        if sequence > self.max_sequence:
            self.max_sequence = sequence

    @property
    def final(self) -> bool:
        """Closed or cancelled: nothing may follow."""
        return self.closed_at is not None or self.cancelled_at is not None

    def refresh_status(self) -> None:
        """Bring ``status`` up to date (once per batch, not per event: it is only stored)."""
        self.status = status_of(
            cancelled=self.cancelled_at is not None,
            closed=self.closed_at is not None,
            resolved=self.resolved_at is not None,
            on_hold=self.on_hold,
            visits=self.visits,
            planned=self.planned,
        )
