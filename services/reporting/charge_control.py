"""The charge-control report of one request: the charge year's recoverable costs (consumption's
ExportChargeControl over N-1 and N), the monthly figures (for the dwellings' own meters, what
rests on estimates and the meters' cost per unit), the anomalies consumption detected on the
buildings' meters (ListAnomalies, as of the cut-off), the interventions that may be resolved in
N-1 or N (contract costs), the portfolio's buildings and dwellings, composed into domain.charges
and rendered (reports.charges). Every export is pulled for the whole portfolio, once per process
and cut-off, and every residence's charge control computed from it at once (``pull_sliced``): a
monthly run's hundreds of charge controls share one pull and one computation. Like
decarbonisation.py, it fetches and assembles; the domain decides every figure."""

import hashlib
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache, cached_property, partial
from pathlib import Path

import polars as pl

from reports.charges import render
from reports.charges_layout import ChargesReport
from services.reporting.audit_zip import zip_pack
from services.reporting.domain.charges import (
    METHOD_VERSION,
    ChargeControl,
    ChargeInputs,
    compute_charge_control,
    split_by_residence,
)
from services.reporting.domain.charges import by_residence as charges_by_residence
from services.reporting.domain.charges_allocation import AllocationKey
from services.reporting.domain.charges_figures import charges_figures_frame
from services.reporting.domain.charges_pack import charges_pack_tables
from services.reporting.domain.perimeter import buildings_of, describe
from services.reporting.domain.periods import PARIS, ReportPeriod, civil_year, month_start
from services.reporting.domain.runs import Manifest, ManifestInput, Perimeter, ReportRequest
from services.reporting.gather import Portfolio, Sources
from services.reporting.manifest_text import manifest_lines
from services.reporting.side_by_side import Pull, pull_side_by_side
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
    if civil_year(year) == period:
        return year
    raise InvalidArgument("a charge-control report covers one civil year (e.g. --period 2025)", field="period")


# The data files a charge control reads, read once per process (they ship with the code): a
# monthly run makes hundreds of reports.
@cache
def _default_keys() -> tuple[AllocationKey, ...]:
    table = pl.read_csv(DEFAULT_KEYS_CSV)
    return tuple(
        AllocationKey(row["charge_category"], row["basis"], row["remainder_basis"] or None)
        for row in table.iter_rows(named=True)
    )


@cache
def _mapping() -> tuple[pl.DataFrame, str]:
    """The category mapping and its file's sha256."""
    return pl.read_csv(MAPPING_CSV), hashlib.sha256(MAPPING_CSV.read_bytes()).hexdigest()


def allocation_keys(declared: tuple[AllocationKey, ...]) -> tuple[AllocationKey, ...]:
    """The declared keys, and the default key (data) of every category not declared."""
    named = {key.charge_category for key in declared}
    defaults = tuple(key for key in _default_keys() if key.charge_category not in named)
    return tuple(sorted(declared + defaults, key=lambda k: k.charge_category))


@dataclass(frozen=True)
class Pulled:
    """Every export a charge control reads, pulled once as of one cut-off for one charge year:
    for the buildings named, or for the whole portfolio (so that many residences' reports can be
    sliced from one pull, never one export per report)."""

    year: int
    portfolio: Portfolio
    costs: pl.DataFrame
    provisions: pl.DataFrame
    figures: pl.DataFrame
    facts: pl.DataFrame
    anomalies: pl.DataFrame  # the consumption service's, of the buildings' meters (any year)
    inputs: tuple[ManifestInput, ...]


def _check_perimeter(request: ReportRequest) -> None:
    if not (request.perimeter.residence_ids or request.perimeter.building_ids) or (
        request.perimeter.territory_ids or request.perimeter.contractor_ids or request.perimeter.trades
    ):
        raise InvalidArgument(
            "a charge-control report is for residences or buildings: name them (residence_ids, building_ids) and "
            "nothing else",
            field="perimeter",
        )


def _perimeter(portfolio: Portfolio, request: ReportRequest) -> pl.DataFrame:
    return buildings_of(portfolio.buildings, request.perimeter, request.as_of)


