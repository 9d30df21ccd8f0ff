"""The decarbonisation (CSR) report of one request: pull the as-of exports (gather.Sources),
compose the CsrInputs, compute the figures (domain.csr), render the PDF (reports.csr) and write
the audit pack. Nothing here decides a figure: the domain does; this module only fetches and
assembles, and names every input in the manifest.
"""

import hashlib
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import polars as pl

from reports.csr import CsrReport, render
from services.reporting.audit_zip import zip_pack
from services.reporting.domain.audit_pack import pack_tables
from services.reporting.domain.csr import METHOD_VERSION, CsrFigures, compute_csr, figures_frame
from services.reporting.domain.factor_choice import counted_boundaries
from services.reporting.domain.inputs import (
    FACTORS_SCHEMA,
    CsrInputs,
    DeadlineStatus,
    PeriodData,
    VehicleFactor,
    caveats_of,
)
from services.reporting.domain.perimeter import buildings_of, describe, facts_in
from services.reporting.domain.periods import ReportPeriod, reference_window
from services.reporting.domain.runs import Manifest, ManifestInput, Perimeter, ReportRequest
from services.reporting.domain.scenarios import Scenario
from services.reporting.gather import Portfolio, Sources, of_buildings
from services.reporting.manifest_text import manifest_lines
from services.reporting.side_by_side import Pull, pull_side_by_side
from services.runtime.errors import InvalidArgument

WATER = ("cold_water", "hot_water")
FRAMES_CSV = Path(__file__).parent / "data" / "emission_frames.csv"
CARRIER_UNITS_CSV = Path(__file__).parent / "data" / "carrier_units.csv"


@dataclass(frozen=True)
class Computed:
    figures: CsrFigures
    figures_frame: pl.DataFrame
    manifest: Manifest
    perimeter_label: str


def emission_frames() -> pl.DataFrame:
    """Scope, BEGES poste and ESRS datapoint per carrier and boundary (data, with sources)."""
    return pl.read_csv(FRAMES_CSV, schema_overrides={"ghg_scope": pl.String})


def carrier_units() -> dict[str, str]:
    """The unit each energy carrier's kWh are resolved in (data, with the why)."""
    table = pl.read_csv(CARRIER_UNITS_CSV)
    return dict(zip(table["carrier"], table["activity_unit"], strict=True))


def figures_sha256(frame: pl.DataFrame) -> str:
    return hashlib.sha256(frame.write_csv(float_precision=6).encode()).hexdigest()


