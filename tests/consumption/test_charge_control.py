"""ExportChargeControl through gRPC, on SQLite and on PostgreSQL: provisions read back by period,
perimeter and cut-off, recoverable costs per building, month and category, and their totals.

Scenario, worked by hand. Meters read at local midnight (Paris) on 1 February, 1 March and 1 April
2024, so each month is covered whole (coverage 1, the fixed part charged in full):

- G1 (B1, gas, heating_energy, recoverable; 11.1 kWh PCS/m3, 0.10 EUR/kWh PCS + 10 EUR/month):
  1000, 1100, 1300 m3 -> February 100 m3 = 1110 kWh PCS = 111 + 10 = 121 EUR; March 200 m3 =
  2220 kWh PCS = 222 + 10 = 232 EUR.
- W1 (B1, cold water, cold_water, recoverable, no price): 50, 60, 75 m3 -> one unpriced meter a month.
- E2 (B2, electricity, common_electricity, recoverable, 0.20 EUR/kWh): 0, 500, 800 kWh -> February
  100 EUR, March 60 EUR.
- P2 (B2, electricity, other, not recoverable, 0.20 EUR/kWh): 0, 1000, 2000 kWh -> never a charge.

Provisions (EUR): U11 (B1) heating_energy 45 in January..April and cold_water 40 in February and
March; U12 (B1) heating_energy 50 in February and March; U21 (B2) common_electricity 10 in January..March.

February + March, every building:
- B1 heating_energy: provisions 45 + 45 + 50 + 50 = 190, costs 121 + 232 = 353, balance -163;
- B1 cold_water: provisions 40 + 40 = 80, costs 0 with 2 unpriced meter-months, balance 80;
- B2 common_electricity: provisions 10 + 10 = 20, costs 100 + 60 = 160, balance -140.
"""

import hashlib
import math
from datetime import UTC, datetime, timedelta

import grpc
import polars as pl
import pytest
from alembic import command
from sqlalchemy import func, select, text

from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.consumption import models
from services.consumption.convert import provisions_in
from services.consumption.domain.imports import check_provisions
from services.consumption.store import ConsumptionStore
from services.runtime.db import make_engine
from services.runtime.migrate import alembic_config, upgrade
from tests.consumption.scenario import paris_midnight, period, readings, send, ts

FEBRUARY, MARCH, APRIL = paris_midnight(2024, 2), paris_midnight(2024, 3), paris_midnight(2024, 4)
HEATING, WATER, COMMON = "heating_energy", "cold_water", "common_electricity"


def electricity(ref: str, category: str, recoverable: bool) -> pb.Meter:
    return pb.Meter(
        meter_ref=ref,
        building_id="B2",
        carrier="electricity",
        unit="kWh",
        usage="common_electricity" if recoverable else "other",
        recoverable=recoverable,
        charge_category=category,
        reading_kind="index",
    )


def provision(unit: str, building: str, month: str, category: str, amount: float) -> pb.Provision:
    return pb.Provision(unit_id=unit, building_id=building, month=month, charge_category=category, amount_eur=amount)


PROVISIONS = (
    [provision("U11", "B1", f"2024-0{m}", HEATING, 45.0) for m in (1, 2, 3, 4)]
    + [provision("U11", "B1", f"2024-0{m}", WATER, 40.0) for m in (2, 3)]
    + [provision("U12", "B1", f"2024-0{m}", HEATING, 50.0) for m in (2, 3)]
    + [provision("U21", "B2", f"2024-0{m}", COMMON, 10.0) for m in (1, 2, 3)]
)


