"""What the CSR report reads from the consumption service, worked by hand (issue 13, item 8,
consumption bullets), each fixture failing on the code before the fix:

- GetConsumption by year over [January, March) returned the whole year;
- a water total said 0 kWh instead of "not applicable" (and a total with an unconverted figure
  summed the others as if whole);
- a month with no period reading (a bill missing between two) had coverage 1.0;
- the summer base load was a mean of monthly daily rates (months not weighted by their days), and a
  meter without summer data got NaN with no reason;
- heating_normalised_kwh follows DESIGN 3.3 on one normalised month, its base load from the summer;
- each exported monthly figure carries its own estimated share; heating oil in litres gets no kWh
  PCI while factors/conversions.csv has no sourced kWh PCI per litre for it, and says so.

G1 is gas in m3 at 11.1 kWh PCS/m3 and PCS/PCI 1.11 (1 m3 = 10 kWh PCI), heating, station S1;
W1 is cold water in m3.
"""

import math
from datetime import UTC, date, datetime

import polars as pl
import pytest

from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.consumption.domain.degree_days import normalise_heating
from services.consumption.domain.figures import carrier_totals
from services.consumption.domain.intervals import period_intervals
from services.consumption.domain.periods import PARIS, period_bounds, prorate
from tests.consumption.scenario import g1_figures, paris_midnight, period, readings, send, us


def month_of(figure) -> str:
    return figure.month_start.ToDatetime(tzinfo=UTC).astimezone(PARIS).strftime("%Y-%m")


# ---- 1. a period covering civil periods in part ------------------------------------------------
def test_a_year_asked_over_january_and_february_gives_those_two_months_not_the_year(service):
    """Reproduces: GetConsumption by year over [1 Jan, 1 Mar) returned the figure of the whole year.

    G1 at Paris midnights: 1 Jan 1 000, 1 Feb 1 310, 1 Mar 1 600, 1 Apr 1 900 m3.
    By year over [1 Jan 2024, 1 Mar 2024): one figure [1 Jan, 1 Mar) = 1 600 - 1 000 = 600 m3 =
    6 000 kWh PCI, coverage 1 (the old answer: the year 2024, ending 1 Jan 2025, 900 m3 read so far).
    By month over [15 Jan, 15 Feb): 10 m3 a day in January (310 / 31) and in February (290 / 29):
    [15 Jan, 1 Feb) 17 days = 170 m3, [1 Feb, 15 Feb) 14 days = 140 m3 (the old answer: February
    whole, 290, and nothing of January)."""
    stub, _, admin = service
    index = [((2024, 1), 1000.0), ((2024, 2), 1310.0), ((2024, 3), 1600.0), ((2024, 4), 1900.0)]
    send(stub, admin, readings([("G1", paris_midnight(y, m), v) for (y, m), v in index]))
    start, end = paris_midnight(2024, 1), paris_midnight(2024, 3)
    reply = stub.GetConsumption(
        pb.GetConsumptionRequest(period=period(start, end), granularity=pb.GRANULARITY_YEAR), metadata=admin
    )
    (g1,) = g1_figures([reply])
    assert (g1.period_start.ToDatetime(tzinfo=UTC), g1.period_end.ToDatetime(tzinfo=UTC)) == (start, end)
    assert (g1.quantity, g1.kwh_pci, g1.coverage, g1.estimated_share) == pytest.approx((600.0, 6000.0, 1.0, 0.0))

    mid = stub.GetConsumption(
        pb.GetConsumptionRequest(
            period=period(paris_midnight(2024, 1, 15), paris_midnight(2024, 2, 15)), granularity=pb.GRANULARITY_MONTH
        ),
        metadata=admin,
    )
    figures = g1_figures([mid])
    assert [(f.period_start.ToDatetime(tzinfo=UTC), f.period_end.ToDatetime(tzinfo=UTC)) for f in figures] == [
        (paris_midnight(2024, 1, 15), paris_midnight(2024, 2)),
        (paris_midnight(2024, 2), paris_midnight(2024, 2, 15)),
    ]
    assert [f.quantity for f in figures] == pytest.approx([170.0, 140.0])
    assert [f.coverage for f in figures] == pytest.approx([1.0, 1.0])


