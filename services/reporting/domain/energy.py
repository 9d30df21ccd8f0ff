"""Energy and its emissions (DESIGN 3.3 and 8), pure polars over the consumption service's monthly
figures, the factors resolved for the period and the emission frames (data).

- kWh PCI per carrier; water is not energy: it has m3, never "0 kWh". An energy figure whose kWh
  could not be obtained (no conversion) is counted apart as unconverted, never left out silently.
- Fossil share = kWh PCI of the carriers whose origin is "fossil" / kWh PCI of every energy
  carrier. Electricity and district heating count as not fossil here (their mix is not split).
- Every kWh of every energy carrier gets an emission line per boundary of the factor resolved for
  it (combustion and upstream, or a network's total), or one explicit unresolved line: nothing is
  dropped from a total without a line saying so.
- kgCO2e = kWh PCI x factor; each line carries its GHG Protocol scope, BEGES poste and ESRS
  datapoint from the frames.
- Uncertainty of a scope total: lines resting on the same factor share its error (fully
  correlated: U = their sum x the factor's relative uncertainty); different factors are
  independent and combine in quadrature.
"""

import polars as pl

WATER = ("cold_water", "hot_water")
LINE_COLUMNS = [
    "meter_ref",
    "building_id",
    "month_start",
    "carrier",
    "boundary",
    "kwh_pci",
    "factor_key",
    "set_version",
    "kgco2e_per_kwh",
    "uncertainty_pct",
    "fallback",
    "kgco2e",
    "ghg_scope",
    "beges_poste",
    "esrs_datapoint",
    "resolved",
    "reason",
]


def _energy(figures: pl.DataFrame) -> pl.DataFrame:
    return figures.filter(~pl.col("carrier").is_in(WATER))


def energy_by_carrier(figures: pl.DataFrame) -> pl.DataFrame:
    """Per energy carrier: kWh PCI, the part resting on estimates, and the figures left
    unconverted (no kWh) with their quantity."""
    converted = pl.col("kwh_pci").is_not_nan() & pl.col("kwh_pci").is_not_null()
    return (
        _energy(figures)
        .group_by("carrier")
        .agg(
            pl.col("kwh_pci").filter(converted).sum().alias("kwh_pci"),
            (pl.col("kwh_pci") * pl.col("estimated_share")).filter(converted).sum().alias("estimated_kwh"),
            (~converted).sum().alias("unconverted_figures"),
        )
        .with_columns(
            pl.when(pl.col("kwh_pci") > 0)
            .then(pl.col("estimated_kwh") / pl.col("kwh_pci"))
            .otherwise(None)
            .alias("estimated_share")
        )
        .sort("carrier")
    )


def water_m3(figures: pl.DataFrame) -> pl.DataFrame:
    return (
        figures.filter(pl.col("carrier").is_in(WATER))
        .group_by("carrier")
        .agg(
            pl.col("quantity").sum().alias("m3"),
            (pl.col("quantity") * pl.col("estimated_share")).sum().alias("estimated_m3"),
        )
        .sort("carrier")
    )


def fossil_share(by_carrier: pl.DataFrame, frames: pl.DataFrame) -> float | None:
    origin = frames.select("carrier", "energy_origin").unique("carrier")
    joined = by_carrier.join(origin, on="carrier", how="left")
    total = float(joined["kwh_pci"].sum())
    if not total:
        return None
    return float(joined.filter(pl.col("energy_origin") == "fossil")["kwh_pci"].sum()) / total


