"""An intervention event as the domain sees it, independent of protobuf."""
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

KINDS = (
    "REQUESTED", "PLANNED", "REPLANNED", "VISIT_STARTED", "VISIT_ENDED", "SUSPENDED",
    "RESUMED", "RESOLVED", "QUITUS", "CLOSED", "CANCELLED",
)


def intervention_id(contractor_id: str, external_ref: str) -> str:
    """Tickets are namespaced by contractor: two contractors may reuse a reference."""
    return f"{contractor_id}/{external_ref}"


@dataclass(slots=True)
class EventIn:
    index: int                      # position in its batch
    contractor_id: str
    external_ref: str
    sequence: int
    kind: str                       # one of KINDS, or "" when not given
    event_time: datetime | None
    recorded_at: datetime | None = None
    contract_id: str = ""
    service_code: str = ""
    ug_id: str = ""
    building_id: str = ""
    equipment_id: str = ""
    criticality: str = ""
    description: str = ""
    visit_number: int = 0
    quitus_document: str = ""
    quitus_signed_by: str = ""
    cost_eur: float = 0.0
    note: str = ""
    intervention_id: str = field(default="", repr=False)
    _fingerprint: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        self.intervention_id = intervention_id(self.contractor_id, self.external_ref)

    @property
    def record_key(self) -> str:
        return f"{self.intervention_id}#{self.sequence}"

    @property
    def fingerprint(self) -> str:
        """What the event says, without when it was recorded: an identical re-send has the
        same fingerprint, a conflicting one does not."""
        if not self._fingerprint:
            content = (
                f"{self.contractor_id}\x1f{self.external_ref}\x1f{self.sequence}\x1f{self.kind}\x1f"
                f"{self.event_time.isoformat() if self.event_time else ''}\x1f{self.contract_id}\x1f"
                f"{self.service_code}\x1f{self.ug_id}\x1f{self.building_id}\x1f{self.equipment_id}\x1f"
                f"{self.criticality}\x1f{self.description}\x1f{self.visit_number}\x1f{self.quitus_document}\x1f"
                f"{self.quitus_signed_by}\x1f{float(self.cost_eur)!r}\x1f{self.note}"
            )
            self._fingerprint = hashlib.blake2b(content.encode(), digest_size=16).hexdigest()
        return self._fingerprint

    def as_record(self) -> dict:
        """The event as sent, for the rejection log."""
        return {
            "contractor_id": self.contractor_id, "external_ref": self.external_ref,
            "sequence": self.sequence, "kind": self.kind,
            "event_time": self.event_time.isoformat() if self.event_time else None,
            "contract_id": self.contract_id, "service_code": self.service_code, "ug_id": self.ug_id,
            "building_id": self.building_id, "equipment_id": self.equipment_id,
            "criticality": self.criticality, "description": self.description,
            "visit_number": self.visit_number, "quitus_document": self.quitus_document,
            "quitus_signed_by": self.quitus_signed_by, "cost_eur": self.cost_eur, "note": self.note,
        }