@pytest.fixture
def charges(service):
    """The scenario loaded: (stub, admin metadata)."""
    stub, _, admin = service
    stub.ImportMeters(
        iter([pb.ImportMetersRequest(meters=[electricity("E2", COMMON, True), electricity("P2", "other", False)])]),
        metadata=admin,
    )
    prices = [
        pb.Price(meter_ref=ref, valid_from=ts(datetime(2024, 1, 1, tzinfo=UTC)), basis="kWh", eur_per_unit=0.20)
        for ref in ("E2", "P2")
    ]
    summary = stub.ImportPrices(
        iter([pb.ImportPricesRequest(prices=prices, provisions=PROVISIONS)]), metadata=admin
    ).summary
    assert (summary.upserted["prices"], summary.upserted["provisions"], len(summary.rejected)) == (2, 11, 0)
    values = {"G1": (1000, 1100, 1300), "W1": (50, 60, 75), "E2": (0, 500, 800), "P2": (0, 1000, 2000)}
    months = (FEBRUARY, MARCH, APRIL)
    rows = [(ref, at, float(v)) for ref, vs in values.items() for at, v in zip(months, vs, strict=True)]
    send(stub, admin, readings([(ref, at, v, "m3" if ref in ("G1", "W1") else "kWh") for ref, at, v in rows]))
    return stub, admin


def export(stub, metadata, start=FEBRUARY, end=APRIL, **kw):
    """(totals, costs, provisions) as plain tuples, and the batches."""
    request = pb.ExportChargeControlRequest(period=period(start, end), **kw)
    batches = list(stub.ExportChargeControl(request, metadata=metadata))
    totals = [
        (
            t.building_id,
            t.charge_category,
            t.provisions_eur,
            t.recoverable_cost_eur,
            t.balance_eur,
            t.unpriced_meter_months,
        )
        if t.costs_computed
        else (
            t.building_id,
            t.charge_category,
            t.provisions_eur,
            "costs not computed",
            t.recoverable_cost_eur,
            t.balance_eur,
        )
        for b in batches
        for t in b.totals
    ]
    costs = [
        (c.building_id, c.month, c.charge_category, c.cost_eur, c.meters, c.unpriced_meters)
        for b in batches
        for c in b.costs
    ]
    provisions = [
        (p.building_id, p.unit_id, p.month, p.charge_category, p.amount_eur) for b in batches for p in b.provisions
    ]
    return totals, costs, provisions, batches


NAN = float("nan")


def approx_rows(rows):
    return [tuple(pytest.approx(x, nan_ok=True) if isinstance(x, float) else x for x in r) for r in rows]


def test_totals_per_building_and_category_over_the_period(charges):
    stub, admin = charges
    totals, costs, provisions, _ = export(stub, admin)
    assert totals == approx_rows(
        [
            ("B1", WATER, 80.0, 0.0, 80.0, 2),
            ("B1", HEATING, 190.0, 353.0, -163.0, 0),
            ("B2", COMMON, 20.0, 160.0, -140.0, 0),
        ]
    )
    assert costs == approx_rows(
        [
            ("B1", "2024-02", WATER, 0.0, 1, 1),
            ("B1", "2024-02", HEATING, 121.0, 1, 0),
            ("B1", "2024-03", WATER, 0.0, 1, 1),
            ("B1", "2024-03", HEATING, 232.0, 1, 0),
            ("B2", "2024-02", COMMON, 100.0, 1, 0),
            ("B2", "2024-03", COMMON, 60.0, 1, 0),
        ]
    )
    # January and April are outside the period; every provision of February and March comes back
    assert provisions == [
        ("B1", "U11", "2024-02", WATER, 40.0),
        ("B1", "U11", "2024-02", HEATING, 45.0),
        ("B1", "U11", "2024-03", WATER, 40.0),
        ("B1", "U11", "2024-03", HEATING, 45.0),
        ("B1", "U12", "2024-02", HEATING, 50.0),
        ("B1", "U12", "2024-03", HEATING, 50.0),
        ("B2", "U21", "2024-02", COMMON, 10.0),
        ("B2", "U21", "2024-03", COMMON, 10.0),
    ]


