"""The factor data on disk: where its folder is (the one place that decides it) and reading its
files as they are written, every value as text. Typing and validation are the domain's."""

import json
from pathlib import Path
from typing import Any

import polars as pl

from services.runtime.settings import Settings, get_settings

METADATA_FILE = "metadata.json"
FACTORS_FILE = "factors.csv"
UNITS_FILE = "units.csv"
CONVERSIONS_FILE = "conversions.csv"
REPOSITORY_FACTORS = Path(__file__).resolve().parents[2] / "factors"


def data_dir(settings: Settings | None = None) -> Path:
    """The folder of the factor data (units, conversions, ``<set>/<version>/``):
    settings.factors_dir ($QUITUS_FACTORS_DIR), else factors/ at the repository root."""
    configured = (settings or get_settings()).factors_dir
    return Path(configured) if configured else REPOSITORY_FACTORS


def read_text_csv(path: Path) -> pl.DataFrame:
    """Every column as text: typing and its errors belong to validation, which names the row."""
    return pl.read_csv(path, infer_schema=False)


def read_set(directory: Path) -> tuple[dict[str, Any], pl.DataFrame]:
    """The metadata (metadata.json) and the factors as text (factors.csv) of one set version."""
    metadata = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
    return metadata, read_text_csv(directory / FACTORS_FILE)


def set_directories(root: Path) -> list[Path]:
    """``root`` itself when it holds a metadata.json, else every directory under it (at any
    depth, e.g. ``<set>/<version>/``) holding one, sorted."""
    if (root / METADATA_FILE).exists():
        return [root]
    return sorted(p.parent for p in root.rglob(METADATA_FILE))
