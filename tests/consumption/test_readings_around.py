"""A period's figures read index readings up to NEAR_MARGIN outside it, and further out (up to
EDGE_MARGIN) only for the meters with fewer than EDGE_READINGS readings on a side
(ConsumptionService._readings_around): the figures are those of reading the whole margin."""

import math
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.consumption import service as consumption_service
from services.consumption.server import build
from services.demo.consumption import load_consumption_demo
from tests.conftest import running_server
from tests.consumption.scenario import DAY, paris_midnight, period, readings

BUILDINGS = [
    SimpleNamespace(id=f"B{i}", dwellings=20 + i, heating_system=h, weather_station="S1" if i % 2 else "S2")
    for i, h in enumerate(["collective_gas", "district_heating", "individual_gas", "heating_oil"] * 6)
]
UNITS = [SimpleNamespace(ug_id=f"UG{i}", building_id="B0", kind="dwelling") for i in range(3)]


def _figures(stub, start: datetime, end: datetime) -> list[pb.MonthlyFigure]:
    request = pb.ExportMonthlyRequest(period=period(start, end))  # a live view: read anew each time
    return [f for batch in stub.ExportMonthly(request) for f in batch.figures]


def _g1(stub, admin, start: datetime, end: datetime) -> pb.MonthlyFigure:
    """G1's one figure of ExportMonthly over [start, end)."""
    request = pb.ExportMonthlyRequest(period=period(start, end))
    (g1,) = [f for b in stub.ExportMonthly(request, metadata=admin) for f in b.figures if f.meter_ref == "G1"]
    return g1


def _same(a: pb.MonthlyFigure, b: pb.MonthlyFigure) -> bool:
    """Every field equal, numbers to 1e-9 relative (a register rollover found in the far margin
    shifts the whole curve by a constant: C(end) - C(start) is the same up to rounding)."""
    for field in pb.MonthlyFigure.DESCRIPTOR.fields:
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, float):
            if not (math.isnan(x) and math.isnan(y)) and not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9):
                return False
        elif x != y:
            return False
    return True


