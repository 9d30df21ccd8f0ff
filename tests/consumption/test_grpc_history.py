"""A meter's history through the gRPC service, worked by hand, on SQLite and PostgreSQL:
a replacement known only after a cut-off, and weather-normalised heating in the monthly export.

G1 is gas in m3 at 11.1 kWh PCS/m3 and PCS/PCI 1.11, so 1 m3 = 10 kWh PCI.
"""

from datetime import UTC, datetime, timedelta

import pytest

from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.consumption.domain.periods import PARIS
from tests.consumption.scenario import g1_figures, paris_midnight, period, readings, send, ts, us


def test_replacement_applies_from_when_it_is_known(service, clock):
    stub, _, admin = service
    # old register 5 000, 5 010, 5 020 on 1-3 March; replaced on 3 March at noon (old closed at
    # 5 025, new opened at 10); new register 15, 35 on 4-5 March.
    # With the replacement: 10 + 10 + (5 025 - 5 020) + (15 - 10) + 20 = 50 m3, nothing estimated.
    # Before it was recorded, 5 020 -> 15 is a drop with no rollover (a 5-digit register wraps at
    # 100 000, far more than half a turn away): that day is estimated at the mean rate of its
    # neighbours, (10 + 20) / 2 = 15, so 10 + 10 + 15 + 20 = 55 m3 of which 15 estimated.
    days = [paris_midnight(2024, 3, d) for d in range(1, 6)]
    send(stub, admin, readings(list(zip(["G1"] * 5, days, [5000.0, 5010.0, 5020.0, 15.0, 35.0], strict=True))))
    cut = clock()  # readings recorded ten minutes ago by the server's clock, the replacement five
    clock.advance(timedelta(minutes=5))
    replacement = pb.Replacement(
        meter_ref="G1", replaced_at=ts(days[2] + timedelta(hours=12)), old_last_index=5025.0, new_first_index=10.0
    )
    summary = stub.ImportMeters(iter([pb.ImportMetersRequest(replacements=[replacement])]), metadata=admin).summary
    assert summary.upserted["replacements"] == 1
    march = period(paris_midnight(2024, 3), paris_midnight(2024, 4))

    def g1(**kw):
        reply = stub.GetConsumption(pb.GetConsumptionRequest(period=march, **kw), metadata=admin)
        (figure,) = [f for f in reply.figures if f.meter_ref == "G1"]
        return figure

    now = g1()
    assert (now.quantity, now.estimated_share, now.kwh_pci) == pytest.approx((50.0, 0.0, 500.0))
    then = g1(as_of=ts(cut))
    assert (then.quantity, then.estimated_share) == pytest.approx((55.0, 15 / 55))
    daily = stub.GetConsumption(pb.GetConsumptionRequest(period=march, granularity=pb.GRANULARITY_DAY), metadata=admin)
    assert [f.quantity for f in daily.figures if f.meter_ref == "G1"] == pytest.approx([10.0, 10.0, 10.0, 20.0])
    # the drop was reported as an anomaly only while no replacement explained it
    found = stub.DetectAnomalies(pb.DetectAnomaliesRequest(period=march), metadata=admin)
    assert dict(found.found) == {}


def heating_history(stub, admin) -> None:
    """Monthly index readings of G1 at local midnight: June-August 2023 at 10 kWh PCI a day
    (30, 31, 31 m3), a gap from September to January, then January 2024: 310 m3 = 3 100 kWh PCI.
    Degree days at station S1: 10 a day in January 2024 (310), normal for January 400 (1991-2020)."""
    index = [
        ((2023, 6), 1000.0),
        ((2023, 7), 1030.0),
        ((2023, 8), 1061.0),
        ((2023, 9), 1092.0),
        ((2024, 1), 1292.0),
        ((2024, 2), 1602.0),
    ]
    send(stub, admin, readings([("G1", paris_midnight(y, m), v) for (y, m), v in index]))
    january = [pb.DailyDju(station="S1", day=f"2024-01-{d:02d}", dju=10.0) for d in range(1, 32)]
    summer = [
        pb.DailyDju(station="S1", day=(datetime(2023, 6, 1) + timedelta(days=n)).date().isoformat(), dju=0.0)
        for n in range(92)
    ]
    normal = pb.DjuNormal(station="S1", month_of_year=1, dju_ref=400.0, ref_period="1991-2020")
    batch = pb.ImportDegreeDaysRequest(source="test values", dju=january + summer, normals=[normal])
    stub.ImportDegreeDays(iter([batch]), metadata=admin)


