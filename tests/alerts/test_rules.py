"""The alert rules on hand-worked fixtures (services/workers/alerts/domain: pure, no I/O)."""

from datetime import UTC, datetime, timedelta

import pytest

from services.workers.alerts.domain.alerts import alert_id
from services.workers.alerts.domain.anomalies import Anomaly, anomaly_alerts, heating_runs, unattended_alert
from services.workers.alerts.domain.deadlines import Ticket, deadline_alerts, settled
from services.workers.alerts.domain.delivery import retry_delay_s, signature
from services.workers.alerts.domain.events import BadEvent, TicketEvent, read_event
from services.workers.alerts.domain.quality import Counts, quality_alert, window_quality

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)


def ticket(**changes) -> Ticket:
    """Requested at T0 with 24 h to intervene and 72 h to repair (tests/interventions' MS-CUR normal)."""
    fields = dict(
        intervention_id="I1",
        contractor_id="C1",
        building_id="B1",
        requested_at=T0,
        intervene_hours=24.0,
        repair_hours=72.0,
        trade="multiservice",
        nature="CURATIVE",
    )
    return Ticket(**{**fields, **changes})


def keys(alerts) -> list[str]:
    return sorted(a.key for a in alerts)


# -- deadlines: 90 % of 24 h is 21.6 h (T0 + 21:36), of 72 h 64.8 h (T0 + 64:48) ----------------------


def test_nothing_before_90_percent_of_the_time_to_intervene():
    assert deadline_alerts(ticket(), T0 + 21 * H) == []


def test_the_90_percent_alert_is_due_at_its_very_instant():
    (alert,) = deadline_alerts(ticket(), T0 + timedelta(hours=21, minutes=36))
    assert (alert.key, alert.kind, alert.due_at) == (
        "deadline/I1/intervene/90",
        "deadline_alert",
        T0 + timedelta(hours=21, minutes=36),
    )
    assert (alert.building_id, alert.contractor_id, alert.details["allowed_hours"]) == ("B1", "C1", 24.0)


def test_past_100_percent_both_thresholds_are_due_and_a_late_sweep_still_raises_them():
    """A sweep at T0 + 30 h that missed both moments: 90 % (21.6 h) and 100 % (24 h), not the repair's 64.8 h."""
    alerts = deadline_alerts(ticket(), T0 + 30 * H)
    assert keys(alerts) == ["deadline/I1/intervene/100", "deadline/I1/intervene/90"]
    assert {a.key: a.due_at for a in alerts}["deadline/I1/intervene/100"] == T0 + 24 * H


def test_a_visit_stops_the_time_to_intervene():
    """Visit at 22 h: the 90 % alert (21.6 h) stands, the breach (24 h) never comes."""
    assert keys(deadline_alerts(ticket(first_visit_at=T0 + 22 * H), T0 + 60 * H)) == ["deadline/I1/intervene/90"]


def test_a_visit_at_the_deadline_itself_is_in_time():
    assert keys(deadline_alerts(ticket(first_visit_at=T0 + 24 * H), T0 + 60 * H)) == ["deadline/I1/intervene/90"]


def test_the_time_to_repair_runs_until_resolution():
    """Visit at 2 h, resolved at 70 h: repair 90 % (64.8 h) raised, 100 % (72 h) not; intervene nothing."""
    alerts = deadline_alerts(ticket(first_visit_at=T0 + 2 * H, ended_at=T0 + 70 * H), T0 + 100 * H)
    assert keys(alerts) == ["deadline/I1/repair/90"]
    assert alerts[0].due_at == T0 + timedelta(hours=64, minutes=48)


def test_a_ticket_cancelled_early_raises_nothing_ever():
    assert deadline_alerts(ticket(ended_at=T0 + 10 * H), T0 + 1000 * H) == []


def test_the_alert_share_can_be_set():
    """At 80 %: 19.2 h of 24 h."""
    assert keys(deadline_alerts(ticket(), T0 + 20 * H, alert_share=0.8)) == ["deadline/I1/intervene/80"]


