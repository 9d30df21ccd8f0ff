"""Readings as of a settled cut-off kept per civil year (ConsumptionStore with a readings cache):
whatever kind, window, meters and usage are asked, the rows are those the database gives for
the same question, a reading recorded after the cut-off is never among them, and each year is
read once per cut-off, every kind in the same pass. A cut-off that is not settled (a live view)
is read anew.

Fixture, by hand: meters 1 (heating, gas) and 2 (cold water); an index reading every 10 days
from 2023-11-01 to 2025-02-28 UTC for each, recorded at T0, meter 1's values 100, 110, ...;
one more reading of meter 1 at 2024-06-15 12:00 recorded at T1 = T0 + 1 day; and meter 2's
consumption (period readings, as invoices give them) of each month of 2024, 3 m3 each, ending
on the 1st of the next month, recorded at T0."""

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from services.consumption import models
from services.consumption.service import ConsumptionService
from services.consumption.store import ConsumptionStore
from services.runtime.bounded_cache import BoundedCache
from services.runtime.db import insert_frame, make_engine
from services.runtime.migrate import upgrade

T0 = datetime(2025, 3, 1, tzinfo=UTC)
T1 = T0 + timedelta(days=1)


def _us(at: datetime) -> int:
    return int(at.timestamp()) * 1_000_000


