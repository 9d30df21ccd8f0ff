"""The scorecard's N-1 join, per-contractor plan compliance and avoided trips, on the fixture of
scorecard_fixture.py (January-February 2025 against January-February 2024), worked by hand.

C1 holds CT1 (in force from 2025-01-01; plan LIFT-M on its one lift every 14 days) and did in N:
  K1 curative Jan, 1 visit, intervene MET, repair MET, 100 EUR; P1 preventive Jan (first visit
  4 Jan), 50 EUR; K2 curative Feb, 2 visits, MET / MISSED, 200 EUR; P2 preventive Feb, 50 EUR;
  X1 cancelled (left out).
  interventions 4; preventive share 2 / (2 + 2) = 0.5; first-time fix 1 of 2 resolved = 0.5;
  visits per curative (1 + 2) / 2 = 1.5; intervene 2 / 2 = 1.0; repair 1 / 2 = 0.5;
  trips 1 + 1 + 2 + 1 = 5; cost 400 EUR.
  plan: due Jan 31 / 14, Feb 28 / 14, total 59 / 14; done 2 (P1, P2): 2 / (59 / 14) = 28 / 59.
  avoided (reference plumbing 2.0 visits): (2.0 - 3 / 2) x 2 = 1.0 trip.
C1 in N-1: K4 Jan 2 visits MISSED / MISSED 150 EUR; K5 Feb 1 visit MET / MET 100 EUR.
  interventions 2; preventive share none (curative only: one_nature); first-time fix 1 / 2;
  visits per curative 1.5; intervene 1 / 2; repair 1 / 2; trips 3; cost 250; plan: CT1 was not
  in force, nothing due (None, nothing_due); avoided (2.0 - 1.5) x 2 = 1.0.
C2 holds CT2 (no plan): K3 electricity Jan 1 visit MET / MET 80 EUR. N: 1 intervention, first-time
  fix 1.0, plan None (no_plan), avoided None (electricity not in the scenario: not_covered).
  N-1: nothing: interventions 0 (a true count), first-time fix None (nothing_to_count).
C3: nothing in either period: counts 0, ratios None; no data-quality record (no_quality).
Data quality at the cut-off: C1 (98 - 1) / 100 = 0.97, C2 9 / 10 = 0.9; no N-1 (at_as_of).
Trend of C1: first-time fix Jan 1 / 1 = 1.0, Feb 0 / 1 = 0.0; N-1 Jan 0 / 1 = 0.0, Feb 1.0;
  plan Jan 1 / (31 / 14) = 14 / 31, Feb 1 / 2 = 0.5.
"""

import polars as pl
import pytest

from services.reporting.domain.scorecard_figures import compute_scorecard
from tests.reporting.scorecard_fixture import inputs


def _figures(result) -> dict[tuple[str, str], dict]:
    return {(r["contractor_id"], r["figure"]): r for r in result.figures.iter_rows(named=True)}


def test_every_figure_of_c1_with_its_n_minus_1_worked_by_hand():
    f = _figures(compute_scorecard(inputs()))
    expected = {
        "interventions": (4, 2),
        "preventive_share": (0.5, None),
        "first_time_fix": (0.5, 0.5),
        "visits_per_curative": (1.5, 1.5),
        "intervene_compliance": (1.0, 0.5),
        "repair_compliance": (0.5, 0.5),
        "preventive_compliance": (28 / 59, None),
        "trips": (5, 3),
        "cost_eur": (400.0, 250.0),
        "avoided_trips": (1.0, 1.0),
        "data_quality": (0.97, None),
    }
    for figure, (value, previous) in expected.items():
        row = f[("C1", figure)]
        assert row["key"] == f"C1.{figure}"
        assert row["value"] == pytest.approx(value), figure
        assert row["previous"] == (pytest.approx(previous) if previous is not None else None), figure
    assert f[("C1", "preventive_share")]["previous_note"] == "one_nature"
    assert f[("C1", "preventive_compliance")]["previous_note"] == "nothing_due"
    assert f[("C1", "data_quality")]["previous_note"] == "at_as_of"


def test_contractors_with_nothing_say_why_never_zero():
    f = _figures(compute_scorecard(inputs()))
    assert f[("C2", "interventions")]["value"] == 1 and f[("C2", "interventions")]["previous"] == 0
    assert f[("C2", "first_time_fix")]["value"] == 1.0
    assert (f[("C2", "first_time_fix")]["previous"], f[("C2", "first_time_fix")]["previous_note"]) == (
        None,
        "nothing_to_count",
    )
    assert (f[("C2", "preventive_compliance")]["value"], f[("C2", "preventive_compliance")]["value_note"]) == (
        None,
        "no_plan",
    )
    assert (f[("C2", "avoided_trips")]["value"], f[("C2", "avoided_trips")]["value_note"]) == (None, "not_covered")
    assert f[("C2", "data_quality")]["value"] == pytest.approx(0.9)
    assert (f[("C3", "trips")]["value"], f[("C3", "trips")]["previous"]) == (0, 0)
    assert (f[("C3", "repair_compliance")]["value"], f[("C3", "data_quality")]["value_note"]) == (None, "no_quality")


def test_the_trend_by_month_beside_the_same_month_of_n_minus_1():
    trend = compute_scorecard(inputs()).trend.filter(pl.col("contractor_id") == "C1")
    assert trend["first_time_fix"].to_list() == [1.0, 0.0]
    assert trend["previous_first_time_fix"].to_list() == [0.0, 1.0]
    assert trend["preventive_compliance"].to_list() == pytest.approx([14 / 31, 0.5])
    assert trend["interventions"].sum() == 4 and trend["previous_interventions"].sum() == 2
    c3 = compute_scorecard(inputs()).trend.filter(pl.col("contractor_id") == "C3")
    assert c3["first_time_fix"].to_list() == [None, None] and c3["interventions"].to_list() == [0, 0]


def test_without_a_scenario_no_avoided_figure_and_the_others_unchanged():
    with_scenario = compute_scorecard(inputs())
    without = compute_scorecard(inputs(with_scenario=False))
    assert "avoided_trips" not in without.figures["figure"].to_list() and without.avoided_by_trade is None
    kept = with_scenario.figures.filter(pl.col("figure") != "avoided_trips")
    assert kept.equals(without.figures)


def test_contractor_avoided_trips_add_up_to_the_trade_figure():
    """Split over contractors, the avoided trips of a trade are the CSR's trade figure."""
    from services.reporting.domain.trips import avoided_trips, avoided_trips_by_contractor, visit_profile
    from tests.reporting.scorecard_fixture import current_facts

    reference = pl.DataFrame({"trade": ["plumbing"], "visits_per_intervention": [2.0]})
    whole = avoided_trips(visit_profile(current_facts()), reference).filter(pl.col("covered"))
    split = avoided_trips_by_contractor(current_facts(), reference).filter(pl.col("covered"))
    assert split["avoided_trips"].sum() == pytest.approx(whole["avoided_trips"].sum())
