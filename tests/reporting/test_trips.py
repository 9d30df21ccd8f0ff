"""Trips, avoided trips, km and uncertainty (services/reporting/domain), on fixtures small enough
to work out by hand; each test's docstring shows the working."""

import math
from datetime import UTC, datetime

import polars as pl
import pytest

from services.reporting.domain.trips import (
    EARTH_RADIUS_KM,
    avoided_km,
    avoided_trips,
    nearest_base_km,
    trip_distances,
    visit_profile,
)
from services.reporting.domain.uncertainty import Ranged, product, total

DONE = datetime(2025, 3, 1, tzinfo=UTC)


def _facts(rows):
    return pl.DataFrame(
        rows,
        schema={
            "id": pl.String,
            "contractor_id": pl.String,
            "building_id": pl.String,
            "trade": pl.String,
            "nature": pl.String,
            "status": pl.String,
            "visits": pl.Int32,
            "resolved_at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )


FACTS = _facts(
    [
        # plumbing: 3 curative resolved, visits 1 + 1 + 2 = 4 -> vpi 4/3, first-time fix 2/3
        ("I1", "C1", "B1", "plumbing", "CURATIVE", "RESOLVED", 1, DONE),
        ("I2", "C1", "B1", "plumbing", "CURATIVE", "CLOSED", 1, DONE),
        ("I3", "C1", "B2", "plumbing", "CURATIVE", "RESOLVED", 2, DONE),
        # heating: 2 curative resolved, visits 3 + 3 = 6 -> vpi 3, first-time fix 0
        ("I4", "C2", "B1", "heating", "CURATIVE", "RESOLVED", 3, DONE),
        ("I5", "C2", "B2", "heating", "CURATIVE", "CLOSED", 3, DONE),
        # left out of the profile: open (visits incomplete), preventive, cancelled
        ("I6", "C1", "B1", "plumbing", "CURATIVE", "IN_PROGRESS", 5, None),
        ("I7", "C1", "B1", "plumbing", "PREVENTIVE", "CLOSED", 1, DONE),
        ("I8", "C1", "B1", "plumbing", "CURATIVE", "CANCELLED", 4, DONE),
        # a trade with no reference
        ("I9", "C2", "B2", "lifts", "CURATIVE", "RESOLVED", 2, DONE),
    ]
)


def test_visit_profile_by_trade():
    """plumbing: I1, I2, I3 -> 3 interventions, 4 visits, vpi 4/3, 2 fixed at the first visit;
    heating: I4, I5 -> 2, 6 visits, vpi 3, none at the first visit; lifts: I9 -> 1, 2, vpi 2.
    I6 (not resolved), I7 (preventive) and I8 (cancelled) are not counted."""
    profile = visit_profile(FACTS)
    assert profile.select("trade", "interventions", "visits", "first_time_fixes").rows() == [
        ("heating", 2, 6, 0),
        ("lifts", 1, 2, 0),
        ("plumbing", 3, 4, 2),
    ]
    assert profile["visits_per_intervention"].to_list() == pytest.approx([3.0, 2.0, 4 / 3])
    assert profile["first_time_fix_rate"].to_list() == pytest.approx([0.0, 0.0, 2 / 3])


def test_avoided_trips_one_trade_better_one_worse_one_not_covered():
    """Reference: plumbing 2 visits per intervention, heating 2.5.
    plumbing: (2 - 4/3) x 3 = +2 trips avoided (better);
    heating:  (2.5 - 3) x 2 = -1 (worse: shown negative, never clipped);
    lifts: no reference -> not covered, no figure. Total over covered trades: +1."""
    reference = pl.DataFrame({"trade": ["plumbing", "heating"], "visits_per_intervention": [2.0, 2.5]})
    avoided = avoided_trips(visit_profile(FACTS), reference)
    assert avoided.select("trade", "covered").rows() == [("heating", True), ("lifts", False), ("plumbing", True)]
    assert avoided["avoided_trips"].to_list()[0] == pytest.approx(-1.0)
    assert avoided["avoided_trips"].to_list()[1] is None
    assert avoided["avoided_trips"].to_list()[2] == pytest.approx(2.0)
    assert avoided["avoided_trips"].sum() == pytest.approx(1.0)


BUILDINGS = pl.DataFrame({"building_id": ["B1", "B2", "B3"], "lat": [45.2, 46.0, None], "lon": [5.0, 5.0, None]})
BASES = pl.DataFrame(
    {
        "contractor_id": ["C1", "C1", "C2"],
        "base_id": ["C1-N", "C1-S", "C2-X"],
        "lat": [46.0, 45.0, 45.0],
        "lon": [5.0] * 3,
    }
)
DEGREE_KM = EARTH_RADIUS_KM * math.pi / 180  # 111.195 km: one degree of a meridian


def test_km_from_the_nearest_of_two_bases():
    """All points on the meridian 5 E, so distances are the latitude gap x 111.195 km.
    C1 has bases at 46.0 (north) and 45.0 (south). B1 at 45.2: south 0.2 deg = 22.239 km, north
    0.8 deg = 88.956 km -> south. B2 at 46.0: north, 0 km. C2 has one base at 45.0: B1 0.2 deg,
    B2 1.0 deg = 111.195 km. B3 has no coordinates: no distance."""
    pairs = pl.DataFrame(
        {"contractor_id": ["C1", "C1", "C2", "C2", "C1"], "building_id": ["B1", "B2", "B1", "B2", "B3"]}
    )
    nearest = nearest_base_km(pairs, BUILDINGS, BASES)
    assert nearest.select("contractor_id", "building_id", "base_id").rows() == [
        ("C1", "B1", "C1-S"),
        ("C1", "B2", "C1-N"),
        ("C1", "B3", None),
        ("C2", "B1", "C2-X"),
        ("C2", "B2", "C2-X"),
    ]
    km = nearest["base_km"].to_list()
    assert km[0] == pytest.approx(0.2 * DEGREE_KM, rel=1e-9)
    assert km[1] == pytest.approx(0.0, abs=1e-9)
    assert km[2] is None
    assert km[3] == pytest.approx(0.2 * DEGREE_KM, rel=1e-9)
    assert km[4] == pytest.approx(DEGREE_KM, rel=1e-9)


def test_trip_km_and_avoided_km():
    """Road factor 1.3, there and back: km per trip = base km x 2.6.
    I1, I2 (C1 -> B1): 22.239 x 2.6 = 57.821 km per trip, 1 visit each;
    I3 (C1 -> B2): 0 km; I4 (C2 -> B1): 57.821, 3 visits; I5 (C2 -> B2): 111.195 x 2.6 = 289.107,
    3 visits. Mean km per trip of resolved curative plumbing: (57.821 + 57.821 + 0 x 2) / 4 trips
    = 28.911; heating: (3 x 57.821 + 3 x 289.107) / 6 = 173.464.
    Avoided km: plumbing +2 trips x 28.911 = 57.821; heating -1 x 173.464 = -173.464."""
    distances = trip_distances(FACTS, BUILDINGS, BASES, road_factor=1.3)
    per_trip = dict(zip(distances["id"], distances["km_per_trip"], strict=True))
    b1 = 0.2 * DEGREE_KM * 2.6
    b2_far = DEGREE_KM * 2.6
    assert per_trip["I1"] == pytest.approx(b1) and per_trip["I4"] == pytest.approx(b1)
    assert per_trip["I5"] == pytest.approx(b2_far)
    assert "I8" not in per_trip  # cancelled: no trip counted
    trip_km = dict(zip(distances["id"], distances["trip_km"], strict=True))
    assert trip_km["I5"] == pytest.approx(3 * b2_far)

    reference = pl.DataFrame({"trade": ["plumbing", "heating"], "visits_per_intervention": [2.0, 2.5]})
    result = avoided_km(avoided_trips(visit_profile(FACTS), reference), distances)
    by_trade = dict(zip(result["trade"], result["avoided_km"], strict=True))
    assert by_trade["plumbing"] == pytest.approx(2 * (2 * b1) / 4)
    assert by_trade["heating"] == pytest.approx(-1 * (3 * b1 + 3 * b2_far) / 6)
    assert by_trade["lifts"] is None


def test_uncertainty_in_quadrature():
    """Trip emissions 1,000 kgCO2e from a factor known to 10 % and km known to 5 %: relative
    sqrt(0.10^2 + 0.05^2) = 0.1118 -> [888.2, 1111.8]. Avoided emissions 400 kgCO2e with the
    factor (10 %) and the scenario (30 %): sqrt(0.01 + 0.09) = 0.3162 -> U = 126.5.
    A total of two independent terms, 1000 +- 111.8 and 500 +- 50: U = sqrt(111.8^2 + 50^2) =
    122.5 -> [1377.5, 1622.5]."""
    trips = product(1000.0, [0.10, 0.05])
    assert (trips.low, trips.high) == pytest.approx((888.197, 1111.803), abs=1e-3)
    avoided = product(400.0, [0.10, 0.30])
    assert avoided.uncertainty == pytest.approx(126.491, abs=1e-3)
    summed = total([trips, Ranged(500.0, 50.0)])
    assert (summed.value, summed.uncertainty) == pytest.approx((1500.0, 122.474), abs=1e-3)
    assert summed.relative == pytest.approx(122.474 / 1500, abs=1e-6)