def emission_lines(figures: pl.DataFrame, factors: pl.DataFrame, frames: pl.DataFrame) -> pl.DataFrame:
    """One line per energy figure and boundary of its carrier's resolved factors; one unresolved
    line (kgco2e null, with the reason) per figure whose carrier has no factor or whose kWh are
    unknown. ``factors``: carrier, boundary, factor_key, set_version, kgco2e_per_kwh,
    uncertainty_pct, fallback, and month_start when factors were resolved month by month (a
    factor superseded mid-year then values each month with the factor valid in it)."""
    keys = ["carrier", "month_start"] if "month_start" in factors.columns else ["carrier"]
    energy = _energy(figures).select("meter_ref", "building_id", "month_start", "carrier", "kwh_pci")
    known_kwh = pl.col("kwh_pci").is_not_nan() & pl.col("kwh_pci").is_not_null()
    with_kwh, without_kwh = energy.filter(known_kwh), energy.filter(~known_kwh)
    resolved = (
        with_kwh.join(factors, on=keys, how="inner")
        .join(
            frames.select("carrier", "boundary", "ghg_scope", "beges_poste", "esrs_datapoint"),
            on=["carrier", "boundary"],
            how="left",
        )
        .with_columns(
            (pl.col("kwh_pci") * pl.col("kgco2e_per_kwh")).alias("kgco2e"),
            pl.lit(True).alias("resolved"),
            pl.lit("").alias("reason"),
        )
    )
    no_factor = with_kwh.join(factors.select(keys).unique(), on=keys, how="anti").with_columns(
        pl.lit("no emission factor resolved for this carrier and period").alias("reason")
    )
    no_kwh = without_kwh.with_columns(pl.lit("no kWh PCI: the quantity could not be converted").alias("reason"))
    unresolved = pl.concat([no_factor, no_kwh], how="vertical_relaxed").with_columns(
        pl.lit(None, pl.String).alias("boundary"),
        pl.lit(None, pl.String).alias("factor_key"),
        pl.lit(None, pl.String).alias("set_version"),
        pl.lit(None, pl.Float64).alias("kgco2e_per_kwh"),
        pl.lit(None, pl.Float64).alias("uncertainty_pct"),
        pl.lit(None, pl.Boolean).alias("fallback"),
        pl.lit(None, pl.Float64).alias("kgco2e"),
        pl.lit(None, pl.String).alias("ghg_scope"),
        pl.lit(None, pl.String).alias("beges_poste"),
        pl.lit(None, pl.String).alias("esrs_datapoint"),
        pl.lit(False).alias("resolved"),
    )
    return pl.concat([resolved.select(LINE_COLUMNS), unresolved.select(LINE_COLUMNS)], how="vertical_relaxed").sort(
        "meter_ref", "month_start", "boundary", nulls_last=True
    )


def emissions_by_scope(lines: pl.DataFrame) -> pl.DataFrame:
    """Per GHG scope: kgCO2e and its absolute uncertainty (see the module's rule); unresolved
    lines are not in any scope and are counted by ``unresolved_lines``."""
    per_factor = (
        lines.filter(pl.col("resolved"))
        .group_by("ghg_scope", "factor_key")
        .agg(pl.col("kgco2e").sum(), pl.col("uncertainty_pct").first())
        .with_columns((pl.col("kgco2e") * pl.col("uncertainty_pct").fill_null(0) / 100).alias("u"))
    )
    return (
        per_factor.group_by("ghg_scope")
        .agg(pl.col("kgco2e").sum(), (pl.col("u") ** 2).sum().sqrt().alias("uncertainty_kgco2e"))
        .sort("ghg_scope")
    )


def intensities(total_kgco2e: float, total_kwh: float, buildings: pl.DataFrame) -> dict[str, float | None]:
    """Per m2 of heated floor area and per dwelling of the perimeter's ``buildings``
    (heated_area_m2, dwellings); None where the perimeter has no area or no dwelling."""
    area = float(buildings["heated_area_m2"].sum())
    dwellings = float(buildings["dwellings"].sum())
    return {
        "kgco2e_per_m2": total_kgco2e / area if area else None,
        "kwh_per_m2": total_kwh / area if area else None,
        "kgco2e_per_dwelling": total_kgco2e / dwellings if dwellings else None,
    }


def scope_lines(lines: pl.DataFrame, frames: pl.DataFrame) -> pl.DataFrame:
    """Per GHG scope: its resolved lines and the unresolved lines that would have gone into it
    (an unresolved line of a carrier counts for every scope the frames give that carrier), so
    that a scope total with lines left out says it is partial, and one with only unresolved
    lines is not given at all."""
    carrier_scopes = frames.select("carrier", pl.col("ghg_scope").cast(pl.String)).unique()
    resolved = lines.filter(pl.col("resolved")).group_by("ghg_scope").agg(pl.len().alias("resolved_lines"))
    unresolved = (
        lines.filter(~pl.col("resolved"))
        .select("carrier")
        .join(carrier_scopes, on="carrier")
        .group_by("ghg_scope")
        .agg(pl.len().alias("unresolved_lines"))
    )
    return (
        resolved.join(unresolved, on="ghg_scope", how="full", coalesce=True)
        .with_columns(pl.col("resolved_lines").fill_null(0), pl.col("unresolved_lines").fill_null(0))
        .sort("ghg_scope")
    )


def estimated_share(by_carrier: pl.DataFrame) -> float | None:
    """The share of every energy kWh PCI that rests on estimated readings."""
    kwh = float(by_carrier["kwh_pci"].sum())
    return float(by_carrier["estimated_kwh"].sum()) / kwh if kwh else None
