"""What a charge-control report must point at (issue 14, item 3), pure polars: one row per finding
(ANOMALY_SCHEMA), its ``kind`` a stable name the PDF translates, ``value`` and ``reference`` the
evidence in ``unit``. Nothing a report shows as zero is left unexplained:

- category_up / dwelling_category_up: a building's cost of a category, or an occupied dwelling's
  share of it, up more than the threshold against N-1 (only where N-1 had a cost above 0);
- estimated_readings: a category whose metered cost rests on estimated readings for more than
  the threshold (cost-weighted share); unpriced_meters: meter-months with no price, whose cost is
  missing from the total; own_meters_exceed_cost: the dwellings' own meters cost more than the
  building's whole category (exports out of step), so the rest shared is negative;
- provisions_far_from_costs: the tenants' provisions of a category off their shares by more than
  the threshold (the suggested provisions say what to call next year); provisions_without_costs;
- costs_without_provisions (a category of a building that has provisions in others),
  building_without_provisions (costs and no provision at all), residence_without_meter (no
  metered cost line in the year for any of its buildings);
- unmapped_trade: interventions whose trade and service code map to no category;
- partial_provisions: an occupied dwelling paying in fewer than 12 months (it bears the whole
  year's share: its occupancy is not known here); provisions_unknown_unit: provisions of a unit
  that is not a dwelling of the building; unit_meter_not_dwelling: a unit meter of such a unit;
  no_dwellings: costs of a building with no dwelling to share them.

Suggested monthly provision for next year: the dwelling's share of the charge year / 12, rounded
up to the whole euro (never below 0).
"""

import polars as pl

from services.reporting.domain.charges_costs import to_euros

ANOMALY_SCHEMA = {
    "kind": pl.String,
    "residence_id": pl.String,
    "building_id": pl.String,
    "ug_id": pl.String,
    "charge_category": pl.String,
    "value": pl.Float64,
    "reference": pl.Float64,
    "unit": pl.String,
    "detail": pl.String,
}


def _rows(frame: pl.DataFrame, kind: str, unit: str, **columns: pl.Expr) -> pl.DataFrame:
    """``frame`` as anomaly rows of ``kind``: ``columns`` give value, reference, detail and any of
    ug_id / charge_category the frame lacks; residence_id is filled by ``with_residences``."""
    present: dict[str, pl.Expr] = {
        c: pl.col(c) for c in ("building_id", "ug_id", "charge_category") if c in frame.columns
    }
    exprs = {
        "kind": pl.lit(kind),
        "residence_id": pl.lit(None, pl.String),
        "building_id": pl.lit(None, pl.String),
        "ug_id": pl.lit(None, pl.String),
        "charge_category": pl.lit(None, pl.String),
        "value": pl.lit(None, pl.Float64),
        "reference": pl.lit(None, pl.Float64),
        "unit": pl.lit(unit),
        "detail": pl.lit(""),
    }
    exprs.update(present)
    exprs.update(columns)
    return frame.select(**exprs).cast(ANOMALY_SCHEMA)  # type: ignore[arg-type]


def euros(cents: str) -> pl.Expr:
    return to_euros(pl.col(cents))


def increases(buildings: pl.DataFrame, dwellings: pl.DataFrame, threshold: float, year: int) -> pl.DataFrame:
    """``buildings``: building categories (cost_cents, previous_cost_cents, change);
    ``dwellings``: occupied dwellings' categories (share_cents, previous_share_cents, change)."""
    detail = pl.format(f"up {{}} % against {year - 1}", (pl.col("change") * 100).round(1))
    return pl.concat(
        [
            _rows(
                buildings.filter(pl.col("change") > threshold),
                "category_up",
                "EUR",
                value=euros("cost_cents"),
                reference=euros("previous_cost_cents"),
                detail=detail,
            ),
            _rows(
                dwellings.filter(pl.col("change") > threshold),
                "dwelling_category_up",
                "EUR",
                value=euros("share_cents"),
                reference=euros("previous_share_cents"),
                detail=detail,
            ),
        ]
    )