def test_a_ticket_is_settled_once_nothing_more_can_come_of_it():
    assert not settled(ticket(), T0 + 30 * H)  # the repair's 72 h still running
    assert settled(ticket(), T0 + 72 * H)
    assert settled(ticket(ended_at=T0 + 5 * H), T0 + 6 * H)
    # an end the sweep's clock has not reached yet settles nothing
    assert not settled(ticket(ended_at=T0 + 50 * H), T0 + 6 * H)


def test_an_alert_id_is_the_same_for_the_same_key():
    assert alert_id("deadline/I1/intervene/90") == alert_id("deadline/I1/intervene/90")
    assert alert_id("deadline/I1/intervene/90") != alert_id("deadline/I1/intervene/100")


# -- anomalies --------------------------------------------------------------------------------------


def anomaly(
    message_id, kind, start, end, *, meter="M1", building="B1", carrier="electricity", usage="common_electricity"
):
    return Anomaly(
        message_id=message_id,
        meter_ref=meter,
        building_id=building,
        carrier=carrier,
        usage=usage,
        kind=kind,
        window_start=start,
        window_end=end,
        detected_at=end + 10 * H,
    )


def test_each_kind_of_anomaly_gets_its_kind_of_alert():
    leak = anomaly("a", "leak", T0, T0 + D, carrier="cold_water", usage="water")
    stuck_water = anomaly("b", "stuck_register", T0, T0 + D, meter="W2", carrier="cold_water", usage="water")
    spike = anomaly("c", "spike", T0, T0 + D, meter="E3")
    alerts, faults = anomaly_alerts([leak, stuck_water, spike], [])
    assert sorted((a.subject, a.kind) for a in alerts) == [
        ("E3", "energy_anomaly"),
        ("M1", "water_leak"),
        ("W2", "meter_fault"),
    ]
    assert faults == {"a": "a", "b": "b", "c": "c"}


def test_anomalies_of_one_meter_that_touch_are_one_fault():
    """A stuck register 21 March - 5 April and a spike 5 - 6 April on M1 (the detection's 'high days
    after the catch-up'): one fault, alerted once, by its first anomaly. A spike on M1 from 10 April
    (4 days after, gap 1 day) and a spike on M2 the same days are faults of their own."""
    stuck = anomaly("stuck", "stuck_register", T0 + 19 * D, T0 + 34 * D)
    after = anomaly("after", "spike", T0 + 34 * D, T0 + 35 * D)
    later = anomaly("later", "spike", T0 + 39 * D, T0 + 40 * D)
    other = anomaly("other", "spike", T0 + 34 * D, T0 + 35 * D, meter="M2")
    alerts, faults = anomaly_alerts([after, later, stuck, other], [])
    assert keys(alerts) == ["anomaly/later", "anomaly/other", "anomaly/stuck"]
    assert faults == {"stuck": "stuck", "after": "stuck", "later": "later", "other": "other"}


def test_an_anomaly_touching_any_anomaly_of_a_fault_already_alerted_raises_nothing():
    """The fault: a flat line (days 0 - 5) and a spike that joined it (days 5 - 6). A spike on days
    7 - 8 is 6 days after the flat line but 1 day after the joined spike: the same fault."""
    known = [
        (anomaly("first", "flat_line", T0, T0 + 5 * D), "first"),
        (anomaly("next", "spike", T0 + 5 * D, T0 + 6 * D), "first"),
    ]
    alerts, faults = anomaly_alerts([anomaly("third", "spike", T0 + 7 * D, T0 + 8 * D)], known)
    assert (alerts, faults) == ([], {"third": "first"})


def leak_on_b1() -> Anomaly:
    """Window 2 - 3 March, found 3 March 18:00 (window end + 10 h): 7 days later is 10 March 18:00."""
    return anomaly("leak1", "leak", T0, T0 + D, carrier="cold_water", usage="water")


