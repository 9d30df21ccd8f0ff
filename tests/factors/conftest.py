"""Fixtures of the factors tests: the reference sets committed under factors/, and a small
helper to write a custom set in a few lines."""

from pathlib import Path

import polars as pl
import pytest

from services.api.quitus.factors.v1 import factors_pb2 as pb
from services.factors import convert
from services.factors.convert import content_sha256
from services.factors.domain.schema import FactorSet
from services.factors.domain.validation import build_set
from services.factors.local_sets import load_conversions, load_sets, load_units

FACTORS_DIR = Path(__file__).resolve().parents[2] / "factors"


@pytest.fixture(scope="session")
def units() -> set[str]:
    return load_units(FACTORS_DIR)


@pytest.fixture(scope="session")
def conversions(units):
    return load_conversions(FACTORS_DIR, units)


@pytest.fixture(scope="session")
def reference_sets(units):
    return {s.name: s for s in load_sets(FACTORS_DIR, units)}


def custom_metadata(name: str = "bailleur_dh", version: str = "2024", **extra) -> dict:
    return {
        "name": name,
        "version": version,
        "publisher": "Bailleur test",
        "title": "Own district-heating network factor",
        "licence": "proprietary",
        "publication_date": "2024-04-11",
        "gwp_basis": None,
        **extra,
    }


def custom_row(**overrides) -> dict:
    row = {
        "key": "dh.network_a",
        "activity": "District heating, network A",
        "carrier": "district_heating",
        "unit": "kWh",
        "usage": "*",
        "country": "FR",
        "boundary": "total",
        "variant": "",
        "kgco2e_per_unit": "0.1",
        "scope": "2+3",
        "valid_from": "2023-01-01",
        "valid_to": "2024-01-01",
        "uncertainty_pct": "",
        "source": "network operator's yearly statement",
        "flag": "",
        "notes": "",
    }
    row.update(overrides)
    return row


def make_set(rows: list[dict], units: set[str], **metadata):
    raw = pl.DataFrame(rows, schema={c: pl.String for c in rows[0]})
    return build_set(custom_metadata(**metadata), raw, units, content_sha256)


def publish_request(factor_set: FactorSet) -> pb.PublishRequest:
    """The Publish call for a set built here (validated and normalised already)."""
    return pb.PublishRequest(
        metadata=convert.metadata_out(factor_set.metadata), factors=convert.factors_out(factor_set.factors)
    )
