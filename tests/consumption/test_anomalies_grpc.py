"""DetectAnomalies through gRPC: the service gives the rules each meter's usage and station and the
stations' degree days, so a heating-only meter's season is read as the domain tests expect."""

from datetime import date, timedelta

import pytest

from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from tests.consumption.scenario import paris_midnight, period, readings, send


def index_rows(first: date, daily: list[float]) -> list[tuple]:
    """G1's index at each local midnight from ``first`` (1000 m3), moved on by ``daily`` m3 a day."""
    rows, value = [], 1000.0
    for n, used in enumerate([*daily, 0.0]):
        day = first + timedelta(days=n)
        rows.append(("G1", paris_midnight(day.year, day.month, day.day), round(value, 3)))
        value += used
    return rows


def detect(stub, admin, first: date, end: date) -> dict[str, int]:
    window = period(paris_midnight(first.year, first.month, first.day), paris_midnight(end.year, end.month, end.day))
    return dict(stub.DetectAnomalies(pb.DetectAnomaliesRequest(period=window), metadata=admin).found)


def test_a_heating_only_meter_at_rest_in_a_warm_autumn_once_the_degree_days_are_known(service):
    """G1 (usage heating, station S1): 10 m3 a day 1 April - 14 May (44 days), 0 from 15 May to 31 October
    (170 days), 10 a day 1 - 10 November. By the calendar, 15 - 31 October are 17 heating-season days at
    zero against a norm of 10: one flat line. S1's degree days (10 a day to 14 May, 0 to 31 October, 10
    from 1 November) keep the season off until the week ending 4 November: nothing."""
    stub, _, admin = service
    first, end = date(2024, 4, 1), date(2024, 11, 11)
    send(stub, admin, readings(index_rows(first, [10.0] * 44 + [0.0] * 170 + [10.0] * 10)))
    assert detect(stub, admin, first, end) == {"flat_line": 1}
    (flat,) = stub.ListAnomalies(pb.ListAnomaliesRequest(kind="flat_line"), metadata=admin).anomalies
    assert flat.window_start.ToDatetime() == paris_midnight(2024, 10, 15).replace(tzinfo=None)
    assert (flat.expected, flat.observed) == pytest.approx((170.0, 0.0))
    dju = []
    for n in range((end - date(2024, 3, 25)).days):
        day = date(2024, 3, 25) + timedelta(days=n)
        warm = date(2024, 5, 15) <= day < date(2024, 11, 1)
        dju.append(pb.DailyDju(station="S1", day=day.isoformat(), dju=0.0 if warm else 10.0))
    stub.ImportDegreeDays(iter([pb.ImportDegreeDaysRequest(source="test values", dju=dju)]), metadata=admin)
    assert detect(stub, admin, first, end) == {}


def test_a_stuck_register_is_found_and_listed_once(service):
    """G1 in January (heating season): 10 m3 a day for 20 days, the index frozen for 14 days, then 150 in
    one day (15 days at 10), then 10 a day: one stuck register 21 January - 5 February, expected 150."""
    stub, _, admin = service
    first = date(2024, 1, 1)
    send(stub, admin, readings(index_rows(first, [10.0] * 20 + [0.0] * 14 + [150.0] + [10.0] * 5)))
    assert detect(stub, admin, first, date(2024, 2, 10)) == {"stuck_register": 1}
    (stuck,) = stub.ListAnomalies(pb.ListAnomaliesRequest(kind="stuck_register"), metadata=admin).anomalies
    assert stuck.meter_ref == "G1"
    assert stuck.window_start.ToDatetime() == paris_midnight(2024, 1, 21).replace(tzinfo=None)
    assert stuck.window_end.ToDatetime() == paris_midnight(2024, 2, 5).replace(tzinfo=None)
    assert (stuck.expected, stuck.observed) == pytest.approx((150.0, 150.0))