# ---- 2. water has no kWh -----------------------------------------------------------------------
def test_a_water_total_has_no_kwh_and_says_so(service):
    """Reproduces: the cold_water total of GetConsumption said kwh_pci 0.

    January 2024: G1 1 000 -> 1 310 m3 = 3 100 kWh PCI; W1 10 -> 22 m3. Totals: natural_gas 310 m3,
    3 100 kWh PCI, energy; cold_water 12 m3, kwh_pci NaN (not applicable), energy false. W1's figure
    has kwh_pci NaN and its conversion says why."""
    stub, _, admin = service
    jan, feb = paris_midnight(2024, 1), paris_midnight(2024, 2)
    send(stub, admin, readings([("G1", jan, 1000.0), ("G1", feb, 1310.0), ("W1", jan, 10.0), ("W1", feb, 22.0)]))
    reply = stub.GetConsumption(pb.GetConsumptionRequest(period=period(jan, feb)), metadata=admin)
    totals = {t.carrier: t for t in reply.totals}
    gas, water = totals["natural_gas"], totals["cold_water"]
    assert (gas.quantity, gas.kwh_pci, gas.energy, gas.figures_without_kwh) == pytest.approx((310.0, 3100.0, True, 0))
    assert water.quantity == pytest.approx(12.0)
    assert math.isnan(water.kwh_pci) and not water.energy and water.figures_without_kwh == 0
    (w1,) = [f for f in reply.figures if f.meter_ref == "W1"]
    assert math.isnan(w1.kwh_pci) and w1.conversion == "water: m3, no energy"


def test_a_total_with_a_figure_without_kwh_is_not_shown_as_whole():
    """A total whose figures lack kWh for one meter is NaN with the count, not the sum of the others.

    Gas: 100 + 50 kWh -> 150; heating oil: 200 litres with kWh and 300 without -> NaN, 1 figure
    without kWh; water 12 m3 -> NaN, not energy (the old totals: 0 kWh for the water, 0 for the oil
    without a conversion: sums of nothing)."""
    figures = pl.DataFrame(
        {
            "carrier": ["natural_gas", "natural_gas", "heating_oil", "heating_oil", "cold_water"],
            "unit": ["m3", "m3", "litre", "litre", "m3"],
            "quantity": [10.0, 5.0, 200.0, 300.0, 12.0],
            "kwh_pci": [100.0, 50.0, 2000.0, None, None],
            "estimated_quantity": [0.0, 5.0, 0.0, 0.0, 0.0],
        }
    )
    got = {r["carrier"]: r for r in carrier_totals(figures).iter_rows(named=True)}
    assert (got["natural_gas"]["kwh_pci"], got["natural_gas"]["estimated_share"]) == pytest.approx((150.0, 1 / 3))
    assert math.isnan(got["heating_oil"]["kwh_pci"]) and got["heating_oil"]["figures_without_kwh"] == 1
    assert math.isnan(got["cold_water"]["kwh_pci"]) and not got["cold_water"]["energy"]


# ---- 3. coverage of a month with no bill -------------------------------------------------------
def test_a_month_without_a_bill_has_coverage_zero_and_is_all_estimated():
    """Reproduces: a hole between two bills was filled and counted as covered (coverage 1.0).

    Bills (UTC months): January 310 (10 a day), March 620 (20 a day), none for February. February is
    filled at the mean rate, 15 a day x 29 days = 435, estimated: coverage 0, estimated_share 1.
    January and March rest on their bills: coverage 1, estimated_share 0."""
    bills = pl.DataFrame(
        {
            "meter_id": [1, 1],
            "period_start": [datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC)],
            "read_at": [datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC)],
            "value": [310.0, 620.0],
            "estimated": [False, False],
        }
    )
    bounds = period_bounds(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 3, 31, tzinfo=UTC), "month", "UTC")
    per = prorate(period_intervals(bills), bounds)
    assert per["quantity"].to_list() == pytest.approx([310.0, 435.0, 620.0])
    assert per["coverage"].to_list() == pytest.approx([1.0, 0.0, 1.0])
    assert per["estimated_share"].to_list() == pytest.approx([0.0, 1.0, 0.0])
    # the time the quantities count over: all three months (a fixed price part is due for February)
    assert per["span"].to_list() == pytest.approx([1.0, 1.0, 1.0])