def test_weather_normalised_heating_for_a_winter_month_exported_alone(service):
    # C_base from the 2023 summer (no 2024 summer yet): 10 kWh/day x 31 = 310; C_heating = 3 100 - 310 = 2 790;
    # C_norm = 310 + 2 790 x 400 / 310 = 310 + 3 600 = 3 910
    stub, _, admin = service
    heating_history(stub, admin)
    january = period(paris_midnight(2024, 1), paris_midnight(2024, 2))
    (jan,) = g1_figures(stub.ExportMonthly(pb.ExportMonthlyRequest(period=january), metadata=admin))
    assert (jan.quantity, jan.kwh_pci, jan.estimated_share) == pytest.approx((310.0, 3100.0, 0.0))
    assert jan.heating_normalised_kwh == pytest.approx(3910.0)


def test_weather_normalised_heating_over_a_longer_export(service):
    # same January from a June-to-January export; July 2023 (no degree days, all base load) is left as it is;
    # September-December rest on the gap's interpolation, split by time and all estimated: 200 m3 over
    # 122 days + 1 hour (summer time ends on 29 October 2023), October being 31 days + 1 hour: 200 x 745 / 2 929
    stub, _, admin = service
    heating_history(stub, admin)
    window = period(paris_midnight(2023, 6), paris_midnight(2024, 2))
    figures = g1_figures(stub.ExportMonthly(pb.ExportMonthlyRequest(period=window, batch_size=3), metadata=admin))
    assert len(figures) == 8
    by_month = {f.month_start.ToDatetime(tzinfo=PARIS).strftime("%Y-%m"): f for f in figures}
    assert by_month["2023-07"].heating_normalised_kwh == pytest.approx(310.0)
    assert by_month["2024-01"].heating_normalised_kwh == pytest.approx(3910.0)
    october = [f for f in figures if f.month_start.ToDatetime(tzinfo=UTC) == paris_midnight(2023, 10)][0]
    assert (october.quantity, october.estimated_share) == pytest.approx((200 * 745 / 2929, 1.0))


