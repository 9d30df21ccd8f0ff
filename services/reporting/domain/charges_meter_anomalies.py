"""The consumption service's anomalies on a building's meters in the charge year, each with its
estimated cost (issue 14, item 3: "a water leak or energy anomaly found in the year with its
estimated cost"). Pure polars.

An anomaly counts in the charge year when its window starts in it (Europe/Paris). Its evidence is
the consumption service's own: the window, the quantity expected at the meter's norm and the
quantity observed over it, in the meter's unit, and the detector's sentence.

Estimated cost = excess x the meter's cost per unit over the months the window touches:
- excess = observed - expected (never below 0) for what is consumption beyond the norm: a leak,
  a spike, a night flow (expected 0: every litre that ran at night counts);
- cost per unit = the sum of the meter's monthly cost_eur over those months / the sum of their
  quantities (the consumption service's ExportMonthly figures, priced as of the cut-off): an
  average, fixed part included, not a marginal tariff;
- in whole cents, half away from zero.
No cost is estimated (null, never 0), with the reason in ``cost_note``, for a metering fault that
moves consumption between days without adding any (flat_line, stuck_register, backwards:
``metering_fault``), a kind this module does not know (``kind_not_priced``), a meter with a month
unpriced in the window (``unpriced``), a meter with no monthly figure or no quantity there
(``no_figure``).
"""

from typing import Any

import polars as pl

from services.reporting.domain.charges_costs import to_cents, to_euros
from services.reporting.domain.periods import PARIS

TIME = pl.Datetime("us", "UTC")
# ListAnomalies' records as the report pulls them
CONSUMPTION_ANOMALY_SCHEMA: dict[str, Any] = {
    "meter_ref": pl.String,
    "building_id": pl.String,
    "kind": pl.String,
    "window_start": TIME,
    "window_end": TIME,
    "expected": pl.Float64,
    "observed": pl.Float64,
    "detail": pl.String,
    "detected_at": TIME,
}
EXCESS_KINDS = ("leak", "spike", "night_flow")
FAULT_KINDS = ("flat_line", "stuck_register", "backwards")
METER_ANOMALY_SCHEMA: dict[str, Any] = {
    "building_id": pl.String,
    "meter_ref": pl.String,
    "kind": pl.String,
    "window_start": TIME,
    "window_end": TIME,
    "unit": pl.String,
    "charge_category": pl.String,  # null when the meter is not recoverable
    "expected": pl.Float64,
    "observed": pl.Float64,
    "excess": pl.Float64,  # null for a metering fault
    "eur_per_unit": pl.Float64,
    "cost_cents": pl.Int64,  # null: not estimated (cost_note says why)
    "cost_note": pl.String,  # estimated, metering_fault, kind_not_priced, unpriced, no_figure
    "detail": pl.String,
}


def _local_month(instant: pl.Expr) -> pl.Expr:
    return instant.dt.convert_time_zone(str(PARIS)).dt.truncate("1mo").dt.date()


def meter_anomalies(anomalies: pl.DataFrame, figures: pl.DataFrame, year: int) -> pl.DataFrame:
    """``anomalies``: CONSUMPTION_ANOMALY_SCHEMA rows; ``figures``: MonthlyFigure rows (meter_ref,
    month_start, quantity, unit, cost_eur NaN when unpriced, charge_category, recoverable) ->
    METER_ANOMALY_SCHEMA, the anomalies of ``year`` sorted by building, window, meter and kind."""
    found = anomalies.filter(pl.col("window_start").dt.convert_time_zone(str(PARIS)).dt.year() == year)
    if found.is_empty():
        return pl.DataFrame(schema=METER_ANOMALY_SCHEMA)
    months = figures.select(
        "meter_ref", "quantity", "cost_eur", month=_local_month(pl.col("month_start"))
    ).with_columns(pl.col("cost_eur").fill_nan(None))
    meters = figures.group_by("meter_ref").agg(
        pl.col("unit").first(),
        pl.when(pl.col("recoverable")).then(pl.col("charge_category")).first().alias("charge_category"),
    )
    keyed = found.with_row_index("row").with_columns(
        first=_local_month(pl.col("window_start")),
        # a window ends at an instant excluded: its last month is that of the instant just before
        last=_local_month(pl.col("window_end") - pl.duration(microseconds=1)),
    )
    priced = (
        keyed.select("row", "meter_ref", "first", "last")
        .join(months, on="meter_ref", how="inner")
        .filter(pl.col("month").is_between(pl.col("first"), pl.col("last")))
        .group_by("row")
        .agg(
            quantity=pl.col("quantity").sum(),
            cost=pl.col("cost_eur").sum(),
            unpriced=pl.col("cost_eur").null_count(),
        )
    )
    excess = (pl.col("observed") - pl.col("expected")).clip(lower_bound=0.0)
    with_price = keyed.join(priced, on="row", how="left").join(meters, on="meter_ref", how="left")
    note = (
        pl.when(pl.col("kind").is_in(FAULT_KINDS))
        .then(pl.lit("metering_fault"))
        .when(~pl.col("kind").is_in(EXCESS_KINDS))
        .then(pl.lit("kind_not_priced"))
        .when(pl.col("quantity").is_null() | (pl.col("quantity") <= 0))
        .then(pl.lit("no_figure"))
        .when(pl.col("unpriced") > 0)
        .then(pl.lit("unpriced"))
        .otherwise(pl.lit("estimated"))
    )
    return (
        with_price.with_columns(cost_note=note)
        .with_columns(
            excess=pl.when(pl.col("kind").is_in(EXCESS_KINDS)).then(excess),
            eur_per_unit=pl.when(pl.col("cost_note") == "estimated").then(pl.col("cost") / pl.col("quantity")),
        )
        .with_columns(cost_cents=to_cents(pl.col("excess") * pl.col("eur_per_unit")))
        .select(list(METER_ANOMALY_SCHEMA))
        .cast(METER_ANOMALY_SCHEMA)  # type: ignore[arg-type]
        .sort("building_id", "window_start", "meter_ref", "kind")
    )


def anomaly_rows(meters: pl.DataFrame) -> pl.DataFrame:
    """METER_ANOMALY_SCHEMA rows as the report's findings (charges_anomalies.ANOMALY_SCHEMA):
    kind ``meter_<kind>``, value the estimated cost in euros (null: not estimated)."""
    return meters.select(
        kind=pl.format("meter_{}", "kind"),
        residence_id=pl.lit(None, pl.String),
        building_id="building_id",
        ug_id=pl.lit(None, pl.String),
        charge_category="charge_category",
        value=to_euros(pl.col("cost_cents")),
        reference=pl.lit(None, pl.Float64),
        unit=pl.lit("EUR"),
        detail=pl.format(
            "meter {} from {} to {}: {} {} observed against {} expected; cost {} ({})",
            "meter_ref",
            pl.col("window_start").dt.strftime("%Y-%m-%dT%H:%MZ"),
            pl.col("window_end").dt.strftime("%Y-%m-%dT%H:%MZ"),
            pl.col("observed").round(3),
            pl.col("unit").fill_null("?"),
            pl.col("expected").round(3),
            pl.col("cost_note"),
            "detail",
        ),
    )