def test_a_month_without_a_bill_is_still_charged_its_fixed_price_part():
    """Coverage 0 says February rests on no reading, not that the meter was out of service: its cost
    (price 1 EUR per unit, 10 EUR a month fixed) is 435 x 1 + 10 x 1 (span) = 445, January 310 + 10,
    March 620 + 10."""
    from services.consumption.domain.costs import monthly_costs

    bills = pl.DataFrame(
        {
            "meter_id": [1, 1],
            "period_start": [datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC)],
            "read_at": [datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC)],
            "value": [310.0, 620.0],
            "estimated": [False, False],
        }
    )
    bounds = period_bounds(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 3, 31, tzinfo=UTC), "month", "UTC")
    per = prorate(period_intervals(bills), bounds).with_columns(
        kwh_pcs=pl.lit(None, pl.Float64), kwh_pci=pl.lit(None, pl.Float64)
    )
    price = pl.DataFrame(
        {
            "meter_id": [1],
            "valid_from": [datetime(2023, 1, 1, tzinfo=UTC)],
            "basis": ["litre"],
            "eur_per_unit": [1.0],
            "fixed_eur_per_month": [10.0],
            "source": ["test"],
        }
    )
    assert monthly_costs(per, price)["cost_eur"].to_list() == pytest.approx([320.0, 445.0, 630.0])


def test_a_month_without_a_bill_through_the_service(service):
    """The same through ExportMonthly: F1 (heating oil in litres, read by bills) billed for January
    (310 litres over [1 Jan, 1 Feb)) and March (620 litres over [1 Mar, 1 Apr)), not February.
    February: coverage 0, estimated_share 1, its quantity the mean of the two bills' hourly rates
    (310 / 744 h and 620 / 743 h, March losing an hour to summer time) x 696 h."""
    stub, _, admin = service
    oil_meter(stub, admin)
    bills(stub, admin, [((2024, 1), (2024, 2), 310.0), ((2024, 3), (2024, 4), 620.0)])
    window = period(paris_midnight(2024, 1), paris_midnight(2024, 4))
    batches = stub.ExportMonthly(pb.ExportMonthlyRequest(period=window), metadata=admin)
    got = {month_of(f): f for b in batches for f in b.figures if f.meter_ref == "F1"}
    assert [got[m].coverage for m in ("2024-01", "2024-02", "2024-03")] == pytest.approx([1.0, 0.0, 1.0])
    assert [got[m].estimated_share for m in ("2024-01", "2024-02", "2024-03")] == pytest.approx([0.0, 1.0, 0.0])
    assert got["2024-02"].quantity == pytest.approx((310 / 744 + 620 / 743) / 2 * 696)


