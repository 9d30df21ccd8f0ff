"""The audit pack's tables of a charge-control report (issue 14, item 4), from the ChargeControl
alone, so that an auditor can recompute every total in a spreadsheet. Amounts in euros with two
decimals (each line is whole cents, so sums are exact to the cent):

- costs.csv: one line per recoverable cost (building, month, category, source: meters or
  contracts); summed per building and category, they give the report's costs;
- interventions.csv: one line per intervention counted (cost x recoverable share), which add up
  to the contract lines of costs.csv; unmapped_interventions.csv: those in no total;
- dwelling_balances.csv: one line per occupied dwelling and category (share, provisions,
  balance); landlord.csv: one line per vacant dwelling (or building with no dwelling) and
  category. Per building and category, tenants' shares + the landlord's = the cost;
- meter_anomalies.csv: one line per leak or energy anomaly of the year on the buildings' meters
  (the consumption service's evidence, the excess, the cost per unit and the estimated cost, or
  why none);
- figures.csv (what the figures hash covers), suggested_provisions.csv, anomalies.csv,
  allocation_keys.csv and charge_categories.csv (the mapping used).
Writing them into a zip is the service's job.
"""

import polars as pl

from services.reporting.domain.charges import ChargeControl
from services.reporting.domain.charges_costs import to_euros
from services.reporting.domain.charges_figures import charges_figures_frame


def _euros(*cents: str) -> list[pl.Expr]:
    return [to_euros(pl.col(c)).alias(c.removesuffix("_cents") + "_eur") for c in cents]


def cost_lines_table(result: ChargeControl) -> pl.DataFrame:
    return result.cost_lines.select(
        "building_id",
        "month",
        "charge_category",
        "source",
        *_euros("cost_cents"),
        "meters",
        "unpriced_meters",
        "estimated_share",
        "interventions",
    )


def intervention_lines_table(result: ChargeControl) -> pl.DataFrame:
    return result.contract_lines.select(
        pl.col("id").alias("intervention_id"),
        "contract_id",
        "building_id",
        "month",
        "trade",
        "service_code",
        "charge_category",
        "decret_heading",
        "mapped_by",
        "cost_eur",
        "recoverable_share",
        *_euros("recoverable_cents"),
    )


def unmapped_interventions_table(result: ChargeControl) -> pl.DataFrame:
    return result.unmapped_interventions.select(
        pl.col("id").alias("intervention_id"),
        "contract_id",
        "building_id",
        "month",
        "trade",
        "service_code",
        "cost_eur",
        "recoverable_share",
        *_euros("recoverable_cents"),
    )


def dwelling_balances_table(result: ChargeControl) -> pl.DataFrame:
    return result.dwelling_categories.select(
        "building_id",
        "ug_id",
        "charge_category",
        "basis",
        "own_meter",
        *_euros("own_meter_cents", "share_cents", "provisions_cents", "balance_cents", "previous_share_cents"),
    )


def landlord_table(result: ChargeControl) -> pl.DataFrame:
    return result.landlord.select("building_id", "ug_id", "charge_category", "reason", *_euros("share_cents"))


def charges_pack_tables(result: ChargeControl, figures: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """File name -> table, as the pack holds them; ``figures``: charges_figures_frame(result) when
    the caller made it already (the manifest hashes it)."""
    return {
        "figures.csv": charges_figures_frame(result) if figures is None else figures,
        "costs.csv": cost_lines_table(result),
        "interventions.csv": intervention_lines_table(result),
        "unmapped_interventions.csv": unmapped_interventions_table(result),
        "dwelling_balances.csv": dwelling_balances_table(result),
        "landlord.csv": landlord_table(result),
        "suggested_provisions.csv": result.suggested_provisions.select(
            "building_id",
            "ug_id",
            "charge_category",
            "vacant",
            *_euros("share_cents", "current_monthly_cents"),
            "suggested_monthly_eur",
        ),
        "anomalies.csv": result.anomalies,
        "meter_anomalies.csv": result.meter_anomalies.with_columns(
            pl.col("window_start", "window_end").dt.strftime("%Y-%m-%dT%H:%M:%SZ"), *_euros("cost_cents")
        ).drop("cost_cents"),
        "allocation_keys.csv": result.allocation_keys,
        "charge_categories.csv": result.mapping,
    }
