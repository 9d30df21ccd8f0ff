"""The decarbonisation (CSR) report of one request: pull the as-of exports (gather.Sources),
compose the CsrInputs, compute the figures (domain.csr), render the PDF (reports.csr) and write
the audit pack. Nothing here decides a figure: the domain does; this module only fetches and
assembles, and names every input in the manifest.
"""

import hashlib
import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from reports.csr import CsrReport, render
from services.reporting.domain.audit_pack import pack_tables
from services.reporting.domain.csr import (
    METHOD_VERSION,
    CsrFigures,
    CsrInputs,
    PeriodData,
    VehicleFactor,
    compute_csr,
    figures_frame,
)
from services.reporting.domain.factor_choice import counted_boundaries
from services.reporting.domain.perimeter import describe, perimeter_buildings, unknown_ids
from services.reporting.domain.periods import TIME_ZONE, ReportPeriod, shift_years
from services.reporting.domain.runs import Manifest, ManifestInput, ReportRequest, manifest_to_json
from services.reporting.domain.scenarios import Scenario
from services.reporting.gather import Sources
from services.runtime.errors import InvalidArgument

WATER = ("cold_water", "hot_water")
FRAMES_CSV = Path(__file__).parent / "data" / "emission_frames.csv"
CARRIER_UNITS_CSV = Path(__file__).parent / "data" / "carrier_units.csv"
_PAGE = re.compile(rb"/Type\s*/Page[^s]")


@dataclass(frozen=True)
class Computed:
    figures: CsrFigures
    figures_frame: pl.DataFrame
    manifest: Manifest
    factor_table: pl.DataFrame
    vehicle: VehicleFactor
    perimeter_label: str


def emission_frames() -> pl.DataFrame:
    """Scope, BEGES poste and ESRS datapoint per carrier and boundary (data, with sources)."""
    return pl.read_csv(FRAMES_CSV, schema_overrides={"ghg_scope": pl.String})


def carrier_units() -> dict[str, str]:
    """The unit each energy carrier's kWh are resolved in (data, with the why)."""
    table = pl.read_csv(CARRIER_UNITS_CSV)
    return dict(zip(table["carrier"], table["activity_unit"], strict=True))


def reference_period(period: ReportPeriod, scenario: Scenario) -> ReportPeriod:
    """The report's months in the scenario's reference year (the year its reference period
    starts in): a month is set beside the same month of the reference year."""
    years = scenario.content.reference_start.astimezone(TIME_ZONE).year - period.start.astimezone(TIME_ZONE).year
    return ReportPeriod(shift_years(period.start, years), shift_years(period.end, years))


def figures_sha256(frame: pl.DataFrame) -> str:
    return hashlib.sha256(frame.write_csv(float_precision=6).encode()).hexdigest()


def compute(sources: Sources, request: ReportRequest, scenario: Scenario) -> Computed:
    """Every input pulled as of request.as_of, and the figures computed from them."""
    inputs: list[ManifestInput] = []
    portfolio, pulled = sources.portfolio(request.as_of)
    inputs.append(pulled)
    missing = unknown_ids(portfolio.buildings, request.perimeter)
    if missing:
        named = "; ".join(f"{name}: {', '.join(ids[:10])}" for name, ids in missing.items())
        raise InvalidArgument(
            f"names nothing in the portfolio as of {request.as_of.isoformat()} ({named})", field="perimeter"
        )
    buildings = perimeter_buildings(portfolio.buildings, request.perimeter)
    if buildings.height == 0:
        raise InvalidArgument(
            f"holds no building as of {request.as_of.isoformat()}: nothing to report", field="perimeter"
        )
    building_ids = buildings["building_id"].to_list() if request.perimeter.narrows_buildings else None
    current = request.period
    periods = {"current": current, "previous": current.previous(), "reference": reference_period(current, scenario)}
    data: dict[str, PeriodData] = {}
    factor_frames: dict[str, pl.DataFrame] = {}
    set_sha = ""
    for name, period in periods.items():
        facts, _caveats, pulled_facts = sources.facts(period, request.as_of, request.perimeter, building_ids)
        monthly, pulled_figures = sources.monthly(period, request.as_of, building_ids)
        inputs += [pulled_facts, pulled_figures]
        units = carrier_units()
        carriers = set(monthly["carrier"].to_list()) - set(WATER)
        # a carrier with no known unit is resolved in kWh PCI: unresolved if the set says otherwise
        asked = {carrier: units.get(carrier, "kWh PCI") for carrier in carriers}
        factors, _unresolved, set_sha = sources.energy_factors(request.factor_set, period, asked)
        factor_frames[name] = counted_boundaries(factors)
        data[name] = PeriodData(facts, monthly)
    vehicle_row, vehicle_set_sha = sources.vehicle_factor(
        request.vehicle_factor_set, scenario.content.vehicle_factor_key, current
    )
    vehicle = _vehicle(vehicle_row, scenario)
    csr_inputs = CsrInputs(
        period_start=current.start,
        period_end=current.end,
        current=data["current"],
        previous=data["previous"],
        energy_factors=factor_frames["current"].select(
            "carrier", "boundary", "factor_key", "set_version", "kgco2e_per_kwh", "uncertainty_pct", "fallback"
        ),
        frames=emission_frames(),
        buildings=buildings,
        bases=portfolio.bases,
        scenario=scenario,
        vehicle=vehicle,
    )
    figures = compute_csr(csr_inputs)
    frame = figures_frame(figures)
    factor_table = _factor_table(factor_frames["current"], vehicle_row)
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
    return Computed(figures, frame, manifest, factor_table, vehicle, describe(request.perimeter, request.lang))


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
    return VehicleFactor(row["key"], row["set_version"], per_km, row["uncertainty_pct"] or 0.0)