# ---- 4. summer base load -----------------------------------------------------------------------
def test_the_summer_base_load_weights_months_by_the_days_they_cover():
    """Reproduces: the summer's daily base load was the plain mean of the three months' daily rates.

    Building 1, summer 2023: June 600 kWh (30 days), July 155, August 165 (31 days each): 920 kWh
    over 92 days = 10 kWh/day (the plain mean of 20, 5 and 5.32 a day gave 10.108). January 2024:
    C = 3 100, C_base = 10 x 31 = 310, C_heating = 2 790, DJU 300 against a normal of 400:
    C_norm = 310 + 2 790 x 400 / 300 = 310 + 3 720 = 4 030.
    Building 2, metered from 16 June: June 150 kWh over half the month (span 0.5, 15 days), July
    and August 310 each: 770 kWh over 15 + 31 + 31 = 77 days = 10 kWh/day, the same C_norm 4 030.
    Building 3 has no summer at all: no C_norm, and the reason says so (before: a bare null)."""
    summer = [date(2023, 6, 1), date(2023, 7, 1), date(2023, 8, 1)]
    summers = pl.DataFrame(
        {
            "building_id": [1, 1, 1, 2, 2, 2],
            "month": summer * 2,
            "kwh": [600.0, 155.0, 165.0, 150.0, 310.0, 310.0],
            "span": [1.0, 1.0, 1.0, 0.5, 1.0, 1.0],
        }
    )
    jan = date(2024, 1, 1)
    cons = pl.DataFrame({"building_id": [1, 2, 3], "station": ["S"] * 3, "month": [jan] * 3, "kwh": [3100.0] * 3})
    monthly = pl.DataFrame({"station": ["S"], "month": [jan], "dju": [300.0], "days": [31]})
    ref = pl.DataFrame({"station": ["S"], "month_of_year": [1], "dju_ref": [400.0]})
    out = {r["building_id"]: r for r in normalise_heating(cons, monthly, ref, summers).iter_rows(named=True)}
    for building in (1, 2):
        assert (out[building]["c_base"], out[building]["c_heating"]) == pytest.approx((310.0, 2790.0))
        assert out[building]["c_norm"] == pytest.approx(4030.0)
        assert "summer 2023 at 10.0 kWh/day x 31 days" in out[building]["reason"]
    assert out[3]["c_norm"] is None
    assert out[3]["reason"] == "no consumption in summer 2023 nor 2024: no base load (C_base), so no C_norm"


def test_a_month_with_degree_days_for_part_of_it_only_is_not_normalised():
    """DJU_actual summed over 10 days of January (100) would inflate C_norm (310 + 2 790 x 400 / 100
    = 11 470): the month is not normalised, and the reason says why."""
    jan = date(2024, 1, 1)
    summers = pl.DataFrame(
        {"building_id": [1] * 3, "month": [date(2023, m, 1) for m in (6, 7, 8)], "kwh": [300.0, 310.0, 310.0]}
    )
    cons = pl.DataFrame({"building_id": [1], "station": ["S"], "month": [jan], "kwh": [3100.0]})
    monthly = pl.DataFrame({"station": ["S"], "month": [jan], "dju": [100.0], "days": [10]})
    ref = pl.DataFrame({"station": ["S"], "month_of_year": [1], "dju_ref": [400.0]})
    (row,) = normalise_heating(cons, monthly, ref, summers).iter_rows(named=True)
    assert row["c_norm"] is None
    assert row["reason"] == "degree days for 10 of the month's 31 days only"


# ---- 5. one normalised month through the export (DESIGN 3.3) -----------------------------------
def test_one_normalised_month_with_its_base_load_from_the_summer(service):
    """Reproduces (the weighting): G1 at Paris month starts, summer 2023 June 60 m3 (600 kWh PCI,
    20 a day), July 15.5 m3 (155), August 16.5 m3 (165): 920 kWh over 92 days = 10 kWh/day; then
    January 2024 310 m3 = 3 100 kWh PCI. Degree days at S1: 10 a day through January (310), normal 400.
    DESIGN 3.3: C_base = 10 x 31 = 310, C_heating = 3 100 - 310 = 2 790,
    C_norm = 310 + 2 790 x 400 / 310 = 310 + 3 600 = 3 910 kWh (the unweighted mean, 10.108 a day,
    gave 313.33 + 2 786.67 x 400 / 310 = 3 909.03). W1 (water) says it is not a heating meter."""
    stub, _, admin = service
    index = [
        ((2023, 6), 1000.0),
        ((2023, 7), 1060.0),
        ((2023, 8), 1075.5),
        ((2023, 9), 1092.0),
        ((2024, 1), 1292.0),
        ((2024, 2), 1602.0),
    ]
    send(stub, admin, readings([("G1", paris_midnight(y, m), v) for (y, m), v in index]))
    send(stub, admin, readings([("W1", paris_midnight(2024, 1), 1.0), ("W1", paris_midnight(2024, 2), 4.0)], "w"))
    january = [pb.DailyDju(station="S1", day=f"2024-01-{d:02d}", dju=10.0) for d in range(1, 32)]
    normal = pb.DjuNormal(station="S1", month_of_year=1, dju_ref=400.0, ref_period="1991-2020")
    stub.ImportDegreeDays(
        iter([pb.ImportDegreeDaysRequest(source="test values", dju=january, normals=[normal])]), metadata=admin
    )
    window = period(paris_midnight(2024, 1), paris_midnight(2024, 2))
    figures = {
        f.meter_ref: f
        for b in stub.ExportMonthly(pb.ExportMonthlyRequest(period=window), metadata=admin)
        for f in b.figures
    }
    g1 = figures["G1"]
    assert (g1.kwh_pci, g1.coverage, g1.estimated_share) == pytest.approx((3100.0, 1.0, 0.0))
    assert g1.heating_normalised_kwh == pytest.approx(3910.0)
    assert g1.normalisation == (
        "C_base 310.0 kWh (summer 2023 at 10.0 kWh/day x 31 days)"
        " + C_heating 2790.0 kWh x DJU_ref 400.0 / DJU_actual 310.0"
    )
    assert math.isnan(figures["W1"].heating_normalised_kwh)
    assert figures["W1"].normalisation == "not a heating meter (usage water)"