def reading_quality(buildings: pl.DataFrame, estimated_threshold: float) -> pl.DataFrame:
    """``buildings``: building categories with estimated_share, own_meter_cents, cost_cents and
    unpriced_meter_months."""
    return pl.concat(
        [
            _rows(
                buildings.filter(pl.col("estimated_share") > estimated_threshold),
                "estimated_readings",
                "share",
                value=pl.col("estimated_share"),
                reference=pl.lit(estimated_threshold),
                detail=pl.format(
                    "{} % of the metered cost rests on estimated readings", (pl.col("estimated_share") * 100).round(1)
                ),
            ),
            _rows(
                buildings.filter(pl.col("own_meter_cents") > pl.col("cost_cents")),
                "own_meters_exceed_cost",
                "EUR",
                value=euros("own_meter_cents"),
                reference=euros("cost_cents"),
                detail=pl.lit(
                    "the dwellings' own meters cost more than the building's category: the others get a credit"
                ),
            ),
            _rows(
                buildings.filter(pl.col("unpriced_meter_months") > 0),
                "unpriced_meters",
                "meter-months",
                value=pl.col("unpriced_meter_months").cast(pl.Float64),
                detail=pl.lit("meter-months with no price: their cost is missing from the total"),
            ),
        ]
    )


def provision_findings(buildings: pl.DataFrame, totals: pl.DataFrame, gap_threshold: float) -> pl.DataFrame:
    """``buildings``: building categories (cost_cents, tenants_share_cents, provisions_cents);
    ``totals``: per building with dwellings (cost_cents, provisions_cents): a building without
    any is ``no_dwellings``, not said twice."""
    share, provisions = pl.col("tenants_share_cents"), pl.col("provisions_cents")
    gap = (provisions - share).abs() / share
    provided_buildings = totals.filter(pl.col("provisions_cents") != 0).select("building_id")
    return pl.concat(
        [
            _rows(
                buildings.filter((share > 0) & (provisions != 0) & (gap > gap_threshold)),
                "provisions_far_from_costs",
                "EUR",
                value=euros("provisions_cents"),
                reference=euros("tenants_share_cents"),
                detail=pl.format("provisions off the tenants' shares by {} %", (gap * 100).round(1)),
            ),
            _rows(
                buildings.filter((pl.col("cost_cents") == 0) & (provisions != 0)),
                "provisions_without_costs",
                "EUR",
                value=euros("provisions_cents"),
                detail=pl.lit("provisions called and no recoverable cost recorded in the year"),
            ),
            _rows(
                buildings.filter((pl.col("cost_cents") != 0) & (provisions == 0)).join(
                    provided_buildings, on="building_id", how="semi"
                ),
                "costs_without_provisions",
                "EUR",
                value=euros("cost_cents"),
                detail=pl.lit("recoverable costs and no provision called in this category"),
            ),
            _rows(
                totals.filter((pl.col("cost_cents") != 0) & (pl.col("provisions_cents") == 0)),
                "building_without_provisions",
                "EUR",
                value=euros("cost_cents"),
                detail=pl.lit("recoverable costs and no provision from any dwelling: every dwelling counts as vacant"),
            ),
        ]
    )


def residences_without_meter(buildings: pl.DataFrame, cost_lines: pl.DataFrame) -> pl.DataFrame:
    """``buildings``: building_id, residence_id (the perimeter); ``cost_lines``: the year's."""
    metered = cost_lines.filter(pl.col("source") == "meters").select("building_id").unique()
    residences = buildings.with_columns(pl.col("building_id").is_in(metered["building_id"].implode()).alias("metered"))
    unmetered = residences.group_by("residence_id").agg(pl.col("metered").any()).filter(~pl.col("metered"))
    return _rows(
        unmetered,
        "residence_without_meter",
        "",
        residence_id=pl.col("residence_id"),
        detail=pl.lit("no recoverable meter with a figure in the year in any building of the residence"),
    )


