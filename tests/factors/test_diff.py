"""Diff of two versions: added, removed, changed (field, old, new), and metadata changes."""

from services.factors.domain.diff import diff_sets
from tests.factors.conftest import custom_row, make_set


def test_diff_of_two_versions(units):
    old = make_set(
        [
            custom_row(key="dh.a", variant="a", kgco2e_per_unit="0.1"),
            custom_row(key="dh.b", variant="b", kgco2e_per_unit="0.2"),
            custom_row(key="dh.c", variant="c", kgco2e_per_unit="0.3"),
        ],
        units,
        version="2024",
    )
    new = make_set(
        [
            custom_row(key="dh.a", variant="a", kgco2e_per_unit="0.1"),
            custom_row(key="dh.b", variant="b", kgco2e_per_unit="0.25", uncertainty_pct="10"),
            custom_row(key="dh.d", variant="d", kgco2e_per_unit="0.4"),
        ],
        units,
        version="2025",
    )
    d = diff_sets(old, new)
    assert d.added["key"].to_list() == ["dh.d"]
    assert d.removed["key"].to_list() == ["dh.c"]
    assert [(c.key, c.field, c.old, c.new) for c in d.changed] == [
        ("dh.b", "kgco2e_per_unit", "0.2", "0.25"),
        ("dh.b", "uncertainty_pct", "", "10.0"),
    ]
    assert [(c.field, c.old, c.new) for c in d.metadata_changed] == [("version", "2024", "2025")]
    assert not d.identical


def test_diff_with_itself_is_empty(reference_sets):
    ademe = reference_sets["ademe_base_carbone"]
    d = diff_sets(ademe, ademe)
    assert d.identical and d.added.height == 0 and d.removed.height == 0 and d.changed == []


def test_closing_a_validity_range_is_a_change(units):
    old = make_set([custom_row(valid_to="")], units, version="1")
    new = make_set([custom_row(valid_to="2024-01-01")], units, version="2")
    (change,) = diff_sets(old, new).changed
    assert (change.key, change.valid_from, change.field, change.old, change.new) == (
        "dh.network_a",
        "2023-01-01",
        "valid_to",
        "",
        "2024-01-01",
    )
