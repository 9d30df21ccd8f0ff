"""Prices, gas coefficients, replacements, degree days and normals are kept as versions, on SQLite
and PostgreSQL: a record re-sent unchanged adds nothing, a corrected one adds a version recorded at
its arrival, so an export as of a cut-off before the correction gives the figures it gave then and
a later cut-off sees the correction. Every expected figure below is worked out by hand.

G1 is gas in m3 at 11.1 kWh PCS/m3 from 2023 and PCS/PCI 1.11 (1 m3 = 10 kWh PCI), priced 0.10 EUR
per kWh PCS + 10 EUR a month (the fixture, recorded ten minutes ago by the server's clock).
"""

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from alembic import command
from sqlalchemy import column, func, select, table

from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.consumption.store import (
    DJU_NORMALS,
    GAS_COEFFICIENTS,
    PRICES,
    PROVISIONS,
    REPLACEMENTS,
    WEATHER_DAYS,
    ConsumptionStore,
)
from services.runtime.db import make_engine
from services.runtime.migrate import alembic_config, upgrade
from tests.consumption.scenario import g1_figures, paris_midnight, period, readings, send, ts
from tests.consumption.test_grpc_history import heating_history

FEBRUARY, MARCH = paris_midnight(2024, 2), paris_midnight(2024, 3)
JANUARY_2024 = datetime(2024, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


def g1_february(stub, admin, as_of: datetime | None = None):
    """G1's February figure from ExportMonthly and B1's February heating cost from ExportChargeControl."""
    kw = {"as_of": ts(as_of)} if as_of else {}
    window = period(FEBRUARY, MARCH)
    (figure,) = g1_figures(stub.ExportMonthly(pb.ExportMonthlyRequest(period=window, **kw), metadata=admin))
    batches = stub.ExportChargeControl(pb.ExportChargeControlRequest(period=window, **kw), metadata=admin)
    (cost,) = [c for b in batches for c in b.costs if c.charge_category == "heating_energy"]
    return figure, cost


def price(eur_per_unit: float) -> pb.ImportPricesRequest:
    p = pb.Price(
        meter_ref="G1",
        valid_from=ts(JANUARY_2024),
        basis="kWh PCS",
        eur_per_unit=eur_per_unit,
        fixed_eur_per_month=10.0,
        source="contract 2024",
    )
    return pb.ImportPricesRequest(prices=[p])


def test_a_price_resent_or_corrected_after_a_cut_off_leaves_that_cut_offs_export_unchanged(service, clock):
    # G1 in February: 1 000 -> 1 100 m3 = 100 m3 = 1 110 kWh PCS.
    # At cut 1: 0.10 x 1 110 + 10 = 121 EUR. The same price re-sent, then corrected to 0.12 EUR/kWh PCS:
    # at cut 2 (after the correction) 0.12 x 1 110 + 10 = 143.2 EUR; cut 1 still gives 121.
    stub, _, admin = service
    send(stub, admin, readings([("G1", FEBRUARY, 1000.0), ("G1", MARCH, 1100.0)]))
    cut1 = clock()
    clock.advance(timedelta(minutes=2))
    assert stub.ImportPrices(iter([price(0.10)]), metadata=admin).summary.upserted["prices"] == 1  # taken, nothing new
    clock.advance(timedelta(minutes=2))
    stub.ImportPrices(iter([price(0.12)]), metadata=admin)
    clock.advance(timedelta(minutes=1))
    cut2 = clock()
    clock.advance(timedelta(minutes=2))
    figure, cost = g1_february(stub, admin, cut1)
    assert (figure.cost_eur, cost.cost_eur, cost.unpriced_meters) == pytest.approx((121.0, 121.0, 0))
    figure, cost = g1_february(stub, admin, cut2)
    assert (figure.cost_eur, cost.cost_eur) == pytest.approx((143.2, 143.2))
    figure, cost = g1_february(stub, admin)
    assert (figure.cost_eur, cost.cost_eur) == pytest.approx((143.2, 143.2))


def test_a_gas_coefficient_corrected_after_a_cut_off_leaves_that_cut_offs_export_unchanged(service, clock):
    # G1 in February: 100 m3. At cut 1, 11.1 kWh PCS/m3: 1 110 kWh PCS, 1 000 kWh PCI, 121 EUR.
    # Corrected to 12.21 kWh PCS/m3: 1 221 kWh PCS, 1 221 / 1.11 = 1 100 kWh PCI, 0.10 x 1 221 + 10 = 132.1 EUR.
    stub, _, admin = service
    send(stub, admin, readings([("G1", FEBRUARY, 1000.0), ("G1", MARCH, 1100.0)]))
    cut1 = clock()

    def coefficient(value: float) -> pb.ImportMetersRequest:
        since = ts(datetime(2023, 1, 1, tzinfo=UTC))
        c = pb.GasCoefficient(meter_ref="G1", valid_from=since, kwh_pcs_per_m3=value, source="supplier bill")
        return pb.ImportMetersRequest(gas_coefficients=[c])

    clock.advance(timedelta(minutes=2))
    stub.ImportMeters(iter([coefficient(11.1)]), metadata=admin)  # the same again
    clock.advance(timedelta(minutes=2))
    stub.ImportMeters(iter([coefficient(12.21)]), metadata=admin)
    clock.advance(timedelta(minutes=1))
    cut2 = clock()
    clock.advance(timedelta(minutes=2))
    figure, cost = g1_february(stub, admin, cut1)
    assert (figure.kwh_pcs, figure.kwh_pci, figure.cost_eur, cost.cost_eur) == pytest.approx((1110, 1000, 121, 121))
    figure, cost = g1_february(stub, admin, cut2)
    assert (figure.kwh_pcs, figure.kwh_pci, figure.cost_eur, cost.cost_eur) == pytest.approx((1221, 1100, 132.1, 132.1))


def test_a_replacement_corrected_after_a_cut_off_leaves_that_cut_offs_figures_unchanged(service, clock):
    # Old register 5 000, 5 010, 5 020 on 1-3 March; replaced on 3 March at noon; new register 15, 35 on 4-5
    # March. Known at cut 1: old closed at 5 025, new opened at 10 -> 10 + 10 + 5 + 5 + 20 = 50 m3.
    # Corrected after it: old closed at 5 027 -> 10 + 10 + 7 + 5 + 20 = 52 m3. Nothing estimated either way.
    stub, _, admin = service
    days = [paris_midnight(2024, 3, d) for d in range(1, 6)]
    send(stub, admin, readings(list(zip(["G1"] * 5, days, [5000.0, 5010.0, 5020.0, 15.0, 35.0], strict=True))))

    def replacement(old_last: float) -> pb.ImportMetersRequest:
        r = pb.Replacement(
            meter_ref="G1", replaced_at=ts(days[2] + timedelta(hours=12)), old_last_index=old_last, new_first_index=10.0
        )
        return pb.ImportMetersRequest(replacements=[r])

    stub.ImportMeters(iter([replacement(5025.0)]), metadata=admin)
    clock.advance(timedelta(minutes=1))
    cut1 = clock()
    clock.advance(timedelta(minutes=2))
    stub.ImportMeters(iter([replacement(5025.0)]), metadata=admin)  # the same again
    clock.advance(timedelta(minutes=2))
    stub.ImportMeters(iter([replacement(5027.0)]), metadata=admin)
    clock.advance(timedelta(minutes=1))
    cut2 = clock()
    clock.advance(timedelta(minutes=2))
    march = period(paris_midnight(2024, 3), paris_midnight(2024, 4))

    def g1(as_of: datetime):
        reply = stub.GetConsumption(pb.GetConsumptionRequest(period=march, as_of=ts(as_of)), metadata=admin)
        (figure,) = [f for f in reply.figures if f.meter_ref == "G1"]
        return figure.quantity, figure.estimated_share

    assert g1(cut1) == pytest.approx((50.0, 0.0))
    assert g1(cut2) == pytest.approx((52.0, 0.0))


def test_degree_days_and_normals_corrected_after_a_cut_off_leave_that_cut_offs_export_unchanged(service, clock):
    # January 2024 (see test_grpc_history.heating_history): C = 3 100 kWh PCI, C_base = 310, C_heating = 2 790.
    # Cut 1: DJU 10 a day (310), normal 400 -> 310 + 2 790 x 400 / 310 = 3 910.
    # Then the same days re-sent, then January's days corrected to 8 a day (248):
    #   cut 2 -> 310 + 2 790 x 400 / 248 = 310 + 4 500 = 4 810.
    # Then January's normal corrected to 372: now 310 + 2 790 x 372 / 248 = 310 + 4 185 = 4 495.
    stub, _, admin = service
    heating_history(stub, admin)
    cut1 = clock()
    january = [f"2024-01-{d:02d}" for d in range(1, 32)]

    def days(dju: float) -> pb.ImportDegreeDaysRequest:
        return pb.ImportDegreeDaysRequest(
            source="test values", dju=[pb.DailyDju(station="S1", day=d, dju=dju) for d in january]
        )

    clock.advance(timedelta(minutes=2))
    stub.ImportDegreeDays(iter([days(10.0)]), metadata=admin)
    clock.advance(timedelta(minutes=2))
    stub.ImportDegreeDays(iter([days(8.0)]), metadata=admin)
    clock.advance(timedelta(minutes=1))
    cut2 = clock()
    clock.advance(timedelta(minutes=1))
    normal = pb.DjuNormal(station="S1", month_of_year=1, dju_ref=372.0, ref_period="1991-2020")
    stub.ImportDegreeDays(iter([pb.ImportDegreeDaysRequest(source="test values", normals=[normal])]), metadata=admin)
    clock.advance(timedelta(minutes=2))
    window = period(paris_midnight(2024, 1), paris_midnight(2024, 2))

    def normalised(as_of: datetime | None = None) -> float:
        kw = {"as_of": ts(as_of)} if as_of else {}
        (jan,) = g1_figures(stub.ExportMonthly(pb.ExportMonthlyRequest(period=window, **kw), metadata=admin))
        return jan.heating_normalised_kwh

    assert normalised(cut1) == pytest.approx(3910.0)
    assert normalised(cut2) == pytest.approx(4810.0)
    assert normalised() == pytest.approx(4495.0)


# one record per versioned table: (spec, as first sent, as corrected)
T = datetime(2024, 1, 1, tzinfo=UTC)
RECORDS = {
    "prices": (
        PRICES,
        dict(target="meter:G1", valid_from=T, basis="kWh", eur_per_unit=0.1, fixed_eur_per_month=0.0, source="s"),
        dict(eur_per_unit=0.12),
    ),
    "gas coefficients": (
        GAS_COEFFICIENTS,
        dict(meter_id=1, valid_from=T, kwh_pcs_per_m3=11.1, source="s"),
        dict(kwh_pcs_per_m3=11.2),
    ),
    "replacements": (
        REPLACEMENTS,
        dict(meter_id=1, replaced_at=T, old_last_index=5.0, new_first_index=0.0),
        dict(old_last_index=6.0),
    ),
    "weather days": (
        WEATHER_DAYS,
        dict(station="S1", day=date(2024, 1, 1), tn=None, tx=None, dju_meteo=10.0, dju_costic=10.0, source="s"),
        dict(dju_meteo=8.0, dju_costic=8.0),
    ),
    "normals": (
        DJU_NORMALS,
        dict(station="S1", month_of_year=1, dju_ref=400.0, ref_period="1991-2020"),
        dict(ref_period="1981-2010"),
    ),
    "provisions": (
        PROVISIONS,
        dict(unit_id="U1", month=date(2024, 3, 1), charge_category="cold_water", amount_eur=40.0, building_id="B1"),
        dict(building_id="B2"),
    ),
}


@pytest.mark.parametrize("name", list(RECORDS))
def test_a_resend_adds_no_version_and_a_correction_one_read_by_cut_off(database, name):
    # sent at t0, the same again at t0 + 1 h (nothing new), corrected at t0 + 2 h: two versions; a cut-off
    # before t0 sees nothing, one from t0 to before t0 + 2 h the first, one from t0 + 2 h the correction
    spec, record, correction = RECORDS[name]
    url, prefix = database
    engine = make_engine(url, prefix + "consumption")
    upgrade(engine, "services.consumption")
    store = ConsumptionStore(engine)
    frame = pl.DataFrame([record], schema=_columns(spec))
    t0 = datetime(2024, 4, 1, tzinfo=UTC)
    assert store.add_versions(spec, frame, t0) == 1
    assert store.add_versions(spec, frame, t0 + HOUR) == 1  # taken, but nothing new
    store.add_versions(spec, frame.with_columns(**{k: pl.lit(v) for k, v in correction.items()}), t0 + 2 * HOUR)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(spec.table)).scalar_one() == 2
    assert store.current(spec, t0 - timedelta(seconds=1)).is_empty()
    (first,) = store.current(spec, t0 + timedelta(hours=1, minutes=59)).to_dicts()
    (second,) = store.current(spec, t0 + 2 * HOUR).to_dicts()
    assert first == record and second == {**record, **correction}
    engine.dispose()