def _factor_table(energy: pl.DataFrame, vehicle: dict) -> pl.DataFrame:
    columns = ["key", "value", "unit", "scope", "set_version", "source", "fallback", "fallback_reason"]
    energy_rows = energy.select(
        pl.col("factor_key").alias("key"),
        pl.col("kgco2e_per_kwh").alias("value"),
        pl.concat_str(pl.lit("kgCO2e/"), pl.col("unit")).alias("unit"),
        "scope",
        "set_version",
        "source",
        "fallback",
        "fallback_reason",
    ).unique(maintain_order=True)
    vehicle_row = pl.DataFrame(
        [{name: vehicle[name if name != "value" else "value"] for name in columns}],
        schema=energy_rows.schema,
    )
    return pl.concat([energy_rows, vehicle_row]).select(columns)


def render_pdf(computed: Computed, request: ReportRequest, run_id: str) -> bytes:
    manifest = computed.manifest
    shown = {
        "report": run_id,
        "method_version": manifest.method_version,
        "as_of": manifest.as_of.isoformat(),
        "period": f"[{request.period.start.isoformat()}, {request.period.end.isoformat()})",
        "factor set": f"{manifest.factor_set} sha256 {manifest.factor_set_sha256}",
        **dict(manifest.extra),
        **{
            f"input {i + 1}: {pulled.source}": f"sha256 {pulled.content_sha256} ({pulled.records:,} records)"
            for i, pulled in enumerate(manifest.inputs)
        },
        "figures": f"sha256 {manifest.figures_sha256}",
        "re-run": f"quitus report verify {run_id}",
    }
    report = CsrReport(
        report_id=run_id,
        perimeter=computed.perimeter_label,
        period_start=request.period.start.astimezone(TIME_ZONE),
        period_end=request.period.end.astimezone(TIME_ZONE),
        as_of=request.as_of.astimezone(TIME_ZONE),
        figures=computed.figures,
        figures_sha256=manifest.figures_sha256,
        methodology=METHODOLOGY[request.lang],
        factor_table=computed.factor_table,
        lang=request.lang,
        manifest=shown,
    )
    with tempfile.TemporaryDirectory() as folder:
        return render(report, Path(folder) / "report.pdf").read_bytes()


def page_count(pdf: bytes) -> int:
    return len(_PAGE.findall(pdf))


def audit_pack(computed: Computed, request: ReportRequest, run_id: str) -> bytes:
    """A zip an auditor opens in a spreadsheet: the manifest, the figures, one line per emission
    and per trip, the factors used, the ESRS E1 datapoints. Fixed entry dates: the same run gives
    the same bytes."""
    files: dict[str, bytes] = {
        "manifest.json": json.dumps(
            {
                "report": run_id,
                "request": json.loads(request.canonical_json()),
                "manifest": json.loads(manifest_to_json(computed.manifest)),
            },
            indent=1,
            sort_keys=True,
            ensure_ascii=False,
        ).encode(),
        "factors.csv": computed.factor_table.write_csv().encode(),
    }
    for name, table in pack_tables(computed.figures, computed.vehicle).items():
        files[name] = table.write_csv().encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{run_id}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            pack.writestr(info, files[name])
    return buffer.getvalue()


METHODOLOGY = {
    "fr": "Émissions = kWh PCI de chaque relevé mensuel × facteur d'émission résolu pour la période dans le jeu de "
    "facteurs épinglé (combustion en scope 1 pour les chaufferies collectives exploitées par le bailleur, "
    "électricité des parties communes et réseau de chaleur en scope 2 selon la localisation, amont de l'énergie en "
    "scope 3 cat. 3). Un facteur échu est pris comme dernier publié et signalé. Déplacements : chaque passage est un "
    "déplacement ; km = distance orthodromique de la base la plus proche du prestataire au bâtiment × facteur "
    "routier du scénario × 2 (aller-retour). Déplacements évités = Σ par corps d'état (passages par intervention de "
    "référence − passages réels) × interventions, négatif quand la situation s'est dégradée ; présentés hors "
    "inventaire (WBCSD 2023). Incertitude : les lignes d'un même facteur partagent son erreur (corrélées), des "
    "facteurs différents sont indépendants et combinés en quadrature ; les émissions évitées ajoutent l'incertitude "
    "du scénario. La référence d'un chiffre est la même période dans l'année de référence du scénario.",
    "en": "Emissions = kWh PCI (net calorific value) of each monthly figure × the emission factor resolved for the "
    "period in the pinned factor set (combustion in scope 1 for collective boiler rooms the landlord operates, "
    "common-area electricity and district heating in scope 2 location-based, energy upstream in scope 3 cat. 3). "
    "An expired factor is taken as the latest published and flagged. Trips: each visit is one trip; km = "
    "great-circle distance from the contractor's nearest base to the building × the scenario's road factor × 2 "
    "(return). Avoided trips = Σ over trades (reference − actual visits per intervention) × interventions, negative "
    "when it got worse; shown outside the inventory (WBCSD 2023). Uncertainty: lines resting on the same factor "
    "share its error (correlated), different factors are independent and combined in quadrature; avoided "
    "emissions add the scenario's uncertainty. A figure's reference is the same period in the scenario's "
    "reference year.",
}