def _rows(meter: int, first: datetime, days: int, recorded: datetime, start: float) -> list[dict]:
    return [
        {
            "meter_id": meter,
            "kind": "index",
            "read_at_us": _us(first + timedelta(days=10 * n)),
            "period_start_us": None,
            "value": start + 10.0 * n,
            "estimated": n % 7 == 0,
            "recorded_at_us": _us(recorded),
        }
        for n in range(days // 10 + 1)
    ]


@pytest.fixture
def stores(database):
    """(store with a readings cache, the cache, store reading the database every time)."""
    url, prefix = database
    engine = make_engine(url, prefix + "consumption")
    upgrade(engine, "services.consumption")
    meters = pl.DataFrame(
        {
            "meter_ref": ["M1", "M2"],
            "building_id": ["B1", "B1"],
            "carrier": ["natural_gas", "cold_water"],
            "unit": ["kWh", "m3"],
            "usage": ["heating", "cold_water"],
            "recoverable": [False, True],
            "charge_category": ["heating", "cold_water"],
            "reading_kind": ["index", "index"],
            "recorded_at": [T0, T0],
        }
    )
    first = datetime(2023, 11, 1, tzinfo=UTC)
    days = (datetime(2025, 2, 28, tzinfo=UTC) - first).days
    readings = _rows(1, first, days, T0, 100.0) + _rows(2, first, days, T0, 5.0)
    readings.append({**_rows(1, datetime(2024, 6, 15, 12, tzinfo=UTC), 0, T1, 999.0)[0]})
    readings += [
        {
            "meter_id": 2,
            "kind": "consumption",
            "read_at_us": _us(datetime(2024 + month // 12, month % 12 + 1, 1, tzinfo=UTC)),
            "period_start_us": _us(datetime(2024, month, 1, tzinfo=UTC)),
            "value": 3.0,
            "estimated": False,
            "recorded_at_us": _us(T0),
        }
        for month in range(1, 13)
    ]
    with engine.begin() as conn:
        insert_frame(conn, models.meters, meters)
        insert_frame(conn, models.readings, pl.DataFrame(readings, schema_overrides={"period_start_us": pl.Int64}))
    cache = BoundedCache(100_000_000, 64)
    yield ConsumptionStore(engine, cache), cache, ConsumptionStore(engine)
    engine.dispose()


WINDOWS = [
    (datetime(2023, 12, 20, tzinfo=UTC), datetime(2024, 2, 3, tzinfo=UTC)),  # across a new year
    (datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 12, 31, 23, 59, tzinfo=UTC)),  # one year
    (datetime(2023, 10, 1, tzinfo=UTC), datetime(2025, 3, 4, tzinfo=UTC)),  # every year and beyond
    (datetime(2024, 6, 15, 12, tzinfo=UTC), datetime(2024, 6, 15, 12, tzinfo=UTC)),  # one instant
]


@pytest.mark.parametrize("as_of", [T0, T1])
def test_any_window_and_meters_give_the_databases_rows(stores, as_of):
    kept, cache, direct = stores
    for first, last in WINDOWS:
        for meters in (None, [1], [2], []):
            for only in (None, ("usage", ("heating",)), ("carrier", ("cold_water", "hot_water"))):
                for kind in ("index", "consumption"):
                    ask = (kind, _us(first), _us(last), _us(as_of), only, meters)
                    assert kept.readings(*ask, settled=True).equals(direct.readings(*ask)), (kind, first, last)
    # 2023, 2024, 2025 read once each for this cut-off, both kinds in the same pass
    assert cache.loads == 3


@pytest.mark.parametrize("settled", [False, True])
def test_both_kinds_of_a_window_come_from_one_pass_over_the_readings(stores, settled):
    """Each pass over a window is a scan of the whole readings table in PostgreSQL (stored meter
    after meter): asked together, the index and the period readings are read in one. The year
    2024 of meter 2: 36 index readings (10 January to 25 December, every 10 days) and the 12
    months' consumption ending in it (1 February 2024 to 1 January 2025, the last one not in
    the window), each kind the same rows as asked alone."""
    kept, _, direct = stores
    store = kept if settled else direct
    passes = []
    read = store._read_readings
    store._read_readings = lambda *a, **k: passes.append(a[0]) or read(*a, **k)  # type: ignore[method-assign]
    year = (_us(datetime(2024, 1, 1, tzinfo=UTC)), _us(datetime(2024, 12, 31, 23, 59, tzinfo=UTC)))
    both = store.readings_by_kind(
        dict.fromkeys(("index", "consumption"), year), _us(T0), meter_ids=[2], settled=settled
    )
    assert len(passes) == 1 and set(passes[0]) == {"index", "consumption"}
    assert (both["index"].height, both["consumption"].height) == (36, 11)
    assert both["consumption"]["value"].sum() == 33.0
    for kind in ("index", "consumption"):
        assert both[kind].equals(direct.readings(kind, *year, _us(T0), meter_ids=[2]))


@pytest.mark.parametrize("settled", [False, True])
def test_each_kind_is_read_over_its_own_window(stores, settled):
    """Meter 2, as_of T0: index readings of January 2024 (1, 11, 21 and 31 January 2024 are
    on the 10-day grid from 1 November 2023: 10, 20 and 30 January, 3 readings) with the
    period readings of the whole of 2024 (11 read in it, 1 February to 1 December), in one
    pass; each kind the same rows as asked alone over its window."""
    kept, _, direct = stores
    store = kept if settled else direct
    january = (_us(datetime(2024, 1, 1, tzinfo=UTC)), _us(datetime(2024, 1, 31, 23, 59, tzinfo=UTC)))
    year = (_us(datetime(2024, 1, 1, tzinfo=UTC)), _us(datetime(2024, 12, 31, 23, 59, tzinfo=UTC)))
    both = store.readings_by_kind({"index": january, "consumption": year}, _us(T0), meter_ids=[2], settled=settled)
    assert (both["index"].height, both["consumption"].height) == (3, 11)
    assert both["index"].equals(direct.readings("index", *january, _us(T0), meter_ids=[2]))
    assert both["consumption"].equals(direct.readings("consumption", *year, _us(T0), meter_ids=[2]))


def test_a_reading_recorded_after_the_cut_off_is_not_there(stores):
    kept, _, _ = stores
    june = (_us(datetime(2024, 6, 15, tzinfo=UTC)), _us(datetime(2024, 6, 16, tzinfo=UTC)))
    before = kept.readings("index", *june, _us(T0), meter_ids=[1], settled=True)
    after = kept.readings("index", *june, _us(T1), meter_ids=[1], settled=True)
    assert before["value"].to_list() == []
    assert after["value"].to_list() == [999.0]


def test_a_live_view_is_read_from_the_database_every_time(stores):
    kept, cache, _ = stores
    now = _us(datetime.now(UTC))
    window = (_us(datetime(2024, 1, 1, tzinfo=UTC)), _us(datetime(2024, 2, 1, tzinfo=UTC)))
    assert kept.readings("index", *window, now, meter_ids=[2]).height == 3  # 10, 20 and 30 January
    assert (cache.loads, len(cache)) == (0, 0)


def test_a_short_window_is_read_from_the_database_until_its_years_are_kept(stores):
    """A month with its margins (65 days) reads the database, not two years; once a long window
    (a year's export) kept 2024, the same month is cut out of it."""
    kept, cache, direct = stores
    month = ("index", _us(datetime(2024, 3, 1, tzinfo=UTC)), _us(datetime(2024, 5, 5, tzinfo=UTC)), _us(T0))
    assert kept.readings(*month, settled=True).equals(direct.readings(*month))
    assert (cache.loads, len(cache)) == (0, 0)
    year = ("index", _us(datetime(2024, 1, 1, tzinfo=UTC)), _us(datetime(2024, 12, 31, tzinfo=UTC)), _us(T0))
    kept.readings(*year, settled=True)
    hits = cache.hits
    assert kept.readings(*month, settled=True).equals(direct.readings(*month))
    assert (cache.loads, cache.hits) == (1, hits + 1)


def test_a_summer_is_read_once_per_cut_off_and_gives_the_figures_of_a_fresh_read(stores):
    """The normalisation's summers at a settled cut-off: the summer of 2024 (meter 1, heating)
    asked by two exports is read once (the second ask reads no readings), and its figures are
    those of a service reading the database every time; a later cut-off reads it anew."""
    kept, cache, direct = stores
    service, fresh = ConsumptionService(kept), ConsumptionService(direct)
    reads = []
    read = kept._read_readings
    kept._read_readings = lambda *a, **k: reads.append(a[0]) or read(*a, **k)  # type: ignore[method-assign]
    meters = service.meters()
    first = service._summers(2024, 2024, T0, meters)
    n = len(reads)
    again = service._summers(2024, 2024, T0, meters)
    assert n > 0 and len(reads) == n
    assert first.equals(again) and first.equals(fresh._summers(2024, 2024, T0, meters))
    assert first.filter(pl.col("meter_id") == 1).height == 3  # June, July, August
    service._summers(2024, 2024, T1, meters)
    assert len(reads) > n
