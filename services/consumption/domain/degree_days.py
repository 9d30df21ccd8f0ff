"""Degree days (DJU, base 18 C), reference normals and weather-normalised heating consumption.

Formulas (shared/reference/factors_notes.md, section 4), with Tn / Tx the day's minimum / maximum:

- Meteo-France: ``DJ = max(0, 18 - (Tn + Tx) / 2)``.
- COSTIC ("professionnels de l'energie"): ``Tx <= 18: 18 - (Tn + Tx) / 2``; ``Tn >= 18: 0``;
  otherwise ``(18 - Tn) * (0.08 + 0.42 * (18 - Tn) / (Tx - Tn))``.

Normalisation, per building and month (DESIGN 3.3): ``C_norm = C_base + C_heating * DJU_ref /
DJU_actual`` where ``C_base`` (the non-weather load: hot water, cooking) is the building's mean
*daily* consumption in its *reference summer* (June to August, no heating), times the month's days,
and ``C_heating = max(0, C - C_base)``. The summer's daily mean weights its months by their days:
the summer's kWh over the days they count over (``span`` x days of each month, when the summer
frame carries ``span``: a meter installed on 16 June counts half of June), not the mean of three
monthly rates (June has 30 days, July and August 31). The reference summer is fixed by the month alone:

- a month of the heating season from September of year Y to May of Y + 1 takes the summer of Y,
  the one preceding the season (so January 2024 takes summer 2023, October 2024 summer 2024);
- a summer month (June to August of Y) takes its own summer, Y;
- when the building has no consumption in that summer (a meter installed later), the following
  summer (Y + 1) is taken instead; when it has none either, there is no ``C_base`` and no
  ``C_norm`` (null), rather than a guess, and ``reason`` says so.

Every month gets a ``reason``: how ``C_norm`` was obtained, or why there is none (no summer data,
no degree days for the month, degree days for part of the month only, no normal): a null
``C_norm`` is never left unexplained.

``C_base`` of a month thus depends only on the building, the month and what is known of those two
summers: never on which other months are computed with it, so a month exported alone, in a quarter
or in a year gets the same figure. A month with ``DJU_actual = 0`` has nothing to correct
(``C_norm = C``). ``DJU_ref`` is the station's normal for that calendar month over a declared
reference period (``normals``).
"""

import polars as pl

BASE_C = 18.0
SUMMER_MONTHS = (6, 7, 8)
DAILY_TEMPERATURE_SCHEMA = pl.Schema({"station": pl.String(), "day": pl.Date(), "tn": pl.Float64(), "tx": pl.Float64()})
DAILY_DJU_SCHEMA = pl.Schema({"station": pl.String(), "day": pl.Date(), "dju": pl.Float64()})


def dju_meteo(tn: pl.Expr, tx: pl.Expr, base: float = BASE_C) -> pl.Expr:
    return pl.max_horizontal(pl.lit(0.0), base - (tn + tx) / 2)


def dju_costic(tn: pl.Expr, tx: pl.Expr, base: float = BASE_C) -> pl.Expr:
    return (
        pl.when(tx <= base)
        .then(base - (tn + tx) / 2)
        .when(tn >= base)
        .then(0.0)
        .otherwise((base - tn) * (0.08 + 0.42 * (base - tn) / (tx - tn)))
    )


def daily_dju(temperatures: pl.DataFrame, method: str = "meteo") -> pl.DataFrame:
    """Daily Tn/Tx per station -> ``station, day, dju`` with the chosen method ("meteo" or "costic")."""
    methods = {"meteo": dju_meteo, "costic": dju_costic}
    if method not in methods:
        raise ValueError(f"DJU method must be one of {sorted(methods)}, not {method!r}")
    t = temperatures.select(list(DAILY_TEMPERATURE_SCHEMA)).cast(DAILY_TEMPERATURE_SCHEMA)
    return t.select("station", "day", dju=methods[method](pl.col("tn"), pl.col("tx")))


def monthly_dju(daily: pl.DataFrame) -> pl.DataFrame:
    """Daily DJU (computed or ready-made) -> ``station, month (first day), dju, days``."""
    return (
        daily.select(list(DAILY_DJU_SCHEMA))
        .cast(DAILY_DJU_SCHEMA)
        .group_by("station", month=pl.col("day").dt.truncate("1mo"))
        .agg(dju=pl.col("dju").sum(), days=pl.len())
        .sort("station", "month")
    )


def normals(monthly: pl.DataFrame, first_year: int, last_year: int) -> pl.DataFrame:
    """Reference DJU per station and calendar month: the mean over ``[first_year, last_year]``.

    The reference period is carried in the result (``ref_period``) so reports can state it. When
    ``monthly`` counts its ``days`` (``monthly_dju``), a month with missing days is left out: a
    partial month would pull its normal down.
    """
    ref = monthly.filter(pl.col("month").dt.year().is_between(first_year, last_year))
    if "days" in ref.columns:
        ref = ref.filter(pl.col("days") == pl.col("month").dt.month_end().dt.day())
    return (
        ref.group_by("station", month_of_year=pl.col("month").dt.month())
        .agg(dju_ref=pl.col("dju").mean(), years=pl.col("month").dt.year().n_unique())
        .with_columns(ref_period=pl.lit(f"{first_year}-{last_year}"))
        .sort("station", "month_of_year")
    )


