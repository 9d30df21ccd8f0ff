"""The shape of a factor set: metadata fields, factor columns and their vocabularies."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

# Which part of the life cycle a value covers: combustion only (or generation, for electricity
# and heat), upstream only (extraction, refining, transport of the fuel: "amont", well-to-tank),
# transmission and distribution losses, or the whole (combustion + upstream, LCA).
BOUNDARIES = ("combustion", "upstream", "td_losses", "total")
# An activity's boundary "*" asks for every boundary the set has for it, one resolution each.
ANY_BOUNDARY = "*"

# Empty = confirmed by the reference. UNCONFIRMED / CAUTION travel with every resolution so
# that a report using such a factor says so.
FLAGS = ("", "UNCONFIRMED", "CAUTION")

# A factor whose usage is ANY_USAGE applies to every usage; a usage-specific factor wins.
ANY_USAGE = "*"

FACTOR_SCHEMA: dict[str, pl.DataType] = {
    "key": pl.String(),
    "activity": pl.String(),
    "carrier": pl.String(),
    "unit": pl.String(),
    "unit_as_published": pl.String(),
    "usage": pl.String(),
    "country": pl.String(),
    "boundary": pl.String(),
    "variant": pl.String(),
    "kgco2e_per_unit": pl.Float64(),
    "scope": pl.String(),
    "valid_from": pl.Date(),
    "valid_to": pl.Date(),  # exclusive; null = still valid
    "uncertainty_pct": pl.Float64(),
    "source": pl.String(),
    "flag": pl.String(),
    "notes": pl.String(),
}
FACTOR_COLUMNS = tuple(FACTOR_SCHEMA)
REQUIRED_TEXT = ("key", "activity", "carrier", "unit", "usage", "country", "boundary", "scope", "source")
OPTIONAL_TEXT = ("unit_as_published", "variant", "flag", "notes")

# The columns an activity is matched on (with the date, against the validity range).
MATCH_COLUMNS = ("carrier", "unit", "usage", "country", "boundary", "variant")

METADATA_REQUIRED = ("name", "version", "publisher", "title", "licence")
METADATA_OPTIONAL = ("publication_date", "gwp_basis", "source_url", "reference", "notes", "excluded")

NAME_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"


# A set's metadata as validated: every field of METADATA_REQUIRED and METADATA_OPTIONAL (None
# when absent), ``excluded`` a list of {key, reason}.
Metadata = dict[str, Any]

# The content_sha256 rule: (metadata, factors sorted as a FactorSet keeps them) -> bare lowercase
# hex. It is defined over the API's messages (quitus.factors.v1.SetVersion), so the layer that
# knows them supplies it; the domain only carries the result.
ContentDigest = Callable[[Metadata, pl.DataFrame], str]

# The order of a set's factors, as stored, hashed and sent.
FACTOR_ORDER = ["key", "valid_from", "boundary"]


@dataclass(frozen=True)
class FactorSet:
    """One version of a factor set: its metadata (as published) and its factors, typed,
    validated and sorted by FACTOR_ORDER. ``content_sha256`` identifies the content."""

    metadata: Metadata
    factors: pl.DataFrame
    content_sha256: str

    @property
    def name(self) -> str:
        return str(self.metadata["name"])

    @property
    def version(self) -> str:
        return str(self.metadata["version"])

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True)
class PublishedVersion:
    """A set version as a store keeps it: ``sequence`` is its publication order there."""

    sequence: int
    name: str
    version: str
    content_sha256: str
    metadata: Metadata
    factor_count: int
    flagged_count: int
    published_at: datetime
    published_by: str

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"


def parse_units(table: pl.DataFrame) -> set[str]:
    """The unit vocabulary from the units table (its ``unit`` column)."""
    return {str(u) for u in table["unit"].to_list()}


# ------------------------------------------------------------------ limits at the edge
# Every text a client sends has a maximum length in characters (the database's columns are a
# second line, never the first) and holds no NUL or control character (line breaks and tabs
# only in the ``notes`` fields). These numbers are the ones the proto comments document.

METADATA_MAX_CHARS = {
    "name": 63,
    "version": 32,
    "publisher": 200,
    "title": 300,
    "licence": 200,
    "publication_date": 10,
    "gwp_basis": 32,
    "source_url": 2000,
    "reference": 1000,
    "notes": 4000,
}
METADATA_MULTILINE = ("notes",)
EXCLUDED_MAX_ENTRIES = 1000
EXCLUDED_KEY_MAX_CHARS = 200
EXCLUDED_REASON_MAX_CHARS = 500
# All the metadata's texts together (excluded entries included): keeps ListSets pages small.
METADATA_MAX_BYTES = 32_000

FACTOR_MAX_CHARS = {
    "key": 200,
    "activity": 300,
    "carrier": 64,
    "unit": 32,
    "unit_as_published": 64,
    "usage": 64,
    "country": 8,
    "boundary": 16,
    "variant": 64,
    "scope": 64,
    "valid_from": 10,
    "valid_to": 10,
    "source": 500,
    "flag": 16,
    "notes": 2000,
}
FACTOR_MULTILINE = ("notes",)
MAX_FACTORS = 20_000
# All the factors' texts together (UTF-8 bytes): keeps a GetSet reply under 4 MB.
FACTORS_MAX_BYTES = 1_500_000
# A factor's value (kgCO2e per unit) and its uncertainty (%).
MAX_KGCO2E_PER_UNIT = 1e9
MAX_UNCERTAINTY_PCT = 1000.0

# Resolve: lines per request, and the texts of each line.
MAX_ACTIVITIES = 1000
ACTIVITY_MAX_CHARS = {
    "ref": 200,
    "carrier": 64,
    "unit": 32,
    "usage": 64,
    "country": 8,
    "boundary": 16,
    "variant": 64,
    "date": 10,
    "date_to": 10,
}
MAX_ABS_QUANTITY = 1e15
