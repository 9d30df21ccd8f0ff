"""Which buildings a report's perimeter holds, and what a monthly run reports on (pure)."""

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from services.reporting.domain.runs import Perimeter
from services.runtime.errors import InvalidArgument


def perimeter_buildings(buildings: pl.DataFrame, perimeter: Perimeter) -> pl.DataFrame:
    """The buildings (building_id, residence_id, territory_id, ...) the perimeter names, by
    themselves, their residence or their territory; every building when it names none."""
    if not perimeter.narrows_buildings:
        return buildings
    return buildings.filter(
        pl.col("building_id").is_in(list(perimeter.building_ids))
        | pl.col("residence_id").is_in(list(perimeter.residence_ids))
        | pl.col("territory_id").is_in(list(perimeter.territory_ids))
    )


def facts_in(facts: pl.DataFrame, perimeter: Perimeter, building_ids: list[str] | None) -> pl.DataFrame:
    """The facts (one row per intervention) of the perimeter's contractors and trades on the
    buildings ``building_ids`` (None: every building), in their order: what the interventions
    service exports for such a request, cut out of its export for the whole portfolio."""
    kept = pl.lit(True)
    if perimeter.contractor_ids:
        kept &= pl.col("contractor_id").is_in(list(perimeter.contractor_ids))
    if perimeter.trades:
        kept &= pl.col("trade").is_in(list(perimeter.trades))
    if building_ids is not None:
        kept &= pl.col("building_id").is_in(building_ids)
    return facts.filter(kept)


def buildings_of(buildings: pl.DataFrame, perimeter: Perimeter, as_of: datetime) -> pl.DataFrame:
    """The perimeter's buildings as of the cut-off; InvalidArgument naming ``perimeter`` when it
    names an id the portfolio does not hold, or holds no building: nothing to report."""
    missing = unknown_ids(buildings, perimeter)
    if missing:
        named = "; ".join(f"{name}: {', '.join(ids[:10])}" for name, ids in missing.items())
        raise InvalidArgument(f"names nothing in the portfolio as of {as_of.isoformat()} ({named})", field="perimeter")
    selected = perimeter_buildings(buildings, perimeter)
    if selected.height == 0:
        raise InvalidArgument(f"holds no building as of {as_of.isoformat()}: nothing to report", field="perimeter")
    return selected


def unknown_ids(buildings: pl.DataFrame, perimeter: Perimeter) -> dict[str, list[str]]:
    """Perimeter ids that name nothing in the portfolio as of the cut-off, per list."""
    known = {
        "territory_ids": set(buildings["territory_id"].to_list()),
        "residence_ids": set(buildings["residence_id"].to_list()),
        "building_ids": set(buildings["building_id"].to_list()),
    }
    missing = {name: sorted(set(getattr(perimeter, name)) - ids) for name, ids in known.items()}
    return {name: ids for name, ids in missing.items() if ids}


def describe(perimeter: Perimeter, lang: str) -> str:
    """The perimeter as a reader sees it on the report's title band."""
    parts = []
    labels = {
        "fr": {
            "territory_ids": "territoires",
            "residence_ids": "résidences",
            "building_ids": "bâtiments",
            "contractor_ids": "prestataires",
            "trades": "corps d'état",
        },
        "en": {
            "territory_ids": "territories",
            "residence_ids": "residences",
            "building_ids": "buildings",
            "contractor_ids": "contractors",
            "trades": "trades",
        },
    }[lang]
    for name, label in labels.items():
        values = getattr(perimeter, name)
        if values:
            shown = ", ".join(values[:5]) + (f" (+{len(values) - 5})" if len(values) > 5 else "")
            parts.append(f"{label} {shown}")
    if not parts:
        return "Patrimoine entier" if lang == "fr" else "Whole portfolio"
    return "; ".join(parts)


@dataclass(frozen=True)
class PerimeterLists:
    """What a monthly run makes one report of each for, each list sorted by id."""

    territories: tuple[tuple[str, str], ...]  # (id, name)
    residences: tuple[tuple[str, str, str], ...]  # (id, name, territory id)
    contractors: tuple[tuple[str, str], ...]  # (id, name)


def perimeter_lists(
    buildings: pl.DataFrame,
    contractors: pl.DataFrame,
    territory_names: dict[str, str],
    residence_names: dict[str, str],
) -> PerimeterLists:
    """The territories and residences holding at least one of ``buildings`` (a report on one
    holding none is refused: nothing to report), and every contractor."""
    pairs = buildings.select("residence_id", "territory_id").unique().sort("residence_id", "territory_id")
    territories = sorted({t for t in pairs["territory_id"].to_list() if t})
    residences: dict[str, str] = {}
    for residence, territory in pairs.iter_rows():
        if residence:
            residences.setdefault(residence, territory or "")
    return PerimeterLists(
        territories=tuple((t, territory_names.get(t, "")) for t in territories),
        residences=tuple((r, residence_names.get(r, ""), t) for r, t in sorted(residences.items())),
        contractors=tuple(
            (c, n or "") for c, n in sorted(contractors.select("contractor_id", "name").unique().iter_rows())
        ),
    )
