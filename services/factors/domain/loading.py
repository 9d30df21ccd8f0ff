"""Read factor sets, the unit vocabulary and the conversion table from files given as paths."""

import json
from pathlib import Path

import polars as pl

from services.factors.domain.schema import FactorSet
from services.factors.domain.validation import build_set

METADATA_FILE = "metadata.json"
FACTORS_FILE = "factors.csv"


def read_text_csv(path: Path) -> pl.DataFrame:
    """Every column as text: typing and its errors belong to validation, which names the row."""
    return pl.read_csv(path, infer_schema=False)


def load_units(path: Path) -> set[str]:
    return set(read_text_csv(path)["unit"].to_list())


def load_set(directory: Path, known_units: set[str]) -> FactorSet:
    """One set version from ``directory`` (metadata.json + factors.csv)."""
    metadata = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
    return build_set(metadata, read_text_csv(directory / FACTORS_FILE), known_units)


def set_directories(root: Path) -> list[Path]:
    """Every directory under ``root`` (at any depth, e.g. ``<set>/<version>/``) holding a
    metadata.json, sorted."""
    return sorted(p.parent for p in root.rglob(METADATA_FILE))
