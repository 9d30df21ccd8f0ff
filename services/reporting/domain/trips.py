"""Contractor trips: visits, first-time fix, avoided trips against a reference scenario, the km
the trips drove and their emissions (DESIGN 3.2). Pure polars, no I/O.

- Each visit is one trip. Trips of the inventory: every visit of the interventions requested in
  the period and not cancelled, resolved or not.
- Visits per intervention and first-time fix, by trade, over the curative interventions
  requested in the period and resolved by the cut-off (their visits are complete): vpi = visits /
  interventions; first-time fix = interventions resolved at their first visit / interventions.
- Avoided trips of a trade = (reference vpi - actual vpi) x actual interventions. Negative when
  the trade needed more visits than in the reference: shown as such, never clipped. A trade with
  no reference has no avoided figure and is listed as not covered.
- Km per trip = great-circle distance from the contractor's nearest base to the building x road
  factor x 2 (there and back). An intervention whose building or contractor has no coordinates
  has no km: counted apart, never as 0.
"""

import polars as pl

# Mean Earth radius (IUGG), km
EARTH_RADIUS_KM = 6371.0088

PROFILE_SCHEMA = {
    "trade": pl.String,
    "interventions": pl.UInt32,
    "visits": pl.Int64,
    "first_time_fixes": pl.UInt32,
    "visits_per_intervention": pl.Float64,
    "first_time_fix_rate": pl.Float64,
}


def _not_cancelled(facts: pl.DataFrame) -> pl.DataFrame:
    return facts.filter(pl.col("status") != "CANCELLED")


def visit_profile(facts: pl.DataFrame) -> pl.DataFrame:
    """Per trade: curative interventions resolved, their visits, first-time fixes and the two
    ratios. ``facts`` has trade, nature, status, visits, resolved_at."""
    resolved = _not_cancelled(facts).filter((pl.col("nature") == "CURATIVE") & pl.col("resolved_at").is_not_null())
    return (
        resolved.group_by("trade")
        .agg(
            pl.len().alias("interventions"),
            pl.col("visits").cast(pl.Int64).sum().alias("visits"),
            (pl.col("visits") == 1).sum().alias("first_time_fixes"),
        )
        .with_columns(
            (pl.col("visits") / pl.col("interventions")).alias("visits_per_intervention"),
            (pl.col("first_time_fixes") / pl.col("interventions")).alias("first_time_fix_rate"),
        )
        .sort("trade")
        .cast(PROFILE_SCHEMA)  # type: ignore[arg-type]
    )


def avoided_trips(actual: pl.DataFrame, reference: pl.DataFrame) -> pl.DataFrame:
    """Per trade of ``actual`` (a visit_profile): the reference vpi (``reference``: trade,
    visits_per_intervention), the actual one, and avoided trips, null where the trade has no
    reference (``covered`` false)."""
    ref = reference.select("trade", pl.col("visits_per_intervention").alias("reference_vpi"))
    return (
        actual.select("trade", "interventions", pl.col("visits_per_intervention").alias("actual_vpi"))
        .join(ref, on="trade", how="left")
        .with_columns(
            pl.col("reference_vpi").is_not_null().alias("covered"),
            ((pl.col("reference_vpi") - pl.col("actual_vpi")) * pl.col("interventions")).alias("avoided_trips"),
        )
        .sort("trade")
    )


def great_circle_km(lat1: pl.Expr, lon1: pl.Expr, lat2: pl.Expr, lon2: pl.Expr) -> pl.Expr:
    """Haversine distance on a sphere of the mean Earth radius."""
    phi1, phi2 = lat1.radians(), lat2.radians()
    half_dphi = (lat2 - lat1).radians() / 2
    half_dlambda = (lon2 - lon1).radians() / 2
    a = half_dphi.sin().pow(2) + phi1.cos() * phi2.cos() * half_dlambda.sin().pow(2)
    return 2 * EARTH_RADIUS_KM * a.sqrt().arcsin()


