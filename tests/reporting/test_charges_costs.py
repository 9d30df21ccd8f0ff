"""Recoverable costs and their categories (services/reporting/domain/charges_costs.py) and the
mapping data (reports/charge_categories.csv)."""

import math
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from services.demo.contracts import TRADES
from services.reporting.domain.charges_costs import (
    CHARGE_CATEGORIES,
    check_mapping,
    contract_lines,
    cost_lines,
    to_cents,
)
from services.runtime.errors import InvalidArgument

MAPPING = pl.read_csv(Path(__file__).resolve().parents[2] / "reports/charge_categories.csv")
COST_SCHEMA = {
    "building_id": pl.String,
    "month": pl.String,
    "charge_category": pl.String,
    "cost_eur": pl.Float64,
    "meters": pl.Int32,
    "unpriced_meters": pl.Int32,
    "estimated_share": pl.Float64,
}
FACT_SCHEMA = {
    "id": pl.String,
    "contract_id": pl.String,
    "building_id": pl.String,
    "trade": pl.String,
    "service_code": pl.String,
    "status": pl.String,
    "resolved_at": pl.Datetime("us", "UTC"),
    "cost_eur": pl.Float64,
    "recoverable_share": pl.Float64,
}


def frame(rows: list[tuple], schema: dict) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def test_the_mapping_data_is_complete_and_sourced():
    """Every charge category has its heading as a meter category, every demo trade is mapped, and
    every row cites the décret 87-713 annex."""
    mapping = check_mapping(MAPPING)
    trades = set(mapping.filter(pl.col("source_kind") == "trade")["source_value"].to_list())
    assert {t.name for t in TRADES} <= trades
    assert mapping["source"].str.contains("87-713").all()
    assert set(mapping["charge_category"].to_list()) <= set(CHARGE_CATEGORIES)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            pl.when(pl.int_range(pl.len()) == 2)
            .then(pl.lit("cleaning"))
            .otherwise(pl.col("charge_category"))
            .alias("charge_category"),
            "line 4: charge_category",
        ),
        (
            pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("")).otherwise(pl.col("source")).alias("source"),
            "line 2: source",
        ),
        (
            pl.when(pl.int_range(pl.len()) == 1)
            .then(pl.lit("meter"))
            .otherwise(pl.col("source_kind"))
            .alias("source_kind"),
            "line 3: source_kind",
        ),
    ],
)
def test_a_bad_mapping_row_is_refused_by_its_line(change, field):
    with pytest.raises(InvalidArgument) as raised:
        check_mapping(MAPPING.with_columns(change))
    assert field in str(raised.value)


def test_a_source_mapped_twice_or_a_category_without_heading_is_refused():
    with pytest.raises(InvalidArgument, match="trade 'lift' is mapped more than once"):
        check_mapping(pl.concat([MAPPING, MAPPING.filter(pl.col("source_value") == "lift")]))
    with pytest.raises(InvalidArgument, match="no meter_category row for lifts"):
        check_mapping(MAPPING.filter(pl.col("source_value") != "lifts"))


def test_to_cents_rounds_half_away_from_zero_despite_binary_fractions():
    """1.005 is stored as 1.00499999...: x 100 rounded to 6 decimals first gives 100.5 -> 101;
    -0.125 -> -12.5 -> -13; 24.9975 (33.33 x 75 %) -> 2,499.75 -> 2,500."""
    values = pl.DataFrame({"eur": [1.005, -0.125, 33.33 * 0.75, 0.0]})
    assert values.select(to_cents(pl.col("eur")))["eur"].to_list() == [101, -13, 2_500, 0]


MAPPING_WITH_CODE = pl.concat(
    [
        MAPPING,
        pl.DataFrame(
            {
                "source_kind": ["service_code"],
                "source_value": ["HEAT-PRV"],
                "charge_category": ["hot_water"],
                "decret_heading": ["II"],
                "decret_heading_title": ["fixture"],
                "decret_item": ["fixture"],
                "source": ["fixture, décret 87-713"],
                "note": [None],
            },
            schema=MAPPING.schema,
        ),
    ]
)