def test_a_heating_meter_without_summer_data_says_why_it_has_no_normalised_figure(service):
    """Reproduces: a heating meter metered from January 2024 (no summer 2023 nor 2024) got NaN with no
    reason. G1 1 000 -> 1 310 m3 in January, degree days and normal as above: NaN, and the reason."""
    stub, _, admin = service
    send(stub, admin, readings([("G1", paris_midnight(2024, 1), 1000.0), ("G1", paris_midnight(2024, 2), 1310.0)]))
    january = [pb.DailyDju(station="S1", day=f"2024-01-{d:02d}", dju=10.0) for d in range(1, 32)]
    normal = pb.DjuNormal(station="S1", month_of_year=1, dju_ref=400.0, ref_period="1991-2020")
    stub.ImportDegreeDays(
        iter([pb.ImportDegreeDaysRequest(source="test values", dju=january, normals=[normal])]), metadata=admin
    )
    window = period(paris_midnight(2024, 1), paris_midnight(2024, 2))
    (g1,) = g1_figures(stub.ExportMonthly(pb.ExportMonthlyRequest(period=window), metadata=admin))
    assert math.isnan(g1.heating_normalised_kwh)
    assert g1.normalisation == "no consumption in summer 2023 nor 2024: no base load (C_base), so no C_norm"


# ---- 6. estimated share per figure, heating oil in litres --------------------------------------
def test_each_monthly_figure_carries_its_own_estimated_share(service):
    """G1 at Paris midnights: 1 Jan 1 000, 1 Feb 1 310, 1 Mar 1 600, 16 Mar 1 750 flagged estimated,
    1 Apr 1 900. January and February rest on actual readings (estimated_share 0); both March
    intervals are bounded by the estimated reading: all of March's 300 m3 is estimated (share 1).
    The share is each figure's own, not the export's (which would be 300 / 900 = 1/3)."""
    stub, _, admin = service
    rows = [
        (paris_midnight(2024, 1), 1000.0, False),
        (paris_midnight(2024, 2), 1310.0, False),
        (paris_midnight(2024, 3), 1600.0, False),
        (paris_midnight(2024, 3, 16), 1750.0, True),
        (paris_midnight(2024, 4), 1900.0, False),
    ]
    request = pb.IngestReadingsRequest(
        batch_id="est",
        meter_ref=["G1"] * len(rows),
        kind=["index"] * len(rows),
        read_at_us=[us(t) for t, _, _ in rows],
        value=[v for _, v, _ in rows],
        unit=["m3"] * len(rows),
        estimated=[e for _, _, e in rows],
    )
    (ack,) = send(stub, admin, request)
    assert ack.accepted == 5
    window = period(paris_midnight(2024, 1), paris_midnight(2024, 4))
    figures = g1_figures(stub.ExportMonthly(pb.ExportMonthlyRequest(period=window), metadata=admin))
    assert [month_of(f) for f in figures] == ["2024-01", "2024-02", "2024-03"]
    assert [f.quantity for f in figures] == pytest.approx([310.0, 290.0, 300.0])
    assert [f.estimated_share for f in figures] == pytest.approx([0.0, 0.0, 1.0])