def test_records_stored_before_versions_keep_their_recorded_at_and_weather_gets_the_upgrades(database):
    # Stored by revision 0002: a price, a coefficient and a replacement recorded on 1 April 2024, a degree
    # day and a normal (no recorded_at then). After 0003 the first three are known from 1 April 2024, the
    # weather from the upgrade on; a correction then adds a version beside the old row.
    url, prefix = database
    engine = make_engine(url, prefix + "consumption")
    cfg = alembic_config("services.consumption", engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    april = datetime(2024, 4, 1, tzinfo=UTC)
    stored = {name: {**record, "recorded_at": april} for name, (_, record, _) in RECORDS.items()}
    with engine.begin() as conn:
        for name in ("prices", "gas coefficients", "replacements"):
            conn.execute(RECORDS[name][0].table.insert(), [stored[name]])
        for name in ("weather days", "normals"):
            spec, record, _ = RECORDS[name]  # 0002's tables: no recorded_at
            conn.execute(table(spec.table.name, *[column(c) for c in record]).insert(), [record])
    before = datetime.now(UTC)
    upgrade(engine, "services.consumption")
    after = datetime.now(UTC)
    store = ConsumptionStore(engine)
    for name in ("prices", "gas coefficients", "replacements"):
        spec, record, correction = RECORDS[name]
        assert store.current(spec, april - timedelta(seconds=1)).is_empty(), name
        assert store.current(spec, april).to_dicts() == [record], name
    for name in ("weather days", "normals"):
        spec, record, correction = RECORDS[name]
        assert store.current(spec, before - timedelta(seconds=1)).is_empty(), name
        assert store.current(spec, after).to_dicts() == [record], name
    for name in ("prices", "weather days"):
        spec, record, correction = RECORDS[name]
        later = datetime.now(UTC) + HOUR
        store.add_versions(spec, pl.DataFrame([{**record, **correction}], schema=_columns(spec)), later)
        assert store.current(spec, after).to_dicts() == [record], name
        assert store.current(spec, later).to_dicts() == [{**record, **correction}], name
    engine.dispose()


def _columns(spec) -> dict:
    return {c: t for c, t in spec.schema.items() if c != "recorded_at"}
