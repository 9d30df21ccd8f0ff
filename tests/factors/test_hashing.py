"""content_sha256 (quitus.factors.v1.SetVersion) depends on content only: not on the order of
rows, columns or metadata fields, nor on how numbers were written; any change of a value or of
the metadata changes it. It is bare lowercase hex."""

import re

import polars as pl

from services.factors.convert import content_sha256
from services.factors.domain.validation import build_set
from tests.factors.conftest import custom_metadata, custom_row, make_set

ROWS = [
    custom_row(),
    custom_row(valid_from="2024-01-01", valid_to="", kgco2e_per_unit="0.098"),
    custom_row(key="dh.network_b", variant="b", kgco2e_per_unit="0.2"),
]


def test_same_content_in_another_order_has_the_same_content_sha256(units):
    a = make_set(ROWS, units)
    raw = pl.DataFrame(list(reversed(ROWS)))
    shuffled = raw.select(list(reversed(raw.columns)))
    b = build_set(dict(reversed(custom_metadata().items())), shuffled, units, content_sha256)
    assert a.content_sha256 == b.content_sha256
    assert re.fullmatch(r"[0-9a-f]{64}", a.content_sha256)


def test_number_spelling_does_not_matter(units):
    respelled = [ROWS[0], {**ROWS[1], "kgco2e_per_unit": "0.0980"}, {**ROWS[2], "kgco2e_per_unit": "2e-1"}]
    assert make_set(ROWS, units).content_sha256 == make_set(respelled, units).content_sha256


def test_any_change_changes_the_content_sha256(units):
    base = make_set(ROWS, units).content_sha256
    assert make_set([ROWS[0], {**ROWS[1], "kgco2e_per_unit": "0.099"}, ROWS[2]], units).content_sha256 != base
    assert make_set([ROWS[0], {**ROWS[1], "source": "other"}, ROWS[2]], units).content_sha256 != base
    assert make_set(ROWS[:2], units).content_sha256 != base
    assert make_set(ROWS, units, version="2025").content_sha256 != base
