"""Facts derived from the event log as known at a cut-off, and deadline status, on hand-made logs.

Ticket A (curative, normal: intervene 24 h, repair 72 h), requested T0:
  visit 1 at T0+30h (late: > 24 h), visit 2 at T0+50h, resolved T0+60h (within 72 h), cost 120
  -> visits 2, not first-time fix, intervene MISSED, repair MET, status RESOLVED.
  The resolution was only recorded at T0+100h: as of T0+80h, A is IN_PROGRESS, repair PENDING
  (80 h > 72 h is past the deadline though, so MISSED). As of T0+70h: PENDING.
Ticket B (curative), requested T0+1h, nothing else: as of T0+30h intervene MISSED (29 h > 24 h).
Ticket C requested but its REQUESTED recorded at T0+200h: absent from any earlier cut-off.
"""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from services.interventions.domain.deadlines import deadline_lines
from services.interventions.domain.facts import derive_facts
from services.interventions.domain.lifecycle import status_of

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
H = timedelta(hours=1)
DT = pl.Datetime("us", "UTC")


def tickets() -> pl.DataFrame:
    rows = [
        (t, "C1", "K1", "MS-CUR", "multiservice", "CURATIVE", "normal", "B1", "U1", T0 + off * H, 0.5, 24.0, 72.0)
        for t, off in (("A", 0), ("B", 1), ("C", 0))
    ]
    return pl.DataFrame(
        rows,
        orient="row",
        schema={
            "id": pl.String,
            "contractor_id": pl.String,
            "contract_id": pl.String,
            "service_code": pl.String,
            "trade": pl.String,
            "nature": pl.String,
            "criticality": pl.String,
            "building_id": pl.String,
            "ug_id": pl.String,
            "requested_at": DT,
            "recoverable_share": pl.Float64,
            "intervene_hours": pl.Float64,
            "repair_hours": pl.Float64,
        },
    )


def events() -> pl.DataFrame:
    rows = [  # (ticket, seq, kind, happened h, recorded h, cost)
        ("A", 1, "REQUESTED", 0, 0, 0),
        ("A", 2, "VISIT_STARTED", 30, 30, 0),
        ("A", 3, "VISIT_ENDED", 31, 31, 0),
        ("A", 4, "VISIT_STARTED", 50, 50, 0),
        ("A", 5, "VISIT_ENDED", 51, 51, 0),
        ("A", 6, "RESOLVED", 60, 100, 120),
        ("B", 1, "REQUESTED", 1, 1, 0),
        ("C", 1, "REQUESTED", 0, 200, 0),
    ]
    return pl.DataFrame(
        [(t, s, k, T0 + e * H, T0 + r * H, float(c)) for t, s, k, e, r, c in rows],
        orient="row",
        schema={
            "intervention_id": pl.String,
            "sequence": pl.Int32,
            "kind": pl.String,
            "event_time": DT,
            "recorded_at": DT,
            "cost_eur": pl.Float64,
        },
    )


def facts_at(hours: float) -> dict[str, dict]:
    return {r["id"]: r for r in derive_facts(tickets(), events(), T0 + hours * H).iter_rows(named=True)}


def test_facts_once_everything_is_known():
    a = facts_at(300)["A"]
    assert (a["status"], a["visits"], a["first_time_fix"], a["cost_eur"]) == ("RESOLVED", 2, False, 120.0)
    assert (a["intervene_deadline"], a["repair_deadline"]) == ("MISSED", "MET")
    assert a["first_visit_at"] == T0 + 30 * H and a["resolved_at"] == T0 + 60 * H


def test_an_event_recorded_after_the_cut_off_is_ignored():
    a = facts_at(80)["A"]
    assert (a["status"], a["resolved_at"], a["cost_eur"], a["repair_deadline"]) == ("IN_PROGRESS", None, 0.0, "MISSED")
    assert facts_at(70)["A"]["repair_deadline"] == "PENDING"


def test_a_ticket_requested_but_recorded_after_the_cut_off_is_absent():
    assert set(facts_at(150)) == {"A", "B"}
    assert set(facts_at(250)) == {"A", "B", "C"}


def test_an_open_ticket_misses_its_deadline_once_the_time_is_past():
    assert facts_at(20)["B"]["intervene_deadline"] == "PENDING"  # 19 h of 24
    assert facts_at(30)["B"]["intervene_deadline"] == "MISSED"  # 29 h of 24


