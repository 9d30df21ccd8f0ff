"""The charge control of one charge year (issue 14, items 1 to 3; DESIGN 3.7): recoverable costs
per building, month and category, their regularisation per dwelling and the anomalies, as one
typed result (``ChargeControl``) that the PDF, the API and the audit pack all read. Pure: the
inputs are frames the service pulled from the data services' as-of exports.

The rules live in the modules this one composes: charges_costs (what is a recoverable cost, its
category, cents), charges_allocation (the keys and the rounding), charges_provisions (what
each dwelling paid), charges_anomalies. Here:

- the perimeter is ``buildings``; rows of other buildings are not read;
- a dwelling is vacant for the year when it paid no provision (no provision row with an amount
  other than 0) in any month of the year: its share of every category is then the landlord's
  cost, shown apart, never shared among the others; any other dwelling bears its whole share;
- balance = provisions paid - share, per dwelling and category and in total: above 0 to
  refund, below 0 to call;
- per building and category: cost = tenants' shares + the landlord's (vacant dwellings, or no
  dwelling at all), to the cent; balance = provisions - tenants' shares;
- N-1: the same computation on the year before, with the same dwellings and keys; a category
  with no cost line in N-1 has no previous figure (null), never 0, and no change.

Money is in Int64 cents (``*_cents``) everywhere a rounding could matter.
"""

from dataclasses import dataclass, field, fields, replace

import polars as pl

from services.reporting.domain import charges_anomalies as findings
from services.reporting.domain.charges_allocation import AllocationKey, allocate, keys_frame, unit_meter_costs
from services.reporting.domain.charges_costs import check_mapping, contract_lines, cost_lines, in_year
from services.reporting.domain.charges_meter_anomalies import (
    CONSUMPTION_ANOMALY_SCHEMA,
    anomaly_rows,
    meter_anomalies,
)
from services.reporting.domain.charges_provisions import (
    DWELLING,
    DWELLING_CATEGORY,
    Paid,
    monthly_provisions,
    provisions_paid,
)
from services.runtime.errors import InvalidArgument

# charges/2: the leaks and energy anomalies of the year, costed, among the figures (meter_anomaly rows)
METHOD_VERSION = "charges/2"
BUILDING_CATEGORY = ["building_id", "charge_category"]


@dataclass(frozen=True)
class Thresholds:
    """When a figure is an anomaly; shares (0.20 = 20 %). Declared with the report."""

    category_increase: float = 0.20  # cost of a category against N-1
    provision_gap: float = 0.15  # |provisions - shares| / shares
    estimated_share: float = 0.10  # part of a metered cost resting on estimated readings


@dataclass(frozen=True)
class ChargeInputs:
    year: int  # the charge year, civil (January to December, Europe/Paris months)
    buildings: pl.DataFrame  # building_id, residence_id: the perimeter
    dwellings: pl.DataFrame  # building_id, ug_id, heated_area_m2: the units of kind dwelling
    costs: pl.DataFrame  # RecoverableCost rows of N and N-1
    figures: pl.DataFrame  # MonthlyFigure rows of N and N-1 (their unit meters are read)
    provisions: pl.DataFrame  # Provision rows of N and N-1 (unit_id, month, charge_category, amount_eur, building_id)
    facts: pl.DataFrame  # InterventionFact rows (enum names as text) that may be resolved in N or N-1
    mapping: pl.DataFrame  # reports/charge_categories.csv
    keys: tuple[AllocationKey, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)
    # the consumption service's anomalies (ListAnomalies) of the buildings' meters, any year
    anomalies: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CONSUMPTION_ANOMALY_SCHEMA))


@dataclass(frozen=True)
class ChargeControl:
    method_version: str
    year: int
    thresholds: Thresholds
    mapping: pl.DataFrame  # the mapping used, as checked
    allocation_keys: pl.DataFrame  # charge_category, basis, remainder_basis
    cost_lines: pl.DataFrame  # charges_costs.COST_LINE_SCHEMA, the year's
    contract_lines: pl.DataFrame  # one per intervention counted, with its category and cents
    unmapped_interventions: pl.DataFrame  # counted interventions with no category: in no total
    monthly: pl.DataFrame  # building_id, month, charge_category, cost_cents, provisions_cents (null: no line)
    building_categories: pl.DataFrame  # see ``_building_categories``
    building_totals: pl.DataFrame  # the same, summed per building
    dwelling_categories: pl.DataFrame  # occupied dwellings: share, provisions, balance, N-1 per category
    dwelling_balances: pl.DataFrame  # occupied dwellings: share, provisions, balance, outcome
    landlord: pl.DataFrame  # building_id, ug_id (null: no dwelling), charge_category, share_cents, reason
    suggested_provisions: pl.DataFrame  # charges_anomalies.suggested_provisions
    anomalies: pl.DataFrame  # charges_anomalies.ANOMALY_SCHEMA
    meter_anomalies: pl.DataFrame  # charges_meter_anomalies.METER_ANOMALY_SCHEMA: the year's, costed


