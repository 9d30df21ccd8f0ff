"""Protobuf <-> domain for the reporting service, and the scenarios' content_sha256 (the digest
rule of services/runtime/digest.py over the one ScenarioContent message)."""

import io

import polars as pl

from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.reporting.domain.charges_allocation import AllocationKey
from services.reporting.domain.perimeter import PerimeterLists
from services.reporting.domain.periods import check_period
from services.reporting.domain.runs import InputChange, Manifest, ManifestInput, Perimeter, ReportRequest, Run
from services.reporting.domain.scenarios import Scenario, ScenarioContent, TradeReference
from services.runtime.digest import records_sha256
from services.runtime.errors import InvalidArgument
from services.runtime.timestamps import from_period, from_timestamp, require_period, to_period, to_timestamp


def content_in(message: pb.ScenarioContent) -> ScenarioContent:
    start, end = require_period(message.reference_period, "content.reference_period")
    return ScenarioContent(
        name=message.name,
        description=message.description,
        reference_start=start,
        reference_end=end,
        trades=tuple(TradeReference(t.trade, t.visits_per_intervention) for t in message.trades),
        road_factor=message.road_factor,
        vehicle_profile=message.vehicle_profile,
        vehicle_factor_key=message.vehicle_factor_key,
        fuel_litres_per_100km=message.fuel_litres_per_100km,
        uncertainty_pct=message.uncertainty_pct,
    )


def content_out(content: ScenarioContent) -> pb.ScenarioContent:
    return pb.ScenarioContent(
        name=content.name,
        description=content.description,
        reference_period=to_period(content.reference_start, content.reference_end),
        trades=[
            pb.TradeReference(trade=t.trade, visits_per_intervention=t.visits_per_intervention) for t in content.trades
        ],
        road_factor=content.road_factor,
        vehicle_profile=content.vehicle_profile,
        vehicle_factor_key=content.vehicle_factor_key,
        fuel_litres_per_100km=content.fuel_litres_per_100km,
        uncertainty_pct=content.uncertainty_pct,
    )


def scenario_out(scenario: Scenario) -> pb.Scenario:
    return pb.Scenario(
        content=content_out(scenario.content),
        version=scenario.version,
        declared_at=to_timestamp(scenario.declared_at),
        declared_by=scenario.declared_by,
        content_sha256=scenario.content_sha256,
    )


def content_sha256(content: ScenarioContent) -> str:
    """As the proto documents it: over the ScenarioContent message a client receives."""
    return records_sha256([content_out(content)])


# ---------------------------------------------------------------------- reports

KIND_NAMES: dict[int, str] = {
    pb.REPORT_KIND_DECARBONISATION: "DECARBONISATION",
    pb.REPORT_KIND_CHARGE_CONTROL: "CHARGE_CONTROL",
    pb.REPORT_KIND_CONTRACTOR_SCORECARD: "CONTRACTOR_SCORECARD",
}
KIND_NUMBERS = {name: number for number, name in KIND_NAMES.items()}


def kind_in(kind: int, *, required: bool = True) -> str:
    if kind == pb.REPORT_KIND_UNSPECIFIED and not required:
        return ""
    if kind not in KIND_NAMES:
        raise InvalidArgument(
            f"must be one of {', '.join('REPORT_KIND_' + n for n in KIND_NAMES.values())}, got {kind}", field="kind"
        )
    return KIND_NAMES[kind]


def request_in(message: pb.GenerateReportRequest) -> ReportRequest:
    start, end = from_period(message.period)
    period = check_period(start, end)
    as_of = from_timestamp(message.as_of, "as_of")
    if as_of is None:
        raise InvalidArgument("is required: the data cut-off the figures stand on", field="as_of")
    perimeter = message.perimeter
    return ReportRequest(
        kind=kind_in(message.kind),
        period=period,
        perimeter=Perimeter(
            territory_ids=tuple(perimeter.territory_ids),
            residence_ids=tuple(perimeter.residence_ids),
            building_ids=tuple(perimeter.building_ids),
            contractor_ids=tuple(perimeter.contractor_ids),
            trades=tuple(perimeter.trades),
        ),
        as_of=as_of,
        factor_set=message.factor_set,
        vehicle_factor_set=message.vehicle_factor_set or message.factor_set,  # empty for other kinds
        scenario=message.scenario,
        scenario_version=message.scenario_version,
        lang=message.lang or "fr",
        allocation_keys=tuple(
            AllocationKey(k.charge_category, k.basis, k.remainder_basis or None) for k in message.allocation_keys
        ),
    )


