"""Energy and emissions month by month (the chart N against N-1) and by territory and carrier
(DESIGN 3.3), from a period's monthly figures and its emission lines. Pure polars.

A month with no energy figure at all has no kWh (null: "n/a" on the chart), never 0. A month or
a group whose energy lines are all unresolved has no kgCO2e; one with some lines unresolved keeps
the resolved part and says how many lines it leaves out (``unresolved_lines``).
"""

import polars as pl

from services.reporting.domain.energy import WATER

SERIES_SCHEMA = {
    "month_index": pl.Int32,
    "month_start": pl.Datetime("us", "UTC"),
    "kwh_pci": pl.Float64,
    "kgco2e": pl.Float64,
    "unresolved_lines": pl.UInt32,
}
NO_TERRITORY = ""


def _known_kwh() -> pl.Expr:
    return pl.col("kwh_pci").is_not_nan() & pl.col("kwh_pci").is_not_null()


def _kgco2e_or_null() -> pl.Expr:
    return pl.when(pl.col("resolved_lines") > 0).then(pl.col("kgco2e")).otherwise(None)


def _lines_summary(lines: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    return lines.group_by(by).agg(
        pl.col("kgco2e").filter(pl.col("resolved")).sum(),
        pl.col("resolved").sum().alias("resolved_lines"),
        (~pl.col("resolved")).sum().alias("unresolved_lines"),
    )


def _in_months(frame: pl.DataFrame, months: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (with month_start) with the month_index of the month each row falls in."""
    placed = frame.sort("month_start").join_asof(
        months.select("month_index", pl.col("month_start").alias("bound"), "month_end").sort("bound"),
        left_on="month_start",
        right_on="bound",
        strategy="backward",
    )
    return placed.filter(pl.col("month_index").is_not_null() & (pl.col("month_start") < pl.col("month_end")))


def monthly_energy(figures: pl.DataFrame, lines: pl.DataFrame, months: pl.DataFrame) -> pl.DataFrame:
    """One row per month of ``months``: kWh PCI of the energy figures, kgCO2e of the resolved
    lines, the unresolved lines."""
    energy = _in_months(figures.filter(~pl.col("carrier").is_in(WATER)), months)
    kwh = energy.group_by("month_index").agg(pl.col("kwh_pci").filter(_known_kwh()).sum())
    emissions = _lines_summary(_in_months(lines, months), ["month_index"]).with_columns(_kgco2e_or_null())
    return (
        months.select("month_index", "month_start")
        .join(kwh, on="month_index", how="left")
        .join(emissions.select("month_index", "kgco2e", "unresolved_lines"), on="month_index", how="left")
        .with_columns(pl.col("unresolved_lines").fill_null(0))
        .sort("month_index")
        .cast(SERIES_SCHEMA)  # type: ignore[arg-type]
    )


def against_previous(now: pl.DataFrame, before: pl.DataFrame) -> pl.DataFrame:
    """Each month of ``now`` beside the same month of N-1 (same month_index): previous_kwh_pci,
    previous_kgco2e."""
    return now.join(
        before.select(
            "month_index",
            pl.col("month_start").alias("previous_month_start"),
            pl.col("kwh_pci").alias("previous_kwh_pci"),
            pl.col("kgco2e").alias("previous_kgco2e"),
        ),
        on="month_index",
        how="left",
    ).sort("month_index")


def by_territory(figures: pl.DataFrame, lines: pl.DataFrame, buildings: pl.DataFrame) -> pl.DataFrame:
    """Per territory and energy carrier: kWh PCI, kgCO2e (null when no line resolved) and the
    unresolved lines. A figure of a building outside ``buildings`` has territory "" (shown as
    unknown)."""
    territory = buildings.select("building_id", "territory_id")

    def located(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.join(territory, on="building_id", how="left").with_columns(
            pl.col("territory_id").fill_null(NO_TERRITORY)
        )

    energy = located(figures.filter(~pl.col("carrier").is_in(WATER)))
    kwh = energy.group_by("territory_id", "carrier").agg(pl.col("kwh_pci").filter(_known_kwh()).sum())
    emissions = _lines_summary(located(lines), ["territory_id", "carrier"]).with_columns(_kgco2e_or_null())
    return (
        kwh.join(
            emissions.select("territory_id", "carrier", "kgco2e", "unresolved_lines"),
            on=["territory_id", "carrier"],
            how="left",
        )
        .with_columns(pl.col("unresolved_lines").fill_null(0))
        .sort("territory_id", "carrier")
    )


def with_previous_by_territory(now: pl.DataFrame, before: pl.DataFrame) -> pl.DataFrame:
    """``by_territory`` of N with N-1's kWh PCI and kgCO2e beside each row (previous_kwh_pci,
    previous_kgco2e), and N-1's rows that N has not."""
    keys = ["territory_id", "carrier"]
    return (
        now.join(
            before.select(
                *keys, pl.col("kwh_pci").alias("previous_kwh_pci"), pl.col("kgco2e").alias("previous_kgco2e")
            ),
            on=keys,
            how="full",
            coalesce=True,
        )
        .with_columns(pl.col("unresolved_lines").fill_null(0))
        .sort(keys)
    )
