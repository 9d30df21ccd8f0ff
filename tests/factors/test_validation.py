"""A custom set (e.g. a landlord's own district-heating network) is validated like the
reference sets, and every problem is named by set, row, key and field."""

import polars as pl
import pytest

from services.factors.convert import content_sha256
from services.factors.domain.validation import build_set
from services.factors.errors import InvalidFactorSet
from tests.factors.conftest import custom_metadata, custom_row, make_set


def problems_of(rows, units, **metadata) -> list[str]:
    with pytest.raises(InvalidFactorSet) as caught:
        make_set(rows, units, **metadata)
    assert "'bailleur_dh@2024'" in str(caught.value) or metadata
    return caught.value.problems


def test_a_good_custom_set_is_accepted(units):
    factor_set = make_set(
        [custom_row(), custom_row(valid_from="2024-01-01", valid_to="", kgco2e_per_unit="0.098")], units
    )
    assert factor_set.label == "bailleur_dh@2024"
    assert factor_set.factors["kgco2e_per_unit"].to_list() == [0.1, 0.098]
    assert factor_set.factors["valid_to"].to_list()[1] is None


@pytest.mark.parametrize(
    ("override", "field", "reason"),
    [
        ({"kgco2e_per_unit": "-0.1"}, "kgco2e_per_unit", "must be non-negative, got '-0.1'"),
        ({"kgco2e_per_unit": "inf"}, "kgco2e_per_unit", "must be finite"),
        ({"kgco2e_per_unit": "NaN"}, "kgco2e_per_unit", "must be finite"),
        ({"kgco2e_per_unit": "0,1"}, "kgco2e_per_unit", "not a number, got '0,1'"),
        ({"kgco2e_per_unit": ""}, "kgco2e_per_unit", "required"),
        ({"unit": "MWh"}, "unit", "unknown unit"),
        ({"boundary": "scope2"}, "boundary", "must be one of combustion, upstream, td_losses, total"),
        ({"valid_from": "2023-13-01"}, "valid_from", "not an ISO date"),
        ({"valid_to": "2022-12-31"}, "valid_to", "must be after valid_from"),
        ({"uncertainty_pct": "-5"}, "uncertainty_pct", "must be non-negative"),
        ({"source": ""}, "source", "required"),
        ({"flag": "MAYBE"}, "flag", "must be empty or one of UNCONFIRMED, CAUTION"),
    ],
)
def test_bad_row_is_rejected_naming_row_key_and_field(units, override, field, reason):
    problems = problems_of([custom_row(key="dh.ok"), custom_row(key="dh.bad", variant="bad", **override)], units)
    assert len(problems) == 1
    assert problems[0].startswith(f"row 2 (key 'dh.bad'): {field}: ")
    assert reason in problems[0]


def test_every_problem_is_reported_at_once(units):
    problems = problems_of([custom_row(unit="MWh", kgco2e_per_unit="-1", boundary="x")], units)
    assert {p.split(": ")[1] for p in problems} == {"unit", "kgco2e_per_unit", "boundary"}


def test_overlapping_validity_for_one_key_is_rejected(units):
    rows = [custom_row(valid_to="2024-06-01"), custom_row(valid_from="2024-01-01", valid_to="")]
    (problem,) = problems_of(rows, units)[:1]
    assert "row 2 (key 'dh.network_a'): valid_from: validity [2024-01-01, open) overlaps row 1" in problem


def test_open_ended_row_followed_by_another_is_an_overlap(units):
    rows = [custom_row(valid_to=""), custom_row(valid_from="2030-01-01", valid_to="")]
    assert any("overlaps row 1 [2023-01-01, open)" in p for p in problems_of(rows, units))


def test_contiguous_ranges_do_not_overlap(units):
    # valid_to is exclusive: [2023-01-01, 2024-01-01) then [2024-01-01, open) is fine.
    make_set([custom_row(), custom_row(valid_from="2024-01-01", valid_to="")], units)


def test_two_keys_matching_the_same_activity_at_once_are_rejected(units):
    rows = [custom_row(), custom_row(key="dh.network_a_bis")]
    problems = problems_of(rows, units)
    assert "resolution would be ambiguous" in problems[0] and "dh.network_a_bis" in problems[0]
    make_set([custom_row(), custom_row(key="dh.network_b", variant="network_b")], units)


def test_metadata_problems(units):
    with pytest.raises(InvalidFactorSet) as caught:
        build_set(
            {**custom_metadata(name="Bad Name", publication_date="11/04/2024"), "publisher": "", "x": 1},
            pl.DataFrame([custom_row()]),
            units,
            content_sha256,
        )
    text = "\n".join(caught.value.problems)
    assert "metadata: publisher: required" in text
    assert "metadata: name: must match" in text
    assert "metadata: publication_date: not an ISO date" in text
    assert "metadata: unknown fields ['x']" in text


def test_missing_columns_and_empty_set(units):
    raw = pl.DataFrame([custom_row()]).drop("kgco2e_per_unit", "source")
    with pytest.raises(InvalidFactorSet, match=r"missing columns \['source', 'kgco2e_per_unit'\]"):
        build_set(custom_metadata(), raw, units, content_sha256)
    with pytest.raises(InvalidFactorSet, match="no factor"):
        build_set(custom_metadata(), pl.DataFrame([custom_row()]).clear(), units, content_sha256)
