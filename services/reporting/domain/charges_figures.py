"""The figures of a charge control as one frame (``FIGURES_SCHEMA``): what the figures hash of a
charge-control report covers and what its audit pack's figures.csv holds, so that a re-run that
moves any printed amount moves the hash. Whole cents only (no ratio: a change is derived).

One row per ``level``, in this order:
- ``building_category``: cost, tenants' shares, landlord's part, provisions, balance
  (provisions - tenants' shares) and N-1 cost (null: no cost line in N-1) of a building's category;
- ``building``: the same summed per building (N-1: the sum of the categories that have one);
- ``dwelling_category``: an occupied dwelling's share, provisions, balance and N-1 share;
- ``dwelling``: an occupied dwelling's share, provisions and balance for the year;
- ``landlord``: a vacant dwelling's share of a category (ug_id null: a building with no
  dwelling), in ``landlord_cents``;
- ``meter_anomaly``: the estimated cost of a leak or energy anomaly of the year
  (charges_meter_anomalies), in ``cost_cents`` (null: not estimated), in the order the domain
  sorts them (building, window, meter, kind).
"""

import polars as pl

from services.reporting.domain.charges import ChargeControl

FIGURES_SCHEMA = {
    "level": pl.String,
    "building_id": pl.String,
    "ug_id": pl.String,
    "charge_category": pl.String,
    "cost_cents": pl.Int64,
    "share_cents": pl.Int64,
    "landlord_cents": pl.Int64,
    "provisions_cents": pl.Int64,
    "balance_cents": pl.Int64,
    "previous_cents": pl.Int64,
}


def _level(frame: pl.DataFrame, level: str, **columns: str) -> pl.DataFrame:
    """``frame``'s rows at ``level``; ``columns`` maps a FIGURES_SCHEMA column to the frame's."""
    exprs = [pl.lit(level).alias("level")]
    for name, dtype in list(FIGURES_SCHEMA.items())[1:]:
        source = columns.get(name, name)
        exprs.append(pl.col(source).alias(name) if source in frame.columns else pl.lit(None, dtype).alias(name))
    return frame.select(exprs).cast(FIGURES_SCHEMA)  # type: ignore[arg-type]


def charges_figures_frame(result: ChargeControl) -> pl.DataFrame:
    order = ["building_id", "ug_id", "charge_category"]
    building = {"share_cents": "tenants_share_cents", "previous_cents": "previous_cost_cents"}
    parts = [
        _level(result.building_categories, "building_category", **building),
        _level(result.building_totals, "building", **building),
        _level(result.dwelling_categories, "dwelling_category", previous_cents="previous_share_cents"),
        _level(result.dwelling_balances, "dwelling"),
        _level(result.landlord.rename({"share_cents": "landlord_cents"}), "landlord"),
    ]
    sorted_parts = [part.sort(order, nulls_last=True, maintain_order=True) for part in parts]
    return pl.concat([*sorted_parts, _level(result.meter_anomalies, "meter_anomaly")])