def pull_portfolio(sources: Sources, year: int, as_of: datetime) -> Pulled:
    """Every building's exports for the charge year ``year`` and N-1, as of ``as_of``: one pull
    for the charge controls of the whole portfolio (``Sliced``).
    The interventions and the monthly figures are pulled one civil year at a time, as the year's
    CSR report pulls them (its year, N-1 and reference year): a monthly run's reports share them
    (export cache) instead of pulling the same years twice in two shapes."""
    two_years = ReportPeriod(month_start(year - 1, 1), month_start(year + 1, 1))
    # a contract cost counts in the month it is resolved: interventions requested up to a year before
    fact_years, figure_years = (year - 2, year - 1, year), (year - 1, year)
    # one export stream at a time on each service (see side_by_side)
    pulls = {
        "charges": Pull("consumption exports", partial(sources.charge_control, two_years, as_of, [])),
        "portfolio": Pull("interventions exports", partial(sources.portfolio, as_of)),
    }
    for one in fact_years:
        pulls[f"facts {one}"] = Pull(
            "interventions exports", partial(sources.facts, civil_year(one), as_of, Perimeter(), None)
        )
    for one in figure_years:
        pulls[f"monthly {one}"] = Pull("consumption exports", partial(sources.monthly, civil_year(one), as_of, None))
    pulls["anomalies"] = Pull("consumption listings", partial(sources.anomalies, as_of, None))
    got = pull_side_by_side(pulls)
    portfolio, pulled = got["portfolio"]
    costs, provisions, pulled_charges = got["charges"]
    inputs = [pulled, pulled_charges]
    figures = []
    for one in figure_years:
        part, pulled = got[f"monthly {one}"]
        figures.append(part)
        inputs.append(pulled)
    facts = []
    for one in fact_years:
        part, _, pulled = got[f"facts {one}"]
        facts.append(part)
        inputs.append(pulled)
    anomalies, pulled = got["anomalies"]
    inputs.append(pulled)
    return Pulled(
        year, portfolio, costs, provisions, pl.concat(figures), pl.concat(facts).sort("id"), anomalies, tuple(inputs)
    )


def gather_from(
    pulled: Pulled, request: ReportRequest, keys: tuple[AllocationKey, ...], computed: ChargeControl | None = None
) -> Gathered:
    """The charge control of ``request``'s perimeter out of exports already pulled (for at least
    its buildings, for its year and cut-off): the domain reads only the perimeter's rows, so a
    slice and the whole pull give the same figures. ``computed``: the perimeter's charge control
    cut from one computed over many residences (``Sliced.charges``), the same figures."""
    _check_perimeter(request)
    if charge_year(request.period) != pulled.year:
        raise InvalidArgument(
            f"the exports were pulled for {pulled.year}, the request is for {charge_year(request.period)}",
            field="period",
        )
    buildings = _perimeter(pulled.portfolio, request)
    ids = buildings["building_id"].to_list()
    charges = computed if computed is not None else compute_charge_control(_inputs(pulled, buildings, keys))
    return Gathered(charges, pulled.inputs, describe(request.perimeter, request.lang), tuple(ids))


def _inputs(pulled: Pulled, buildings: pl.DataFrame, keys: tuple[AllocationKey, ...]) -> ChargeInputs:
    ids = buildings["building_id"].implode()
    dwellings = (
        pulled.portfolio.units.filter((pl.col("kind") == "dwelling") & pl.col("building_id").is_in(ids))
        .select("building_id", "ug_id", pl.col("area_m2").alias("heated_area_m2"))
        .sort("building_id", "ug_id")
    )
    return ChargeInputs(
        year=pulled.year,
        buildings=buildings.select("building_id", "residence_id"),
        dwellings=dwellings,
        costs=pulled.costs,
        figures=pulled.figures,
        provisions=pulled.provisions,
        facts=pulled.facts,
        mapping=_mapping()[0],
        keys=keys,
        anomalies=pulled.anomalies,
    )


SLICED_FRAMES = ("costs", "provisions", "figures", "facts", "anomalies")  # Pulled's frames of rows per building


def by_residence(pulled: Pulled) -> dict[str, Pulled]:
    """``pulled`` cut into one Pulled per residence (its buildings' rows only, the same manifest
    inputs): a report sliced from it reads a few thousand rows, not the portfolio's millions."""
    residence_of = pulled.portfolio.buildings.select("building_id", "residence_id")
    cut = {name: split_by_residence(getattr(pulled, name), residence_of) for name in SLICED_FRAMES}
    return {
        residence: replace(
            pulled, **{name: parts.get(residence, getattr(pulled, name).clear()) for name, parts in cut.items()}
        )
        for residence in residence_of["residence_id"].unique().sort().to_list()
    }


@dataclass(frozen=True)
class Computed:
    gathered: Gathered
    figures_frame: pl.DataFrame
    manifest: Manifest