def test_period_and_perimeter_narrow_the_answer(charges):
    stub, admin = charges
    # March only
    totals, costs, provisions, _ = export(stub, admin, start=MARCH)
    assert {p[2] for p in provisions} == {"2024-03"} and len(provisions) == 4
    assert totals == approx_rows(
        [
            ("B1", WATER, 40.0, 0.0, 40.0, 1),
            ("B1", HEATING, 95.0, 232.0, -137.0, 0),
            ("B2", COMMON, 10.0, 60.0, -50.0, 0),
        ]
    )
    # one building: its provisions and costs only
    totals, costs, provisions, _ = export(stub, admin, building_ids=["B2"])
    assert provisions == [("B2", "U21", "2024-02", COMMON, 10.0), ("B2", "U21", "2024-03", COMMON, 10.0)]
    assert [c[0] for c in costs] == ["B2", "B2"]
    assert totals == approx_rows([("B2", COMMON, 20.0, 160.0, -140.0, 0)])
    # units only: their provisions, no building's costs (costs are per building, not per dwelling), so
    # totals of provisions with no cost and no balance (not 0 and +100, which read as "tenants overpaid")
    totals, costs, provisions, _ = export(stub, admin, unit_ids=["U12"])
    assert provisions == [("B1", "U12", "2024-02", HEATING, 50.0), ("B1", "U12", "2024-03", HEATING, 50.0)]
    assert costs == []
    assert totals == approx_rows([("B1", HEATING, 100.0, "costs not computed", NAN, NAN)])
    # both lists: units of those buildings (U21 is not in B1), and the buildings' costs; U11's provisions
    # (water 40 + 40, heating 45 + 45) are not set against the whole of B1's costs
    totals, costs, provisions, _ = export(stub, admin, building_ids=["B1"], unit_ids=["U11", "U21"])
    assert {p[1] for p in provisions} == {"U11"} and len(provisions) == 4
    assert {c[0] for c in costs} == {"B1"} and len(costs) == 4
    assert totals == approx_rows(
        [("B1", WATER, 80.0, "costs not computed", NAN, NAN), ("B1", HEATING, 90.0, "costs not computed", NAN, NAN)]
    )
    # a perimeter with nothing in it still answers, with one empty batch
    totals, costs, provisions, batches = export(stub, admin, building_ids=["B9"])
    assert (totals, costs, provisions, len(batches)) == ([], [], [], 1)


def test_batches_hold_at_most_batch_size_records_totals_first(charges):
    stub, admin = charges
    *_, batches = export(stub, admin, batch_size=3)
    shape = [(len(b.totals), len(b.costs), len(b.provisions)) for b in batches]
    assert shape == [(3, 0, 0), (0, 3, 0), (0, 3, 0), (0, 0, 3), (0, 0, 3), (0, 0, 2)]


def test_provisions_as_of_a_cut_off_and_a_revision(charges, clock):
    # The scenario was recorded ten minutes ago (server clock). At cut: U11's March heating provision
    # is 45 and U12 pays no cold water. Five minutes later the March heating becomes 60 and U12's
    # cold water 30 arrive, with an identical re-send of U21's March provision.
    stub, admin = charges
    cut = clock()
    clock.advance(timedelta(minutes=5))
    revised = [
        provision("U11", "B1", "2024-03", HEATING, 60.0),
        provision("U12", "B1", "2024-03", WATER, 30.0),
        provision("U21", "B2", "2024-03", COMMON, 10.0),
    ]
    stub.ImportPrices(iter([pb.ImportPricesRequest(provisions=revised)]), metadata=admin)
    then, _, old, batches = export(stub, admin, start=MARCH, as_of=ts(cut))
    assert all(b.as_of.ToDatetime(tzinfo=UTC) == cut for b in batches)
    assert ("B1", "U11", "2024-03", HEATING, 45.0) in old and len(old) == 4
    assert then[:2] == approx_rows([("B1", WATER, 40.0, 0.0, 40.0, 1), ("B1", HEATING, 95.0, 232.0, -137.0, 0)])
    now, _, live, batches = export(stub, admin, start=MARCH)
    assert ("B1", "U11", "2024-03", HEATING, 60.0) in live and ("B1", "U12", "2024-03", WATER, 30.0) in live
    assert len(live) == 5 and not batches[0].HasField("as_of")
    assert now[:2] == approx_rows([("B1", WATER, 70.0, 0.0, 70.0, 1), ("B1", HEATING, 110.0, 232.0, -122.0, 0)])
    # a cut-off less than a minute old is refused, as for the consumption exports
    with pytest.raises(grpc.RpcError) as unsettled:
        export(stub, admin, as_of=ts(clock() - timedelta(seconds=30)))
    assert unsettled.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_costs_as_of_a_cut_off_leave_out_later_readings(service, clock):
    # G1 read on 1 February and 1 March (100 m3: 121 EUR in February) before the cut; the 1 April
    # reading (200 m3 more: March) arrives after it, so March has no cost as of the cut.
    stub, _, admin = service
    send(stub, admin, readings([("G1", FEBRUARY, 1000.0), ("G1", MARCH, 1100.0)]))
    cut = clock()
    clock.advance(timedelta(minutes=5))
    send(stub, admin, readings([("G1", APRIL, 1300.0)], "late"))
    _, then, _, _ = export(stub, admin, as_of=ts(cut))
    _, now, _, _ = export(stub, admin)
    assert then == approx_rows([("B1", "2024-02", HEATING, 121.0, 1, 0)])
    assert now == approx_rows([("B1", "2024-02", HEATING, 121.0, 1, 0), ("B1", "2024-03", HEATING, 232.0, 1, 0)])


