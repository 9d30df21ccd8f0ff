"""Business checks on incoming events. Each check is a named rule; a record that breaks a
rejecting rule is refused with the rule, the field and a reason naming the record, and the
rest of its batch goes on. ``closed_without_quitus`` only warns.

Pure code: the caller supplies the portfolio index, the stored state of the tickets the
batch touches, the fingerprints of stored events it may re-send, and the clock.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.interventions.events import KINDS, EventIn
from services.interventions.lifecycle import FINAL_STATUSES, TicketState
from services.interventions.portfolio import PortfolioIndex
from services.runtime.principal import Principal, Role

# Clocks of contractors' systems drift; an event this far ahead of ours is still accepted.
FUTURE_TOLERANCE = timedelta(minutes=5)

RULES = {
    "missing_field": "a required field is empty",
    "unknown_kind": "the event kind is not one of the known kinds",
    "foreign_contractor": "a contractor wrote another contractor's tickets",
    "unknown_contractor": "the contractor is not in the portfolio",
    "event_in_future": "the event happened after the time it was received",
    "recorded_before_event": "the event was recorded before it happened",
    "conflicting_resend": "a record with the same key and different content is already stored",
    "unknown_contract": "the contract is not known",
    "contract_of_other_contractor": "the contract belongs to another contractor",
    "contract_not_in_force": "the intervention was requested outside the contract's dates",
    "unknown_service_code": "the service code is not in the contract",
    "unknown_criticality": "the contract sets no deadline for this criticality",
    "unknown_unit": "the UG id is not in the portfolio",
    "unknown_building": "the building is not in the portfolio",
    "unknown_equipment": "the equipment is not in the portfolio",
    "unit_building_mismatch": "the unit is not in the building given",
    "contract_not_covering_building": "the building is outside the contract's perimeter",
    "contract_not_covering_trade": "the service code's trade is not in the contract",
    "already_requested": "the intervention was already requested with another sequence",
    "unknown_intervention": "the event refers to an intervention never requested",
    "event_before_request": "the event happened before the intervention was requested",
    "event_after_closure": "the intervention is already closed or cancelled",
    "visit_already_open": "a visit starts while the previous one has not ended",
    "visit_end_without_start": "a visit ends that never started",
    "visit_end_before_start": "a visit ends before it starts",
    "already_resolved": "the intervention is already resolved",
    "curative_resolved_without_visit": "a curative intervention is resolved with no visit",
    "invalid_value": "a numeric field is out of range",
    "closed_without_quitus": "(warning) the intervention is closed with no quitus recorded",
}
WARNING_RULES = frozenset({"closed_without_quitus"})


@dataclass(frozen=True, slots=True)
class Finding:
    index: int
    rule: str
    field: str
    reason: str
    record_key: str

    @property
    def is_warning(self) -> bool:
        return self.rule in WARNING_RULES


@dataclass(slots=True)
class Accepted:
    event: EventIn
    recorded_at: datetime
    warnings: list[Finding]


@dataclass(slots=True)
class BatchOutcome:
    accepted: list[Accepted] = field(default_factory=list)
    duplicates: int = 0
    rejected: list[tuple[EventIn, Finding]] = field(default_factory=list)
    touched: dict[str, TicketState] = field(default_factory=dict)   # states to write back

    @property
    def warnings(self) -> list[Finding]:
        return [w for a in self.accepted for w in a.warnings]


class Rejected(Exception):
    def __init__(self, rule: str, field: str, reason: str) -> None:
        self.rule, self.field, self.reason = rule, field, reason


def check_batch(
    events: Iterable[EventIn],
    *,
    index: PortfolioIndex,
    states: dict[str, TicketState],
    stored_fingerprints: dict[tuple[str, int], str],
    principal: Principal,
    now: datetime,
) -> BatchOutcome:
    """Check and apply a batch in order; ``states`` is updated in place for accepted events."""
    outcome = BatchOutcome()
    seen = dict(stored_fingerprints)
    backfill = principal.role in (Role.ADMIN, Role.SERVICE)
    for event in events:
        key = (event.intervention_id, event.sequence)
        known = seen.get(key)
        if known is not None and known == event.fingerprint:
            outcome.duplicates += 1
            continue
        try:
            if known is not None:
                raise Rejected("conflicting_resend", "sequence",
                               f"sequence {event.sequence} of {event.intervention_id} is already stored "
                               "with different content")
            recorded_at = _check(event, index, states, principal, now, backfill)
        except Rejected as exc:
            outcome.rejected.append((event, Finding(event.index, exc.rule, exc.field, exc.reason, event.record_key)))
            continue
        warnings = []
        state = states.get(event.intervention_id)
        if event.kind == "REQUESTED":
            state = _new_ticket(event, index)
            states[state.id] = state
        elif event.kind == "CLOSED" and not state.has_quitus:
            warnings.append(Finding(event.index, "closed_without_quitus", "kind",
                                    f"{event.intervention_id} closed with no quitus event", event.record_key))
        state.apply(event)
        outcome.touched[state.id] = state
        seen[key] = event.fingerprint
        outcome.accepted.append(Accepted(event, recorded_at, warnings))
    return outcome


def _new_ticket(event: EventIn, index: PortfolioIndex) -> TicketState:
    contract = index.contracts[event.contract_id]
    code = contract.codes[event.service_code]
    building = index.units[event.ug_id] if event.ug_id else (
        index.equipment[event.equipment_id] if event.equipment_id and not event.building_id else event.building_id
    )
    return TicketState(
        id=event.intervention_id, contractor_id=event.contractor_id, external_ref=event.external_ref,
        contract_id=event.contract_id, service_code=event.service_code, trade=code.trade,
        nature=code.nature, criticality=event.criticality, building_id=building,
        ug_id=event.ug_id or None, equipment_id=event.equipment_id or None,
        description=event.description, requested_at=event.event_time,
    )


def _require(value: object, name: str, event: EventIn) -> None:
    if not value:
        raise Rejected("missing_field", name, f"{event.record_key}: {name} is required")


def _check(event: EventIn, index: PortfolioIndex, states: dict[str, TicketState], principal: Principal,
           now: datetime, backfill: bool) -> datetime:
    """Raise Rejected on the first broken rule; return the recorded_at to store."""
    _require(event.contractor_id, "contractor_id", event)
    _require(event.external_ref, "external_ref", event)
    if event.sequence <= 0:
        raise Rejected("missing_field", "sequence", f"{event.record_key}: sequence must be 1 or more")
    _require(event.kind, "kind", event)
    if event.kind not in KINDS:
        raise Rejected("unknown_kind", "kind", f"{event.record_key}: unknown kind {event.kind!r}")
    _require(event.event_time, "event_time", event)
    if not principal.may_see_contractor(event.contractor_id):
        raise Rejected("foreign_contractor", "contractor_id",
                       f"{event.record_key}: {principal} may not write tickets of {event.contractor_id}")
    if event.contractor_id not in index.contractors:
        raise Rejected("unknown_contractor", "contractor_id",
                       f"{event.record_key}: contractor {event.contractor_id!r} is not in the portfolio")
    recorded_at = event.recorded_at if (backfill and event.recorded_at) else now
    if recorded_at > now + FUTURE_TOLERANCE:
        raise Rejected("event_in_future", "recorded_at",
                       f"{event.record_key}: recorded_at {recorded_at.isoformat()} is in the future")
    if event.event_time > now + FUTURE_TOLERANCE:
        raise Rejected("event_in_future", "event_time",
                       f"{event.record_key}: event_time {event.event_time.isoformat()} is after "
                       f"reception ({now.isoformat()})")
    if event.event_time > recorded_at + FUTURE_TOLERANCE:
        raise Rejected("recorded_before_event", "recorded_at",
                       f"{event.record_key}: recorded at {recorded_at.isoformat()}, before it happened "
                       f"({event.event_time.isoformat()})")
    if event.cost_eur < 0 or event.cost_eur != event.cost_eur:
        raise Rejected("invalid_value", "cost_eur", f"{event.record_key}: cost_eur must be a number >= 0")
    state = states.get(event.intervention_id)
    if event.kind == "REQUESTED":
        if state is not None:
            raise Rejected("already_requested", "kind",
                           f"{event.record_key}: {event.intervention_id} was already requested")
        _check_request(event, index)
    else:
        _check_follow_up(event, state)
    return recorded_at


def _check_request(event: EventIn, index: PortfolioIndex) -> None:
    rk = event.record_key
    _require(event.contract_id, "contract_id", event)
    _require(event.service_code, "service_code", event)
    _require(event.criticality, "criticality", event)
    if not (event.ug_id or event.building_id or event.equipment_id):
        raise Rejected("missing_field", "ug_id", f"{rk}: one of ug_id, building_id or equipment_id is required")
    contract = index.contracts.get(event.contract_id)
    if contract is None:
        raise Rejected("unknown_contract", "contract_id", f"{rk}: contract {event.contract_id!r} is not known")
    if contract.contractor_id != event.contractor_id:
        raise Rejected("contract_of_other_contractor", "contract_id",
                       f"{rk}: contract {event.contract_id!r} belongs to {contract.contractor_id}")
    if not contract.starts_at <= event.event_time < contract.ends_at:
        raise Rejected("contract_not_in_force", "event_time",
                       f"{rk}: requested {event.event_time.date()} outside contract {event.contract_id} "
                       f"({contract.starts_at.date()} to {contract.ends_at.date()})")
    code = contract.codes.get(event.service_code)
    if code is None:
        raise Rejected("unknown_service_code", "service_code",
                       f"{rk}: service code {event.service_code!r} is not in contract {event.contract_id}")
    if event.criticality not in code.deadlines:
        raise Rejected("unknown_criticality", "criticality",
                       f"{rk}: contract {event.contract_id} sets no deadline for {event.service_code} at "
                       f"criticality {event.criticality!r}")
    building = _building_of(event, index)
    if building not in contract.buildings:
        raise Rejected("contract_not_covering_building", "building_id",
                       f"{rk}: building {building} is outside the perimeter of contract {event.contract_id}")
    if code.trade not in contract.trades:
        raise Rejected("contract_not_covering_trade", "service_code",
                       f"{rk}: trade {code.trade!r} of {event.service_code} is not in contract {event.contract_id}")


def _building_of(event: EventIn, index: PortfolioIndex) -> str:
    rk = event.record_key
    building = ""
    if event.ug_id:
        building = index.units.get(event.ug_id, "")
        if not building:
            raise Rejected("unknown_unit", "ug_id", f"{rk}: UG {event.ug_id!r} is not in the portfolio")
    if event.building_id:
        if event.building_id not in index.buildings:
            raise Rejected("unknown_building", "building_id",
                           f"{rk}: building {event.building_id!r} is not in the portfolio")
        if building and building != event.building_id:
            raise Rejected("unit_building_mismatch", "building_id",
                           f"{rk}: UG {event.ug_id} is in building {building}, not {event.building_id}")
        building = event.building_id
    if event.equipment_id:
        owner = index.equipment.get(event.equipment_id)
        if owner is None:
            raise Rejected("unknown_equipment", "equipment_id",
                           f"{rk}: equipment {event.equipment_id!r} is not in the portfolio")
        if building and owner != building:
            raise Rejected("unit_building_mismatch", "equipment_id",
                           f"{rk}: equipment {event.equipment_id} is in building {owner}, not {building}")
        building = owner
    return building


def _check_follow_up(event: EventIn, state: TicketState | None) -> None:
    rk = event.record_key
    if state is None:
        raise Rejected("unknown_intervention", "external_ref",
                       f"{rk}: {event.intervention_id} was never requested")
    if state.status in FINAL_STATUSES:
        raise Rejected("event_after_closure", "kind",
                       f"{rk}: {event.intervention_id} is already {state.status.lower()}")
    if event.event_time < state.requested_at:
        raise Rejected("event_before_request", "event_time",
                       f"{rk}: {event.kind} at {event.event_time.isoformat()} is before the request "
                       f"({state.requested_at.isoformat()})")
    check = FOLLOW_UP_CHECKS.get(event.kind)
    if check:
        check(event, state)


def _visit_started(event: EventIn, state: TicketState) -> None:
    if event.visit_number <= 0:
        raise Rejected("missing_field", "visit_number", f"{event.record_key}: visit_number must be 1 or more")
    if state.open_visit_number is not None:
        raise Rejected("visit_already_open", "visit_number",
                       f"{event.record_key}: visit {state.open_visit_number} has not ended")


def _visit_ended(event: EventIn, state: TicketState) -> None:
    if state.open_visit_number is None or state.open_visit_number != event.visit_number:
        raise Rejected("visit_end_without_start", "visit_number",
                       f"{event.record_key}: visit {event.visit_number} of {event.intervention_id} never started")
    if event.event_time < state.open_visit_started_at:
        raise Rejected("visit_end_before_start", "event_time",
                       f"{event.record_key}: visit {event.visit_number} ends at {event.event_time.isoformat()}, "
                       f"before it starts ({state.open_visit_started_at.isoformat()})")


def _resolved(event: EventIn, state: TicketState) -> None:
    if state.resolved_at is not None:
        raise Rejected("already_resolved", "kind", f"{event.record_key}: {event.intervention_id} is already resolved")
    if state.nature == "CURATIVE" and state.visits == 0:
        raise Rejected("curative_resolved_without_visit", "kind",
                       f"{event.record_key}: curative {event.intervention_id} resolved with no visit")


def _quitus(event: EventIn, state: TicketState) -> None:
    _require(event.quitus_document, "quitus_document", event)


FOLLOW_UP_CHECKS: dict[str, Callable[[EventIn, TicketState], None]] = {
    "VISIT_STARTED": _visit_started,
    "VISIT_ENDED": _visit_ended,
    "RESOLVED": _resolved,
    "QUITUS": _quitus,
}