def test_heating_oil_in_litres_converts_at_the_sourced_kwh_pci_per_litre(service):
    """factors/conversions.csv holds 10.0 kWh PCI per litre of heating oil, with its source (the
    ratio of ADEME's per-litre and per-kWh factors, IDs 14087 and 14085): F1's 500 litres of
    January are 500 x 10.0 = 5 000 kWh PCI, the conversion names that source, and the heating_oil
    total counts no figure without kWh (it said 0 kWh before any conversion existed)."""
    stub, _, admin = service
    oil_meter(stub, admin)
    bills(stub, admin, [((2024, 1), (2024, 2), 500.0)])
    window = period(paris_midnight(2024, 1), paris_midnight(2024, 2))
    figures = [f for b in stub.ExportMonthly(pb.ExportMonthlyRequest(period=window), metadata=admin) for f in b.figures]
    (f1,) = [f for f in figures if f.meter_ref == "F1"]
    assert f1.quantity == pytest.approx(500.0) and f1.kwh_pci == pytest.approx(5000.0)
    assert "14087" in f1.conversion and "14085" in f1.conversion
    reply = stub.GetConsumption(pb.GetConsumptionRequest(period=window), metadata=admin)
    (oil,) = [t for t in reply.totals if t.carrier == "heating_oil"]
    assert oil.energy and oil.figures_without_kwh == 0 and oil.kwh_pci == pytest.approx(5000.0)


def test_heating_oil_in_litres_takes_a_sourced_kwh_pci_per_litre_when_the_table_has_one(tmp_path):
    """With a conversions table holding heating_oil litre -> kWh PCI 9.96 (a test value, with its
    source), 500 litres = 4 980 kWh PCI and the conversion names the source."""
    from services.consumption.domain.conversions import to_kwh

    conversions = pl.DataFrame(
        {
            "carrier": ["heating_oil"],
            "from_unit": ["litre"],
            "to_unit": ["kWh PCI"],
            "multiplier": [9.96],
            "source": ["test source"],
        }
    )
    meters = pl.DataFrame({"meter_id": [1], "carrier": ["heating_oil"], "unit": ["litre"]})
    per = pl.DataFrame({"meter_id": [1], "period_start": [datetime(2024, 1, 1, tzinfo=UTC)], "quantity": [500.0]})
    out = to_kwh(per, meters, conversions).row(0, named=True)
    assert out["kwh_pci"] == pytest.approx(4980.0)
    assert out["conversion"] == "kWh PCI = litre x 9.96 (test source)"


def oil_meter(stub, admin) -> None:
    meter = pb.Meter(
        meter_ref="F1",
        building_id="B2",
        carrier="heating_oil",
        unit="litre",
        usage="heating",
        charge_category="heating_energy",
        reading_kind="consumption",
        weather_station="S1",
    )
    summary = stub.ImportMeters(iter([pb.ImportMetersRequest(meters=[meter])]), metadata=admin).summary
    assert summary.upserted["meters"] == 1


def bills(stub, admin, rows) -> None:
    """Period readings of F1: ``((year, month), (year, month), litres)`` from the first Paris month
    start to the second."""
    request = pb.IngestReadingsRequest(
        batch_id="bills",
        meter_ref=["F1"] * len(rows),
        kind=["consumption"] * len(rows),
        read_at_us=[us(paris_midnight(*end)) for _, end, _ in rows],
        period_start_us=[us(paris_midnight(*start)) for start, _, _ in rows],
        value=[v for _, _, v in rows],
        unit=["litre"] * len(rows),
    )
    (ack,) = send(stub, admin, request)
    assert ack.accepted == len(rows), ack
