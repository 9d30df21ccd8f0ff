"""Which buildings a report's perimeter holds (pure)."""

import polars as pl

from services.reporting.domain.runs import Perimeter


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