def test_estimated_share_of_a_cost_is_weighted_by_cost(service):
    # B1's heating in February: G1 (121 EUR as above) rests wholly on an estimated reading on 1 March;
    # H1 (district heating, 0 -> 790 kWh at 0.10 EUR/kWh, no fixed part) on actual readings: 79 EUR.
    # Cost 121 + 79 = 200 EUR, estimated share 121 x 1 + 79 x 0 over 200 = 0.605.
    stub, _, admin = service
    h1 = pb.Meter(
        meter_ref="H1",
        building_id="B1",
        carrier="district_heating",
        unit="kWh",
        usage="heating",
        recoverable=True,
        charge_category=HEATING,
        reading_kind="index",
    )
    stub.ImportMeters(iter([pb.ImportMetersRequest(meters=[h1])]), metadata=admin)
    price = pb.Price(meter_ref="H1", valid_from=ts(datetime(2024, 1, 1, tzinfo=UTC)), basis="kWh", eur_per_unit=0.10)
    stub.ImportPrices(iter([pb.ImportPricesRequest(prices=[price])]), metadata=admin)
    batch = readings([("G1", FEBRUARY, 1000.0), ("G1", MARCH, 1100.0)])
    batch.MergeFrom(readings([("H1", FEBRUARY, 0.0, "kWh"), ("H1", MARCH, 790.0, "kWh")]))
    batch.estimated.extend([False, True, False, False])
    send(stub, admin, batch)
    _, costs, _, batches = export(stub, admin, end=MARCH)
    assert costs == approx_rows([("B1", "2024-02", HEATING, 200.0, 2, 0)])
    assert batches[1].costs[0].estimated_share == pytest.approx(0.605)


def test_the_estimated_share_of_a_cost_with_every_meter_unpriced_is_not_given(charges):
    # B1's cold water in February: W1 alone, unpriced (cost 0): no cost to weight the share by, so NaN
    # rather than 0 (which would claim the figure rests on no estimate). B1's heating: G1 on actual
    # readings, 121 EUR: share 0.
    stub, admin = charges
    *_, batches = export(stub, admin, end=MARCH)
    shares = {(c.charge_category, c.unpriced_meters): c.estimated_share for b in batches for c in b.costs}
    assert shares[(HEATING, 0)] == 0.0
    assert math.isnan(shares[(WATER, 1)])


def test_a_provision_needs_its_building(service):
    stub, _, admin = service
    summary = stub.ImportPrices(
        iter([pb.ImportPricesRequest(provisions=[provision("U11", "", "2024-03", HEATING, 45.0)])]), metadata=admin
    ).summary
    assert summary.upserted["provisions"] == 0
    assert [(r.index, r.field, r.reason) for r in summary.rejected] == [
        (0, "provisions.building_id", "building_id is missing")
    ]


