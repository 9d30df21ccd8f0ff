"""Deadline compliance and the hit parade (services/reporting/domain/performance.py), worked by
hand."""

import polars as pl
import pytest

from services.reporting.domain.performance import (
    COMMON_PARTS,
    deadline_compliance,
    hit_parade,
    overall_quality,
    quality_against_target,
)


def _facts(rows):
    return pl.DataFrame(
        rows,
        schema=["contractor_id", "building_id", "ug_id", "nature", "status", "intervene_deadline", "repair_deadline"],
        orient="row",
    )


def test_deadline_compliance_leaves_pending_out_and_counts_it():
    """C1: intervene MET, MET, MISSED, PENDING -> 2 / 3, 1 pending; repair MET, MISSED, MISSED,
    PENDING -> 1 / 3. C2: only pending -> no ratio (None), never 0. The cancelled one is ignored."""
    facts = _facts(
        [
            ("C1", "B1", "U1", "CURATIVE", "CLOSED", "MET", "MET"),
            ("C1", "B1", "U1", "CURATIVE", "CLOSED", "MET", "MISSED"),
            ("C1", "B1", "U2", "CURATIVE", "CLOSED", "MISSED", "MISSED"),
            ("C1", "B1", "U2", "CURATIVE", "OPEN", "PENDING", "PENDING"),
            ("C1", "B1", "U2", "CURATIVE", "CANCELLED", "MISSED", "MISSED"),
            ("C2", "B2", "U3", "CURATIVE", "OPEN", "PENDING", "PENDING"),
        ]
    )
    result = deadline_compliance(facts, ["contractor_id"])
    c1, c2 = result.iter_rows(named=True)
    assert (c1["intervene_met"], c1["intervene_missed"], c1["intervene_pending"]) == (2, 1, 1)
    assert c1["intervene_compliance"] == pytest.approx(2 / 3)
    assert c1["repair_compliance"] == pytest.approx(1 / 3)
    assert c2["intervene_compliance"] is None and c2["repair_pending"] == 1
    whole = deadline_compliance(facts, [])
    assert whole["intervene_compliance"].item() == pytest.approx(2 / 3)


def test_hit_parade_shows_ties_as_ties_and_common_parts():
    """Curative per unit: U1 3, U2 2, U3 2, U4 2, U5 1, and 2 on B9's common parts (no unit).
    Top 2: U1 (rank 1), then four keys tied at 2 (rank 2): all shown, not cut by id.
    Per building: B1 (U1, U2) 5, B2 (U3, U4) 4, B9 2, B3 (U5) 1 -> top 2: B1, B2."""
    rows = [("C1", "B1", "U1", "CURATIVE", "CLOSED", "MET", "MET")] * 3
    rows += [("C1", "B1", "U2", "CURATIVE", "CLOSED", "MET", "MET")] * 2
    rows += [("C1", "B2", "U3", "CURATIVE", "CLOSED", "MET", "MET")] * 2
    rows += [("C1", "B2", "U4", "CURATIVE", "CLOSED", "MET", "MET")] * 2
    rows += [("C1", "B3", "U5", "CURATIVE", "CLOSED", "MET", "MET")]
    rows += [("C1", "B9", "", "CURATIVE", "CLOSED", "MET", "MET")] * 2
    rows += [("C1", "B3", "U5", "PREVENTIVE", "CLOSED", "MET", "MET")] * 5  # not curative: not counted
    units = hit_parade(_facts(rows), "ug_id", top=2)
    assert units.select("ug_id", "curative", "rank").rows() == [
        ("U1", 3, 1),
        (f"{COMMON_PARTS} B9", 2, 2),
        ("U2", 2, 2),
        ("U3", 2, 2),
        ("U4", 2, 2),
    ]
    buildings = hit_parade(_facts(rows), "building_id", top=2)
    assert buildings.select("building_id", "curative", "rank").rows() == [("B1", 5, 1), ("B2", 4, 2)]


def test_data_quality_per_contractor_against_95_percent():
    """C1: 100 received, 98 accepted of which 1 warned -> 97 / 100 = 97 %, meets 95 %.
    C2: 50 received, 45 accepted -> 90 %, below. C3: nothing received -> no share, not met.
    Over the perimeter: (97 + 45) / 150 = 94.67 % (weighted by records, not 93.5 %)."""
    quality = pl.DataFrame(
        {
            "contractor_id": ["C2", "C1", "C3"],
            "received": [50, 100, 0],
            "accepted": [45, 98, 0],
            "rejected": [5, 2, 0],
            "warned": [0, 1, 0],
        }
    )
    table = quality_against_target(quality)
    assert table.select("contractor_id", "passing_share", "meets_target").rows() == [
        ("C1", pytest.approx(0.97), True),
        ("C2", pytest.approx(0.90), False),
        ("C3", None, False),
    ]
    assert overall_quality(quality) == pytest.approx(142 / 150)
    assert overall_quality(quality.clear()) is None
