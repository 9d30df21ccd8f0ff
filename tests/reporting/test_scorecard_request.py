"""check_request for the contractor scorecard: a scenario is optional (avoided trips against it),
factor sets stay refused, a scenario version needs its scenario; other kinds than the CSR and the
scorecard still refuse a scenario."""

from datetime import UTC, datetime

import pytest

from services.reporting.domain.periods import parse_period
from services.reporting.domain.runs import Perimeter, ReportRequest, check_request
from services.runtime.errors import InvalidArgument


def _request(kind: str = "CONTRACTOR_SCORECARD", **fields) -> ReportRequest:
    base = {
        "kind": kind,
        "period": parse_period("2025"),
        "perimeter": Perimeter(contractor_ids=("C2", "C1", "C1")),
        "as_of": datetime(2026, 1, 10, tzinfo=UTC),
        "factor_set": "",
        "vehicle_factor_set": "",
        "scenario": "",
        "scenario_version": 0,
        "lang": "fr",
    }
    return ReportRequest(**(base | fields))


def test_a_scorecard_takes_a_scenario_or_none():
    assert check_request(_request()).perimeter.contractor_ids == ("C1", "C2")
    assert check_request(_request(scenario="reference_2023", scenario_version=2)).scenario == "reference_2023"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"factor_set": "ademe_base_carbone@23.6"}, "factor_set"),
        ({"vehicle_factor_set": "uk_desnz_2025@1"}, "vehicle_factor_set"),
        ({"scenario_version": 3}, "scenario_version"),
        ({"scenario": "Not A Name!"}, "scenario"),
    ],
)
def test_a_scorecard_refuses_factor_sets_and_a_version_of_no_scenario(fields, field):
    with pytest.raises(InvalidArgument) as refused:
        check_request(_request(**fields))
    assert refused.value.field == field


def test_charge_control_still_refuses_a_scenario():
    with pytest.raises(InvalidArgument) as refused:
        check_request(_request("CHARGE_CONTROL", scenario="reference_2023"))
    assert refused.value.field == "scenario"
