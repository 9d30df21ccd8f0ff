"""Every business rule, each on a hand-made case (pure: no database, no gRPC).

Index: contractor C1 with contract K1 over buildings B1 and B3 (trades multiservice, lift),
service codes MS-CUR (curative, normal 24 h / 72 h), LIFT-PRV (preventive), HEAT-CUR (trade
heating, not in K1); contractor C2 with contract K2 over B2. Units U1 (B1), U3 (B2).
"""

from datetime import UTC, datetime, timedelta

import pytest

from services.interventions.domain.events import batch_frame, events_columns
from services.interventions.domain.instants import to_us
from services.interventions.domain.portfolio import ContractInfo, PortfolioIndex, ServiceCodeInfo, index_frames
from services.interventions.domain.rules import RULES, check_batch
from services.runtime.principal import Principal, Role

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
ADMIN = Principal(Role.ADMIN)


def make_index() -> PortfolioIndex:
    normal = {"normal": (24.0, 72.0)}
    k1 = ContractInfo(
        "C1",
        datetime(2025, 1, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
        0.5,
        frozenset({"multiservice", "lift"}),
        frozenset({"B1", "B3"}),
        {
            "MS-CUR": ServiceCodeInfo("multiservice", "CURATIVE", normal),
            "LIFT-PRV": ServiceCodeInfo("lift", "PREVENTIVE", normal),
            "HEAT-CUR": ServiceCodeInfo("heating", "CURATIVE", normal),
        },
    )
    k2 = ContractInfo(
        "C2",
        datetime(2025, 1, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
        0.0,
        frozenset({"multiservice"}),
        frozenset({"B2"}),
        {"MS-CUR": ServiceCodeInfo("multiservice", "CURATIVE", normal)},
    )
    return PortfolioIndex(
        contractors=frozenset({"C1", "C2"}),
        buildings={"B1": ("T1", "R1"), "B3": ("T1", "R1"), "B2": ("T2", "R2")},
        units={"U1": "B1", "U3": "B2"},
        equipment={"L1": "B1"},
        contracts={"K1": k1, "K2": k2},
    )


def ev(seq: int, kind: str, at: datetime, ref: str = "T-1", contractor: str = "C1", recorded_at=None, **kw) -> dict:
    return {
        "contractor_id": contractor,
        "external_ref": ref,
        "sequence": seq,
        "kind": kind,
        "event_us": to_us(at),
        "recorded_us": to_us(recorded_at) or 0,
        **kw,
    }


def req(at: datetime = T0, **kw) -> dict:
    fields = {"contract_id": "K1", "service_code": "MS-CUR", "ug_id": "U1", "criticality": "normal"} | kw
    return ev(1, "REQUESTED", at, **fields)


def run(events, principal=ADMIN, states=None, fingerprints=None, index=None):
    index = index or make_index()
    return check_batch(
        batch_frame(events_columns(events)),
        index=index,
        frames=index_frames(index),
        states={} if states is None else states,
        stored_fingerprints=fingerprints or {},
        principal=principal,
        now=NOW,
    )


def rejected_rules(outcome) -> list[tuple[str, str]]:
    return [(f.rule, f.field) for f in outcome.rejected]


def test_a_clean_curative_lifecycle_is_accepted_whole():
    outcome = run(
        [
            req(),
            ev(2, "VISIT_STARTED", T0 + H, visit_number=1),
            ev(3, "VISIT_ENDED", T0 + 2 * H, visit_number=1),
            ev(4, "RESOLVED", T0 + 2 * H, cost_eur=90),
            ev(5, "QUITUS", T0 + 3 * H, quitus_document="PV-1"),
            ev(6, "CLOSED", T0 + 3 * H),
        ]
    )
    assert (outcome.accepted.height, outcome.rejected, outcome.warnings) == (6, [], [])
    state = outcome.touched["C1/T-1"]
    assert (state.status, state.visits, state.cost_eur, state.building_id) == ("CLOSED", 1, 90.0, "B1")


@pytest.mark.parametrize(
    ("event", "rule", "field"),
    [
        (req(contractor="C9"), "unknown_contractor", "contractor_id"),
        (req(contract_id="K9"), "unknown_contract", "contract_id"),
        (req(contract_id="K2", ug_id="U3"), "contract_of_other_contractor", "contract_id"),
        (req(service_code="XX"), "unknown_service_code", "service_code"),
        (req(criticality="extreme"), "unknown_criticality", "criticality"),
        (req(ug_id="U404"), "unknown_unit", "ug_id"),
        (req(ug_id="", building_id="B404"), "unknown_building", "building_id"),
        (req(ug_id="", equipment_id="L404"), "unknown_equipment", "equipment_id"),
        (req(building_id="B3"), "unit_building_mismatch", "building_id"),
        (req(ug_id="U3"), "contract_not_covering_building", "building_id"),
        (req(service_code="HEAT-CUR"), "contract_not_covering_trade", "service_code"),
        (req(at=datetime(2024, 6, 1, tzinfo=UTC)), "contract_not_in_force", "event_time"),
        (req(at=NOW + timedelta(days=2)), "event_in_future", "event_time"),
        (req(criticality=""), "missing_field", "criticality"),
        (req(cost_eur=-5.0), "invalid_value", "cost_eur"),
        (ev(1, "", T0), "missing_field", "kind"),
        (ev(1, "REQUESTED", None), "missing_field", "event_time"),
        (req(recorded_at=NOW + timedelta(days=1)), "event_in_future", "recorded_at"),
        (req(at=NOW - timedelta(hours=1), recorded_at=NOW - timedelta(days=1)), "recorded_before_event", "recorded_at"),
        (req(cost_eur=float("nan")), "invalid_value", "cost_eur"),
        (ev(1, "EXPLODED", T0), "unknown_kind", "kind"),
        (ev(0, "REQUESTED", T0), "missing_field", "sequence"),
    ],
)
def test_each_request_rule_rejects_its_case(event, rule, field):
    assert rule in RULES
    outcome = run([event])
    assert rejected_rules(outcome) == [(rule, field)]
    assert outcome.accepted.is_empty() and outcome.touched == {}


@pytest.mark.parametrize(
    ("follow_ups", "rule", "field"),
    [
        ([ev(2, "PLANNED", T0 - H)], "event_before_request", "event_time"),
        (
            [ev(2, "VISIT_STARTED", T0 + 2 * H, visit_number=1), ev(3, "VISIT_ENDED", T0 + H, visit_number=1)],
            "visit_end_before_start",
            "event_time",
        ),
        ([ev(2, "VISIT_ENDED", T0 + H, visit_number=1)], "visit_end_without_start", "visit_number"),
        (
            [ev(2, "VISIT_STARTED", T0 + H, visit_number=1), ev(3, "VISIT_STARTED", T0 + 2 * H, visit_number=2)],
            "visit_already_open",
            "visit_number",
        ),
        ([ev(2, "VISIT_STARTED", T0 + H, visit_number=0)], "missing_field", "visit_number"),
        ([ev(2, "RESOLVED", T0 + H)], "curative_resolved_without_visit", "kind"),
        ([ev(2, "QUITUS", T0 + H)], "missing_field", "quitus_document"),
        ([ev(2, "CANCELLED", T0 + H), ev(3, "PLANNED", T0 + 2 * H)], "event_after_closure", "kind"),
        (
            [ev(2, "REQUESTED", T0, contract_id="K1", service_code="MS-CUR", ug_id="U1", criticality="normal")],
            "already_requested",
            "kind",
        ),
    ],
)
def test_each_follow_up_rule_rejects_its_case(follow_ups, rule, field):
    outcome = run([req(), *follow_ups])
    assert rejected_rules(outcome) == [(rule, field)]
    assert outcome.accepted.height == len(follow_ups)  # the request and every event but the bad one


def test_an_event_for_a_ticket_never_requested_is_rejected():
    assert rejected_rules(run([ev(2, "PLANNED", T0, ref="T-404")])) == [("unknown_intervention", "external_ref")]


def test_preventive_resolved_without_visit_is_accepted():
    outcome = run([req(service_code="LIFT-PRV", ug_id="", equipment_id="L1"), ev(2, "RESOLVED", T0 + H)])
    assert outcome.rejected == [] and outcome.touched["C1/T-1"].building_id == "B1"


def test_closed_without_quitus_is_accepted_with_a_warning():
    outcome = run(
        [
            req(),
            ev(2, "VISIT_STARTED", T0 + H, visit_number=1),
            ev(3, "RESOLVED", T0 + 2 * H),
            ev(4, "CLOSED", T0 + 3 * H),
        ]
    )
    assert outcome.rejected == []
    assert [(w.rule, w.record_key) for w in outcome.warnings] == [("closed_without_quitus", "C1/T-1#4")]


def test_a_contractor_cannot_write_another_contractors_tickets():
    outcome = run([req()], principal=Principal(Role.CONTRACTOR, "C2"))
    assert rejected_rules(outcome) == [("foreign_contractor", "contractor_id")]


def test_backfilled_recorded_at_is_honoured_for_services_only():
    past = T0 + H
    assert run([req(recorded_at=past)]).accepted["recorded"].to_list() == [to_us(past)]
    contractor = Principal(Role.CONTRACTOR, "C1")
    assert run([req(recorded_at=past)], principal=contractor).accepted["recorded"].to_list() == [to_us(NOW)]


def test_identical_resend_is_a_duplicate_and_a_changed_one_a_conflict():
    first = run([req(), ev(2, "PLANNED", T0 + H)])
    states = first.touched
    keys = first.accepted.select("intervention_id", "sequence", "fingerprint")
    stored = {(i, s): fp for i, s, fp in keys.iter_rows()}
    again = run([req(), ev(2, "PLANNED", T0 + H)], states=states, fingerprints=stored)
    assert (again.duplicates, again.accepted.height, again.rejected) == (2, 0, [])
    changed = run([ev(2, "PLANNED", T0 + 5 * H)], states=states, fingerprints=stored)
    assert rejected_rules(changed) == [("conflicting_resend", "sequence")]


def test_a_duplicate_inside_one_batch_is_stored_once():
    outcome = run([req(), req()])
    assert (outcome.accepted.height, outcome.duplicates) == (1, 1)


def test_a_rejection_names_the_record():
    (finding,) = run([req(ug_id="U404")]).rejected
    assert finding.record_key == "C1/T-1#1" and "U404" in finding.reason


def test_a_contractor_resending_another_contractors_stored_record_is_refused_not_ignored():
    first = run([req()])
    keys = first.accepted.select("intervention_id", "sequence", "fingerprint")
    stored = {(i, s): fp for i, s, fp in keys.iter_rows()}
    # C2 replays C1's request byte for byte: "duplicate" would tell C2 the ticket exists.
    again = run([req()], principal=Principal(Role.CONTRACTOR, "C2"), states=first.touched, fingerprints=stored)
    assert (again.duplicates, rejected_rules(again)) == (0, [("foreign_contractor", "contractor_id")])
    # C1 itself replaying it is a duplicate, even once the contract no longer covers the unit's building.
    shrunk = make_index()
    shrunk.contracts["K1"].buildings = frozenset({"B3"})
    own = run(
        [req()], principal=Principal(Role.CONTRACTOR, "C1"), states=first.touched, fingerprints=stored, index=shrunk
    )
    assert (own.duplicates, own.rejected) == (1, [])


def test_a_second_resolution_is_refused():
    outcome = run(
        [
            req(),
            ev(2, "VISIT_STARTED", T0 + H, visit_number=1),
            ev(3, "RESOLVED", T0 + 2 * H),
            ev(4, "RESOLVED", T0 + 3 * H),
        ]
    )
    assert rejected_rules(outcome) == [("already_resolved", "kind")]


def test_the_request_copies_the_contract_terms_onto_the_ticket():
    # K1: MS-CUR at criticality normal = 24 h to intervene, 72 h to repair; 50 % recoverable.
    state = run([req()]).touched["C1/T-1"]
    assert (state.intervene_hours, state.repair_hours, state.recoverable_share) == (24.0, 72.0, 0.5)


def test_a_quitus_may_follow_closure_but_nothing_else_may():
    closed = [
        req(),
        ev(2, "VISIT_STARTED", T0 + H, visit_number=1),
        ev(3, "RESOLVED", T0 + 2 * H),
        ev(4, "CLOSED", T0 + 3 * H),
    ]
    outcome = run([*closed, ev(5, "QUITUS", T0 + 4 * H, quitus_document="PV-9"), ev(6, "PLANNED", T0 + 5 * H)])
    assert rejected_rules(outcome) == [("event_after_closure", "kind")]
    assert outcome.touched["C1/T-1"].has_quitus
    cancelled = run([req(), ev(2, "CANCELLED", T0 + H), ev(3, "QUITUS", T0 + 2 * H, quitus_document="PV-9")])
    assert rejected_rules(cancelled) == [("event_after_closure", "kind")]


def test_every_field_an_event_moves_is_one_the_store_writes_back():
    """A stored ticket is updated in store.TICKET_STATE_COLUMNS only: a field that some event
    changes but that list lacks would be silently lost at the next batch."""
    from dataclasses import asdict

    from services.interventions.domain.events import KINDS
    from services.interventions.domain.lifecycle import TicketState
    from services.interventions.store import TICKET_STATE_COLUMNS

    def fresh() -> TicketState:
        return TicketState(
            "C1/T-1",
            "C1",
            "T-1",
            "K1",
            "MS-CUR",
            "plumbing",
            "CURATIVE",
            "normal",
            "B1",
            "U1",
            None,
            "leak",
            requested_at=1_000,
            intervene_hours=24.0,
            repair_hours=72.0,
        )

    moved = set()
    for kind in KINDS:
        state = fresh()
        before = asdict(state)
        if kind == "VISIT_ENDED":
            state.apply("VISIT_STARTED", 2_000, 2, visit_number=1)
        state.apply(kind, 3_000, 3, visit_number=1, cost_eur=90.0)
        state.refresh_status()
        moved |= {name for name, value in asdict(state).items() if value != before[name]}
    assert moved  # the loop did change states
    assert moved <= set(TICKET_STATE_COLUMNS)