@pytest.mark.parametrize(
    ("requested", "building", "trade", "alerted"),
    [
        (T0 + 3 * D, "B1", "multiservice", False),  # a plumber called on the building in time
        (T0 + 9 * D, "B1", "multiservice", True),  # after 10 March 18:00 (T0 + 8 d 10 h)
        (T0 + 3 * D, "B2", "multiservice", True),  # another building
        (T0 + 3 * D, "B1", "heating", True),  # the wrong trade
        (T0 - D, "B1", "multiservice", True),  # before the leak began
    ],
)
def test_a_leak_with_no_matching_intervention_within_7_days(requested, building, trade, alerted):
    leak = leak_on_b1()
    tickets = [ticket(intervention_id="I9", requested_at=requested, building_id=building, trade=trade)]
    now = T0 + 20 * D
    alert = unattended_alert(leak, tickets, now, days=7)
    assert (alert is not None) == alerted
    if alert:
        assert (alert.key, alert.kind, alert.subject) == ("unattended/leak1", "anomaly_unattended", "B1")
        assert alert.due_at == leak.detected_at + 7 * D


def test_a_fault_is_not_judged_unattended_before_its_days_have_passed():
    leak = leak_on_b1()
    assert unattended_alert(leak, [], leak.detected_at + 7 * D - H, days=7) is None
    assert unattended_alert(leak, [], leak.detected_at + 7 * D, days=7) is not None


def test_an_electricity_spike_has_no_trade_to_wait_for():
    assert unattended_alert(anomaly("s", "spike", T0, T0 + D), [], T0 + 30 * D, days=7) is None


def heating(intervention_id, day, building="B1", nature="CURATIVE"):
    return ticket(
        intervention_id=intervention_id, requested_at=T0 + day * D, building_id=building, trade="heating", nature=nature
    )


def boiler_fault(building="B1", usage="heating"):
    """A heating flat line 10 - 25 days after T0."""
    return anomaly("f", "flat_line", T0 + 10 * D, T0 + 25 * D, building=building, carrier="natural_gas", usage=usage)


def test_three_curative_heating_interventions_within_60_days_while_the_heating_shows_a_fault():
    """B1: curative heating on days 0, 19, 45 (within 60 days of the first) and 80 (alone); a
    preventive one on day 5 does not count. The flat line (days 10 - 25) lies within the run: one
    alert named by the first intervention."""
    tickets = [heating("H1", 0), heating("P1", 5, nature="PREVENTIVE"), heating("H2", 19), heating("H3", 45)]
    tickets.append(heating("H4", 80))
    (alert,) = heating_runs(tickets, [boiler_fault()], count=3, days=60)
    assert (alert.key, alert.kind, alert.subject) == ("heating_run/B1/H1", "heating_run", "B1")
    assert alert.details["interventions"] == "H1,H2,H3"


def test_a_growing_run_is_the_same_alert():
    tickets = [heating("H1", 0), heating("H2", 19), heating("H3", 45), heating("H3b", 50)]
    assert keys(heating_runs(tickets, [boiler_fault()], count=3, days=60)) == ["heating_run/B1/H1"]


def test_tickets_of_a_run_alerted_before_make_no_new_run():
    """H1, H2, H3 were alerted as a run. Looking at a later span (from H2 on), H2, H3 and H5 (day
    70, within 60 days of H2) would make a run of their own if H2 and H3 were free: they are not,
    and H4 (day 50), H5 alone make none."""
    tickets = [heating("H2", 19), heating("H3", 45), heating("H4", 50), heating("H5", 70)]
    claimed = {"H1", "H2", "H3"}
    assert heating_runs(tickets, [boiler_fault()], count=3, days=60, claimed=claimed) == []
    assert keys(heating_runs(tickets, [boiler_fault()], count=3, days=60)) == ["heating_run/B1/H2"]