def test_contract_lines_month_category_and_recoverable_part():
    """F1: resolved 23:30 UTC on 31 December 2024 = 00:30 on 1 January in Paris -> 2025-01;
    heating trade -> heating_energy, 33.33 x 75 % = 24.9975 -> 2,500 cents. F2: service code
    HEAT-PRV has its own row (hot_water), which wins over its trade's. F3: cancelled; F4: not
    resolved (no cost yet): neither is counted. F5: trade and code unknown -> unmapped, with its
    recoverable part 10.00 x 0 % = 0."""
    facts = frame(
        [
            (
                "F1",
                "C1",
                "B1",
                "heating",
                "HEAT-CUR",
                "CLOSED",
                datetime(2024, 12, 31, 23, 30, tzinfo=UTC),
                33.33,
                0.75,
            ),
            ("F2", "C1", "B1", "heating", "HEAT-PRV", "RESOLVED", datetime(2025, 3, 2, tzinfo=UTC), 100.0, 0.6),
            ("F3", "C1", "B1", "heating", "HEAT-PRV", "CANCELLED", datetime(2025, 3, 3, tzinfo=UTC), 100.0, 0.6),
            ("F4", "C1", "B1", "heating", "HEAT-PRV", "IN_PROGRESS", None, 0.0, 0.6),
            ("F5", "C2", "B1", "roofing", "ROOF", "RESOLVED", datetime(2025, 4, 1, tzinfo=UTC), 10.0, 0.0),
        ],
        FACT_SCHEMA,
    )
    mapped, unmapped = contract_lines(facts, MAPPING_WITH_CODE)
    assert mapped.select(
        "id", "month", "charge_category", "decret_heading", "mapped_by", "recoverable_cents"
    ).rows() == [
        ("F1", "2025-01", "heating_energy", "II", "trade", 2_500),
        ("F2", "2025-03", "hot_water", "II", "service_code", 6_000),
    ]
    assert unmapped.select("id", "trade", "recoverable_cents").rows() == [("F5", "roofing", 0)]


@pytest.mark.parametrize(
    ("column", "value"), [("recoverable_share", 1.2), ("recoverable_share", math.nan), ("cost_eur", -1.0)]
)
def test_a_fact_out_of_range_is_refused_by_its_id_and_field(column, value):
    facts = frame(
        [("F9", "C1", "B1", "lift", "LIFT-PRV", "CLOSED", datetime(2025, 1, 5, tzinfo=UTC), 10.0, 0.5)], FACT_SCHEMA
    ).with_columns(pl.lit(value).alias(column))
    with pytest.raises(InvalidArgument, match=f"intervention F9: {column}"):
        contract_lines(facts, MAPPING)


def test_cost_lines_keep_the_unpriced_and_no_share_where_no_cost():
    """A meter line all unpriced: 0 cents, 2 unpriced meters, its NaN estimated share null (no
    share claimed); a contract line counts its interventions."""
    costs = frame([("B1", "2025-02", "cold_water", 0.0, 2, 2, math.nan)], COST_SCHEMA)
    facts = frame(
        [
            ("F1", "C1", "B1", "lift", "LIFT-PRV", "CLOSED", datetime(2025, 2, 5, tzinfo=UTC), 10.0, 0.5),
            ("F2", "C1", "B1", "lift", "LIFT-PRV", "CLOSED", datetime(2025, 2, 6, tzinfo=UTC), 10.0, 0.5),
        ],
        FACT_SCHEMA,
    )
    mapped, _ = contract_lines(facts, MAPPING)
    lines = cost_lines(costs, mapped)
    assert lines.select(
        "charge_category", "source", "cost_cents", "unpriced_meters", "estimated_share", "interventions"
    ).rows() == [
        ("cold_water", "meters", 0, 2, None, None),
        ("lifts", "contracts", 1_000, None, None, 2),
    ]
