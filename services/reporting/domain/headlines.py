"""A headline figure with N-1 and the reference beside it, and the note that says why a figure is
not given or what a partial one leaves out. Notes are codes (NOTES), so that the report words
them in its language; several codes are joined by commas."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

NOTES = {
    "no_figures": "no energy figure for the period in the perimeter",
    "no_facts": "no intervention requested in the period in the perimeter",
    "no_factor": "no emission factor resolved for the carriers of this scope",
    "partial_unresolved": "leaves out energy lines with no factor or no kWh (counted apart)",
    "partial_unconverted": "leaves out energy figures with no kWh PCI (counted apart)",
    "partial_unlocated": "leaves out interventions with no coordinates (counted apart)",
    "not_located": "no intervention could be located (building or base coordinates missing)",
    "partial_normalised": "over the buildings whose heating is normalisable only (coverage given)",
    "no_area": "no heated floor area in the perimeter",
    "nothing_to_count": "the ratio has nothing to count",
    "one_nature": "every intervention is of one nature: not a performance figure",
    "not_covered": "no trade of the period is in the reference scenario",
    "no_heating_figures": "no heating figure in the period",
    "not_normalisable": "no building's heating can be weather-normalised",
    "no_plan": "no preventive plan in the perimeter's contracts",
    "nothing_due": "no preventive visit due in the period",
    "no_deadline_status": "the deadline status at the cut-off is not known",
    "no_quality": "no data-quality record for the perimeter's contractors",
    "at_as_of": "taken at the cut-off: no N-1 nor reference",
    "not_asked": "no such period was asked for",
    "is_baseline": "the reference period is the scenario's baseline: nothing is avoided against itself",
}


@dataclass(frozen=True)
class Value:
    """A figure of one period, or None, with its note."""

    value: float | None
    note: str = ""

    def map(self, fn: Callable[[float], float]) -> "Value":
        return Value(None if self.value is None else fn(self.value), self.note)

    def or_note(self, note: str) -> "Value":
        """This value, or None with ``note`` when there is none (NaN counts as none)."""
        if self.value is None or self.value != self.value:
            return Value(None, self.note or note)
        return self


def combine(parts: Iterable[Value]) -> Value:
    """The sum of ``parts``: None when a part is (with its notes), partial when a part is."""
    items = list(parts)
    notes = ",".join(dict.fromkeys(code for p in items for code in p.note.split(",") if code))
    if any(p.value is None for p in items):
        return Value(None, notes)
    return Value(sum(p.value for p in items if p.value is not None), notes)


@dataclass(frozen=True)
class Headline:
    key: str  # stable name, e.g. "tco2e_scope_1"; "mwh_pci.<carrier>" for one carrier
    unit: str
    value: float | None
    previous: float | None  # N-1
    reference: float | None  # the scenario's reference period
    value_note: str = ""  # codes of NOTES
    previous_note: str = ""
    reference_note: str = ""
