"""A report request as pinned, its run id, and its audit manifest (pure).

A run is content-addressed: its id is derived from the request as pinned (kind, period,
perimeter, as_of, factor-set versions, scenario version, language), so that the same request
finds the stored run. The manifest pins every input by the hash its service announced; a
re-run compares them input by input.
"""

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

from services.reporting.domain.charges_allocation import AllocationKey
from services.reporting.domain.periods import ReportPeriod
from services.reporting.domain.scenarios import check_name
from services.runtime.errors import InvalidArgument

KINDS = ("DECARBONISATION", "CHARGE_CONTROL", "CONTRACTOR_SCORECARD")
ID_PREFIX = {"DECARBONISATION": "csr", "CHARGE_CONTROL": "charges", "CONTRACTOR_SCORECARD": "scorecard"}
LANGS = ("fr", "en")
# a scorecard names a scenario only to give avoided trips against it
SCENARIO_OPTIONAL = ("CONTRACTOR_SCORECARD",)
MAX_PERIMETER_IDS = 1000
MAX_ID_LENGTH = 64
_PINNED_SET = re.compile(r"[a-z][a-z0-9_]{0,62}@[A-Za-z0-9._-]{1,40}")


@dataclass(frozen=True)
class Perimeter:
    territory_ids: tuple[str, ...] = ()
    residence_ids: tuple[str, ...] = ()
    building_ids: tuple[str, ...] = ()
    contractor_ids: tuple[str, ...] = ()
    trades: tuple[str, ...] = ()

    @property
    def narrows_buildings(self) -> bool:
        return bool(self.territory_ids or self.residence_ids or self.building_ids)

    def is_portfolio(self) -> bool:
        return not (self.narrows_buildings or self.contractor_ids or self.trades)


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    period: ReportPeriod
    perimeter: Perimeter
    as_of: datetime
    factor_set: str  # name@version
    vehicle_factor_set: str  # name@version
    scenario: str
    scenario_version: int  # 0: the latest, until pinned
    lang: str
    allocation_keys: tuple[AllocationKey, ...] = ()  # CHARGE_CONTROL: declared and defaults, sorted

    def canonical_json(self) -> str:
        data = asdict(self)
        data["period"] = {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()}
        data["as_of"] = self.as_of.isoformat()
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def run_id(self) -> str:
        """``csr-2025-<16 hex>``: the kind, the period's label and the pinned request's hash."""
        digest = hashlib.sha256(self.canonical_json().encode()).hexdigest()[:16]
        label = self.period.label().replace("..", "_")
        return f"{ID_PREFIX[self.kind]}-{label}-{digest}"


def _ids(values: tuple[str, ...], name: str) -> tuple[str, ...]:
    if len(values) > MAX_PERIMETER_IDS:
        raise InvalidArgument(f"at most {MAX_PERIMETER_IDS} entries, got {len(values)}", field=f"perimeter.{name}")
    for index, value in enumerate(values):
        if not value or len(value) > MAX_ID_LENGTH or not value.isprintable():
            raise InvalidArgument(
                f"entry {index} must be 1 to {MAX_ID_LENGTH} printable characters, got {value[:80]!r}",
                field=f"perimeter.{name}",
            )
    return tuple(sorted(set(values)))


def check_perimeter(perimeter: Perimeter) -> Perimeter:
    """Each list checked, deduplicated and sorted: the same perimeter however it was written."""
    return Perimeter(**{name: _ids(values, name) for name, values in asdict(perimeter).items()})


def check_pinned_set(value: str, field_name: str) -> str:
    if not _PINNED_SET.fullmatch(value):
        raise InvalidArgument(
            "must name a factor set and its version as name@version (e.g. ademe_base_carbone@23.6), "
            f"got {value[:80]!r}",
            field=field_name,
        )
    return value


