"""Weather-normalised heating per m2 (DESIGN 3.3), from the consumption service's monthly figures:
each heating figure carries C_norm = C_base + C_heating x DJU_ref / DJU_actual, or NaN when it
cannot be normalised (no weather station, no degree days, no summer base load ...: its
``normalisation`` says why). NaN is never 0.

- kWh PCI normalised per m2 = the C_norm of the buildings whose heating figures of the period are
  ALL normalisable / the heated floor area of those buildings. A building with one month not
  normalisable is left out whole: its area with 11 months of kWh would understate the intensity.
- Coverage = the actual heating kWh PCI of those buildings / the heating kWh PCI of every
  building; the figures not normalisable and their kWh are counted.
Heating figures are those of the heating usages, as the consumption service normalises them.
"""

from dataclasses import dataclass

import polars as pl

HEATING_USAGES = ("heating", "heating_hot_water")


@dataclass(frozen=True)
class NormalisedHeating:
    heating_figures: int
    heating_kwh: float  # actual kWh PCI of every heating figure with kWh
    not_normalisable_figures: int
    not_normalisable_kwh: float  # their actual kWh PCI (a figure without kWh adds none)
    buildings: int  # buildings whose heating figures are all normalisable
    area_m2: float  # their heated floor area
    covered_kwh: float  # their actual heating kWh PCI
    normalised_kwh: float  # their C_norm

    @property
    def kwh_per_m2(self) -> float | None:
        return self.normalised_kwh / self.area_m2 if self.buildings and self.area_m2 > 0 else None

    @property
    def coverage(self) -> float | None:
        return self.covered_kwh / self.heating_kwh if self.heating_kwh > 0 else None


def _is_number(column: str) -> pl.Expr:
    return pl.col(column).is_not_null() & pl.col(column).is_not_nan()


def normalised_heating(figures: pl.DataFrame, buildings: pl.DataFrame) -> NormalisedHeating:
    """``figures``: building_id, usage, kwh_pci, heating_normalised_kwh; ``buildings``:
    building_id, heated_area_m2."""
    heating = figures.filter(pl.col("usage").is_in(HEATING_USAGES)).with_columns(
        _is_number("heating_normalised_kwh").alias("normalisable"),
        pl.when(_is_number("kwh_pci")).then(pl.col("kwh_pci")).otherwise(0.0).alias("actual_kwh"),
    )
    per_building = heating.group_by("building_id").agg(
        pl.col("normalisable").all().alias("all_normalisable"),
        pl.col("actual_kwh").sum(),
        pl.col("heating_normalised_kwh").filter(pl.col("normalisable")).sum().alias("normalised_kwh"),
    )
    covered = per_building.filter(pl.col("all_normalisable")).join(
        buildings.select("building_id", "heated_area_m2"), on="building_id", how="inner"
    )
    left_out = heating.filter(~pl.col("normalisable"))
    return NormalisedHeating(
        heating_figures=heating.height,
        heating_kwh=float(heating["actual_kwh"].sum()),
        not_normalisable_figures=left_out.height,
        not_normalisable_kwh=float(left_out["actual_kwh"].sum()),
        buildings=covered.height,
        area_m2=float(covered["heated_area_m2"].sum()),
        covered_kwh=float(covered["actual_kwh"].sum()),
        normalised_kwh=float(covered["normalised_kwh"].sum()),
    )
