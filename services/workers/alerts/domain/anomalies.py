"""The consumption service's anomalies as alerts, and the two rules linking them to interventions.

- One fault, one alert. The detection already reports a stuck register once and leaves a heating
  meter's summer rest alone (season-aware); here, anomalies of the same kind of alert on the same
  meter whose windows touch or lie within ``gap`` of each other are one fault: the earliest raises
  the alert, the others join it.
- A leak or a heating anomaly with no intervention of a matching trade requested on its building
  from its window's start to ``days`` after it was found: ``anomaly_unattended``.
- A run of curative heating interventions on one building (``count`` within ``days``) while its
  heating meters show an anomaly: the repairs are not fixing the fault, ``heating_run``.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.workers.alerts.domain.alerts import (
    ANOMALY_UNATTENDED,
    ENERGY_ANOMALY,
    HEATING_RUN,
    METER_FAULT,
    WATER_LEAK,
    Alert,
    iso,
)
from services.workers.alerts.domain.deadlines import Ticket

# The consumption service's vocabulary (services/consumption/domain/vocab.py), which the events carry.
WATER_CARRIERS = ("cold_water", "hot_water")
HEATING_USAGES = ("heating", "heating_hot_water")
LEAK_KINDS = ("leak", "night_flow")
# Which trades answer which fault: a leak is the plumber's (multiservice contracts), heating the heating engineer's.
LEAK_TRADES = ("multiservice", "plumbing")
HEATING_TRADES = ("heating",)


@dataclass(frozen=True, slots=True)
class Anomaly:
    message_id: str
    meter_ref: str
    building_id: str
    carrier: str
    usage: str
    kind: str
    window_start: datetime
    window_end: datetime
    detected_at: datetime
    expected: float | None = None
    observed: float | None = None
    detail: str = ""

    @property
    def alert_kind(self) -> str:
        if self.kind in LEAK_KINDS:
            return WATER_LEAK
        return METER_FAULT if self.carrier in WATER_CARRIERS else ENERGY_ANOMALY

    @property
    def heating(self) -> bool:
        return self.usage in HEATING_USAGES

    @property
    def key(self) -> str:
        return f"anomaly/{self.message_id}"


def same_fault(a: Anomaly, b: Anomaly, gap: timedelta) -> bool:
    return (
        a.meter_ref == b.meter_ref
        and a.alert_kind == b.alert_kind
        and a.window_start <= b.window_end + gap
        and b.window_start <= a.window_end + gap
    )


def anomaly_alerts(
    new: Sequence[Anomaly], known: Iterable[tuple[Anomaly, str]], gap: timedelta = timedelta(days=1)
) -> tuple[list[Alert], dict[str, str]]:
    """``new`` anomalies (not judged yet) against ``known`` ((anomaly, its fault) judged before,
    on the same meters). -> (the alerts, one per new fault; for each new anomaly, its fault: the
    message id of the fault's first anomaly). An anomaly touching any anomaly of a fault, its
    first or one that joined it, joins it. ``new`` is taken in window order, so a fault's first
    anomaly is its earliest."""
    members = list(known)
    alerts, faults = [], {}
    for anomaly in sorted(new, key=lambda a: (a.window_start, a.meter_ref, a.kind)):
        fault = next((f for member, f in members if same_fault(member, anomaly, gap)), None)
        if fault is None:
            fault = anomaly.message_id
            alerts.append(_fault_alert(anomaly))
        faults[anomaly.message_id] = fault
        members.append((anomaly, fault))
    return alerts, faults


def _fault_alert(a: Anomaly) -> Alert:
    what = {WATER_LEAK: "water leak suspected", METER_FAULT: "water meter fault", ENERGY_ANOMALY: "energy anomaly"}
    return Alert(
        key=a.key,
        kind=a.alert_kind,
        subject=a.meter_ref,
        due_at=a.detected_at,
        message=f"{what[a.alert_kind]} on meter {a.meter_ref} (building {a.building_id}, {a.usage}): {a.kind} "
        f"from {iso(a.window_start)} to {iso(a.window_end)}" + (f"; {a.detail}" if a.detail else ""),
        building_id=a.building_id,
        details={
            "meter_ref": a.meter_ref,
            "anomaly": a.kind,
            "carrier": a.carrier,
            "usage": a.usage,
            "window_start": iso(a.window_start),
            "window_end": iso(a.window_end),
            "expected": a.expected,
            "observed": a.observed,
        },
    )


def matching_trades(anomaly: Anomaly) -> tuple[str, ...] | None:
    """The trades an intervention answering this fault belongs to; None: no rule for it."""
    if anomaly.alert_kind == WATER_LEAK:
        return LEAK_TRADES
    if anomaly.heating:
        return HEATING_TRADES
    return None


def unattended_alert(anomaly: Anomaly, tickets: Iterable[Ticket], now: datetime, days: int) -> Alert | None:
    """For a fault's first anomaly once ``days`` have passed since it was found (None before, and
    for a fault no trade answers): an alert if no ticket of a matching trade was requested on its
    building from the start of its window to that moment, else None."""
    trades = matching_trades(anomaly)
    until = anomaly.detected_at + timedelta(days=days)
    if trades is None or now < until:
        return None
    answered = any(
        t.building_id == anomaly.building_id and t.trade in trades and anomaly.window_start <= t.requested_at <= until
        for t in tickets
    )
    if answered:
        return None
    return Alert(
        key=f"unattended/{anomaly.message_id}",
        kind=ANOMALY_UNATTENDED,
        subject=anomaly.building_id,
        due_at=until,
        message=f"{anomaly.kind} on meter {anomaly.meter_ref} (building {anomaly.building_id}) found "
        f"{iso(anomaly.detected_at)}: no {' or '.join(trades)} intervention requested within {days} days",
        building_id=anomaly.building_id,
        details={"meter_ref": anomaly.meter_ref, "anomaly": anomaly.kind, "days": days, "anomaly_key": anomaly.key},
    )


def is_curative_heating(ticket: Ticket) -> bool:
    return ticket.trade in HEATING_TRADES and ticket.nature.upper() == "CURATIVE"


def heating_runs(
    tickets: Iterable[Ticket],
    anomalies: Iterable[Anomaly],
    *,
    count: int,
    days: int,
    claimed: Collection[str] = (),
) -> list[Alert]:
    """Per building: each run of at least ``count`` curative heating interventions, each
    requested within ``days`` of the run's first, during or after which (up to the last request) a
    heating meter of the building showed an anomaly. A run is named by its first intervention.
    A ticket belongs to one run at most: those of ``claimed`` (in runs alerted before) are left
    out, so a growing run or a later look at a shorter span raises nothing again."""
    by_building: dict[str, list[Ticket]] = {}
    for t in tickets:
        if is_curative_heating(t) and t.intervention_id not in claimed:
            by_building.setdefault(t.building_id, []).append(t)
    faults: dict[str, list[Anomaly]] = {}
    for a in anomalies:
        if a.heating:
            faults.setdefault(a.building_id, []).append(a)
    alerts = []
    span = timedelta(days=days)
    for building, run_tickets in sorted(by_building.items()):
        ordered = sorted(run_tickets, key=lambda t: (t.requested_at, t.intervention_id))
        i = 0
        while i < len(ordered):
            first = ordered[i]
            run = [t for t in ordered[i:] if t.requested_at <= first.requested_at + span]
            if len(run) < count:
                i += 1
                continue
            last = run[-1]
            shown = [
                a
                for a in faults.get(building, [])
                if a.window_start <= last.requested_at and a.window_end >= first.requested_at - span
            ]
            if shown:
                alerts.append(_run_alert(building, run, shown, days))
            i += len(run)
    return alerts


def _run_alert(building: str, run: list[Ticket], shown: list[Anomaly], days: int) -> Alert:
    first = run[0]
    kinds = sorted({a.kind for a in shown})
    return Alert(
        key=f"heating_run/{building}/{first.intervention_id}",
        kind=HEATING_RUN,
        subject=building,
        due_at=max(run[-1].requested_at, *(a.detected_at for a in shown)),
        message=f"building {building}: {len(run)} curative heating interventions within {days} days from "
        f"{iso(first.requested_at)} while its heating consumption shows {', '.join(kinds)}",
        building_id=building,
        details={
            "interventions": ",".join(t.intervention_id for t in run),
            "first_requested_at": iso(first.requested_at),
            "anomalies": ",".join(kinds),
        },
    )
