"""The contractor scorecard of one request: the interventions of the period and of N-1 (as-of
exports), data quality at the cut-off, the portfolio's contracts, plans and equipment of the
perimeter, the scenario's visits per trade when one is named, composed into
domain.scorecard_figures and rendered (reports.scorecard). Like decarbonisation.py, it fetches
and assembles; the domain decides every figure."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from reports.scorecard import ScorecardReport, render
from services.reporting.audit_zip import zip_pack
from services.reporting.domain.perimeter import describe, facts_in, perimeter_buildings, unknown_ids
from services.reporting.domain.periods import PARIS, ReportPeriod, months
from services.reporting.domain.runs import Manifest, ManifestInput, Perimeter, ReportRequest
from services.reporting.domain.scenarios import Scenario
from services.reporting.domain.scorecard import figures_sha256
from services.reporting.domain.scorecard_figures import (
    METHOD_VERSION,
    ScorecardFigures,
    ScorecardInputs,
    ScorecardPeriod,
    compute_scorecard,
)
from services.reporting.gather import Portfolio, Sources
from services.reporting.manifest_text import manifest_lines
from services.runtime.errors import InvalidArgument


@dataclass(frozen=True)
class Computed:
    figures: ScorecardFigures
    figures_frame: pl.DataFrame
    manifest: Manifest
    perimeter_label: str
    scenario_label: str  # "" without a scenario


def _contractors(portfolio: Portfolio, request: ReportRequest, busy: set[str], holding: set[str]) -> pl.DataFrame:
    """The named contractors (each must exist), else every contractor with an intervention in N
    or N-1 or a contract on the perimeter's buildings."""
    named = request.perimeter.contractor_ids
    known = portfolio.contractors
    if named:
        missing = sorted(set(named) - set(known["contractor_id"].to_list()))
        if missing:
            raise InvalidArgument(
                f"names no contractor of the portfolio as of {request.as_of.isoformat()}: {', '.join(missing[:10])}",
                field="perimeter.contractor_ids",
            )
        chosen = known.filter(pl.col("contractor_id").is_in(list(named)))
    else:
        chosen = known.filter(pl.col("contractor_id").is_in(sorted(busy | holding)))
    return chosen.select("contractor_id", "name").sort("contractor_id")


def _period(
    sources: Sources, request: ReportRequest, period: ReportPeriod, building_ids: list[str] | None
) -> tuple[ScorecardPeriod, ManifestInput]:
    """The facts of the period's interventions in the perimeter, cut out of the portfolio's
    export of the period: pulled once per process and cut-off (Sources' cache), it is shared by
    every scorecard of a monthly run (one per contractor) and by its portfolio CSR report, where
    an export per contractor made each scorecard scan the event log again. The manifest names
    that export."""
    facts, _, pulled = sources.facts(period, request.as_of, Perimeter(), None)
    facts = facts_in(facts, request.perimeter, building_ids)
    return ScorecardPeriod(period.start, period.end, facts, months(period.start, period.end)), pulled


