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
    # one year alone is the history's last: first-time fix 80 %, 80 % of the plan visits done
    assert interventions.HISTORY[-1] == interventions.YearProfile((0.80, 0.15, 0.05), 0.80)
    assert 0.77 <= visits.count(1) / len(visits) <= 0.83
    lifts = sum(1 for e in p.equipment if e.kind == "lift")
    lift_visits = sum(1 for e in requests if e.service_code == "LIFT-PRV")
    # a visit due every 42 days, 80 % of them done (82 % ordered: 2 % of the orders are cancelled)
    assert 365 / 42 * 0.75 <= lift_visits / lifts <= 365 / 42 * 0.9
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


THIRD_VISIT_NO_PLAN = interventions.YearProfile((0.0, 0.0, 1.0), 0.0)
FIRST_VISIT_EVERY_PLAN = interventions.YearProfile((1.0, 0.0, 0.0), 1.0)
RULES = {
    "unknown_unit",
    "unknown_service_code",
    "unknown_criticality",
    "unknown_intervention",
    "event_before_request",
    "contract_not_covering_building",
    "visit_end_before_start",
    "visit_end_without_start",
    "curative_resolved_without_visit",
    "invalid_value",
    "missing_field",
    "event_after_closure",
}


@pytest.fixture(scope="module")
def three_years():
    """(portfolio, events, good tickets) of 2023-2025 at 2000 dwellings, the demo's HISTORY."""
    p = portfolio.generate_portfolio(2000, 11)
    c = contracts.generate_contractors(p, 11)
    events = interventions.generate_events(p, c, 11, datetime(2023, 1, 1, tzinfo=UTC), END)
    return p, events, _good_tickets(events)


def test_each_calendar_year_takes_its_profile_and_the_last_year_the_last():
    """History (every curative intervention at its third visit, no plan visit done), then (first
    visit, every plan visit done). Over 2024-2025, 2024 takes the first and 2025 the second:
    every resolved curative intervention requested in 2024 took 3 visits, in 2025 one, and no
    plan visit is requested before 27 December 2024 (a plan visit due in 2025 is ordered 1 to 5
    days ahead). Over 2025 alone, the last profile: one visit each. Over 2023-2025, one year more
    than profiles: 2023 takes the first as well, 3 visits each."""
    history = (THIRD_VISIT_NO_PLAN, FIRST_VISIT_EVERY_PLAN)
    p = portfolio.generate_portfolio(300, 5)
    c = contracts.generate_contractors(p, 5)

    def visits_by_year(start):
        events = interventions.generate_events(p, c, 5, start, END, history=history)
        return events, {year: set(v) for year, v in _curative_visits(_good_tickets(events)).items()}

    events, visits = visits_by_year(datetime(2024, 1, 1, tzinfo=UTC))
    assert visits == {2024: {3}, 2025: {1}}
    plan_requests = [_at(e) for e in events if e.kind == pb.EVENT_KIND_REQUESTED and e.service_code.endswith("-PRV")]
    assert plan_requests and min(plan_requests) >= datetime(2024, 12, 27, tzinfo=UTC)
    assert visits_by_year(START)[1] == {2025: {1}}
    assert visits_by_year(datetime(2023, 1, 1, tzinfo=UTC))[1] == {2023: {3}, 2024: {3}, 2025: {1}}


