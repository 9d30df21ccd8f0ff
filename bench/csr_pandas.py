"""The CSR report's metrics written in idiomatic vectorised pandas: the peer bench/report_csr.py
times against the polars domain (services/reporting/domain) on the same frames, in the same run.

Each function does what its polars counterpart does (named in its docstring), with the same
rules: merges for the joins, groupby/agg for the aggregations, numpy for the great-circle
distance, no Python loop over rows. ``same_answers`` checks that both give the same figures, so
that the two timings are of the same work.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import polars as pl

WATER = ("cold_water", "hot_water")
EARTH_RADIUS_KM = 6371.0088  # as services/reporting/domain/trips.py


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """A polars frame as pandas, column by column through numpy (no pyarrow on this install):
    strings as pandas' default string dtype, tz-aware instants as datetime64[us, UTC]."""
    columns = {}
    for name, series in frame.to_dict().items():
        if isinstance(series.dtype, pl.Datetime):
            values = pd.to_datetime(series.dt.epoch("us").to_numpy(), unit="us", utc=True)
            columns[name] = pd.Series(values).astype("datetime64[us, UTC]")
        elif series.dtype == pl.String:
            columns[name] = pd.Series(series.to_numpy(), dtype="str")
        else:
            columns[name] = pd.Series(series.to_numpy())
    return pd.DataFrame(columns)


@dataclass(frozen=True)
class PeerInputs:
    """The year's frames, as pandas."""

    facts: pd.DataFrame
    figures: pd.DataFrame
    factors: pd.DataFrame  # carrier, month_start, boundary, factor_key, kgco2e_per_kwh, uncertainty_pct
    frames: pd.DataFrame
    buildings: pd.DataFrame
    bases: pd.DataFrame
    reference: pd.DataFrame  # trade, visits_per_intervention
    road_factor: float


def emissions_by_scope(figures: pd.DataFrame, factors: pd.DataFrame, frames: pd.DataFrame) -> pd.DataFrame:
    """energy.emission_lines then energy.emissions_by_scope: each energy figure joined to its
    carrier's factors of its month, kgCO2e = kWh PCI x factor, scope totals with the factors'
    uncertainty (correlated within a factor, quadrature across factors)."""
    energy = figures.loc[
        ~figures["carrier"].isin(WATER), ["meter_ref", "building_id", "month_start", "carrier", "kwh_pci"]
    ]
    known = energy["kwh_pci"].notna()
    with_kwh = energy[known]
    lines = with_kwh.merge(factors, on=["carrier", "month_start"], how="inner").merge(
        frames[["carrier", "boundary", "ghg_scope", "beges_poste", "esrs_datapoint"]],
        on=["carrier", "boundary"],
        how="left",
    )
    lines["kgco2e"] = lines["kwh_pci"] * lines["kgco2e_per_kwh"]
    lines = lines.sort_values(["meter_ref", "month_start", "boundary"], kind="stable")
    keys = factors[["carrier", "month_start"]].drop_duplicates()
    no_factor = with_kwh.merge(keys, on=["carrier", "month_start"], how="left", indicator=True)
    unresolved = int((no_factor["_merge"] == "left_only").sum()) + int((~known).sum())
    per_factor = lines.groupby(["ghg_scope", "factor_key"], as_index=False).agg(
        kgco2e=("kgco2e", "sum"), uncertainty_pct=("uncertainty_pct", "first")
    )
    per_factor["u"] = per_factor["kgco2e"] * per_factor["uncertainty_pct"].fillna(0) / 100
    per_factor["u2"] = per_factor["u"] ** 2
    scopes = per_factor.groupby("ghg_scope", as_index=False).agg(kgco2e=("kgco2e", "sum"), u2=("u2", "sum"))
    scopes["uncertainty_kgco2e"] = np.sqrt(scopes["u2"])
    scopes.attrs["unresolved_lines"] = unresolved
    return scopes.drop(columns="u2").sort_values("ghg_scope").reset_index(drop=True)


