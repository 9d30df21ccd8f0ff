"""The leaks and energy anomalies of a charge year with their estimated cost
(services/reporting/domain/charges_meter_anomalies.py), worked by hand, and how they reach the
charge control's findings, figures hash and audit pack."""

from datetime import UTC, datetime

import polars as pl

from services.reporting.domain.charges import compute_charge_control
from services.reporting.domain.charges_figures import charges_figures_frame
from services.reporting.domain.charges_meter_anomalies import CONSUMPTION_ANOMALY_SCHEMA, meter_anomalies
from services.reporting.domain.charges_pack import charges_pack_tables
from tests.reporting.test_charges import FIGURES, inputs
from tests.reporting.test_charges_allocation import FIGURE_SCHEMA
from tests.reporting.test_charges_costs import frame

# Paris month starts as UTC instants
FEB = datetime(2025, 1, 31, 23, tzinfo=UTC)
MAR = datetime(2025, 2, 28, 23, tzinfo=UTC)
APR = datetime(2025, 3, 31, 22, tzinfo=UTC)
METER_FIGURE_SCHEMA = {**FIGURE_SCHEMA, "quantity": pl.Float64, "unit": pl.String}
METER_FIGURES = frame(
    [
        ("W-1", "B1", "", "cold_water", True, MAR, 412.00, 100.0, "m3"),
        ("W-1", "B1", "", "cold_water", True, APR, 213.50, 50.0, "m3"),
        ("G-1", "B1", "", "heating_energy", True, FEB, float("nan"), 900.0, "m3"),
        ("W-2", "B1", "", "cold_water", False, MAR, 30.00, 10.0, "m3"),
    ],
    METER_FIGURE_SCHEMA,
)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


ANOMALIES = frame(
    [
        # meter, building, kind, window start, window end, expected, observed, detail, detected at
        ("W-1", "B1", "leak", at(2025, 3, 9, 23), at(2025, 3, 14, 23), 6.0, 42.0, "5 days above 3x", at(2025, 6, 1)),
        ("W-1", "B1", "night_flow", at(2025, 3, 30, 23), at(2025, 4, 2, 3), 0.0, 1.5, "3 nights", at(2025, 6, 1)),
        ("G-1", "B1", "spike", at(2025, 2, 10, 23), at(2025, 2, 11, 23), 30.0, 160.0, "1 day above 4x", at(2025, 6, 1)),
        ("W-2", "B1", "stuck_register", at(2025, 3, 1, 23), at(2025, 3, 17, 23), 16.0, 15.0, "zero", at(2025, 6, 1)),
        ("W-1", "B1", "leak", at(2024, 12, 31, 22), at(2025, 1, 4, 23), 4.0, 20.0, "December", at(2025, 6, 1)),
        ("W-1", "B1", "leak", at(2024, 12, 31, 23), at(2025, 1, 4, 23), 4.0, 20.0, "January", at(2025, 6, 1)),
        ("W-9", "B2", "leak", at(2025, 5, 1), at(2025, 5, 5), 1.0, 9.0, "another building", at(2025, 6, 1)),
    ],
    CONSUMPTION_ANOMALY_SCHEMA,
)


def test_each_anomaly_of_the_year_with_its_excess_priced_at_the_meters_cost_per_unit():
    """Charge year 2025 (Paris): the leak starting 31/12/2024 23:00 Paris (22:00 UTC) is 2024's,
    left out; the one starting at midnight on 1 January (23:00 UTC) is 2025's.

    - W-1 leak 10-15 March: excess 42 - 6 = 36 m3; March 412.00 EUR / 100 m3 = 4.12 EUR/m3;
      36 x 4.12 = 148.32 EUR -> 14,832 cents.
    - W-1 night flow 31 March - 2 April: expected 0, excess 1.5 m3; the window touches March and
      April: (412.00 + 213.50) / (100 + 50) = 625.50 / 150 = 4.17 EUR/m3; 1.5 x 4.17 = 6.255 ->
      626 cents (half away from zero).
    - G-1 spike 11 February: excess 130 m3, but February is unpriced (cost NaN): no cost, null.
    - W-2 stuck register: a metering fault, no excess and no cost; W-2 is not recoverable: no
      charge category.
    - W-1 leak from 1 January: W-1 has no January figure: no cost (no_figure).
    - W-9 (building B2) is kept here: the perimeter is the charge control's to apply."""
    result = meter_anomalies(ANOMALIES, METER_FIGURES, 2025)
    assert result.select(
        "meter_ref", "kind", "charge_category", "excess", "eur_per_unit", "cost_cents", "cost_note"
    ).rows() == [
        ("W-1", "leak", "cold_water", 16.0, None, None, "no_figure"),
        ("G-1", "spike", "heating_energy", 130.0, None, None, "unpriced"),
        ("W-2", "stuck_register", None, None, None, None, "metering_fault"),
        ("W-1", "leak", "cold_water", 36.0, 4.12, 14_832, "estimated"),
        ("W-1", "night_flow", "cold_water", 1.5, 4.17, 626, "estimated"),
        ("W-9", "leak", None, 8.0, None, None, "no_figure"),
    ]
    assert result["unit"].to_list()[:5] == ["m3"] * 5
    assert result.filter(pl.col("kind") == "leak")["detail"].to_list() == [
        "January",
        "5 days above 3x",
        "another building",
    ]


def test_the_charge_control_lists_them_with_their_cost_in_the_findings_the_figures_and_the_pack():
    """The building fixture of test_charges (B1) with the meters above: B2's leak is outside the
    perimeter; the five of B1 become findings ``meter_<kind>`` (value: the cost in euros, null
    when not estimated), figures ``meter_anomaly`` (what the hash covers) and the pack's
    meter_anomalies.csv (148.32 + 6.26 = 154.58 EUR estimated)."""
    figures = pl.concat([FIGURES.with_columns(quantity=pl.lit(1.0), unit=pl.lit("m3")), METER_FIGURES])
    result = compute_charge_control(inputs(figures=figures, anomalies=ANOMALIES))
    assert result.meter_anomalies["building_id"].unique().to_list() == ["B1"]
    found = result.anomalies.filter(pl.col("kind").str.starts_with("meter_"))
    assert sorted(found.select("kind", "value").rows(), key=str) == sorted(
        [
            ("meter_leak", None),
            ("meter_spike", None),
            ("meter_stuck_register", None),
            ("meter_leak", 148.32),
            ("meter_night_flow", 6.26),
        ],
        key=str,
    )
    assert set(found["residence_id"].to_list()) == {"R1"}
    hashed = charges_figures_frame(result).filter(pl.col("level") == "meter_anomaly")
    assert hashed["cost_cents"].to_list() == [None, None, None, 14_832, 626]
    pack = charges_pack_tables(result)["meter_anomalies.csv"]
    assert round(pack["cost_eur"].sum(), 2) == 154.58
    assert pack.filter(pl.col("cost_note") == "estimated")["window_start"].to_list() == [
        "2025-03-09T23:00:00Z",
        "2025-03-30T23:00:00Z",
    ]


def test_no_anomaly_no_row_and_the_figures_unchanged():
    """Without anomalies the figures are those the charge control had before (no meter_anomaly row)."""
    result = compute_charge_control(inputs())
    assert result.meter_anomalies.is_empty()
    assert "meter_anomaly" not in charges_figures_frame(result)["level"].to_list()