def test_a_months_normalised_heating_does_not_depend_on_the_export_window(service):
    # G1 at Paris month starts: summer 2023 at 1 m3 (10 kWh PCI) a day (30, 31, 31 m3), January 2024 310 m3,
    # summer 2024 at 2 m3 (20 kWh PCI) a day (60, 62, 62 m3), September 2024 200 m3, October 2024 300 m3.
    # Degree days at S1: 10 a day in January and October 2024 (310 each); normals January 400, October 372.
    # January 2024 belongs to the heating season September 2023-May 2024: its C_base is summer 2023's,
    #   10 x 31 = 310; C_norm = 310 + (3 100 - 310) x 400 / 310 = 310 + 3 600 = 3 910, exported alone, in the
    #   first quarter or in the whole year (which holds summer 2024: 20 x 31 = 620 would give 620 + 2 480 x
    #   400 / 310 = 3 820, the figure a yearly pull used to give).
    # October 2024 belongs to the next season: C_base = 20 x 31 = 620; C_norm = 620 + 2 380 x 372 / 310 = 3 476.
    stub, _, admin = service
    index = [
        ((2023, 6), 1000.0),
        ((2023, 7), 1030.0),
        ((2023, 8), 1061.0),
        ((2023, 9), 1092.0),
        ((2024, 1), 1292.0),
        ((2024, 2), 1602.0),
        ((2024, 6), 2500.0),
        ((2024, 7), 2560.0),
        ((2024, 8), 2622.0),
        ((2024, 9), 2684.0),
        ((2024, 10), 2884.0),
        ((2024, 11), 3184.0),
    ]
    send(stub, admin, readings([("G1", paris_midnight(y, m), v) for (y, m), v in index]))
    dju = [pb.DailyDju(station="S1", day=f"2024-{m:02d}-{d:02d}", dju=10.0) for m in (1, 10) for d in range(1, 32)]
    normals = [
        pb.DjuNormal(station="S1", month_of_year=1, dju_ref=400.0, ref_period="1991-2020"),
        pb.DjuNormal(station="S1", month_of_year=10, dju_ref=372.0, ref_period="1991-2020"),
    ]
    stub.ImportDegreeDays(
        iter([pb.ImportDegreeDaysRequest(source="test values", dju=dju, normals=normals)]), metadata=admin
    )

    def normalised(first: tuple[int, int], end: tuple[int, int]) -> dict[str, float]:
        window = period(paris_midnight(*first), paris_midnight(*end))
        figures = g1_figures(stub.ExportMonthly(pb.ExportMonthlyRequest(period=window), metadata=admin))
        return {f.month_start.ToDatetime(tzinfo=PARIS).strftime("%Y-%m"): f.heating_normalised_kwh for f in figures}

    year = normalised((2024, 1), (2025, 1))
    assert normalised((2024, 1), (2024, 2))["2024-01"] == pytest.approx(3910.0)
    assert normalised((2024, 1), (2024, 4))["2024-01"] == pytest.approx(3910.0)
    assert year["2024-01"] == pytest.approx(3910.0)
    assert normalised((2024, 10), (2024, 11))["2024-10"] == pytest.approx(3476.0)
    assert year["2024-10"] == pytest.approx(3476.0)


def test_a_bill_straddling_two_months_is_prorated_and_its_resend_judged_with_its_period(service):
    # water bill meter W2 (period consumption): 300 m3 from 16 January to 15 February (Paris midnights),
    # 30 days at 10 m3 a day: January gets 16 days (160), February 14 (140), nothing estimated
    stub, _, admin = service
    bill_meter = pb.Meter(
        meter_ref="W2",
        building_id="B1",
        carrier="cold_water",
        unit="m3",
        usage="water",
        recoverable=True,
        charge_category="cold_water",
        reading_kind="consumption",
    )
    stub.ImportMeters(iter([pb.ImportMetersRequest(meters=[bill_meter])]), metadata=admin)

    def bill(value: float, period_start: datetime, batch_id: str) -> pb.IngestReadingsRequest:
        return pb.IngestReadingsRequest(
            batch_id=batch_id,
            meter_ref=["W2"],
            kind=["consumption"],
            read_at_us=[us(paris_midnight(2024, 2, 15))],
            period_start_us=[us(period_start)],
            value=[value],
            unit=["m3"],
        )

    (ack,) = send(stub, admin, bill(300.0, paris_midnight(2024, 1, 16), "bill"))
    assert ack.accepted == 1
    window = period(paris_midnight(2024, 1), paris_midnight(2024, 3))
    reply = stub.GetConsumption(
        pb.GetConsumptionRequest(period=window, perimeter=pb.Perimeter(meter_refs=["W2"])), metadata=admin
    )
    assert [f.quantity for f in reply.figures] == pytest.approx([160.0, 140.0])
    assert [f.estimated_share for f in reply.figures] == [0.0, 0.0]
    # the same bill again is a duplicate; the same end with another start is a different bill: refused
    again, other = send(
        stub,
        admin,
        bill(300.0, paris_midnight(2024, 1, 16), "again"),
        bill(300.0, paris_midnight(2024, 1, 15), "other"),
    )
    assert (again.accepted, again.duplicates, len(again.rejected)) == (0, 1, 0)
    assert (other.accepted, [r.field for r in other.rejected]) == (0, ["value"])