def nearest_base_km(pairs: pl.DataFrame, buildings: pl.DataFrame, bases: pl.DataFrame) -> pl.DataFrame:
    """For each distinct (contractor_id, building_id) of ``pairs``: the nearest base of the
    contractor and its great-circle distance to the building, km one way; null where the
    building or the contractor has no coordinates. ``buildings``: building_id, lat, lon;
    ``bases``: contractor_id, base_id, lat, lon."""
    distinct = pairs.select("contractor_id", "building_id").unique()
    located = distinct.join(buildings.select("building_id", "lat", "lon"), on="building_id", how="left")
    candidates = located.join(
        bases.select("contractor_id", "base_id", pl.col("lat").alias("base_lat"), pl.col("lon").alias("base_lon")),
        on="contractor_id",
        how="left",
    ).with_columns(great_circle_km(pl.col("base_lat"), pl.col("base_lon"), pl.col("lat"), pl.col("lon")).alias("km"))
    nearest = (
        candidates.filter(pl.col("km").is_not_null())
        .sort("km", "base_id")
        .group_by("contractor_id", "building_id", maintain_order=True)
        .first()
        .select("contractor_id", "building_id", "base_id", pl.col("km").alias("base_km"))
    )
    return distinct.join(nearest, on=["contractor_id", "building_id"], how="left").sort("contractor_id", "building_id")


def trip_distances(
    facts: pl.DataFrame, buildings: pl.DataFrame, bases: pl.DataFrame, road_factor: float
) -> pl.DataFrame:
    """Per intervention not cancelled: its nearest base, km per trip (base km x road factor x 2)
    and the km of its visits; both null where it cannot be located."""
    live = _not_cancelled(facts)
    nearest = nearest_base_km(live, buildings, bases)
    return (
        live.select("id", "contractor_id", "building_id", "trade", "nature", "visits", "resolved_at")
        .join(nearest, on=["contractor_id", "building_id"], how="left")
        .with_columns((pl.col("base_km") * road_factor * 2).alias("km_per_trip"))
        .with_columns((pl.col("km_per_trip") * pl.col("visits")).alias("trip_km"))
        .sort("id")
    )


def avoided_km(avoided: pl.DataFrame, distances: pl.DataFrame) -> pl.DataFrame:
    """Avoided trips of each trade x the mean km per trip of that trade's resolved curative
    interventions (the trips that were, or were not, driven); null where nothing is located."""
    mean_km = (
        distances.filter(
            (pl.col("nature") == "CURATIVE") & pl.col("resolved_at").is_not_null() & pl.col("km_per_trip").is_not_null()
        )
        .group_by("trade")
        .agg(
            (pl.col("km_per_trip") * pl.col("visits")).sum().alias("km"),
            pl.col("visits").cast(pl.Int64).sum().alias("trips"),
        )
        .with_columns((pl.col("km") / pl.col("trips")).alias("mean_km_per_trip"))
        .select("trade", "mean_km_per_trip")
    )
    return (
        avoided.join(mean_km, on="trade", how="left")
        .with_columns((pl.col("avoided_trips") * pl.col("mean_km_per_trip")).alias("avoided_km"))
        .sort("trade")
    )


def avoided_trips_by_contractor(facts: pl.DataFrame, reference: pl.DataFrame) -> pl.DataFrame:
    """Per contractor and trade of its resolved curative interventions: actual vpi, reference
    vpi (``reference``: trade, visits_per_intervention), avoided trips (null where the trade has
    no reference, ``covered`` false). Summed over contractors, a trade's avoided trips are those
    of ``avoided_trips``: (ref - visits / n) x n adds up over any split of the n interventions."""
    resolved = _not_cancelled(facts).filter((pl.col("nature") == "CURATIVE") & pl.col("resolved_at").is_not_null())
    ref = reference.select("trade", pl.col("visits_per_intervention").alias("reference_vpi"))
    return (
        resolved.group_by("contractor_id", "trade")
        .agg(pl.len().alias("interventions"), pl.col("visits").cast(pl.Int64).sum().alias("visits"))
        .with_columns((pl.col("visits") / pl.col("interventions")).alias("actual_vpi"))
        .join(ref, on="trade", how="left")
        .with_columns(
            pl.col("reference_vpi").is_not_null().alias("covered"),
            ((pl.col("reference_vpi") - pl.col("actual_vpi")) * pl.col("interventions")).alias("avoided_trips"),
        )
        .sort("contractor_id", "trade")
    )