def check_request(request: ReportRequest) -> ReportRequest:
    """Everything but the period's bounds (checked when the period was built) and as_of's age."""
    if request.kind not in KINDS:
        raise InvalidArgument(f"must be one of {', '.join(KINDS)}, got {request.kind[:40]!r}", field="kind")
    if request.lang not in LANGS:
        raise InvalidArgument(f"must be one of {', '.join(LANGS)}, got {request.lang[:40]!r}", field="lang")
    if request.scenario_version < 0:
        raise InvalidArgument(f"must be >= 0 (0: the latest), got {request.scenario_version}", field="scenario_version")
    if request.kind == "DECARBONISATION":
        check_name(request.scenario, field="scenario")
        check_pinned_set(request.factor_set, "factor_set")
        check_pinned_set(request.vehicle_factor_set, "vehicle_factor_set")
    else:
        for name in ("factor_set", "vehicle_factor_set"):
            if getattr(request, name):
                raise InvalidArgument(
                    f"is for decarbonisation reports only: leave it empty for {request.kind}", field=name
                )
        if request.kind in SCENARIO_OPTIONAL and request.scenario:
            check_name(request.scenario, field="scenario")
        elif request.scenario:
            raise InvalidArgument(
                f"is for decarbonisation and contractor-scorecard reports only: leave it empty for {request.kind}",
                field="scenario",
            )
        elif request.scenario_version:
            raise InvalidArgument("names a version of no scenario: name the scenario too", field="scenario_version")
    if request.allocation_keys and request.kind != "CHARGE_CONTROL":
        raise InvalidArgument("are for charge-control reports only", field="allocation_keys")
    return replace(request, perimeter=check_perimeter(request.perimeter))


@dataclass(frozen=True)
class ManifestInput:
    source: str  # e.g. "interventions.ExportInterventions"
    request_json: str
    records: int
    content_sha256: str


@dataclass(frozen=True)
class Manifest:
    inputs: tuple[ManifestInput, ...]
    factor_set: str
    factor_set_sha256: str
    method_version: str
    as_of: datetime
    figures_sha256: str
    extra: tuple[tuple[str, str], ...] = field(default=())  # (label, text) shown in the PDF


@dataclass(frozen=True)
class InputChange:
    source: str
    original_sha256: str
    rerun_sha256: str
    original_records: int
    rerun_records: int


def _keyed(inputs: tuple[ManifestInput, ...]) -> dict[tuple[str, int], ManifestInput]:
    """(source, its n-th pull) -> input: the same request pulls its sources in the same order."""
    seen: dict[str, int] = {}
    keyed = {}
    for pulled in inputs:
        n = seen.get(pulled.source, 0)
        seen[pulled.source] = n + 1
        keyed[(pulled.source, n)] = pulled
    return keyed


def changed_inputs(original: Manifest, rerun: Manifest) -> list[InputChange]:
    """Inputs whose hash differs, matched by source and pull order (a re-run at another cut-off
    pulls the same sources, with another as_of in their requests); an input present on one side
    only is listed with an empty hash on the other."""
    before, after = _keyed(original.inputs), _keyed(rerun.inputs)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is None or new is None or old.content_sha256 != new.content_sha256:
            changes.append(
                InputChange(
                    key[0],
                    old.content_sha256 if old else "",
                    new.content_sha256 if new else "",
                    old.records if old else 0,
                    new.records if new else 0,
                )
            )
    return changes


@dataclass(frozen=True)
class Run:
    """A stored report: what was asked (pinned), what it stood on, and its files."""

    id: str
    request: ReportRequest
    manifest: Manifest
    figures_csv: str  # key, unit, value, previous, reference: what figures_sha256 covers
    pdf: bytes
    pdf_sha256: str
    pdf_size: int
    pages: int
    pack: bytes
    pack_sha256: str
    generated_at: datetime
    generated_by: str


def request_from_json(text: str) -> ReportRequest:
    data = json.loads(text)
    return ReportRequest(
        kind=data["kind"],
        period=ReportPeriod(
            datetime.fromisoformat(data["period"]["start"]), datetime.fromisoformat(data["period"]["end"])
        ),
        perimeter=Perimeter(**{k: tuple(v) for k, v in data["perimeter"].items()}),
        as_of=datetime.fromisoformat(data["as_of"]),
        factor_set=data["factor_set"],
        vehicle_factor_set=data["vehicle_factor_set"],
        scenario=data["scenario"],
        scenario_version=data["scenario_version"],
        lang=data["lang"],
        allocation_keys=tuple(AllocationKey(**key) for key in data.get("allocation_keys", ())),
    )


def manifest_to_json(manifest: Manifest) -> str:
    data = asdict(manifest)
    data["as_of"] = manifest.as_of.isoformat()
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1)


def manifest_from_json(text: str) -> Manifest:
    data = json.loads(text)
    return Manifest(
        inputs=tuple(ManifestInput(**i) for i in data["inputs"]),
        factor_set=data["factor_set"],
        factor_set_sha256=data["factor_set_sha256"],
        method_version=data["method_version"],
        as_of=datetime.fromisoformat(data["as_of"]),
        figures_sha256=data["figures_sha256"],
        extra=tuple((label, text) for label, text in data.get("extra", ())),
    )