def test_three_years_show_the_trend_with_the_same_volumes_and_mess(three_years):
    """The demo's HISTORY gives 1x0.60 + 2x0.28 + 3x0.12 = 1.52 visits per curative
    intervention in 2023, 0.70 + 0.44 + 0.24 = 1.38 in 2024, 0.80 + 0.30 + 0.15 = 1.25 in 2025,
    in every trade. Counted from the events (curative interventions requested in the year,
    resolved, their records good): each trade's figure falls strictly year on year and lies
    within 0.06 of its profile's. As more plan visits are done (60, 70, 80 %), the preventive
    share of preventive + curative (cancelled left out) rises strictly, while multiservice
    repairs make up about 5.9 interventions per dwelling every year. Every rule is broken
    somewhere, some closures lack a quitus and a few records are re-sent."""
    p, events, tickets = three_years
    visits = _curative_visits(tickets, by_code=True)
    expected = {2023: 1.52, 2024: 1.38, 2025: 1.25}
    assert [round(h.visits_per_intervention, 2) for h in interventions.HISTORY] == list(expected.values())
    codes = {code for year in visits.values() for code in year}
    assert codes == {"MS-CUR", "HEAT-CUR", "LIFT-CUR", "DOOR-CUR"}
    for code in codes:
        per_year = [statistics.mean(visits[year][code]) for year in (2023, 2024, 2025)]
        assert per_year[0] > per_year[1] > per_year[2], (code, per_year)
        for year, vpi in zip((2023, 2024, 2025), per_year, strict=True):
            assert abs(vpi - expected[year]) <= 0.06, (code, year, vpi)

    natures, requests = Counter(), Counter()
    for evs in tickets.values():
        year = _at(evs[0]).year
        requests[year] += 1
        if not any(e.kind == pb.EVENT_KIND_CANCELLED for e in evs):
            natures[year, evs[0].service_code.split("-")[-1]] += 1
    shares = [natures[y, "PRV"] / (natures[y, "PRV"] + natures[y, "CUR"]) for y in (2023, 2024, 2025)]
    assert shares[0] < shares[1] < shares[2], shares
    assert all(5.6 <= requests[y] / p.dwellings <= 6.2 for y in (2023, 2024, 2025)), requests

    bad, warnings, duplicates = interventions.expected_issues(events)
    assert set(bad) == RULES
    assert warnings["closed_without_quitus"] > 0 and duplicates > 0


def test_plan_visits_done_rise_as_the_history_says(three_years):
    """A lift plan calls for a visit every 42 days: 365 / 42 = 8.69 visits per lift in 2023 and
    2025, 366 / 42 = 8.71 in 2024. Preventive lift visits done (requested in the year, not
    cancelled) per lift and visit due: within 0.04 of the profile's 60, 70 and 80 % (each lift's
    first due day, the cancellations drawn at random and the visits due early in January but
    ordered in December move a year's figure by a point or two)."""
    p, _, tickets = three_years
    lifts = sum(1 for e in p.equipment if e.kind == "lift")
    done = Counter()
    for evs in tickets.values():
        if evs[0].service_code == "LIFT-PRV" and not any(e.kind == pb.EVENT_KIND_CANCELLED for e in evs):
            done[_at(evs[0]).year] += 1
    for year, days, profile in zip((2023, 2024, 2025), (365, 366, 365), interventions.HISTORY, strict=True):
        share = done[year] / (lifts * days / 42)
        assert abs(share - profile.plan_visits_done) <= 0.04, (year, share)


def test_tickets_run_on_across_new_year_and_are_recorded_in_order(three_years):
    """One history, not three years cut apart: tickets requested in late December are closed in
    January, every event is recorded after it happened and in order, within the period."""
    _, events, tickets = three_years
    times = [(e.event_time.seconds, e.recorded_at.seconds) for e in events]
    assert [r for _, r in times] == sorted(r for _, r in times)
    assert datetime(2023, 1, 1, tzinfo=UTC).timestamp() <= times[0][1] and times[-1][1] < END.timestamp()
    assert all(t <= r for t, r in times)
    across = {
        _at(evs[0]).year
        for evs in tickets.values()
        if any(e.kind == pb.EVENT_KIND_CLOSED and _at(e).year == _at(evs[0]).year + 1 for e in evs)
    }
    assert across == {2023, 2024}


def _at(event) -> datetime:
    return datetime.fromtimestamp(event.event_time.seconds, UTC)


def _good_tickets(events) -> dict:
    """Tickets opened by a good REQUESTED, with their good records only."""
    tickets = _by_ticket(e for e in events if not e.note.startswith(BAD))
    return {key: evs for key, evs in tickets.items() if evs[0].kind == pb.EVENT_KIND_REQUESTED}


def _curative_visits(tickets: dict, by_code: bool = False) -> dict:
    """Year of request -> visits of each curative intervention resolved (-> per service code)."""
    visits: dict = defaultdict(lambda: defaultdict(list)) if by_code else defaultdict(list)
    for evs in tickets.values():
        code = evs[0].service_code
        if not code.endswith("-CUR") or not any(e.kind == pb.EVENT_KIND_RESOLVED for e in evs):
            continue
        n = len({e.visit_number for e in evs if e.kind == pb.EVENT_KIND_VISIT_STARTED})
        year = _at(evs[0]).year
        (visits[year][code] if by_code else visits[year]).append(n)
    return visits