def unmapped_trades(unmapped: pl.DataFrame) -> pl.DataFrame:
    """``unmapped``: the year's interventions mapped to no category (``contract_lines``)."""
    grouped = unmapped.group_by("building_id", "trade", "service_code").agg(
        pl.col("recoverable_cents").sum(), pl.len().alias("interventions")
    )
    return _rows(
        grouped,
        "unmapped_trade",
        "EUR",
        value=euros("recoverable_cents"),
        detail=pl.format(
            "trade {} (service code {}): {} intervention(s) mapped to no charge category, "
            "their recoverable part in no total",
            pl.col("trade"),
            pl.col("service_code"),
            pl.col("interventions"),
        ),
    )


def dwelling_findings(
    provision_months: pl.DataFrame, orphans: pl.DataFrame, foreign_meters: pl.DataFrame, undwelt: pl.DataFrame
) -> pl.DataFrame:
    """``provision_months``: occupied dwellings (building_id, ug_id, months); ``orphans``:
    provisions of units that are not dwellings (building_id, ug_id, charge_category,
    amount_cents); ``foreign_meters``: unit meter costs of such units (own_cents); ``undwelt``:
    costs of buildings with no dwelling (cost_cents)."""
    return pl.concat(
        [
            _rows(
                provision_months.filter(pl.col("months") < 12),
                "partial_provisions",
                "months",
                value=pl.col("months").cast(pl.Float64),
                reference=pl.lit(12.0),
                detail=pl.lit(
                    "provisions in fewer than 12 months: the dwelling bears the whole year's share; check its occupancy"
                ),
            ),
            _rows(
                orphans.group_by("building_id", "ug_id", "charge_category").agg(pl.col("amount_cents").sum()),
                "provisions_unknown_unit",
                "EUR",
                value=euros("amount_cents"),
                detail=pl.lit("provisions of a unit that is not a dwelling of the building: set against nothing"),
            ),
            _rows(
                foreign_meters,
                "unit_meter_not_dwelling",
                "EUR",
                value=euros("own_cents"),
                detail=pl.lit(
                    "meter of a unit that is not a dwelling of the building: its cost is shared among the dwellings"
                ),
            ),
            _rows(
                undwelt,
                "no_dwellings",
                "EUR",
                value=euros("cost_cents"),
                detail=pl.lit("costs of a building with no dwelling to share them: the landlord's"),
            ),
        ]
    )


def with_residences(anomalies: pl.DataFrame, buildings: pl.DataFrame) -> pl.DataFrame:
    """Fill each row's residence from its building; sorted for a stable report."""
    residence = buildings.select("building_id", pl.col("residence_id").alias("_residence"))
    return (
        anomalies.join(residence, on="building_id", how="left")
        .with_columns(pl.coalesce("residence_id", "_residence").alias("residence_id"))
        .drop("_residence")
        .sort("residence_id", "building_id", "kind", "ug_id", "charge_category", nulls_last=True)
    )


def suggested_provisions(dwellings: pl.DataFrame) -> pl.DataFrame:
    """``dwellings``: every dwelling's categories (vacant too: a new tenant will pay), with
    share_cents and current_monthly_cents -> building_id, ug_id, charge_category, vacant,
    share_cents, current_monthly_cents, suggested_monthly_eur (the module's rule)."""
    share = pl.col("share_cents")
    return (
        dwellings.filter((share != 0) | pl.col("current_monthly_cents").is_not_null())
        .select(
            "building_id",
            "ug_id",
            "charge_category",
            "vacant",
            "share_cents",
            "current_monthly_cents",
            # ceiling of share / 1200 cents, by floor division of the negation
            (-((-share) // 1200)).clip(lower_bound=0).alias("suggested_monthly_eur"),
        )
        .sort("building_id", "ug_id", "charge_category")
    )