@dataclass(frozen=True)
class _Year:
    """One charge year's costs, shares (every dwelling, vacant or not) and provisions."""

    lines: pl.DataFrame
    contracts: pl.DataFrame
    unmapped: pl.DataFrame
    foreign_meters: pl.DataFrame  # unit meter costs of units that are not dwellings
    shares: pl.DataFrame
    undwelt: pl.DataFrame
    paid: Paid
    dwellings: pl.DataFrame  # every dwelling's categories, see ``_dwelling_categories``


def _check_dwellings(dwellings: pl.DataFrame) -> None:
    repeated = dwellings.filter(pl.col("ug_id").is_duplicated())
    if repeated.height:
        ug = repeated.row(0, named=True)["ug_id"]
        raise InvalidArgument(f"dwelling {ug!r} is listed more than once", field="dwellings: ug_id")


def _year(
    inputs: ChargeInputs, year: int, contracts: pl.DataFrame, unmapped: pl.DataFrame, keys: pl.DataFrame
) -> _Year:
    dwellings = inputs.dwellings
    contracts, unmapped = in_year(contracts, year), in_year(unmapped, year)
    lines = cost_lines(in_year(inputs.costs, year), contracts)
    totals = lines.group_by(BUILDING_CATEGORY).agg(pl.col("cost_cents").sum())
    unit_meters = unit_meter_costs(inputs.figures, year)
    own = unit_meters.join(dwellings, on=DWELLING, how="semi")
    shares, undwelt = allocate(totals, dwellings, own, keys)
    paid = provisions_paid(inputs.provisions, dwellings, year)
    return _Year(
        lines=lines,
        contracts=contracts,
        unmapped=unmapped,
        foreign_meters=unit_meters.join(dwellings, on=DWELLING, how="anti"),
        shares=shares,
        undwelt=undwelt,
        paid=paid,
        dwellings=_dwelling_categories(shares, paid, dwellings),
    )


def _dwelling_categories(shares: pl.DataFrame, paid: Paid, dwellings: pl.DataFrame) -> pl.DataFrame:
    """Every dwelling's categories (those its building has costs in, or it paid provisions in):
    basis, own_meter, own_meter_cents, share_cents, provisions_cents, current_monthly_cents (its
    last month's provision, null when none), balance_cents, vacant."""
    vacant = (
        dwellings.select(DWELLING).join(paid.months, on=DWELLING, how="anti").with_columns(pl.lit(True).alias("vacant"))
    )
    return (
        shares.join(paid.by_dwelling, on=DWELLING_CATEGORY, how="full", coalesce=True)
        .join(vacant, on=DWELLING, how="left")
        .with_columns(
            pl.col("own_meter").fill_null(False),
            pl.col("own_meter_cents", "share_cents", "provisions_cents").fill_null(0),
            pl.col("vacant").fill_null(False),
        )
        .with_columns((pl.col("provisions_cents") - pl.col("share_cents")).alias("balance_cents"))
    )


def _change(current: str, previous: str) -> pl.Expr:
    """(current - previous) / previous; null without a previous figure above 0."""
    return (
        pl.when(pl.col(previous) > 0)
        .then((pl.col(current) - pl.col(previous)) / pl.col(previous))
        .otherwise(None)
        .alias("change")
    )


