"""Sharing a building's costs among its dwellings (services/reporting/domain/charges_allocation.py),
worked by hand."""

from datetime import UTC, datetime

import polars as pl
import pytest

from services.reporting.domain.charges_allocation import (
    AllocationKey,
    allocate,
    keys_frame,
    largest_remainder,
    unit_meter_costs,
)
from services.runtime.errors import InvalidArgument
from tests.reporting.test_charges_costs import frame

FIGURE_SCHEMA = {
    "meter_ref": pl.String,
    "building_id": pl.String,
    "unit_id": pl.String,
    "charge_category": pl.String,
    "recoverable": pl.Boolean,
    "month_start": pl.Datetime("us", "UTC"),
    "cost_eur": pl.Float64,
}
DWELLING_SCHEMA = {"building_id": pl.String, "ug_id": pl.String, "heated_area_m2": pl.Float64}
TOTAL_SCHEMA = {"building_id": pl.String, "charge_category": pl.String, "cost_cents": pl.Int64}
OWN_SCHEMA = {"building_id": pl.String, "ug_id": pl.String, "charge_category": pl.String, "own_cents": pl.Int64}


def share(amount: int, weights: list[int]) -> list[int]:
    rows = pl.DataFrame(
        {
            "g": ["x"] * len(weights),
            "ug": [f"U{i}" for i in range(len(weights))],
            "amount": [amount] * len(weights),
            "w": weights,
        }
    )
    return largest_remainder(rows, ["g"], "amount", "w", "ug").sort("ug")["allotted_cents"].to_list()


def test_largest_remainder_by_hand():
    """100 in thirds: 33.33 each, floors 99, the cent left to the smallest ug_id: 34, 33, 33;
    -100 the same on its size: -34, -33, -33.
    1,000 by weights 1,050 / 2,025 / 3,000 (of 6,075): 172.84, 333.33, 493.83 -> floors 998, two
    cents left to the largest remainders .84 and .83: 173, 333, 494."""
    assert share(100, [1, 1, 1]) == [34, 33, 33]
    assert share(-100, [1, 1, 1]) == [-34, -33, -33]
    assert share(1_000, [1_050, 2_025, 3_000]) == [173, 333, 494]
    assert share(0, [5, 7]) == [0, 0]


def allocate_one(total: int, basis: AllocationKey, dwellings: list[tuple], own: list[tuple] = ()) -> dict[str, int]:
    shares, undwelt = allocate(
        frame([("B1", basis.charge_category, total)], TOTAL_SCHEMA),
        frame(dwellings, DWELLING_SCHEMA),
        frame(list(own), OWN_SCHEMA),
        keys_frame((basis,)),
    )
    assert undwelt.is_empty()
    return dict(zip(shares["ug_id"], shares["share_cents"], strict=True))


def test_own_meter_when_every_dwelling_has_one_the_rest_goes_to_all():
    """Total 1,000; A's meter 300, B's 500: the rest 200 (building meters) by area 30 / 10 m2:
    A 150, B 50 -> A 450, B 550."""
    result = allocate_one(
        1_000,
        AllocationKey("cold_water", "own_meter", "heated_area"),
        [("B1", "A", 30.0), ("B1", "B", 10.0)],
        [("B1", "A", "cold_water", 300), ("B1", "B", "cold_water", 500)],
    )
    assert result == {"A": 450, "B": 550}


def test_own_meter_when_no_dwelling_has_one_is_the_remainder_basis():
    """No dwelling meter: 1,001 equally among 2 -> 501 (smallest ug_id), 500."""
    result = allocate_one(
        1_001, AllocationKey("cold_water", "own_meter", "equal"), [("B1", "A", 0.0), ("B1", "B", 0.0)]
    )
    assert result == {"A": 501, "B": 500}


def test_a_building_without_dwellings_keeps_its_costs_apart():
    shares, undwelt = allocate(
        frame([("B9", "lifts", 700)], TOTAL_SCHEMA),
        frame([("B1", "A", 30.0)], DWELLING_SCHEMA),
        frame([], OWN_SCHEMA),
        keys_frame((AllocationKey("lifts", "equal"),)),
    )
    assert shares.is_empty()
    assert undwelt.rows() == [("B9", "lifts", 700)]


def test_sharing_by_area_needs_every_area_by_name():
    with pytest.raises(InvalidArgument, match="dwelling B of building B1: heated_area_m2"):
        allocate_one(100, AllocationKey("lifts", "heated_area"), [("B1", "A", 30.0), ("B1", "B", 0.0)])


@pytest.mark.parametrize(
    ("keys", "field"),
    [
        ((AllocationKey("lifts", "surface"),), "allocation_keys[0].basis"),
        ((AllocationKey("cold_water", "own_meter"),), "allocation_keys[0].remainder_basis"),
        ((AllocationKey("lifts", "equal", "equal"),), "allocation_keys[0].remainder_basis"),
        ((AllocationKey("lifts", "equal"), AllocationKey("lifts", "heated_area")), "allocation_keys[1]"),
    ],
)
def test_a_bad_key_is_refused_by_its_place(keys, field):
    with pytest.raises(InvalidArgument) as raised:
        keys_frame(keys)
    assert raised.value.field == field


def test_unit_meter_costs_of_the_year():
    """W-A: January 12.345 -> 1,235 cents (half away from zero), February unpriced (NaN: 0),
    December 2024 of another year; W-X is not recoverable; W-B is a building meter. -> A: 1 meter,
    1,235 cents."""
    rows = [
        ("W-A", "B1", "A", "cold_water", True, datetime(2024, 12, 31, 23, tzinfo=UTC), 12.345),
        ("W-A", "B1", "A", "cold_water", True, datetime(2025, 1, 31, 23, tzinfo=UTC), float("nan")),
        ("W-A", "B1", "A", "cold_water", True, datetime(2024, 11, 30, 23, tzinfo=UTC), 99.0),
        ("W-X", "B1", "A", "cold_water", False, datetime(2025, 1, 31, 23, tzinfo=UTC), 50.0),
        ("W-B", "B1", "", "cold_water", True, datetime(2025, 1, 31, 23, tzinfo=UTC), 70.0),
    ]
    costs = unit_meter_costs(frame(rows, FIGURE_SCHEMA), 2025)
    assert costs.rows() == [("B1", "A", "cold_water", 1, 1_235)]