def _haversine_km(lat1: pd.Series, lon1: pd.Series, lat2: pd.Series, lon2: pd.Series) -> pd.Series:
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    half_dphi = np.radians(lat2 - lat1) / 2
    half_dlambda = np.radians(lon2 - lon1) / 2
    a = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def trip_distances(facts: pd.DataFrame, buildings: pd.DataFrame, bases: pd.DataFrame, road: float) -> pd.DataFrame:
    """trips.trip_distances: per intervention not cancelled, the contractor's nearest base, km per
    trip = great-circle km x road factor x 2, and the km of its visits."""
    live = facts[facts["status"] != "CANCELLED"]
    pairs = live[["contractor_id", "building_id"]].drop_duplicates()
    candidates = pairs.merge(buildings[["building_id", "lat", "lon"]], on="building_id", how="left").merge(
        bases[["contractor_id", "base_id", "lat", "lon"]].rename(columns={"lat": "base_lat", "lon": "base_lon"}),
        on="contractor_id",
        how="left",
    )
    candidates["km"] = _haversine_km(
        candidates["base_lat"], candidates["base_lon"], candidates["lat"], candidates["lon"]
    )
    nearest = (
        candidates.dropna(subset=["km"])
        .sort_values(["km", "base_id"], kind="stable")
        .drop_duplicates(["contractor_id", "building_id"], keep="first")[
            ["contractor_id", "building_id", "base_id", "km"]
        ]
        .rename(columns={"km": "base_km"})
    )
    trips = live[["id", "contractor_id", "building_id", "trade", "nature", "visits", "resolved_at"]].merge(
        nearest, on=["contractor_id", "building_id"], how="left"
    )
    trips["km_per_trip"] = trips["base_km"] * road * 2
    trips["trip_km"] = trips["km_per_trip"] * trips["visits"]
    return trips.sort_values("id").reset_index(drop=True)


