"""Content hash of a factor set: sha256 of a canonical form of its metadata and its factors,
independent of the order of rows and columns and of how numbers were written (0.2150 and
0.215 are one value)."""

import hashlib
import json
from datetime import date

import polars as pl

from services.factors.domain.schema import FACTOR_COLUMNS


def _canonical(value: object) -> object:
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back to the same double
    if isinstance(value, date):
        return value.isoformat()
    return value


def content_hash(metadata: dict, factors: pl.DataFrame) -> str:
    rows = sorted(
        json.dumps([_canonical(v) for v in row], ensure_ascii=False, separators=(",", ":"))
        for row in factors.select(FACTOR_COLUMNS).iter_rows()
    )
    document = {"metadata": metadata, "factors": rows}
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