def test_the_demo_meters_monthly_figures_are_those_of_the_whole_margin(tmp_path, monkeypatch):
    """The demo's meters (gaps of 3 to 10 days, replacements, rollovers, misreads, stuck registers,
    heating oil read by bills) over 400 days from 2023-01-01: every month's figures with the near
    margin are those read with the whole margin (NEAR_MARGIN set to EDGE_MARGIN), field by field."""
    with running_server(build, (f"sqlite:///{tmp_path / 'demo.db'}", ""), auth=False) as (channel, _):
        load_consumption_demo(channel, BUILDINGS, UNITS, seed=11, first=date(2023, 1, 1), days=400)
        stub = pb_grpc.ConsumptionServiceStub(channel)
        start, end = paris_midnight(2023, 1), paris_midnight(2024, 2)
        months = [
            (paris_midnight(2023 + m // 12, m % 12 + 1), paris_midnight(2023 + (m + 1) // 12, (m + 1) % 12 + 1))
            for m in range(13)
        ]
        near = {m: _figures(stub, *m) for m in [*months, (start, end)]}
        monkeypatch.setattr(consumption_service, "NEAR_MARGIN", consumption_service.EDGE_MARGIN)
        whole = {m: _figures(stub, *m) for m in near}
    for window, figures in near.items():
        assert len(figures) == len(whole[window]) > 0
        different = [f.meter_ref for f, g in zip(figures, whole[window], strict=True) if not _same(f, g)]
        assert not different, (window, different)


def test_a_gap_across_a_months_start_reads_the_far_margin(service):
    """G1 read daily at noon UTC from 1 to 10 January 2024 (index 100, 101, ... 109, one m3 a day),
    then nothing until 15 February, then daily again from 115 (the 36 days between 10 January and 15
    February read 6 m3 more than a day each: the gap). For February (Paris), the near margin (10
    days) holds no reading before 1 February: the readings of January are read as well, and the
    month is covered from its first instant (coverage 1), its quantity interpolated across the
    gap: (115 - 109) m3 over 36 days, of which the part in February plus 13 days at 1 m3.
    By hand: the gap runs from 10 Jan 12:00 to 15 Feb 12:00 UTC (36 days); February starts at
    31 Jan 23:00 UTC, 21 days and 11 hours into it, so 14 days and 13 hours of the gap fall in
    February: 6 x (14 + 13/24) / 36 = 2.423611 m3; then 15 Feb 12:00 to 29 Feb 23:00 UTC (end of
    February in Paris), 14 days 11 hours at 1 m3 a day = 14.458333 m3; in all 16.881944 m3."""
    stub, _, admin = service
    first = datetime(2024, 1, 1, 12, tzinfo=UTC)
    rows = [("G1", first + n * DAY, 100.0 + n) for n in range(10)]
    rows += [("G1", datetime(2024, 2, 15, 12, tzinfo=UTC) + n * DAY, 115.0 + n) for n in range(30)]
    list(stub.IngestReadings(iter([readings(rows)]), metadata=admin))
    g1 = _g1(stub, admin, paris_midnight(2024, 2), paris_midnight(2024, 3))
    assert g1.coverage == pytest.approx(1.0)
    assert g1.quantity == pytest.approx(6 * (14 + 13 / 24) / 36 + 14 + 11 / 24)


def test_a_gap_across_a_months_end_reads_the_far_margin(service):
    """G1 read daily at noon UTC from 1 January 2024 (index 100, one m3 a day) to 20 February
    (150), then nothing until 25 March (218: 68 m3 over the 34 days of the gap), then daily.
    The near margin after February (10 days) holds no reading: March's are read as well, and
    February is covered to its last instant. By hand: February in Paris runs from 31 January
    23:00 to 29 February 23:00 UTC: 19 days 13 hours of daily readings to 20 February 12:00 at
    1 m3 a day, then 9 days 11 hours of the gap at 2 m3 a day: 19 + 13/24 + 2 x (9 + 11/24) =
    38.458333 m3."""
    stub, _, admin = service
    first = datetime(2024, 1, 1, 12, tzinfo=UTC)
    rows = [("G1", first + n * DAY, 100.0 + n) for n in range(51)]
    rows += [("G1", datetime(2024, 3, 25, 12, tzinfo=UTC) + n * DAY, 218.0 + n) for n in range(10)]
    list(stub.IngestReadings(iter([readings(rows)]), metadata=admin))
    g1 = _g1(stub, admin, paris_midnight(2024, 2), paris_midnight(2024, 3))
    assert g1.coverage == pytest.approx(1.0)
    assert g1.quantity == pytest.approx(19 + 13 / 24 + 2 * (9 + 11 / 24))


def test_a_period_not_on_month_bounds_gives_the_whole_months_figures(service):
    """ExportMonthly over [15 January, 15 February 2024) gives the whole civil months starting in
    it: February, whose end lies 14 days past the request's. G1 read daily at noon UTC from 1
    January to 31 March, one m3 a day: February (29 days in Paris, 31 Jan 23:00 to 29 Feb 23:00
    UTC) is covered whole and counts 29 m3, as when asked alone."""
    stub, _, admin = service
    first = datetime(2024, 1, 1, 12, tzinfo=UTC)
    list(stub.IngestReadings(iter([readings([("G1", first + n * DAY, 100.0 + n) for n in range(91)])]), metadata=admin))
    shifted = _g1(stub, admin, paris_midnight(2024, 1, 15), paris_midnight(2024, 2, 15))
    assert (shifted.coverage, shifted.quantity) == pytest.approx((1.0, 29.0))
    assert shifted == _g1(stub, admin, paris_midnight(2024, 2), paris_midnight(2024, 3))