def request_out(request: ReportRequest) -> pb.GenerateReportRequest:
    p = request.perimeter
    return pb.GenerateReportRequest(
        kind=KIND_NUMBERS[request.kind],  # type: ignore[arg-type]
        period=to_period(request.period.start, request.period.end),
        perimeter=pb.Perimeter(
            territory_ids=p.territory_ids,
            residence_ids=p.residence_ids,
            building_ids=p.building_ids,
            contractor_ids=p.contractor_ids,
            trades=p.trades,
        ),
        as_of=to_timestamp(request.as_of),
        factor_set=request.factor_set,
        vehicle_factor_set=request.vehicle_factor_set,
        scenario=request.scenario,
        scenario_version=request.scenario_version,
        lang=request.lang,
        allocation_keys=[
            pb.AllocationKey(charge_category=k.charge_category, basis=k.basis, remainder_basis=k.remainder_basis or "")
            for k in request.allocation_keys
        ],
    )


def manifest_input_out(pulled: ManifestInput) -> pb.ManifestInput:
    return pb.ManifestInput(
        source=pulled.source,
        request_json=pulled.request_json,
        records=pulled.records,
        content_sha256=pulled.content_sha256,
    )


def manifest_out(manifest: Manifest) -> pb.Manifest:
    return pb.Manifest(
        inputs=[manifest_input_out(i) for i in manifest.inputs],
        factor_set=manifest.factor_set,
        factor_set_sha256=manifest.factor_set_sha256,
        method_version=manifest.method_version,
        as_of=to_timestamp(manifest.as_of),
        figures_sha256=manifest.figures_sha256,
    )


def figures_out(figures_csv: str) -> list[pb.Figure]:
    """Figure messages from a run's figures CSV. A CSR's (key, unit, value, previous[,
    reference]): one each, an empty cell an absent value. A charge control's (level, building_id,
    ..., *_cents): per building, its recoverable cost, provisions and balance in euros with the
    cost of N-1 (the dwellings' lines are in the audit pack)."""
    frame = pl.read_csv(io.StringIO(figures_csv), infer_schema_length=0)
    if "key" not in frame.columns:
        return _charges_figures(frame)
    out = []
    for row in frame.iter_rows(named=True):
        figure = pb.Figure(key=row["key"], unit=row["unit"])
        for name in ("value", "previous", "reference"):
            if row.get(name) not in (None, ""):
                setattr(figure, name, float(row[name]))
        out.append(figure)
    return out


def _charges_figures(frame: pl.DataFrame) -> list[pb.Figure]:
    out = []
    for row in frame.filter(pl.col("level") == "building").iter_rows(named=True):
        for name, column, previous in (
            ("cost_eur", "cost_cents", "previous_cents"),
            ("provisions_eur", "provisions_cents", None),
            ("balance_eur", "balance_cents", None),
        ):
            figure = pb.Figure(key=f"{row['building_id']}.{name}", unit="EUR")
            if row.get(column) not in (None, ""):
                figure.value = int(row[column]) / 100
            if previous and row.get(previous) not in (None, ""):
                figure.previous = int(row[previous]) / 100
            out.append(figure)
    return out


def run_out(run: Run) -> pb.ReportRun:
    return pb.ReportRun(
        id=run.id,
        request=request_out(run.request),
        manifest=manifest_out(run.manifest),
        pdf_sha256=run.pdf_sha256,
        generated_at=to_timestamp(run.generated_at),
        figures=figures_out(run.figures_csv),
        pages=run.pages,
        pdf_bytes=run.pdf_size,
        generated_by=run.generated_by,
    )


def changes_out(changes: list[InputChange]) -> list[pb.ChangedInput]:
    return [
        pb.ChangedInput(
            source=c.source,
            original_sha256=c.original_sha256,
            rerun_sha256=c.rerun_sha256,
            original_records=c.original_records,
            rerun_records=c.rerun_records,
        )
        for c in changes
    ]


def perimeters_out(lists: PerimeterLists, pulled: ManifestInput) -> pb.ListPerimetersResponse:
    return pb.ListPerimetersResponse(
        territories=[pb.TerritoryEntry(id=i, name=n) for i, n in lists.territories],
        residences=[pb.ResidenceEntry(id=i, name=n, territory_id=t) for i, n, t in lists.residences],
        contractors=[pb.ContractorEntry(id=i, name=n) for i, n in lists.contractors],
        portfolio=manifest_input_out(pulled),
    )