def compute(sources: Sources, request: ReportRequest, scenario: Scenario) -> Computed:
    """Every input pulled as of request.as_of, and the figures computed from them."""
    current = request.period
    reference = ReportPeriod(*reference_window(current.start, current.end, scenario.content.reference_start))
    windows = {"current": current, "previous": current.previous(), "reference": reference}

    def portfolio_and_perimeter() -> tuple[Portfolio, ManifestInput, pl.DataFrame]:
        # first in its lane: a perimeter naming nothing stops the report early (no lane begins another pull)
        portfolio, pulled = sources.portfolio(request.as_of)
        return portfolio, pulled, buildings_of(portfolio.buildings, request.perimeter, request.as_of)

    # the portfolio's facts and monthly figures of each period, shared by every report of a run
    # (export cache), cut to the perimeter below; one export stream at a time on each service
    pulls = {"portfolio": Pull("interventions exports", portfolio_and_perimeter)}
    for name, period in windows.items():
        pulls[f"facts {name}"] = Pull(
            "interventions exports", partial(sources.facts, period, request.as_of, Perimeter(), None)
        )
        pulls[f"monthly {name}"] = Pull("consumption exports", partial(sources.monthly, period, request.as_of, None))
    pulls["quality"] = Pull("interventions counts", partial(sources.quality, request.as_of))
    pulls["deadlines"] = Pull("interventions counts", partial(sources.deadline_status, request.as_of))
    pulls["vehicle"] = Pull(
        "factors",
        partial(sources.vehicle_factor, request.vehicle_factor_set, scenario.content.vehicle_factor_key, current),
    )
    got = pull_side_by_side(pulls)
    portfolio, pulled, buildings = got["portfolio"]
    inputs: list[ManifestInput] = [pulled]
    building_ids = buildings["building_id"].to_list() if request.perimeter.narrows_buildings else None
    data: dict[str, PeriodData] = {}
    set_sha = ""
    units = carrier_units()
    for name, period in windows.items():
        facts, _, pulled_facts = got[f"facts {name}"]
        facts = facts_in(facts, request.perimeter, building_ids)
        monthly, pulled_figures = got[f"monthly {name}"]
        monthly = of_buildings(monthly, building_ids)
        inputs += [pulled_facts, pulled_figures]
        # a carrier with no known unit is resolved in kWh PCI: unresolved if the set says otherwise
        asked = {carrier: units.get(carrier, "kWh PCI") for carrier in set(monthly["carrier"].to_list()) - set(WATER)}
        factors, _unresolved, set_sha = sources.energy_factors(request.factor_set, period, asked)
        data[name] = PeriodData(
            start=period.start,
            end=period.end,
            facts=facts,
            figures=monthly,
            factors=counted_boundaries(factors).select(*FACTORS_SCHEMA, "month_start", "unit"),
            caveats=caveats_of(facts),
        )
    quality, pulled_quality = got["quality"]
    deadlines, pulled_deadlines = got["deadlines"]
    inputs += [pulled_quality, pulled_deadlines]
    if request.perimeter.contractor_ids:
        quality = quality.filter(pl.col("contractor_id").is_in(list(request.perimeter.contractor_ids)))
    vehicle_row, vehicle_set_sha = got["vehicle"]
    ids = buildings.select("building_id")
    contract_buildings = portfolio.contract_buildings.join(ids, on="building_id")
    figures = compute_csr(
        CsrInputs(
            current=data["current"],
            previous=data["previous"],
            reference=data["reference"],
            frames=emission_frames(),
            buildings=buildings,
            bases=portfolio.bases,
            equipment=portfolio.equipment.join(ids, on="building_id"),
            contract_buildings=contract_buildings,
            plans=portfolio.plans.join(contract_buildings.select("contract_id").unique(), on="contract_id"),
            quality=quality,
            deadline_status=DeadlineStatus(**deadlines),
            as_of=request.as_of,
            scenario=scenario,
            vehicle=_vehicle(vehicle_row, scenario),
        )
    )
    frame = figures_frame(figures)
    manifest = Manifest(
        inputs=tuple(inputs),
        factor_set=request.factor_set,
        factor_set_sha256=set_sha,
        method_version=METHOD_VERSION,
        as_of=request.as_of,
        figures_sha256=figures_sha256(frame),
        extra=(
            ("vehicle factor set", f"{request.vehicle_factor_set} sha256 {vehicle_set_sha}"),
            ("scenario", f"{scenario.content.name} version {scenario.version} sha256 {scenario.content_sha256}"),
        ),
    )
    return Computed(figures, frame, manifest, describe(request.perimeter, request.lang))


def _vehicle(row: dict, scenario: Scenario) -> VehicleFactor:
    """kgCO2e per km: the factor itself on the per-km route; the factor per litre x the declared
    litres per 100 km / 100 on the litre route."""
    litres = scenario.content.fuel_litres_per_100km
    if litres:
        if row["unit"] != "litre":
            raise InvalidArgument(
                f"the scenario takes the litre route ({litres} l/100 km) but {row['key']} is per {row['unit']}",
                field="scenario",
            )
        per_km = row["value"] * litres / 100
    else:
        if row["unit"] != "km":
            raise InvalidArgument(
                f"the scenario takes the per-km route but {row['key']} is per {row['unit']}: declare fuel litres per "
                "100 km for a per-litre factor",
                field="scenario",
            )
        per_km = row["value"]
    return VehicleFactor(
        key=row["key"],
        set_version=row["set_version"],
        kgco2e_per_km=per_km,
        uncertainty_pct=row["uncertainty_pct"] or 0.0,
        source=row["source"],
        fallback=row["fallback"],
        fallback_reason=row["fallback_reason"],
    )


def render_pdf(computed: Computed, request: ReportRequest, run_id: str) -> bytes:
    manifest = computed.manifest
    shown = manifest_lines(manifest, request, run_id)
    report = CsrReport(
        report_id=run_id,
        perimeter=computed.perimeter_label,
        figures=computed.figures,
        figures_sha256=manifest.figures_sha256,
        lang=request.lang,
        manifest=shown,
    )
    with tempfile.TemporaryDirectory() as folder:
        return render(report, Path(folder) / "report.pdf").read_bytes()


def audit_pack(computed: Computed, request: ReportRequest, run_id: str) -> bytes:
    """A zip an auditor opens in a spreadsheet: the manifest, the figures, one line per emission
    and per trip, the factors used, the ESRS E1 datapoints."""
    files = {"factors.csv": computed.figures.factors.write_csv().encode()}
    for name, table in pack_tables(computed.figures, computed.figures.vehicle).items():
        files[name] = table.write_csv().encode()
    return zip_pack(run_id, request, computed.manifest, files)