def _building_categories(now: _Year, before: _Year) -> pl.DataFrame:
    """Per building and category: cost_cents (= metered_cents + contract_cents), own_meter_cents
    (the part the dwellings' own meters charged to them under an own_meter key), cost_lines,
    unpriced_meter_months, estimated_share (of the metered cost, cost-weighted; null when no
    metered cost), tenants_share_cents, landlord_cents, provisions_cents, balance_cents
    (provisions - tenants' shares), previous_cost_cents (N-1, null without a line), change."""
    metered = pl.col("source") == "meters"
    weighed = metered & pl.col("estimated_share").is_not_null()
    costs = now.lines.group_by(BUILDING_CATEGORY).agg(
        pl.col("cost_cents").sum(),
        pl.col("cost_cents").filter(metered).sum().alias("metered_cents"),
        pl.col("cost_cents").filter(~metered).sum().alias("contract_cents"),
        pl.len().cast(pl.Int64).alias("cost_lines"),
        pl.col("unpriced_meters").sum().alias("unpriced_meter_months"),
        (pl.col("cost_cents") * pl.col("estimated_share")).filter(weighed).sum().alias("_estimated"),
        pl.col("cost_cents").filter(weighed).sum().alias("_weight"),
    )
    occupied = pl.col("vacant").not_()
    people = now.dwellings.group_by(BUILDING_CATEGORY).agg(
        pl.col("share_cents").filter(occupied).sum().alias("tenants_share_cents"),
        pl.col("share_cents").filter(pl.col("vacant")).sum().alias("_vacant_cents"),
        pl.col("own_meter_cents").sum(),
        pl.col("provisions_cents").sum(),
    )
    previous = before.lines.group_by(BUILDING_CATEGORY).agg(pl.col("cost_cents").sum().alias("previous_cost_cents"))
    zero = ["cost_cents", "metered_cents", "contract_cents", "cost_lines", "unpriced_meter_months"]
    zero += ["tenants_share_cents", "_vacant_cents", "own_meter_cents", "provisions_cents", "_undwelt_cents"]
    return (
        costs.join(people, on=BUILDING_CATEGORY, how="full", coalesce=True)
        .join(now.undwelt.rename({"cost_cents": "_undwelt_cents"}), on=BUILDING_CATEGORY, how="left")
        .join(previous, on=BUILDING_CATEGORY, how="left")
        .with_columns(pl.col(zero).fill_null(0))
        .with_columns(
            pl.when(pl.col("_weight") != 0).then(pl.col("_estimated") / pl.col("_weight")).alias("estimated_share"),
            (pl.col("_vacant_cents") + pl.col("_undwelt_cents")).alias("landlord_cents"),
            (pl.col("provisions_cents") - pl.col("tenants_share_cents")).alias("balance_cents"),
            _change("cost_cents", "previous_cost_cents"),
        )
        .select(
            "building_id",
            "charge_category",
            "cost_cents",
            "metered_cents",
            "contract_cents",
            "own_meter_cents",
            "cost_lines",
            "unpriced_meter_months",
            "estimated_share",
            "tenants_share_cents",
            "landlord_cents",
            "provisions_cents",
            "balance_cents",
            "previous_cost_cents",
            "change",
        )
        .sort(BUILDING_CATEGORY)
    )


def _building_totals(categories: pl.DataFrame) -> pl.DataFrame:
    summed = ["cost_cents", "metered_cents", "contract_cents", "tenants_share_cents", "landlord_cents"]
    summed += ["provisions_cents", "balance_cents", "unpriced_meter_months"]
    known = pl.col("previous_cost_cents").is_not_null()
    return (
        categories.group_by("building_id")
        .agg(
            pl.col(summed).sum(),
            pl.when(known.any()).then(pl.col("previous_cost_cents").sum()).alias("previous_cost_cents"),
        )
        .with_columns(_change("cost_cents", "previous_cost_cents"))
        .sort("building_id")
    )


def _monthly(now: _Year) -> pl.DataFrame:
    key = ["building_id", "month", "charge_category"]
    costs = now.lines.group_by(key).agg(pl.col("cost_cents").sum())
    return costs.join(monthly_provisions(now.paid), on=key, how="full", coalesce=True).sort(key)


def _landlord(now: _Year) -> pl.DataFrame:
    vacant = now.dwellings.filter(pl.col("vacant")).select(
        *DWELLING_CATEGORY, "share_cents", pl.lit("vacant").alias("reason")
    )
    undwelt = now.undwelt.select(
        "building_id",
        pl.lit(None, pl.String).alias("ug_id"),
        "charge_category",
        pl.col("cost_cents").alias("share_cents"),
        pl.lit("no_dwellings").alias("reason"),
    )
    return pl.concat([vacant, undwelt]).sort(DWELLING_CATEGORY, nulls_last=True)