def reference_summer(month: pl.Expr) -> pl.Expr:
    """Year of the summer whose base load a month takes: its own year from June on, else the year before."""
    return pl.when(month.dt.month() >= SUMMER_MONTHS[0]).then(month.dt.year()).otherwise(month.dt.year() - 1)


def normalise_heating(
    consumption: pl.DataFrame,
    monthly: pl.DataFrame,
    reference: pl.DataFrame,
    summers: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Weather-normalised heating per building and month.

    ``consumption``: ``building_id, station, month (Date, first day), kwh``, the months to normalise;
    ``monthly``: ``station, month, dju`` (and ``days``, the days with a DJU, when known: a month
    with fewer is not normalised, its DJU_actual being too low); ``reference``: ``station,
    month_of_year, dju_ref``; ``summers``: ``building_id, month, kwh`` (and ``span``) of the
    summers C_base comes from (default: the summer months of ``consumption``); it must hold each
    month's reference summer and the one after.
    Returns the input plus ``c_base, c_heating, dju_actual, dju_ref, c_norm, reason``.
    """
    summers = consumption if summers is None else summers
    days = pl.col("month").dt.month_end().dt.day().cast(pl.Float64)
    covered = days * pl.col("span") if "span" in summers.columns else days
    base_daily = (
        summers.filter(pl.col("month").dt.month().is_in(SUMMER_MONTHS) & pl.col("kwh").is_not_null())
        .group_by("building_id", summer=pl.col("month").dt.year())
        # weighted by the days each month covers: sum of kWh over sum of days
        .agg(kwh=pl.col("kwh").sum(), covered=covered.sum())
        .filter(pl.col("covered") > 0)
        .select("building_id", "summer", base_daily=pl.col("kwh") / pl.col("covered"))
    )
    dju_days = pl.col("days") if "days" in monthly.columns else pl.lit(None, pl.Int64)
    out = (
        consumption.with_columns(days=days, summer=reference_summer(pl.col("month")))
        .join(base_daily, on=["building_id", "summer"], how="left")
        .join(
            base_daily.select("building_id", next_summer=pl.col("summer") - 1, next_daily="base_daily"),
            left_on=["building_id", "summer"],
            right_on=["building_id", "next_summer"],
            how="left",
        )
        .join(
            monthly.select("station", "month", dju_actual="dju", dju_days=dju_days),
            on=["station", "month"],
            how="left",
        )
        .join(
            reference.select("station", "month_of_year", "dju_ref"),
            left_on=["station", pl.col("month").dt.month()],
            right_on=["station", "month_of_year"],
            how="left",
        )
        .with_columns(
            base_summer=pl.when(pl.col("base_daily").is_not_null())
            .then(pl.col("summer"))
            .when(pl.col("next_daily").is_not_null())
            .then(pl.col("summer") + 1),
            c_base=pl.coalesce("base_daily", "next_daily") * pl.col("days"),
        )
        # base load never above the month's consumption; no reference summer at all: no base load
        .with_columns(c_base=pl.when(pl.col("c_base").is_not_null()).then(pl.min_horizontal("c_base", "kwh")))
        .with_columns(c_heating=(pl.col("kwh") - pl.col("c_base")).clip(lower_bound=0.0))
    )
    partial_dju = pl.col("dju_days").is_not_null() & (pl.col("dju_days") < pl.col("days"))
    out = out.with_columns(
        c_norm=pl.when(pl.col("dju_actual").is_null() | partial_dju)
        .then(None)
        .when(pl.col("dju_actual") == 0)
        .then(pl.col("kwh"))
        .otherwise(pl.col("c_base") + pl.col("c_heating") * pl.col("dju_ref") / pl.col("dju_actual")),
        reason=pl.when(pl.col("dju_actual").is_null())
        .then(pl.format("no degree days for station {} this month", "station"))
        .when(partial_dju)
        .then(pl.format("degree days for {} of the month's {} days only", "dju_days", pl.col("days").cast(pl.Int64)))
        .when(pl.col("dju_actual") == 0)
        .then(pl.lit("no heating degree days this month: C_norm = C"))
        .when(pl.col("c_base").is_null())
        .then(
            pl.format(
                "no consumption in summer {} nor {}: no base load (C_base), so no C_norm",
                "summer",
                pl.col("summer") + 1,
            )
        )
        .when(pl.col("dju_ref").is_null())
        .then(pl.format("no reference normal for station {} and this calendar month", "station"))
        .otherwise(
            pl.format(
                "C_base {} kWh (summer {} at {} kWh/day x {} days) + C_heating {} kWh x DJU_ref {} / DJU_actual {}",
                pl.col("c_base").round(2),
                "base_summer",
                pl.coalesce("base_daily", "next_daily").round(4),
                pl.col("days").cast(pl.Int64),
                pl.col("c_heating").round(2),
                pl.col("dju_ref").round(2),
                pl.col("dju_actual").round(2),
            )
        ),
    )
    return out.drop(
        "base_daily", "next_daily", "summer", "base_summer", "days", "dju_days", "month_of_year", strict=False
    ).sort("building_id", "month")