def _provisions(records: list[pb.Provision]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The provisions as ImportPrices checks them: (good rows, issues)."""
    frame = provisions_in(records)
    return check_provisions(frame.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("index"), pl.all()))


def test_an_identical_resend_adds_no_version_and_a_change_does(database):
    url, prefix = database
    engine = make_engine(url, prefix + "consumption")
    upgrade(engine, "services.consumption")
    store = ConsumptionStore(engine)
    first = [provision("U1", "B1", "2024-03", WATER, 40.0), provision("U2", "B1", "2024-03", WATER, 40.0)]
    good, _ = _provisions(first)
    t0 = datetime(2024, 4, 1, tzinfo=UTC)
    assert store.add_provisions(good, t0) == 2
    assert store.add_provisions(good, t0 + timedelta(hours=1)) == 2  # taken, but nothing new
    changed, _ = _provisions([provision("U1", "B1", "2024-03", WATER, 42.0)])
    store.add_provisions(changed, t0 + timedelta(hours=2))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(models.provisions)).scalar_one() == 3
    march = datetime(2024, 3, 1).date()
    at = store.provisions(march, march, t0 + timedelta(hours=1), [], [])
    later = store.provisions(march, march, t0 + timedelta(hours=3), [], [])
    assert at["amount_eur"].to_list() == [40.0, 40.0]
    assert later["amount_eur"].to_list() == [42.0, 40.0]
    assert store.provisions(march, march, t0 - timedelta(seconds=1), [], []).is_empty()
    engine.dispose()


def test_provisions_stored_before_versions_count_as_recorded_at_the_upgrade(database):
    # A provision stored by revision 0001 (no building, no recorded_at) survives migration 0002:
    # known from the upgrade on, reachable by unit, not by building (it never named one).
    url, prefix = database
    engine = make_engine(url, prefix + "consumption")
    cfg = alembic_config("services.consumption", engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO consumption_provision VALUES ('U1', '2024-03-01', 'cold_water', 40.0)"))
    before = datetime.now(UTC)
    upgrade(engine, "services.consumption")
    store = ConsumptionStore(engine)
    march = datetime(2024, 3, 1).date()
    (row,) = store.provisions(march, march, datetime.now(UTC), ["U1"], []).iter_rows(named=True)
    assert (row["unit_id"], row["building_id"], row["amount_eur"]) == ("U1", None, 40.0)
    assert store.provisions(march, march, before - timedelta(seconds=1), ["U1"], []).is_empty()
    assert store.provisions(march, march, datetime.now(UTC), [], ["B1"]).is_empty()
    engine.dispose()


def test_a_conflicting_duplicate_provision_in_a_batch_is_refused_naming_the_earlier_one(service):
    # Stream: batch 1 holds #0 (U9); batch 2 holds #1 U11 March water 40, #2 the same again (taken once),
    # #3 the same key at 42 (refused: amount), #4 the same key at 40 in B2 (refused: building), #5 U12's.
    # Taken: #0, #1 and #5, three provisions; U11's March water stays 40, as #1 said.
    stub, _, admin = service
    u11 = provision("U11", "B1", "2024-03", WATER, 40.0)
    batches = [
        pb.ImportPricesRequest(provisions=[provision("U9", "B1", "2024-03", WATER, 5.0)]),
        pb.ImportPricesRequest(
            provisions=[
                u11,
                u11,
                provision("U11", "B1", "2024-03", WATER, 42.0),
                provision("U11", "B2", "2024-03", WATER, 40.0),
                provision("U12", "B1", "2024-03", WATER, 30.0),
            ]
        ),
    ]
    summary = stub.ImportPrices(iter(batches), metadata=admin).summary
    assert summary.upserted["provisions"] == 3
    assert [(r.index, r.rule, r.field, r.reason) for r in summary.rejected] == [
        (
            3,
            "conflicting_provision",
            "provisions.amount_eur",
            "amount_eur 42.0 conflicts with 40.0 in record #1 for the same unit, month and category "
            "(U11, 2024-03, cold_water)",
        ),
        (
            4,
            "conflicting_provision",
            "provisions.building_id",
            "building_id 'B2' conflicts with 'B1' in record #1 for the same unit, month and category "
            "(U11, 2024-03, cold_water)",
        ),
    ]
    *_, provisions, _ = export(stub, admin, start=MARCH)
    assert provisions == [
        ("B1", "U11", "2024-03", WATER, 40.0),
        ("B1", "U12", "2024-03", WATER, 30.0),
        ("B1", "U9", "2024-03", WATER, 5.0),
    ]


def test_the_last_batch_carries_the_sha256_of_every_record_sent_in_order(charges):
    stub, admin = charges
    *_, batches = export(stub, admin, batch_size=2)
    assert len(batches) > 2
    assert [b.content_sha256 != "" for b in batches] == [False] * (len(batches) - 1) + [True]
    # the documented rule alone: totals, then costs, then provisions, as received; each record's
    # deterministic serialisation preceded by its length (4 bytes, big-endian), SHA-256, lowercase hex
    h = hashlib.sha256()
    for record in [r for name in ("totals", "costs", "provisions") for b in batches for r in getattr(b, name)]:
        data = record.SerializeToString(deterministic=True)
        h.update(len(data).to_bytes(4, "big") + data)
    assert batches[-1].content_sha256 == h.hexdigest()


def test_arrow_batches_carry_the_same_records_and_the_same_sha256_as_messages(charges):
    """ExportChargeControlRequest.arrow_ipc: each batch one piece of one list as an Arrow IPC
    stream (list named, at most batch_size rows, lists in the order totals, costs, provisions),
    no message; every row equal to its message field by field (NaN where the message has NaN,
    the unit-narrowed totals with costs_computed false), and content_sha256 the messages'
    (a client may hash either form)."""
    import io

    stub, admin = charges
    for narrowing in ({}, {"unit_ids": ["U11", "U21"]}):
        *_, messages = export(stub, admin, batch_size=2, **narrowing)
        *_, arrow = export(stub, admin, batch_size=2, arrow_ipc=True, **narrowing)
        assert arrow[-1].content_sha256 == messages[-1].content_sha256 != ""
        assert all(not (b.totals or b.costs or b.provisions) for b in arrow)
        lists = [b.list for b in arrow if b.list]
        assert lists == sorted(lists, key=("totals", "costs", "provisions").index)
        for name, message in (("totals", pb.ChargeTotal), ("costs", pb.RecoverableCost), ("provisions", pb.Provision)):
            pieces = [pl.read_ipc_stream(io.BytesIO(b.arrow_ipc)) for b in arrow if b.list == name]
            assert all(0 < p.height <= 2 for p in pieces)
            rows = [r for p in pieces for r in p.iter_rows(named=True)]
            expected = [r for b in messages for r in getattr(b, name)]
            assert [message(**r) for r in rows] == expected, name
            assert len(rows) == len(expected)
            assert all(p.columns == [f.name for f in message.DESCRIPTOR.fields] for p in pieces)
        assert {b.list for b in arrow} >= ({"totals", "provisions"} if narrowing else {"totals", "costs", "provisions"})


def test_arrow_batches_hold_up_to_twenty_thousand_records_by_default(charges):
    stub, admin = charges
    *_, arrow = export(stub, admin, arrow_ipc=True)
    # the scenario's three lists, each in one piece
    assert [b.list for b in arrow] == ["totals", "costs", "provisions"]


def test_reporting_reads_the_same_frames_from_arrow_and_from_messages(charges, clock):
    """services.reporting.gather.Sources.charge_control asks for Arrow; against a server that
    answers in messages only (the request's arrow_ipc cleared on its way, as an older server would
    ignore it) it reads the same costs and provisions, checked against the same content_sha256."""
    from services.reporting.domain.periods import ReportPeriod
    from services.reporting.gather import Sources

    stub, admin = charges

    class MessagesOnly:
        def ExportChargeControl(self, request, **kwargs):
            older = pb.ExportChargeControlRequest()
            older.CopyFrom(request)
            older.arrow_ipc = False
            return stub.ExportChargeControl(older, **kwargs)

    nowhere = grpc.insecure_channel("localhost:1")  # only the consumption stub is called
    cut_off = clock()
    clock.advance(timedelta(minutes=2))
    both = []
    for consumption in (stub, MessagesOnly()):
        sources = Sources(nowhere, nowhere, nowhere)
        sources.consumption, sources.metadata = consumption, admin
        both.append(sources.charge_control(ReportPeriod(FEBRUARY, APRIL), cut_off, []))
    (costs, provisions, pulled), (costs_m, provisions_m, pulled_m) = both
    assert costs.height > 0 and provisions.height > 0
    assert costs.equals(costs_m) and provisions.equals(provisions_m)
    assert pulled.content_sha256 == pulled_m.content_sha256 and pulled.records == pulled_m.records