def _occupied(now: _Year, before: _Year) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(dwelling_categories, dwelling_balances) of the occupied dwellings."""
    previous = before.shares.select(*DWELLING_CATEGORY, pl.col("share_cents").alias("previous_share_cents"))
    categories = (
        now.dwellings.filter(~pl.col("vacant"))
        .join(previous, on=DWELLING_CATEGORY, how="left")
        .with_columns(_change("share_cents", "previous_share_cents"))
        .select(
            *DWELLING_CATEGORY,
            "basis",
            "own_meter",
            "own_meter_cents",
            "share_cents",
            "provisions_cents",
            "balance_cents",
            "previous_share_cents",
            "change",
        )
        .sort(DWELLING_CATEGORY)
    )
    balance = pl.col("balance_cents")
    balances = (
        categories.group_by(DWELLING)
        .agg(pl.col("share_cents", "provisions_cents", "balance_cents").sum())
        .with_columns(
            pl.when(balance > 0)
            .then(pl.lit("refund"))
            .when(balance < 0)
            .then(pl.lit("to_call"))
            .otherwise(pl.lit("settled"))
            .alias("outcome")
        )
        .sort(DWELLING)
    )
    return categories, balances


def _anomalies(
    inputs: ChargeInputs,
    now: _Year,
    categories: pl.DataFrame,
    totals: pl.DataFrame,
    occupied: pl.DataFrame,
    meters: pl.DataFrame,
) -> pl.DataFrame:
    thresholds = inputs.thresholds
    dwelt = totals.join(inputs.dwellings.select("building_id").unique(), on="building_id", how="semi")
    rows = [
        findings.increases(categories, occupied, thresholds.category_increase, inputs.year),
        findings.reading_quality(categories, thresholds.estimated_share),
        findings.provision_findings(categories, dwelt, thresholds.provision_gap),
        findings.residences_without_meter(inputs.buildings, now.lines),
        findings.unmapped_trades(now.unmapped),
        findings.dwelling_findings(now.paid.months, now.paid.orphans, now.foreign_meters, now.undwelt),
        anomaly_rows(meters),
    ]
    return findings.with_residences(pl.concat(rows), inputs.buildings)


def _in_perimeter(inputs: ChargeInputs) -> ChargeInputs:
    inside = pl.col("building_id").is_in(inputs.buildings["building_id"].implode())
    return ChargeInputs(
        year=inputs.year,
        buildings=inputs.buildings,
        dwellings=inputs.dwellings.filter(inside),
        costs=inputs.costs.filter(inside),
        figures=inputs.figures.filter(inside),
        provisions=inputs.provisions.filter(inside),
        facts=inputs.facts.filter(inside),
        mapping=inputs.mapping,
        keys=inputs.keys,
        thresholds=inputs.thresholds,
        anomalies=inputs.anomalies.filter(inside),
    )


def compute_charge_control(inputs: ChargeInputs) -> ChargeControl:
    inputs = _in_perimeter(inputs)
    _check_dwellings(inputs.dwellings)
    mapping = check_mapping(inputs.mapping)
    keys = keys_frame(inputs.keys)
    contracts, unmapped = contract_lines(inputs.facts, mapping)
    now = _year(inputs, inputs.year, contracts, unmapped, keys)
    before = _year(inputs, inputs.year - 1, contracts, unmapped, keys)
    categories = _building_categories(now, before)
    totals = _building_totals(categories)
    occupied, balances = _occupied(now, before)
    meters = meter_anomalies(inputs.anomalies, inputs.figures, inputs.year)
    return ChargeControl(
        method_version=METHOD_VERSION,
        year=inputs.year,
        thresholds=inputs.thresholds,
        mapping=mapping,
        allocation_keys=keys,
        cost_lines=now.lines,
        contract_lines=now.contracts,
        unmapped_interventions=now.unmapped,
        monthly=_monthly(now),
        building_categories=categories,
        building_totals=totals,
        dwelling_categories=occupied,
        dwelling_balances=balances,
        landlord=_landlord(now),
        suggested_provisions=findings.suggested_provisions(now.dwellings),
        anomalies=_anomalies(inputs, now, categories, totals, occupied, meters),
        meter_anomalies=meters,
    )


# Read whole by every residence's report: the same for all of them.
SHARED_FRAMES = ("mapping", "allocation_keys")


def by_residence(control: ChargeControl, buildings: pl.DataFrame) -> dict[str, ChargeControl]:
    """The charge control of several residences cut into one per residence (``buildings``:
    building_id, residence_id of the perimeter's buildings), each equal, frame for frame, to the
    charge control computed for that residence alone: every figure is a building's, a dwelling's
    or a residence's, never one that mixes residences. One computation over a portfolio then
    serves its hundreds of reports (tested equal for each residence of the demo portfolio)."""
    residence_of = buildings.select("building_id", "residence_id")
    residences = residence_of["residence_id"].unique().sort().to_list()
    parts = {
        one.name: split_by_residence(getattr(control, one.name), residence_of)
        for one in fields(control)
        if one.name not in SHARED_FRAMES and isinstance(getattr(control, one.name), pl.DataFrame)
    }
    return {
        residence: replace(
            control,
            **{name: split.get(residence, getattr(control, name).clear()) for name, split in parts.items()},
        )
        for residence in residences
    }


def split_by_residence(frame: pl.DataFrame, residence_of: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """``frame``'s rows per residence, in their order, with its columns: by its residence_id
    when it has one, else by its building's (``residence_of``: building_id, residence_id)."""
    keyed = (
        frame
        if "residence_id" in frame.columns
        else frame.join(residence_of, on="building_id", how="left", maintain_order="left")
    )
    split = keyed.partition_by("residence_id", as_dict=True, maintain_order=True)
    return {key[0]: part.select(frame.columns) for key, part in split.items()}
