"""GetDeadlineStatus at a past instant (issue 13's bench: the replay of every history took 147 s
at 85,000 dwellings): which tickets were open, and since when visited, is grouped from the event
log in the database as known at that instant. It must give what the replay of the tickets'
histories gives (domain.facts then domain.deadlines, the reference), late-recorded events
included, on SQLite and PostgreSQL.

The fixture (contract K1: normal 24 h to intervene / 72 h to repair, urgent 4 h / 24 h), each
event backfilled with the instant it was recorded, looked at from AT = T0 + 20 h:

    ticket  events (happened @ recorded)                          known at AT
    T-A     requested T0 @ T0; visit T0+2h and resolved T0+5h,    requested only: open, no visit
            both @ T0+30h (reported late)
    T-B     requested T0+1h @ T0+25h (request reported late)      nothing: not a ticket yet
    T-C     urgent, requested T0-2h @ T0-2h; visit T0-1h @ T0-1h  visited: repair only runs
    T-D     requested T0-30h @ T0-30h; cancelled T0+10h @ T0+10h  cancelled: no line
    T-E     requested T0-30h @ T0-30h; visit T0-1h and resolved T0,  open, no visit
            both @ T0+40h (reported late)

Lines at AT, worst first (elapsed / allowed):
    T-E intervene 50 h / 24 h = 2.083  BREACHED
    T-C repair    22 h / 24 h = 0.917  ALERT_90
    T-A intervene 20 h / 24 h = 0.833  ON_TRACK
    T-E repair    50 h / 72 h = 0.694  ON_TRACK
    T-A repair    20 h / 72 h = 0.278  ON_TRACK
so 3 on track, 1 at 90 %, 1 breached. From T0 + 41 h every late event is known: T-A and T-E are
resolved, T-C (repair 43 h / 24 h) is breached, T-B (intervene and repair, 40 h / 24 h and
40 h / 72 h) has its two lines.
"""

from datetime import timedelta

import pytest

from services.runtime.principal import Principal, Role
from tests.interventions.backfill import backfilled, recorded
from tests.interventions.portfolio_fixture import T0, event, request

H = timedelta(hours=1)
ADMIN = Principal(Role.ADMIN, "admin")
AT = T0 + 20 * H
ALL_KNOWN = T0 + 41 * H


@pytest.fixture
def late(database):
    with backfilled(
        database,
        [
            recorded(request("C1", "T-A", T0), T0),
            recorded(event("C1", "T-A", 2, "VISIT_STARTED", T0 + 2 * H, visit_number=1), T0 + 30 * H),
            recorded(event("C1", "T-A", 3, "RESOLVED", T0 + 5 * H, cost_eur=90), T0 + 30 * H),
            recorded(request("C1", "T-B", T0 + H), T0 + 25 * H),
            recorded(request("C1", "T-C", T0 - 2 * H, criticality="urgent"), T0 - 2 * H),
            recorded(event("C1", "T-C", 2, "VISIT_STARTED", T0 - H, visit_number=1), T0 - H),
            recorded(request("C1", "T-D", T0 - 30 * H), T0 - 30 * H),
            recorded(event("C1", "T-D", 2, "CANCELLED", T0 + 10 * H), T0 + 10 * H),
            recorded(request("C1", "T-E", T0 - 30 * H), T0 - 30 * H),
            recorded(event("C1", "T-E", 2, "VISIT_STARTED", T0 - H, visit_number=1), T0 + 40 * H),
            recorded(event("C1", "T-E", 3, "RESOLVED", T0, cost_eur=90), T0 + 40 * H),
        ],
    ) as (service, acks):
        assert [(a.received, a.accepted) for a in acks] == [(11, 11)], [list(a.rejected) for a in acks]
        yield service


def _lines(report) -> list[tuple[str, str, float, str]]:
    return [(r["id"][-3:], r["kind"], round(r["used_share"], 3), r["level"]) for r in report.lines]


def test_open_tickets_at_a_past_instant_count_only_the_events_recorded_by_then(late):
    report = late.deadline_status(ADMIN, at=AT, contractor_id="", alerts_only=False, limit=100)
    assert _lines(report) == [
        ("T-E", "intervene", 2.083, "BREACHED"),
        ("T-C", "repair", 0.917, "ALERT_90"),
        ("T-A", "intervene", 0.833, "ON_TRACK"),
        ("T-E", "repair", 0.694, "ON_TRACK"),
        ("T-A", "repair", 0.278, "ON_TRACK"),
    ]
    assert (report.on_track, report.alert_90, report.breached) == (3, 1, 1)


def test_once_the_late_events_are_known_the_resolved_tickets_leave_and_the_late_request_arrives(late):
    report = late.deadline_status(ADMIN, at=ALL_KNOWN, contractor_id="", alerts_only=False, limit=100)
    assert _lines(report) == [
        ("T-C", "repair", round(43 / 24, 3), "BREACHED"),
        ("T-B", "intervene", round(40 / 24, 3), "BREACHED"),
        ("T-B", "repair", round(40 / 72, 3), "ON_TRACK"),
    ]


def test_the_database_answer_equals_the_replay_of_the_histories(late):
    """At instants before, between and after the late records, for every contractor filter, the
    alerts only or not, a page cut short or not (one fixture: the cases in a loop)."""
    from services.interventions.domain.deadlines import deadline_report

    compared = 0
    for at in (T0 - 29 * H, T0 - H, AT, T0 + 26 * H, T0 + 35 * H, ALL_KNOWN):
        for contractor in ("", "C1", "C2"):
            replay = late._deadline_lines(at, contractor)
            for alerts_only, limit in ((False, 100), (True, 100), (False, 2)):
                got = late.deadline_status(ADMIN, at=at, contractor_id=contractor, alerts_only=alerts_only, limit=limit)
                want = deadline_report(replay, alerts_only=alerts_only, limit=limit)
                case = (at, contractor, alerts_only, limit)
                assert (got.on_track, got.alert_90, got.breached) == (want.on_track, want.alert_90, want.breached), case
                assert [(r["id"], r["kind"], r["level"]) for r in got.lines] == [
                    (r["id"], r["kind"], r["level"]) for r in want.lines
                ], case
                for line, expected in zip(got.lines, want.lines, strict=True):
                    assert line["used_share"] == pytest.approx(expected["used_share"], rel=1e-6), case
                    assert line["elapsed_hours"] == pytest.approx(expected["elapsed_hours"], abs=1e-3), case
                compared += bool(got.lines)
    assert compared >= 20  # most cases have lines to compare


def test_many_changed_tickets_give_the_same_answer(late, monkeypatch):
    """Past LATE_BY_KEY tickets changed since the instant, their events are joined instead of
    listed; with the threshold at 0 every instant takes that path."""
    from services.interventions import store

    monkeypatch.setattr(store, "LATE_BY_KEY", 0)
    report = late.deadline_status(ADMIN, at=AT, contractor_id="", alerts_only=False, limit=100)
    assert (report.on_track, report.alert_90, report.breached) == (3, 1, 1)
    assert [(line[0], line[1]) for line in _lines(report)] == [
        ("T-E", "intervene"),
        ("T-C", "repair"),
        ("T-A", "intervene"),
        ("T-E", "repair"),
        ("T-A", "repair"),
    ]