def test_no_run_alert_without_a_heating_fault_on_the_building():
    tickets = [heating("H1", 0), heating("H2", 19), heating("H3", 45)]
    assert heating_runs(tickets, [], count=3, days=60) == []
    assert heating_runs(tickets, [boiler_fault(building="B2")], count=3, days=60) == []
    assert heating_runs(tickets, [boiler_fault(usage="common_electricity")], count=3, days=60) == []


def test_two_curative_interventions_are_no_run():
    assert heating_runs([heating("H1", 0), heating("H2", 19)], [boiler_fault()], count=3, days=60) == []


# -- data quality ------------------------------------------------------------------------------------


def test_the_window_quality_is_the_difference_of_two_cut_offs():
    """By the start: 100 received, 95 accepted, 2 warned (93 passing); by the end: 300, 280, 10 (270
    passing). The window: 200 received, 177 passing: 88.5 %."""
    q = window_quality("C1", Counts(100, 95, 2), Counts(300, 280, 10))
    assert q is not None and (q.received, q.passing) == (200, 177)
    assert q.share == pytest.approx(0.885)


def test_a_contractor_with_nothing_received_in_the_window_has_no_figure():
    assert window_quality("C1", Counts(100, 95, 2), Counts(100, 95, 2)) is None


def test_one_quality_alert_per_episode_under_the_target():
    now = T0
    low = window_quality("C1", None, Counts(200, 180, 3))  # 177 / 200 = 88.5 %
    assert low is not None
    alert, since = quality_alert(low, None, now)
    assert alert is not None and (alert.kind, alert.subject, since) == ("data_quality", "C1", now)
    assert alert.details["share"] == pytest.approx(0.885)
    # the next sweep, still under: nothing new, the episode goes on
    assert quality_alert(low, since, now + H) == (None, now)
    # back to 96 %: the episode ends; a fall after it is a new episode and a new alert
    good = window_quality("C1", None, Counts(100, 96, 0))
    assert good is not None and quality_alert(good, since, now + 2 * H) == (None, None)
    again, since_again = quality_alert(low, None, now + 3 * H)
    assert again is not None and again.key != alert.key and since_again == now + 3 * H


# -- delivery ----------------------------------------------------------------------------------------


def test_the_signature_is_hmac_sha256_of_the_body():
    """The RFC 2104 example widely published: key "key", "The quick brown fox jumps over the lazy dog"."""
    body = b"The quick brown fox jumps over the lazy dog"
    assert signature(body, "key") == "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"


def test_retries_back_off_doubling_up_to_a_ceiling():
    assert [retry_delay_s(n, 5, 60) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]


# -- events ------------------------------------------------------------------------------------------


def test_a_request_event_gives_a_ticket_and_a_visit_an_instant():
    requested = read_event(
        "interventions/I1#1",
        "interventions.requested",
        {
            "intervention_id": "I1",
            "contractor_id": "C1",
            "building_id": "B1",
            "sequence": 1,
            "kind": "REQUESTED",
            "event_time": "2026-03-02T08:00:00.000000Z",
            "trade": "multiservice",
            "nature": "CURATIVE",
            "intervene_hours": 24.0,
            "repair_hours": 72.0,
            "ug_id": "U1",
        },
    )
    assert requested == ticket()
    visit = read_event(
        "interventions/I1#2",
        "interventions.visit_started",
        {"intervention_id": "I1", "event_time": "2026-03-02T10:00:00Z", "visit_number": 1},
    )
    assert visit == TicketEvent("interventions/I1#2", "I1", "VISIT_STARTED", T0 + 2 * H)
    assert read_event("x", "consumption.readings_accepted", {}) is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"intervention_id": "I1", "event_time": "yesterday"}, "event_time"),
        ({"intervention_id": "I1", "event_time": "2026-03-02T10:00:00"}, "event_time"),
        ({"event_time": "2026-03-02T10:00:00Z"}, "intervention_id"),
    ],
)
def test_an_unreadable_event_names_its_message_and_field(payload, field):
    with pytest.raises(BadEvent, match=f"interventions/I1#2: {field}"):
        read_event("interventions/I1#2", "interventions.closed", payload)
