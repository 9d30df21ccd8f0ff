"""The demo generator: deterministic, with the ratios of the seed talk's landlord."""

import hashlib
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime

import pytest

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.demo import contracts, interventions, portfolio

START, END = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
BAD = interventions.BAD_NOTE


def generate(dwellings: int, seed: int, **kwargs):
    p = portfolio.generate_portfolio(dwellings, seed)
    c = contracts.generate_contractors(p, seed)
    return p, c, interventions.generate_events(p, c, seed, START, END, **kwargs)


def digest(dwellings: int, seed: int) -> str:
    p, c, events = generate(dwellings, seed)
    h = hashlib.sha256()
    for record in portfolio.records(p) + contracts.records(c):
        h.update(record.SerializeToString(deterministic=True))
    for batch in interventions.batches(events, 1000):
        h.update(batch.SerializeToString(deterministic=True))
    return h.hexdigest()


@pytest.fixture(scope="module")
def demo():
    return generate(2000, 11)


def test_same_seed_same_bytes_and_another_seed_differs():
    assert digest(300, 5) == digest(300, 5)
    assert digest(300, 5) != digest(300, 6)


def test_portfolio_shape(demo):
    p, _, _ = demo
    assert p.dwellings == 2000
    assert 5 <= len(p.territories) <= 8
    dwellings_per_building = Counter()
    for u in p.units:
        dwellings_per_building[u.building_id] += u.kind == "dwelling"
    assert sum(dwellings_per_building.values()) == 2000
    assert {u.kind for u in p.units} == {"dwelling", "parking"}
    assert len({u.ug_id for u in p.units}) == len(p.units)
    for b in p.buildings:
        assert dwellings_per_building[b.id] == b.dwellings
        assert 8 <= b.dwellings <= 67
        assert 25 * b.dwellings <= b.heated_area_m2 <= 120 * b.dwellings
    size = {b.id: b.dwellings for b in p.buildings}
    kinds = Counter(e.kind for e in p.equipment)
    assert kinds["lift"] > 0 and kinds["boiler_room"] > 0 and kinds["car_park_door"] > 0
    assert all(size[e.building_id] > 20 for e in p.equipment if e.kind == "lift")
    heating = {b.id: b.heating_system for b in p.buildings}
    assert {heating[e.building_id] for e in p.equipment if e.kind == "boiler_room"} <= {"collective_gas", "heating_oil"}


def test_contractors_cover_every_building_for_every_trade(demo):
    p, c, _ = demo
    assert len(c.contractors) >= 6
    assert {b.contractor_id for b in c.bases} == {x.id for x in c.contractors}
    territory = {r.id: r.territory_id for r in p.residences}
    lift_plans = [plan for k in c.contracts for plan in k.preventive_plans if plan.equipment_kind == "lift"]
    assert lift_plans and all(plan.interval_days == 42 for plan in lift_plans)
    for trade in ("multiservice", "lift", "heating", "car_park_door", "cleaning"):
        covering = Counter()
        for k in c.contracts:
            if trade in k.trades:
                for b in p.buildings:
                    covering[b.id] += territory[b.residence_id] in k.territory_ids or b.residence_id in k.residence_ids
        assert all(covering[b.id] == 1 for b in p.buildings), trade


def test_ratios_of_one_year(demo):
    p, _, events = demo
    tickets = defaultdict(list)
    for e in events:
        tickets[(e.contractor_id, e.external_ref)].append(e)
    requests = [e for e in events if e.kind == pb.EVENT_KIND_REQUESTED and not e.note.startswith(BAD)]
    assert 4 <= len(requests) / p.dwellings <= 8
    curative = [
        evs
        for evs in tickets.values()
        if evs[0].service_code.endswith("-CUR")
        and not evs[0].note
        and any(e.kind == pb.EVENT_KIND_RESOLVED and not e.note for e in evs)
    ]
    visits = [len({e.visit_number for e in evs if e.kind == pb.EVENT_KIND_VISIT_STARTED}) for evs in curative]
    assert set(visits) == {1, 2, 3}
    assert 0.6 <= visits.count(1) / len(visits) <= 0.8  # first-time fix about 70 %
    lifts = sum(1 for e in p.equipment if e.kind == "lift")
    lift_visits = sum(1 for e in requests if e.service_code == "LIFT-PRV")
    assert 365 / 42 * 0.85 <= lift_visits / lifts <= 365 / 42 + 1  # a visit every 42 days, a few skipped
    open_at_end = [
        evs
        for evs in tickets.values()
        if evs[0].kind == pb.EVENT_KIND_REQUESTED
        and not evs[0].note
        and not any(e.kind in (pb.EVENT_KIND_CLOSED, pb.EVENT_KIND_CANCELLED) for e in evs)
    ]
    assert 0 < len(open_at_end) < 0.05 * len(tickets)
    assert (
        0
        < sum(1 for evs in tickets.values() if any(e.kind == pb.EVENT_KIND_CANCELLED for e in evs))
        < 0.05 * len(tickets)
    )


def test_events_are_consistent_and_sorted(demo):
    _, _, events = demo
    recorded = [e.recorded_at.seconds for e in events]
    assert recorded == sorted(recorded)
    assert START.timestamp() <= min(recorded) and max(recorded) < END.timestamp()
    assert all(e.event_time.seconds <= e.recorded_at.seconds for e in events)
    delays = [e.recorded_at.seconds - e.event_time.seconds for e in events if e.kind == pb.EVENT_KIND_REQUESTED]
    assert statistics.median(delays) < 3600 and max(delays) <= 86400 + 60
    sequences = defaultdict(list)
    for e in events:
        sequences[(e.contractor_id, e.external_ref)].append(e.sequence)
    for seqs in sequences.values():
        assert sorted(set(seqs)) == list(range(1, max(seqs) + 1))  # 1..n, re-sends aside
    first = {key: events_[0] for key, events_ in _by_ticket(events).items()}
    assert all(e.kind == pb.EVENT_KIND_REQUESTED for e in first.values() if not e.note.startswith(BAD))


def test_bad_records_are_about_the_share_asked(demo):
    _, _, events = demo
    bad, warnings, duplicates = interventions.expected_issues(events)
    assert 0.02 <= sum(bad.values()) / len(events) <= 0.04
    assert len(bad) >= 10 and min(bad.values()) > 0
    assert warnings["closed_without_quitus"] > 0 and duplicates > 0
    _, _, clean = generate(300, 11, bad_share=0.0)
    assert sum(interventions.expected_issues(clean)[0].values()) == 0


def _by_ticket(events):
    tickets = defaultdict(list)
    for e in events:
        tickets[(e.contractor_id, e.external_ref)].append(e)
    return tickets
