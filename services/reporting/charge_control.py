"""The charge-control report of one request: the charge year's recoverable costs (consumption's
ExportChargeControl over N-1 and N), the monthly figures (for the dwellings' own meters and what
rests on estimates), the interventions that may be resolved in N-1 or N (contract costs), the
portfolio's buildings and dwellings, composed into domain.charges and rendered (reports.charges).
Like decarbonisation.py, it fetches and assembles; the domain decides every figure."""

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from reports.charges import render
from reports.charges_layout import ChargesReport
from services.reporting.audit_zip import zip_pack
from services.reporting.domain.charges import METHOD_VERSION, ChargeControl, ChargeInputs, compute_charge_control
from services.reporting.domain.charges_allocation import AllocationKey
from services.reporting.domain.charges_figures import charges_figures_frame
from services.reporting.domain.charges_pack import charges_pack_tables
from services.reporting.domain.perimeter import buildings_of, describe
from services.reporting.domain.periods import PARIS, ReportPeriod, month_start
from services.reporting.domain.runs import Manifest, ManifestInput, Perimeter, ReportRequest
from services.reporting.gather import Sources
from services.reporting.manifest_text import manifest_lines
from services.runtime.errors import InvalidArgument

DATA = Path(__file__).parent / "data"
MAPPING_CSV = Path(__file__).resolve().parents[2] / "reports" / "charge_categories.csv"
DEFAULT_KEYS_CSV = DATA / "default_allocation_keys.csv"


@dataclass(frozen=True)
class Gathered:
    charges: ChargeControl
    inputs: tuple[ManifestInput, ...]
    perimeter_label: str
    building_ids: tuple[str, ...]


def charge_year(period: ReportPeriod) -> int:
    """The civil year a charge-control period is, or InvalidArgument: charges settle per year."""
    year = period.start.astimezone(PARIS).year
    if ReportPeriod(month_start(year, 1), month_start(year + 1, 1)) == period:
        return year
    raise InvalidArgument("a charge-control report covers one civil year (e.g. --period 2025)", field="period")


def allocation_keys(declared: tuple[AllocationKey, ...]) -> tuple[AllocationKey, ...]:
    """The declared keys, and the default key (data) of every category not declared."""
    table = pl.read_csv(DEFAULT_KEYS_CSV)
    named = {key.charge_category for key in declared}
    defaults = tuple(
        AllocationKey(row["charge_category"], row["basis"], row["remainder_basis"] or None)
        for row in table.iter_rows(named=True)
        if row["charge_category"] not in named
    )
    return tuple(sorted(declared + defaults, key=lambda k: k.charge_category))


def gather(sources: Sources, request: ReportRequest, keys: tuple[AllocationKey, ...]) -> Gathered:
    year = charge_year(request.period)
    if not (request.perimeter.residence_ids or request.perimeter.building_ids) or (
        request.perimeter.territory_ids or request.perimeter.contractor_ids or request.perimeter.trades
    ):
        raise InvalidArgument(
            "a charge-control report is for residences or buildings: name them (residence_ids, building_ids) and "
            "nothing else",
            field="perimeter",
        )
    inputs: list[ManifestInput] = []
    portfolio, pulled = sources.portfolio(request.as_of)
    inputs.append(pulled)
    buildings = buildings_of(portfolio.buildings, request.perimeter, request.as_of)
    ids = buildings["building_id"].to_list()
    two_years = ReportPeriod(month_start(year - 1, 1), month_start(year + 1, 1))
    costs, provisions, pulled = sources.charge_control(two_years, request.as_of, ids)
    inputs.append(pulled)
    figures, pulled = sources.monthly(two_years, request.as_of, ids)
    inputs.append(pulled)
    # a contract cost counts in the month it is resolved: interventions requested up to a year before
    requested = ReportPeriod(month_start(year - 2, 1), month_start(year + 1, 1))
    facts, _, pulled = sources.facts(requested, request.as_of, Perimeter(), ids)
    inputs.append(pulled)
    dwellings = (
        portfolio.units.filter((pl.col("kind") == "dwelling") & pl.col("building_id").is_in(ids))
        .select("building_id", "ug_id", pl.col("area_m2").alias("heated_area_m2"))
        .sort("building_id", "ug_id")
    )
    charges = compute_charge_control(
        ChargeInputs(
            year=year,
            buildings=buildings.select("building_id", "residence_id"),
            dwellings=dwellings,
            costs=costs,
            figures=figures,
            provisions=provisions,
            facts=facts,
            mapping=pl.read_csv(MAPPING_CSV),
            keys=keys,
        )
    )
    return Gathered(charges, tuple(inputs), describe(request.perimeter, request.lang), tuple(ids))


@dataclass(frozen=True)
class Computed:
    gathered: Gathered
    figures_frame: pl.DataFrame
    manifest: Manifest


def compute(sources: Sources, request: ReportRequest, scenario: object = None) -> Computed:
    """Every input pulled as of request.as_of and the charge control computed; ``scenario`` is
    not used (charge control has none)."""
    keys = allocation_keys(request.allocation_keys)
    gathered = gather(sources, request, keys)
    frame = charges_figures_frame(gathered.charges)
    manifest = Manifest(
        inputs=gathered.inputs,
        factor_set="none: a charge-control report carries no emission figure",
        factor_set_sha256="",
        method_version=METHOD_VERSION,
        as_of=request.as_of,
        figures_sha256=hashlib.sha256(frame.write_csv(float_precision=6).encode()).hexdigest(),
        extra=(
            ("charge categories", f"reports/charge_categories.csv sha256 {_file_sha256(MAPPING_CSV)}"),
            (
                "allocation keys",
                "; ".join(
                    f"{k.charge_category} {k.basis}" + (f" then {k.remainder_basis}" if k.remainder_basis else "")
                    for k in keys
                ),
            ),
        ),
    )
    return Computed(gathered, frame, manifest)


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render_pdf(computed: Computed, request: ReportRequest, run_id: str) -> bytes:
    gathered = computed.gathered
    report = ChargesReport(
        report_id=run_id,
        scope_label=gathered.perimeter_label,
        charges=gathered.charges,
        building_ids=gathered.building_ids,
        residence_ids=request.perimeter.residence_ids,
        as_of=request.as_of.astimezone(PARIS),
        figures_sha256=computed.manifest.figures_sha256,
        lang=request.lang,
        manifest=manifest_lines(computed.manifest, request, run_id),
    )
    with tempfile.TemporaryDirectory() as folder:
        return render(report, Path(folder) / "report.pdf").read_bytes()


def audit_pack(computed: Computed, request: ReportRequest, run_id: str) -> bytes:
    tables = charges_pack_tables(computed.gathered.charges)
    return zip_pack(run_id, request, computed.manifest, {name: t.write_csv().encode() for name, t in tables.items()})
