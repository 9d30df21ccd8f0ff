"""Preventive-plan compliance (services/reporting/domain/compliance.py) month by month against
N-1, and the civil months it counts in (periods.py), worked by hand."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from services.reporting.domain.compliance import against_previous, monthly_compliance, whole_period
from services.reporting.domain.periods import months, reference_window, year_before

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)


PLANS = pl.DataFrame(
    {
        "contract_id": ["K1", "K2"],
        "service_code": ["LIFT-PREV", "BOIL-PREV"],
        "equipment_kind": ["lift", "boiler_room"],
        "interval_days": [31, 16],
    }
)
EQUIPMENT = pl.DataFrame(
    {
        "equipment_id": ["L1", "L2", "BR1", "L3"],
        "building_id": ["B1", "B2", "B1", "B3"],
        "kind": ["lift", "lift", "boiler_room", "lift"],
    }
)
CONTRACT_BUILDINGS = pl.DataFrame(
    {
        "contract_id": ["K1", "K1", "K2"],
        "contractor_id": ["C1", "C1", "C2"],
        "building_id": ["B1", "B2", "B1"],
        "starts_at": [paris(2024, 1, 1), paris(2024, 1, 1), paris(2025, 8, 16)],
        "ends_at": [paris(2026, 1, 1), paris(2026, 1, 1), paris(2026, 1, 1)],
    }
)


def _facts(rows):
    return pl.DataFrame(
        rows,
        schema={
            "contract_id": pl.String,
            "service_code": pl.String,
            "nature": pl.String,
            "status": pl.String,
            "visits": pl.Int32,
            "first_visit_at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )


FACTS_2025 = _facts(
    [
        ("K1", "LIFT-PREV", "PREVENTIVE", "CLOSED", 1, paris(2025, 7, 10, 9)),
        ("K1", "LIFT-PREV", "PREVENTIVE", "CLOSED", 2, paris(2025, 7, 20, 9)),  # two trips, one round
        ("K1", "LIFT-PREV", "PREVENTIVE", "CLOSED", 1, datetime(2025, 7, 31, 22, 30, tzinfo=UTC)),  # 1 Aug, Paris
        ("K2", "BOIL-PREV", "PREVENTIVE", "RESOLVED", 1, paris(2025, 8, 20, 9)),
        ("K1", "LIFT-PREV", "PREVENTIVE", "CANCELLED", 1, paris(2025, 7, 12, 9)),
        ("K1", "LIFT-PREV", "CURATIVE", "CLOSED", 1, paris(2025, 7, 13, 9)),
        ("K1", "OTHER", "PREVENTIVE", "CLOSED", 1, paris(2025, 7, 14, 9)),  # no plan for this code
        ("K1", "LIFT-PREV", "PREVENTIVE", "PLANNED", 0, None),  # not visited yet
    ]
)
FACTS_2024 = _facts(
    [
        ("K1", "LIFT-PREV", "PREVENTIVE", "CLOSED", 1, paris(2024, 7, 3, 9)),
        ("K1", "LIFT-PREV", "PREVENTIVE", "CLOSED", 1, paris(2024, 8, 30, 9)),
    ]
)


def test_civil_months_of_a_period_and_its_comparisons():
    """July-August 2025 in Paris: 2 months of 31 civil days, starting at 22:00 UTC the day
    before. N-1 is July-August 2024; against a 2023 reference, July-August 2023. March 2025
    (daylight saving starts) still has 31 civil days."""
    start, end = paris(2025, 7, 1), paris(2025, 9, 1)
    frame = months(start, end)
    assert frame["month_start"].to_list() == [
        datetime(2025, 6, 30, 22, tzinfo=UTC),
        datetime(2025, 7, 31, 22, tzinfo=UTC),
    ]
    assert frame["days"].to_list() == [31.0, 31.0]
    assert months(paris(2025, 3, 1), paris(2025, 4, 1))["days"].to_list() == [31.0]
    assert months(paris(2025, 3, 16), paris(2025, 4, 1))["days"].to_list() == [16.0]
    assert year_before(start, end) == (paris(2024, 7, 1), paris(2024, 9, 1))
    assert reference_window(start, end, paris(2023, 1, 1)) == (paris(2023, 7, 1), paris(2023, 9, 1))


def test_plan_compliance_month_by_month_against_n_minus_1():
    """Plans: K1 lifts every 31 days over B1 and B2 (L1, L2; L3 is in B3, not covered; BR1 is
    not a lift); K2 boiler rooms every 16 days over B1 (BR1) from 16 August 2025.
    Due July 2025: L1 31/31 + L2 31/31 = 2; August: 2 + BR1 16 days (16-31 Aug) / 16 = 3.
    Done July: the rounds first visited 10 and 20 July (the second took two trips: one round)
    = 2 -> 100 %; the cancelled, the curative, the code with no plan and the round not visited
    yet do not count. August: the round at 22:30 UTC on 31 July (1 August in Paris) and K2's on
    20 August = 2 -> 2/3 = 66.7 %. Whole period: 4 / 5 = 80 %.
    N-1 (2024): K2 not in force; due 2 and 2; done 1 and 1 -> 50 % and 50 %."""
    now = monthly_compliance(
        FACTS_2025, PLANS, EQUIPMENT, CONTRACT_BUILDINGS, months(paris(2025, 7, 1), paris(2025, 9, 1))
    )
    assert now["due"].to_list() == pytest.approx([2.0, 3.0])
    assert now["done"].to_list() == [2.0, 2.0]
    assert now["share"].to_list() == pytest.approx([1.0, 2 / 3])
    assert whole_period(now) == pytest.approx((5.0, 4.0, 0.8))

    before = monthly_compliance(
        FACTS_2024, PLANS, EQUIPMENT, CONTRACT_BUILDINGS, months(paris(2024, 7, 1), paris(2024, 9, 1))
    )
    both = against_previous(now, before)
    assert both["previous_due"].to_list() == pytest.approx([2.0, 2.0])
    assert both["previous_share"].to_list() == pytest.approx([0.5, 0.5])
    assert both["previous_month_start"].to_list() == [paris(2024, 7, 1), paris(2024, 8, 1)]
    assert against_previous(now, None)["previous_share"].to_list() == [None, None]


def test_nothing_due_is_no_share_not_zero():
    """Before any contract is in force (2023) nothing is due: share null, never 0 % nor 100 %;
    a contract ending on 16 March is due 15 days / 31 of March's lift round."""
    empty = monthly_compliance(
        FACTS_2024.clear(), PLANS, EQUIPMENT, CONTRACT_BUILDINGS, months(paris(2023, 3, 1), paris(2023, 4, 1))
    )
    assert empty.rows() == [(0, paris(2023, 3, 1), 0.0, 0.0, None)]
    assert whole_period(empty) == (0.0, 0.0, None)
    ending = CONTRACT_BUILDINGS.head(1).with_columns(pl.lit(paris(2025, 3, 16)).alias("ends_at"))
    march = monthly_compliance(
        FACTS_2024.clear(), PLANS, EQUIPMENT, ending, months(paris(2025, 3, 1), paris(2025, 4, 1))
    )
    assert march["due"].item() == pytest.approx(15 / 31)


def test_a_period_with_no_intervention_recorded_has_no_compliance_figure():
    """Plans call for visits in the period but nothing at all was recorded (no fact): the
    compliance is unknown (n/a, note no_facts), never 0 %."""
    from services.reporting.domain.csr import compute_csr
    from tests.reporting.csr_fixture import csr_inputs, period_data

    plans = {"plans": PLANS, "equipment": EQUIPMENT, "contract_buildings": CONTRACT_BUILDINGS}
    with_facts = compute_csr(csr_inputs(**plans)).headline("preventive_compliance")
    assert with_facts.value is not None  # the plans call for visits in 2025: a share is computed
    headline = compute_csr(csr_inputs(current=period_data(2025), **plans)).headline("preventive_compliance")
    assert headline.value is None and "no_facts" in headline.value_note
