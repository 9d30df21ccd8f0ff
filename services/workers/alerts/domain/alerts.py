"""What an alert is, and its identity.

An alert's ``key`` names the condition it reports (this intervention's time to intervene past
90 %, this fault on this meter...): the same condition always gives the same key, which the
database keeps unique, so an alert is raised once however often a rule sees its condition. Its id
is derived from the key, so that a restarted sweep finding the condition again computes the same
id (the webhook's delivery id)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

_NAMESPACE = uuid.UUID("8c1f5d0e-3a57-4d53-9c0b-6a0c1f2f7a11")

DEADLINE_ALERT = "deadline_alert"  # past the alert share (90 %) of a time to intervene or to repair
DEADLINE_BREACHED = "deadline_breached"  # past 100 %
WATER_LEAK = "water_leak"
ENERGY_ANOMALY = "energy_anomaly"
METER_FAULT = "meter_fault"  # a water meter stuck, running backwards, or silent
DATA_QUALITY = "data_quality"
ANOMALY_UNATTENDED = "anomaly_unattended"
HEATING_RUN = "heating_run"
KINDS = (
    DEADLINE_ALERT,
    DEADLINE_BREACHED,
    WATER_LEAK,
    ENERGY_ANOMALY,
    METER_FAULT,
    DATA_QUALITY,
    ANOMALY_UNATTENDED,
    HEATING_RUN,
)


@dataclass(frozen=True, slots=True)
class Alert:
    key: str
    kind: str
    subject: str  # what it is about: an intervention, a meter, a contractor or a building
    due_at: datetime  # when the condition arose or became known (a threshold's instant, an anomaly's detection...)
    message: str
    building_id: str | None = None
    contractor_id: str | None = None
    details: dict[str, str | float | int | None] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return alert_id(self.key)


def alert_id(key: str) -> str:
    return uuid.uuid5(_NAMESPACE, key).hex


def iso(instant: datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")
