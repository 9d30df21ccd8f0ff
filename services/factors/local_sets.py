"""Factor sets read from their folders and typed, validated and hashed exactly as the service
would publish them, without a database or a server: for the build script, the bench and tests."""

from pathlib import Path

import polars as pl

from services.factors import convert, files
from services.factors.domain.conversions import parse_conversions
from services.factors.domain.schema import FactorSet, parse_units
from services.factors.domain.validation import build_set


def load_units(data_dir: Path) -> set[str]:
    return parse_units(files.read_text_csv(data_dir / files.UNITS_FILE))


def load_conversions(data_dir: Path, units: set[str]) -> pl.DataFrame:
    return parse_conversions(files.read_text_csv(data_dir / files.CONVERSIONS_FILE), units)


def load_set(directory: Path, units: set[str]) -> FactorSet:
    """One ``<set>/<version>/`` folder as a validated FactorSet with its content_sha256."""
    metadata, factors = files.read_set(directory)
    return build_set(metadata, factors, units, convert.content_sha256)


def load_sets(root: Path, units: set[str]) -> list[FactorSet]:
    """Every set folder under ``root``, in path order."""
    return [load_set(d, units) for d in files.set_directories(root)]
