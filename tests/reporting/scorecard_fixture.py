"""A hand-made scorecard input: two months (January-February 2025) against the same months of
2024, three contractors. Worked in tests/reporting/test_scorecard_figures.py."""

from datetime import UTC, datetime

import polars as pl

from services.reporting.domain.periods import month_start, months
from services.reporting.domain.scorecard_figures import ScorecardInputs, ScorecardPeriod

INSTANT = pl.Datetime("us", "UTC")
FACT_SCHEMA = {
    "id": pl.String,
    "contractor_id": pl.String,
    "contract_id": pl.String,
    "service_code": pl.String,
    "trade": pl.String,
    "nature": pl.String,
    "status": pl.String,
    "requested_at": INSTANT,
    "first_visit_at": INSTANT,
    "resolved_at": INSTANT,
    "visits": pl.Int32,
    "intervene_deadline": pl.String,
    "repair_deadline": pl.String,
    "cost_eur": pl.Float64,
}


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, tzinfo=UTC)


def _facts(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=FACT_SCHEMA, orient="row")


def current_facts() -> pl.DataFrame:
    # id, contractor, contract, service, trade, nature, status, requested, first visit, resolved,
    # visits, intervene, repair, cost
    return _facts(
        [
            ("K1", "C1", "CT1", "REP", "plumbing", "CURATIVE", "CLOSED", at(2025, 1, 10), at(2025, 1, 10),
             at(2025, 1, 10), 1, "MET", "MET", 100.0),
            ("P1", "C1", "CT1", "LIFT-M", "lift", "PREVENTIVE", "CLOSED", at(2025, 1, 3), at(2025, 1, 4),
             at(2025, 1, 4), 1, "NO_DEADLINE", "NO_DEADLINE", 50.0),
            ("K2", "C1", "CT1", "REP", "plumbing", "CURATIVE", "RESOLVED", at(2025, 2, 5), at(2025, 2, 5),
             at(2025, 2, 9), 2, "MET", "MISSED", 200.0),
            ("P2", "C1", "CT1", "LIFT-M", "lift", "PREVENTIVE", "CLOSED", at(2025, 2, 11), at(2025, 2, 12),
             at(2025, 2, 12), 1, "NO_DEADLINE", "NO_DEADLINE", 50.0),
            ("X1", "C1", "CT1", "REP", "plumbing", "CURATIVE", "CANCELLED", at(2025, 2, 20), None, None, 0,
             "NO_DEADLINE", "NO_DEADLINE", 0.0),
            ("K3", "C2", "CT2", "ELEC", "electricity", "CURATIVE", "CLOSED", at(2025, 1, 20), at(2025, 1, 20),
             at(2025, 1, 20), 1, "MET", "MET", 80.0),
        ]
    )  # fmt: skip


def previous_facts() -> pl.DataFrame:
    return _facts(
        [
            ("K4", "C1", "CT0", "REP", "plumbing", "CURATIVE", "CLOSED", at(2024, 1, 15), at(2024, 1, 16),
             at(2024, 1, 18), 2, "MISSED", "MISSED", 150.0),
            ("K5", "C1", "CT0", "REP", "plumbing", "CURATIVE", "CLOSED", at(2024, 2, 10), at(2024, 2, 10),
             at(2024, 2, 10), 1, "MET", "MET", 100.0),
        ]
    )  # fmt: skip


def period(year: int, facts: pl.DataFrame) -> ScorecardPeriod:
    start, end = month_start(year, 1), month_start(year, 3)
    return ScorecardPeriod(start, end, facts, months(start, end))


def inputs(with_scenario: bool = True) -> ScorecardInputs:
    in_force = (month_start(2025, 1), month_start(2027, 1))
    return ScorecardInputs(
        current=period(2025, current_facts()),
        previous=period(2024, previous_facts()),
        contractors=pl.DataFrame(
            {"contractor_id": ["C1", "C2", "C3"], "name": ["Alpha Ascenseurs", "Beta Élec", "Gamma Nettoyage"]}
        ),
        quality=pl.DataFrame(
            {
                "contractor_id": ["C1", "C2"],
                "received": [100, 10],
                "accepted": [98, 9],
                "rejected": [2, 1],
                "warned": [1, 0],
            }
        ),  # fmt: skip
        plans=pl.DataFrame(
            {"contract_id": ["CT1"], "service_code": ["LIFT-M"], "equipment_kind": ["lift"], "interval_days": [14]}
        ),
        equipment=pl.DataFrame({"equipment_id": ["E1"], "building_id": ["B1"], "kind": ["lift"]}),
        contract_buildings=pl.DataFrame(
            {
                "contract_id": ["CT1", "CT2"],
                "contractor_id": ["C1", "C2"],
                "building_id": ["B1", "B1"],
                "starts_at": [in_force[0]] * 2,
                "ends_at": [in_force[1]] * 2,
            },
            schema_overrides={"starts_at": INSTANT, "ends_at": INSTANT},
        ),
        reference_trades=pl.DataFrame({"trade": ["plumbing"], "visits_per_intervention": [2.0]})
        if with_scenario
        else None,
        as_of=datetime(2026, 1, 10, tzinfo=UTC),
    )