def avoided_by_trade(facts: pd.DataFrame, distances: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """trips.visit_profile, avoided_trips and avoided_km: per trade, the curative interventions
    resolved, their visits, first-time fixes, visits per intervention, avoided trips against the
    reference and avoided km at the trade's mean km per trip."""
    resolved = facts[
        (facts["status"] != "CANCELLED") & (facts["nature"] == "CURATIVE") & facts["resolved_at"].notna()
    ].assign(first_time_fix=lambda f: f["visits"] == 1)
    profile = resolved.groupby("trade", as_index=False).agg(
        interventions=("id", "size"), visits=("visits", "sum"), first_time_fixes=("first_time_fix", "sum")
    )
    profile["actual_vpi"] = profile["visits"] / profile["interventions"]
    profile["first_time_fix_rate"] = profile["first_time_fixes"] / profile["interventions"]
    avoided = profile.merge(
        reference.rename(columns={"visits_per_intervention": "reference_vpi"}), on="trade", how="left"
    )
    avoided["covered"] = avoided["reference_vpi"].notna()
    avoided["avoided_trips"] = (avoided["reference_vpi"] - avoided["actual_vpi"]) * avoided["interventions"]
    driven = distances[
        (distances["nature"] == "CURATIVE") & distances["resolved_at"].notna() & distances["km_per_trip"].notna()
    ].assign(km=lambda d: d["km_per_trip"] * d["visits"])
    mean_km = driven.groupby("trade", as_index=False).agg(km=("km", "sum"), trips=("visits", "sum"))
    mean_km["mean_km_per_trip"] = mean_km["km"] / mean_km["trips"]
    avoided = avoided.merge(mean_km[["trade", "mean_km_per_trip"]], on="trade", how="left")
    avoided["avoided_km"] = avoided["avoided_trips"] * avoided["mean_km_per_trip"]
    return avoided.sort_values("trade").reset_index(drop=True)


def preventive_shares(facts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """preventive.preventive_shares: per group, preventive / (preventive + curative) by count and
    by cost, none for a group of one nature only."""
    counted = facts[(facts["status"] != "CANCELLED") & facts["nature"].isin(["PREVENTIVE", "CURATIVE"])]
    is_preventive = counted["nature"] == "PREVENTIVE"
    counted = counted.assign(
        preventive=is_preventive,
        curative=~is_preventive,
        preventive_cost_eur=counted["cost_eur"].where(is_preventive, 0.0),
        curative_cost_eur=counted["cost_eur"].where(~is_preventive, 0.0),
    )
    grouped = counted.groupby(by, as_index=False)[
        ["preventive", "curative", "preventive_cost_eur", "curative_cost_eur"]
    ].sum()
    one_nature = (grouped["preventive"] == 0) | (grouped["curative"] == 0)
    cost = grouped["preventive_cost_eur"] + grouped["curative_cost_eur"]
    grouped["one_nature"] = one_nature
    grouped["share_by_count"] = (grouped["preventive"] / (grouped["preventive"] + grouped["curative"])).mask(one_nature)
    grouped["share_by_cost"] = (grouped["preventive_cost_eur"] / cost).mask(one_nature | (cost <= 0))
    return grouped.sort_values(by).reset_index(drop=True)


def deadline_compliance(facts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """performance.deadline_compliance: met / (met + missed) per group, for both deadlines."""
    live = facts[facts["status"] != "CANCELLED"]
    flags = {}
    for deadline in ("intervene", "repair"):
        column = live[f"{deadline}_deadline"]
        for state in ("MET", "MISSED", "PENDING"):
            flags[f"{deadline}_{state.lower()}"] = column == state
    grouped = live[by].assign(**flags).groupby(by, as_index=False).sum()
    for deadline in ("intervene", "repair"):
        met, missed = grouped[f"{deadline}_met"], grouped[f"{deadline}_missed"]
        grouped[f"{deadline}_compliance"] = (met / (met + missed)).where(met + missed > 0)
    return grouped.sort_values(by).reset_index(drop=True)


def metrics(inputs: PeerInputs) -> dict[str, pd.DataFrame]:
    distances = trip_distances(inputs.facts, inputs.buildings, inputs.bases, inputs.road_factor)
    return {
        "scopes": emissions_by_scope(inputs.figures, inputs.factors, inputs.frames),
        "distances": distances,
        "avoided": avoided_by_trade(inputs.facts, distances, inputs.reference),
        "preventive": preventive_shares(inputs.facts.assign(perimeter="all"), ["perimeter"]),
        "preventive_by_contractor": preventive_shares(inputs.facts, ["contractor_id"]),
        "deadlines": deadline_compliance(inputs.facts, ["contractor_id"]),
    }


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
        return (a is None or a != a) and (b is None or b != b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _columns_close(ours: pl.DataFrame, theirs: pd.DataFrame, columns: list[str], what: str) -> list[str]:
    if ours.height != len(theirs):
        return [f"{what}: {ours.height} rows in polars, {len(theirs)} in pandas"]
    wrong = []
    for column in columns:
        left = ours[column].to_list()
        right = [None if pd.isna(v) else float(v) for v in theirs[column].to_list()]
        if not all(_close(None if a is None else float(a), b) for a, b in zip(left, right, strict=True)):
            wrong.append(f"{what}.{column} differs")
    return wrong


def same_answers(polars_figures: dict[str, pl.DataFrame], pandas_figures: dict[str, pd.DataFrame]) -> list[str]:
    """What differs between the two (empty: the same figures)."""
    ours, theirs = polars_figures, pandas_figures
    wrong = _columns_close(ours["scopes"], theirs["scopes"], ["kgco2e", "uncertainty_kgco2e"], "scopes")
    if ours["unresolved_lines"].item() != theirs["scopes"].attrs["unresolved_lines"]:
        wrong.append("unresolved lines differ")
    wrong += _columns_close(ours["distances"], theirs["distances"], ["km_per_trip", "trip_km"], "distances")
    avoided = ["interventions", "actual_vpi", "avoided_trips", "avoided_km"]
    wrong += _columns_close(ours["avoided"], theirs["avoided"], avoided, "avoided")
    shares = ["share_by_count", "share_by_cost"]
    wrong += _columns_close(ours["preventive"], theirs["preventive"], shares, "preventive")
    wrong += _columns_close(
        ours["preventive_by_contractor"], theirs["preventive_by_contractor"], shares, "preventive_by_contractor"
    )
    compliance = ["intervene_compliance", "repair_compliance", "intervene_pending"]
    wrong += _columns_close(ours["deadlines"], theirs["deadlines"], compliance, "deadlines")
    return wrong
