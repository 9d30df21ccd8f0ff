"""The anomalies of a charge year (services/reporting/domain/charges_anomalies.py, through
compute_charge_control), on one fixture worked by hand where each finding appears once."""

from datetime import UTC, datetime

import polars as pl

from services.reporting.domain.charges import ChargeInputs, compute_charge_control
from services.reporting.domain.charges_allocation import AllocationKey
from tests.reporting.test_charges import (
    COST_SCHEMA,
    FACT_SCHEMA,
    FIGURE_SCHEMA,
    MAPPING,
    PROVISION_SCHEMA,
    frame,
    monthly,
)

MAR_2025 = datetime(2025, 2, 28, 23, tzinfo=UTC)  # 1 March 2025, Paris
EQUAL = tuple(AllocationKey(c, "equal") for c in ("cold_water", "hot_water", "common_electricity", "other"))


def fixture() -> ChargeInputs:
    """R1/B1: dwellings D1, D2. Cold water 100.00 in 2024, 130.00 in 2025 (a line with 1
    unpriced meter and 50 % estimated); common electricity 20.00 in 2025. Provisions 2025: D1
    cold water 6.00 x 12 = 72.00 and hot water 2.00 x 12 = 24.00; D2 cold water 10.00 x 6
    (January to June) = 60.00; SHOP-1, not a dwelling, other 5.00 in January. SHOP-1 also has a
    recoverable cold-water meter: 12.00 in March.
    R2/B2: dwelling E1, no meter, a cleaning visit 80.00 x 75 % = 60.00 (other), no provision.
    R1/B3: no dwelling, common electricity 15.00."""
    dwellings = frame(
        [("B1", "D1", 50.0), ("B1", "D2", 50.0), ("B2", "E1", 40.0)],
        {"building_id": pl.String, "ug_id": pl.String, "heated_area_m2": pl.Float64},
    )
    costs = frame(
        [
            ("B1", "2024-03", "cold_water", 100.00, 1, 0, 0.0),
            ("B1", "2025-03", "cold_water", 130.00, 2, 1, 0.5),
            ("B1", "2025-04", "common_electricity", 20.00, 1, 0, 0.0),
            ("B3", "2025-01", "common_electricity", 15.00, 1, 0, 0.0),
        ],
        COST_SCHEMA,
    )
    provisions = frame(
        monthly("D1", "cold_water", [6.0] * 12)
        + monthly("D1", "hot_water", [2.0] * 12)
        + monthly("D2", "cold_water", [10.0] * 6)
        + [("SHOP-1", "2025-01", "other", 5.0, "B1")],
        PROVISION_SCHEMA,
    )
    facts = frame(
        [("F1", "C-CLEAN", "B2", "cleaning", "CLEAN-PRV", "CLOSED", datetime(2025, 2, 10, tzinfo=UTC), 80.0, 0.75)],
        FACT_SCHEMA,
    )
    return ChargeInputs(
        year=2025,
        buildings=frame(
            [("B1", "R1"), ("B2", "R2"), ("B3", "R1")], {"building_id": pl.String, "residence_id": pl.String}
        ),
        dwellings=dwellings,
        costs=costs,
        figures=frame([("W-S", "B1", "SHOP-1", "cold_water", True, MAR_2025, 12.0)], FIGURE_SCHEMA),
        provisions=provisions,
        facts=facts,
        mapping=MAPPING,
        keys=EQUAL,
    )


def test_every_finding_with_its_evidence():
    """B1 cold water 130.00 against 100.00: +30 % > 20 % (category_up); each dwelling's share
    6,500 against 5,000 in 2024: +30 % (dwelling_category_up, D1 and D2); 50 % of its metered cost
    estimated > 10 %; 1 unpriced meter-month. Tenants' cold-water provisions 72.00 + 60.00 =
    132.00 against 130.00: 1.5 %, not far. Common electricity 20.00 and no provision while B1 has
    some: costs_without_provisions. Hot water: provisions 24.00 and no cost. D2 paid in 6 months.
    SHOP-1's provisions (5.00) and meter (12.00) are listed, not dropped.
    B3: 15.00 with no dwelling (the landlord's; not also "without provisions").
    B2: 60.00 and no provision at all (E1 vacant: the landlord's); R2 has no metered cost."""
    result = compute_charge_control(fixture())
    found = result.anomalies.select(
        "kind", "residence_id", "building_id", "ug_id", "charge_category", "value", "reference"
    )
    assert found.rows() == [
        ("category_up", "R1", "B1", None, "cold_water", 130.0, 100.0),
        ("costs_without_provisions", "R1", "B1", None, "common_electricity", 20.0, None),
        ("dwelling_category_up", "R1", "B1", "D1", "cold_water", 65.0, 50.0),
        ("dwelling_category_up", "R1", "B1", "D2", "cold_water", 65.0, 50.0),
        ("estimated_readings", "R1", "B1", None, "cold_water", 0.5, 0.1),
        ("partial_provisions", "R1", "B1", "D2", None, 6.0, 12.0),
        ("provisions_unknown_unit", "R1", "B1", "SHOP-1", "other", 5.0, None),
        ("provisions_without_costs", "R1", "B1", None, "hot_water", 24.0, None),
        ("unit_meter_not_dwelling", "R1", "B1", "SHOP-1", "cold_water", 12.0, None),
        ("unpriced_meters", "R1", "B1", None, "cold_water", 1.0, None),
        ("no_dwellings", "R1", "B3", None, "common_electricity", 15.0, None),
        ("building_without_provisions", "R2", "B2", None, None, 60.0, None),
        ("residence_without_meter", "R2", None, None, None, None, None),
    ]
    assert result.anomalies.filter(pl.col("kind") == "category_up")["detail"].item() == "up 30.0 % against 2024"


def test_the_landlord_carries_the_vacant_and_the_undwelt():
    """E1 paid nothing: its 60.00 of cleaning is the landlord's; B3's 15.00 too, with no dwelling.
    B1 cold water 130.00 against N-1 100.00: change +0.3."""
    result = compute_charge_control(fixture())
    assert result.landlord.select("building_id", "ug_id", "charge_category", "share_cents", "reason").rows() == [
        ("B2", "E1", "other", 6_000, "vacant"),
        ("B3", None, "common_electricity", 1_500, "no_dwellings"),
    ]
    b1 = result.building_categories.filter(pl.col("building_id") == "B1")
    assert b1.select("charge_category", "cost_cents", "previous_cost_cents").rows() == [
        ("cold_water", 13_000, 10_000),
        ("common_electricity", 2_000, None),
        ("hot_water", 0, None),
    ]
    assert b1["change"].to_list()[0] == 0.3
