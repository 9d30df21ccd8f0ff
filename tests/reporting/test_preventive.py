"""Preventive share by count and by cost (services/reporting/domain/preventive.py), worked by hand."""

import polars as pl
import pytest

from services.reporting.domain.preventive import preventive_shares


def test_shares_by_count_and_cost_and_a_one_nature_contractor():
    """C1: 3 preventive (100 + 100 + 100 EUR) and 1 curative (300 EUR); its diagnostic and its
    cancelled preventive are left out. By count 3 / 4 = 75 %, by cost 300 / 600 = 50 %.
    C2: preventive only (lift maintenance contract): one nature, no share (not 100 %).
    C3: 1 preventive and 1 curative, no cost recorded: by count 50 %, by cost n/a."""
    facts = pl.DataFrame(
        {
            "contractor_id": ["C1", "C1", "C1", "C1", "C1", "C1", "C2", "C2", "C3", "C3"],
            "nature": ["PREVENTIVE"] * 3
            + ["CURATIVE", "DIAGNOSTIC", "PREVENTIVE"]
            + ["PREVENTIVE"] * 2
            + ["PREVENTIVE", "CURATIVE"],
            "status": ["CLOSED"] * 5 + ["CANCELLED"] + ["CLOSED"] * 4,
            "cost_eur": [100.0, 100.0, 100.0, 300.0, 80.0, 500.0, 50.0, 50.0, 0.0, 0.0],
        }
    )
    shares = preventive_shares(facts, ["contractor_id"])
    assert shares.select("contractor_id", "preventive", "curative", "one_nature").rows() == [
        ("C1", 3, 1, False),
        ("C2", 2, 0, True),
        ("C3", 1, 1, False),
    ]
    by_count, by_cost = shares["share_by_count"].to_list(), shares["share_by_cost"].to_list()
    assert by_count[0] == pytest.approx(0.75) and by_cost[0] == pytest.approx(0.5)
    assert by_count[1] is None and by_cost[1] is None
    assert by_count[2] == pytest.approx(0.5) and by_cost[2] is None
