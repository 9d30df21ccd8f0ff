"""The audit pack's tables (issue 13, item 6), from the CSR figures alone, so that an auditor can
recompute every total in a spreadsheet: one line per emission (activity, quantity, unit, factor
key, value, set version, scope, kgCO2e), one per trip line (intervention, base, building, km,
factor, kgCO2e), the headline figures, and the ESRS E1 datapoints the figures support (E1-5
energy mix, E1-6 gross scopes 1, 2 and 3). Writing them into a zip is the service's job."""

import polars as pl

from services.reporting.domain.csr import CsrFigures, VehicleFactor, figures_frame


def emission_lines_table(figures: CsrFigures) -> pl.DataFrame:
    return figures.emission_lines.select(
        pl.concat_str(
            pl.col("meter_ref"), pl.lit(" "), pl.col("carrier"), pl.lit(" "), pl.col("month_start").dt.strftime("%Y-%m")
        ).alias("activity"),
        pl.col("kwh_pci").alias("quantity"),
        pl.lit("kWh PCI").alias("unit"),
        "boundary",
        "factor_key",
        pl.col("kgco2e_per_kwh").alias("factor_value"),
        "set_version",
        "fallback",
        "ghg_scope",
        "beges_poste",
        "esrs_datapoint",
        "kgco2e",
        "resolved",
        "reason",
    )


def trip_lines_table(figures: CsrFigures, vehicle: VehicleFactor) -> pl.DataFrame:
    return figures.trip_lines.select(
        pl.col("id").alias("intervention_id"),
        "contractor_id",
        "base_id",
        "building_id",
        "visits",
        "km_per_trip",
        "trip_km",
        pl.lit(vehicle.key).alias("factor_key"),
        pl.lit(vehicle.kgco2e_per_km).alias("factor_value"),
        pl.lit(vehicle.set_version).alias("set_version"),
        (pl.col("trip_km") * vehicle.kgco2e_per_km).alias("kgco2e"),
    )


def esrs_e1_table(figures: CsrFigures) -> pl.DataFrame:
    """E1-5: energy consumption by carrier (MWh) and the fossil part; E1-6: gross scope 1, 2
    (location-based) and 3 (energy upstream and contractors' trips), tCO2e."""
    by_carrier = figures.energy_by_carrier
    rows: list[tuple[str, str, float | None, str]] = [
        ("E1-5", f"energy consumption, {carrier}", float(kwh) / 1000, "MWh")
        for carrier, kwh in zip(by_carrier["carrier"], by_carrier["kwh_pci"], strict=True)
    ]
    rows.append(("E1-5", "total energy consumption", float(by_carrier["kwh_pci"].sum()) / 1000, "MWh"))
    share = figures.headline("fossil_share").value
    rows.append(("E1-5", "share of fossil sources in total energy consumption", share, "share"))
    scope_kg = dict(zip(figures.scopes["ghg_scope"], figures.scopes["kgco2e"], strict=True))
    rows.append(("E1-6", "gross scope 1 GHG emissions", float(scope_kg.get("1", 0.0)) / 1000, "tCO2e"))
    rows.append(("E1-6", "gross location-based scope 2 GHG emissions", float(scope_kg.get("2", 0.0)) / 1000, "tCO2e"))
    scope_3 = float(scope_kg.get("3", 0.0)) + figures.trips_kgco2e.value
    rows.append(("E1-6", "gross scope 3 GHG emissions (energy upstream, contractors' trips)", scope_3 / 1000, "tCO2e"))
    rows.append(("E1-6", "total GHG emissions (location-based)", figures.inventory_kgco2e.value / 1000, "tCO2e"))
    return pl.DataFrame(
        rows,
        schema={"disclosure": pl.String, "datapoint": pl.String, "value": pl.Float64, "unit": pl.String},
        orient="row",
    )


def pack_tables(figures: CsrFigures, vehicle: VehicleFactor) -> dict[str, pl.DataFrame]:
    """File name -> table, as the pack holds them."""
    return {
        "figures.csv": figures_frame(figures),
        "emissions.csv": emission_lines_table(figures),
        "trips.csv": trip_lines_table(figures, vehicle),
        "esrs_e1.csv": esrs_e1_table(figures),
    }