@dataclass(frozen=True)
class Sliced:
    """A portfolio-wide pull, the charge controls of every residence computed from it at once (per
    allocation keys, on first use) and, only when a residence must be computed alone (the
    portfolio-wide computation refused), the pull cut per residence (on first such use)."""

    whole: Pulled
    _slices: dict[str, Pulled] = field(default_factory=dict)
    _charges: dict[tuple[AllocationKey, ...], dict[str, ChargeControl]] = field(default_factory=dict)
    _computing: threading.Lock = field(default_factory=threading.Lock)

    @cached_property
    def residences(self) -> frozenset[str]:
        """Those of the portfolio's buildings."""
        return frozenset(self.whole.portfolio.buildings["residence_id"].drop_nulls().unique().to_list())

    def for_request(self, request: ReportRequest) -> Pulled:
        """The slice of the request's one residence, else the whole pull (buildings, or several
        residences: the domain reads their rows out of it)."""
        residence = self._residence(request)
        if residence is None:
            return self.whole
        with self._computing:
            if not self._slices:
                self._slices.update(by_residence(self.whole))
        return self._slices.get(residence, self.whole)

    def charges(self, request: ReportRequest, keys: tuple[AllocationKey, ...]) -> ChargeControl | None:
        """The charge control of the request's one residence, cut from the one computed for every
        residence of the pull with these keys (a few seconds once, where each residence alone
        costs a fiftieth of that, hundreds of times); None for another perimeter, or when the
        portfolio-wide computation was refused (a residence's own report then says why)."""
        residence = self._residence(request)
        if residence is None or charge_year(request.period) != self.whole.year:
            return None
        with self._computing:
            if keys not in self._charges:
                self._charges[keys] = self._every_residence(keys)
        return self._charges[keys].get(residence)

    def _every_residence(self, keys: tuple[AllocationKey, ...]) -> dict[str, ChargeControl]:
        buildings = self.whole.portfolio.buildings.filter(pl.col("residence_id").is_not_null())
        try:
            control = compute_charge_control(_inputs(self.whole, buildings, keys))
        except InvalidArgument:
            return {}
        return charges_by_residence(control, buildings)

    def _residence(self, request: ReportRequest) -> str | None:
        named = request.perimeter.residence_ids
        if len(named) == 1 and not request.perimeter.building_ids and named[0] in self.residences:
            return named[0]
        return None


def pull_sliced(sources: Sources, year: int, as_of: datetime) -> Sliced:
    """The portfolio-wide pull of ``year`` as of ``as_of`` cut per residence, made once per
    process and cut-off when ``sources`` keep a cache: the charge controls of a monthly run (one
    per residence, the same cut-off) share one pull of each export (issue 15) instead of one
    export per report. The manifest of each report names those portfolio-wide exports."""

    def pull() -> tuple[Sliced, str]:
        pulled = pull_portfolio(sources, year, as_of)
        digest = hashlib.sha256("".join(i.content_sha256 for i in pulled.inputs).encode()).hexdigest()
        return Sliced(pulled), digest

    if sources.cache is None:
        return pull()[0]
    return sources.cache.get(("charge_control.pull_sliced", year, as_of.isoformat()), pull)


def compute(sources: Sources, request: ReportRequest, scenario: object = None) -> Computed:
    """The charge control of ``request`` out of the portfolio-wide exports as of request.as_of
    (see ``pull_sliced``); ``scenario`` is not used (charge control has none)."""
    _check_perimeter(request)
    keys = allocation_keys(request.allocation_keys)
    sliced = pull_sliced(sources, charge_year(request.period), request.as_of)
    # without a cache no other report shares the pull: the perimeter alone is computed, out of the
    # whole pull (the domain reads only its rows), not cut per residence first
    return compute_sliced(sliced if sources.cache is not None else sliced.whole, request, keys)


def compute_many(sources: Sources, template: ReportRequest, residence_ids: list[str]) -> Iterator[Computed]:
    """The charge control of each residence of ``residence_ids`` (in that order) for ``template``'s
    year, cut-off, keys and language, each as ``compute`` makes it, from one pull."""
    keys = allocation_keys(template.allocation_keys)
    sliced = pull_sliced(sources, charge_year(template.period), template.as_of)
    for residence in residence_ids:
        yield compute_sliced(sliced, replace(template, perimeter=Perimeter(residence_ids=(residence,))), keys)


def compute_sliced(pulled: Pulled | Sliced, request: ReportRequest, keys: tuple[AllocationKey, ...]) -> Computed:
    """``compute`` of ``request`` out of exports already pulled (see ``gather_from``): a residence
    of a Sliced pull gets its cut of the charge controls computed for every residence at once."""
    if isinstance(pulled, Sliced):
        charges = pulled.charges(request, keys)
        # with its charges cut from every residence's, a residence reads only the portfolio of the pull
        source = pulled.whole if charges is not None else pulled.for_request(request)
        gathered = gather_from(source, request, keys, charges)
    else:
        gathered = gather_from(pulled, request, keys)
    return _computed(gathered, request, keys)


def _computed(gathered: Gathered, request: ReportRequest, keys: tuple[AllocationKey, ...]) -> Computed:
    frame = charges_figures_frame(gathered.charges)
    manifest = Manifest(
        inputs=gathered.inputs,
        factor_set="none: a charge-control report carries no emission figure",
        factor_set_sha256="",
        method_version=METHOD_VERSION,
        as_of=request.as_of,
        figures_sha256=hashlib.sha256(frame.write_csv(float_precision=6).encode()).hexdigest(),
        extra=(
            ("charge categories", f"reports/charge_categories.csv sha256 {_mapping()[1]}"),
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
    tables = charges_pack_tables(computed.gathered.charges, computed.figures_frame)
    return zip_pack(run_id, request, computed.manifest, {name: t.write_csv().encode() for name, t in tables.items()})