def test_deadline_lines_mark_90_and_100_percent():
    # As of T0+23h: B has used 22 h of 24 (91.7 %): ALERT_90 on intervene; A's first visit is at 30 h,
    # so A has used 23 of 24 h: ALERT_90 too. Repair: A 23/72, B 22/72: ON_TRACK.
    at = T0 + 23 * H
    lines = deadline_lines(tickets(), derive_facts(tickets(), events(), at), at)
    got = {(r["id"], r["kind"]): (r["level"], round(r["used_share"], 4)) for r in lines.iter_rows(named=True)}
    assert got == {
        ("A", "intervene"): ("ALERT_90", round(23 / 24, 4)),
        ("B", "intervene"): ("ALERT_90", round(22 / 24, 4)),
        ("A", "repair"): ("ON_TRACK", round(23 / 72, 4)),
        ("B", "repair"): ("ON_TRACK", round(22 / 72, 4)),
    }
    later = T0 + 26 * H
    lines = deadline_lines(tickets(), derive_facts(tickets(), events(), later), later)
    assert lines.filter(pl.col("kind") == "intervene")["level"].to_list() == ["BREACHED", "BREACHED"]


def one_ticket(nature: str, log: list[tuple[str, float]]) -> dict:
    """Facts of ticket X (intervene 24 h, repair 72 h, requested T0) whose events, (kind, hour),
    were each recorded as they happened; as of T0+300h."""
    ticket = tickets().filter(pl.col("id") == "A").with_columns(pl.lit("X").alias("id"), pl.lit(nature).alias("nature"))
    rows = [("X", seq, kind, T0 + h * H, T0 + h * H, 0.0) for seq, (kind, h) in enumerate(log, start=1)]
    log_frame = pl.DataFrame(rows, orient="row", schema=events().schema)
    return derive_facts(ticket, log_frame, T0 + 300 * H).row(0, named=True)


def test_a_preventive_check_resolved_without_a_visit_intervened_when_resolved():
    x = one_ticket("PREVENTIVE", [("REQUESTED", 0), ("RESOLVED", 10)])
    assert (x["intervene_deadline"], x["repair_deadline"]) == ("MET", "MET")  # 10 h <= 24 h and <= 72 h


def test_closing_a_ticket_unresolved_stops_the_clock_but_is_no_repair():
    late = one_ticket("CURATIVE", [("REQUESTED", 0), ("VISIT_STARTED", 5), ("VISIT_ENDED", 6), ("CLOSED", 80)])
    assert (late["status"], late["intervene_deadline"], late["repair_deadline"]) == ("CLOSED", "MET", "MISSED")
    # closed at 10 h with nothing done: no deadline met, none missed yet (24 h and 72 h still running)
    early = one_ticket("CURATIVE", [("REQUESTED", 0), ("CLOSED", 10)])
    assert (early["intervene_deadline"], early["repair_deadline"]) == ("NO_DEADLINE", "NO_DEADLINE")


def test_a_cancellation_stops_the_clock_but_does_not_erase_a_miss():
    early = one_ticket("CURATIVE", [("REQUESTED", 0), ("CANCELLED", 10)])
    assert (early["intervene_deadline"], early["repair_deadline"]) == ("NO_DEADLINE", "NO_DEADLINE")
    late = one_ticket("CURATIVE", [("REQUESTED", 0), ("CANCELLED", 30)])  # 30 h: past 24, within 72
    assert (late["status"], late["intervene_deadline"], late["repair_deadline"]) == (
        "CANCELLED",
        "MISSED",
        "NO_DEADLINE",
    )


@pytest.mark.parametrize(
    ("log", "on_hold", "status"),
    [
        ([("VISIT_STARTED", 1), ("SUSPENDED", 2), ("RESOLVED", 3)], True, "RESOLVED"),  # resolved beats on hold
        ([("PLANNED", 1), ("VISIT_STARTED", 2), ("SUSPENDED", 3)], True, "ON_HOLD"),  # on hold beats in progress
        ([("SUSPENDED", 1), ("RESUMED", 2), ("VISIT_STARTED", 3)], False, "IN_PROGRESS"),
        ([("PLANNED", 1)], False, "SCHEDULED"),
        ([("RESOLVED", 1), ("CLOSED", 2)], False, "CLOSED"),
        ([("PLANNED", 1), ("CANCELLED", 2)], False, "CANCELLED"),
        ([], False, "OPEN"),
    ],
)
def test_status_precedence_is_the_same_in_the_facts_and_the_projection(log, on_hold, status):
    assert one_ticket("PREVENTIVE", [("REQUESTED", 0), *log])["status"] == status
    kinds = [k for k, _ in log]
    assert (
        status_of(
            cancelled="CANCELLED" in kinds,
            closed="CLOSED" in kinds,
            resolved="RESOLVED" in kinds,
            on_hold=on_hold,
            visits=kinds.count("VISIT_STARTED"),
            planned="PLANNED" in kinds,
        )
        == status
    )