def gather(
    sources: Sources, request: ReportRequest, scenario: Scenario | None
) -> tuple[ScorecardInputs, list[ManifestInput]]:
    if request.perimeter.trades:
        raise InvalidArgument(
            "a contractor scorecard covers every trade of its contractors: narrow it by contractor_ids, "
            "territory_ids, residence_ids or building_ids",
            field="perimeter.trades",
        )
    inputs: list[ManifestInput] = []
    portfolio, pulled = sources.portfolio(request.as_of)
    inputs.append(pulled)
    missing = unknown_ids(portfolio.buildings, request.perimeter)
    if missing:
        named = "; ".join(f"{name}: {', '.join(ids[:10])}" for name, ids in missing.items())
        raise InvalidArgument(
            f"names nothing in the portfolio as of {request.as_of.isoformat()} ({named})", field="perimeter"
        )
    buildings = perimeter_buildings(portfolio.buildings, request.perimeter).select("building_id")
    building_ids = buildings["building_id"].to_list() if request.perimeter.narrows_buildings else None
    current, pulled_now = _period(sources, request, request.period, building_ids)
    previous, pulled_before = _period(sources, request, request.period.previous(), building_ids)
    quality, pulled_quality = sources.quality(request.as_of)
    inputs += [pulled_now, pulled_before, pulled_quality]
    contract_buildings = portfolio.contract_buildings.join(buildings, on="building_id")
    busy = set(current.facts["contractor_id"].to_list()) | set(previous.facts["contractor_id"].to_list())
    contractors = _contractors(portfolio, request, busy, set(contract_buildings["contractor_id"].to_list()))
    contract_buildings = contract_buildings.filter(
        pl.col("contractor_id").is_in(contractors["contractor_id"].to_list())
    )
    reference = None
    if scenario is not None:
        reference = pl.DataFrame(
            {
                "trade": [t.trade for t in scenario.content.trades],
                "visits_per_intervention": [t.visits_per_intervention for t in scenario.content.trades],
            },
            schema={"trade": pl.String, "visits_per_intervention": pl.Float64},
        )
    return (
        ScorecardInputs(
            current=current,
            previous=previous,
            contractors=contractors,
            quality=quality,
            plans=portfolio.plans.join(contract_buildings.select("contract_id").unique(), on="contract_id"),
            equipment=portfolio.equipment.join(buildings, on="building_id"),
            contract_buildings=contract_buildings,
            reference_trades=reference,
            as_of=request.as_of,
        ),
        inputs,
    )


def compute(sources: Sources, request: ReportRequest, scenario: Scenario | None = None) -> Computed:
    """Every input pulled as of request.as_of and the scorecard computed; avoided trips only
    against a named ``scenario``."""
    scorecard_inputs, pulled = gather(sources, request, scenario)
    figures = compute_scorecard(scorecard_inputs)
    frame = figures.figures
    extra: tuple[tuple[str, str], ...] = ()
    label = ""
    if scenario is not None:
        label = f"{scenario.content.name} version {scenario.version}"
        extra = (("scenario", f"{label} sha256 {scenario.content_sha256}"),)
    manifest = Manifest(
        inputs=tuple(pulled),
        factor_set="none: a contractor scorecard carries no emission figure",
        factor_set_sha256="",
        method_version=METHOD_VERSION,
        as_of=request.as_of,
        figures_sha256=figures_sha256(frame),
        extra=extra,
    )
    return Computed(figures, frame, manifest, describe(request.perimeter, request.lang), label)


def render_pdf(computed: Computed, request: ReportRequest, run_id: str) -> bytes:
    report = ScorecardReport(
        report_id=run_id,
        perimeter=computed.perimeter_label,
        figures=computed.figures,
        as_of=request.as_of.astimezone(PARIS),
        figures_sha256=computed.manifest.figures_sha256,
        scenario=computed.scenario_label,
        lang=request.lang,
        manifest=manifest_lines(computed.manifest, request, run_id),
    )
    with tempfile.TemporaryDirectory() as folder:
        return render(report, Path(folder) / "report.pdf").read_bytes()


def audit_pack(computed: Computed, request: ReportRequest, run_id: str) -> bytes:
    """figures.csv (one line per contractor and figure, N and N-1), trend.csv (per contractor
    and month, the counts each ratio rests on, N and N-1), quality.csv, and avoided_trips.csv
    (per contractor and trade) when a scenario is named."""
    figures = computed.figures
    tables = {
        "figures.csv": computed.figures_frame,
        "trend.csv": figures.trend,
        "quality.csv": figures.quality,
        "contractors.csv": figures.contractors,
    }
    if figures.avoided_by_trade is not None:
        tables["avoided_trips.csv"] = figures.avoided_by_trade
    return zip_pack(
        run_id,
        request,
        computed.manifest,
        {name: t.write_csv(float_precision=6).encode() for name, t in tables.items()},
    )
