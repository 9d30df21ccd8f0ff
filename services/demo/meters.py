"""Demo meters and daily readings for a portfolio's buildings (loaded by ``demo.consumption``).

Every building gets a common-electricity meter (kWh, 6-digit register) and a general cold-water
meter (m3, 5 digits); buildings with a collective plant also get a heating meter: natural gas in
m3 (5 digits, with monthly kWh PCS/m3 coefficients), district heating in kWh or heating oil in
litres. Individually heated buildings have no landlord heating meter (the tenants' contracts).

Daily readings at local midnight, DEMO VALUES driven by the synthetic weather (heating = base load
+ a share per degree day), with the mess of real data injected, deterministic from the seed:
rollovers (some registers start close to their maximum), replacements (about 1 % of meters, with
their replacement record), gaps (a run of 3-10 missing days on 1 meter in 5), duplicates (0.5 % of
readings re-sent identically, a few re-sent with another value: refused), a misread register now
and then, stuck registers (an energy meter in 150 frozen for two weeks, then catching up), one
water leak per ~200 meters (seven days at five times the usual flow), and a handful of spoilt
records (negative index, unknown meter, wrong unit, NaN, out of order) that the service refuses.
"""

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl

from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.demo.weather import PARIS, TIME_ZONE, dju_meteo
from services.runtime.timestamps import to_timestamp

COLLECTIVE = {"collective_gas": "natural_gas", "district_heating": "district_heating", "heating_oil": "heating_oil"}
# per dwelling and day: base load (hot water) and heating per degree day, in the heating meter's unit
KWH_BASE_PER_DWELLING, KWH_PER_DJU_PER_DWELLING = 6.0, 1.3
KWH_PCS_PER_M3 = 11.2  # demo coefficient around which the monthly coefficients vary
KWH_PCI_PER_LITRE_OIL = 10.0  # demo only, to size litres; the service converts litres with supplied data
ELEC_PER_DWELLING, WATER_PER_DWELLING = 1.4, 0.32
BATCH = 20_000
METERS_PER_LEAK = 200  # one water leak per this many meters
STUCK_DAYS = 14  # days of zero consumption on a stuck register (the flat-line rule's threshold)
SPOILT_EACH = 2  # records of each kind of bad input sent on purpose


def demo_meters(buildings: Sequence, seed: int) -> list[pb.Meter]:
    """Meters for buildings having ``id, dwellings, heating_system, weather_station``."""
    out = []
    for b in buildings:
        station = b.weather_station or "DEMO"
        carrier = COLLECTIVE.get(b.heating_system)
        if carrier:
            unit, digits = {"natural_gas": ("m3", 5), "district_heating": ("kWh", 7), "heating_oil": ("litre", 6)}[
                carrier
            ]
            out.append(
                pb.Meter(
                    meter_ref=f"HEAT-{b.id}",
                    building_id=b.id,
                    carrier=carrier,
                    unit=unit,
                    usage="heating_hot_water",
                    recoverable=True,
                    charge_category="heating_energy",
                    register_digits=digits,
                    reading_kind="index",
                    weather_station=station,
                )
            )
        out.append(
            pb.Meter(
                meter_ref=f"ELEC-{b.id}",
                building_id=b.id,
                carrier="electricity",
                unit="kWh",
                usage="common_electricity",
                recoverable=True,
                charge_category="common_electricity",
                register_digits=6,
                reading_kind="index",
                weather_station=station,
            )
        )
        out.append(
            pb.Meter(
                meter_ref=f"WATER-{b.id}",
                building_id=b.id,
                carrier="cold_water",
                unit="m3",
                usage="water",
                recoverable=True,
                charge_category="cold_water",
                register_digits=5,
                reading_kind="index",
                weather_station=station,
            )
        )
    return out


def gas_coefficients(meters: list[pb.Meter], first: date, months: int, seed: int) -> list[pb.GasCoefficient]:
    rng = random.Random(f"gas-{seed}")
    out = []
    for n in range(months):
        year, month = first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1
        coefficient = round(KWH_PCS_PER_M3 + rng.uniform(-0.15, 0.15), 3)  # one gas quality per month
        for m in meters:
            if m.carrier == "natural_gas":
                out.append(
                    pb.GasCoefficient(
                        meter_ref=m.meter_ref,
                        valid_from=to_timestamp(datetime(year, month, 1, tzinfo=PARIS)),  # from the local month start
                        kwh_pcs_per_m3=coefficient,
                        source="synthetic demo coefficient",
                    )
                )
    return out


def demo_readings(
    meters: list[pb.Meter], dwellings: dict[str, int], temperatures: pl.DataFrame, first: date, days: int, seed: int
) -> tuple[pl.DataFrame, list[pb.Replacement], dict]:
    """-> (readings ``meter_ref, unit, read_at, value``, replacement records, what was injected)."""
    rng = random.Random(f"readings-{seed}")
    m = pl.DataFrame(
        [(x.meter_ref, x.building_id, x.carrier, x.unit, x.register_digits, x.weather_station) for x in meters],
        schema=["meter_ref", "building_id", "carrier", "unit", "digits", "station"],
        orient="row",
    ).with_columns(dwellings=pl.col("building_id").replace_strict(dwellings, return_dtype=pl.Float64))
    dju = temperatures.select("station", "day", dju=dju_meteo(pl.col("tn"), pl.col("tx")))
    grid = m.join(pl.select(day=pl.date_range(first, first + timedelta(days=days - 1), eager=True)), how="cross")
    grid = grid.join(dju, on=["station", "day"], how="left").with_columns(pl.col("dju").fill_null(0.0))
    noise = 0.85 + (pl.struct("meter_ref", "day").hash(seed) % 300).cast(pl.Float64) / 1000.0
    heat_kwh = pl.col("dwellings") * (KWH_BASE_PER_DWELLING + KWH_PER_DJU_PER_DWELLING * pl.col("dju"))
    daily = (
        pl.when(pl.col("carrier") == "natural_gas")
        .then(heat_kwh / KWH_PCS_PER_M3)
        .when(pl.col("carrier") == "heating_oil")
        .then(heat_kwh / KWH_PCI_PER_LITRE_OIL)
        .when(pl.col("carrier") == "district_heating")
        .then(heat_kwh)
        .when(pl.col("carrier") == "electricity")
        .then(pl.col("dwellings") * ELEC_PER_DWELLING)
        .otherwise(pl.col("dwellings") * WATER_PER_DWELLING)
    ) * noise
    refs = m["meter_ref"].to_list()
    water = [r for r in refs if r.startswith("WATER-")]
    n_leaks = min(len(water), max(1, len(refs) // METERS_PER_LEAK))
    leaks = {r: rng.randrange(30, max(31, days - 10)) for r in rng.sample(water, n_leaks)}
    leak_day = pl.col("meter_ref").replace_strict(leaks, default=None, return_dtype=pl.Int32)
    day_n = (pl.col("day") - pl.lit(first)).dt.total_days()
    in_leak = (day_n >= leak_day) & (day_n < leak_day + 7)
    grid = grid.with_columns(inc=pl.when(in_leak.fill_null(False)).then(daily * 5).otherwise(daily))
    near_max = set(rng.sample(refs, max(1, len(refs) // 20)))
    wrap = 10.0 ** pl.col("digits")
    start = (
        pl.when(pl.col("meter_ref").is_in(list(near_max)))
        .then(wrap * 0.995)
        .otherwise((pl.col("meter_ref").hash(seed) % 1000).cast(pl.Float64) * wrap / 4000)
    )
    grid = grid.with_columns(total=pl.col("inc").cum_sum().over("meter_ref", order_by="day") - pl.col("inc"))
    # replacements: 1 % of meters, at noon of a random day; the new register starts at 0
    replaced = (
        {r: rng.randrange(60, days - 60) for r in rng.sample(refs, max(1, len(refs) // 100))} if days > 150 else {}
    )
    rday = pl.col("meter_ref").replace_strict(replaced, default=None, return_dtype=pl.Int32)
    at_replacement = grid.filter(day_n == rday).select(
        "meter_ref",
        "digits",
        cut=pl.col("total") + pl.col("inc") / 2,
        old=((start + pl.col("total") + pl.col("inc") / 2) % wrap),
    )
    cut = dict(at_replacement.select("meter_ref", "cut").iter_rows())
    after = (day_n > rday).fill_null(False)
    value = (
        pl.when(after)
        .then(pl.col("total") - pl.col("meter_ref").replace_strict(cut, default=0.0))
        .otherwise(start + pl.col("total"))
    )
    read_at = pl.col("day").cast(pl.Datetime("us")).dt.replace_time_zone(TIME_ZONE).dt.convert_time_zone("UTC")
    readings = grid.select("meter_ref", "unit", "day", read_at=read_at, value=(value % wrap).round(3))
    # stuck registers: an energy meter in 150 shows the same index for STUCK_DAYS days, then catches up
    energy = [r for r in refs if not r.startswith("WATER-") and r not in replaced]
    n_stuck = min(len(energy), max(1, len(refs) // 150)) if days > 100 else 0
    stuck = {r: first + timedelta(days=rng.randrange(40, days - 40)) for r in rng.sample(energy, n_stuck)}
    s0 = pl.col("meter_ref").replace_strict(stuck, default=None, return_dtype=pl.Date)
    frozen = (pl.col("day") >= s0) & (pl.col("day") <= s0 + timedelta(days=STUCK_DAYS))
    readings = readings.with_columns(
        value=pl.when(frozen.fill_null(False))
        .then(pl.col("value").filter(pl.col("day") == s0).first().over("meter_ref"))
        .otherwise("value")
    ).drop("day")
    replacements = [
        pb.Replacement(
            meter_ref=r,
            replaced_at=to_timestamp(
                datetime.combine(first + timedelta(days=replaced[r]), datetime.min.time(), tzinfo=UTC)
                + timedelta(hours=12)
            ),
            old_last_index=round(old, 3),
            new_first_index=0.0,
        )
        for r, old in at_replacement.select("meter_ref", "old").iter_rows()
    ]
    # gaps: one meter in five loses 3-10 consecutive days
    gaps = []
    for r in refs:
        if rng.random() < 0.2:
            g0 = rng.randrange(5, days - 15)
            gaps.append((r, first + timedelta(days=g0), first + timedelta(days=g0 + rng.randint(3, 10))))
    if gaps:
        g = pl.DataFrame(
            gaps, schema=["meter_ref", "g0", "g1"], orient="row", schema_overrides={"g0": pl.Date, "g1": pl.Date}
        )
        day = pl.col("read_at").dt.convert_time_zone(TIME_ZONE).dt.date()
        readings = (
            readings.join(g, on="meter_ref", how="left")
            .filter(~((day >= pl.col("g0")) & (day < pl.col("g1"))).fill_null(False))
            .drop("g0", "g1")
        )
    # a misread now and then: one reading in 20,000 comes in at half its value
    misread = (pl.struct("meter_ref", "read_at").hash(seed + 1) % 20_000) == 0
    readings = readings.with_columns(value=pl.when(misread).then((pl.col("value") / 2).round(3)).otherwise("value"))
    injected = {
        "rollover_candidates": len(near_max),
        "replacements": len(replacements),
        "gaps": len(gaps),
        "leaks": len(leaks),
        "stuck_registers": len(stuck),
        "misreads": readings.filter(misread).height,
    }
    return readings.sort("meter_ref", "read_at"), replacements, injected


def spoilt_readings(readings: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int]]:
    """Records a careless sender would send, ``SPOILT_EACH`` of each kind, made from real readings:
    a negative index, an unknown meter, a unit that is not the meter's, a NaN, and a reading dated
    in year 1 (outside the 1900-2200 window of instants)."""
    step = max(1, readings.height // (6 * SPOILT_EACH))
    base = readings.gather_every(step).head(5 * SPOILT_EACH)
    part = [base.slice(k * SPOILT_EACH, SPOILT_EACH) for k in range(5)]
    year_one = pl.lit(datetime(1, 1, 1, tzinfo=UTC)).cast(readings.schema["read_at"])
    frames = [
        part[0].with_columns(value=-pl.col("value") - 1.0),
        part[1].with_columns(meter_ref=pl.lit("NO-SUCH-METER-") + pl.col("meter_ref")),
        part[2].with_columns(unit=pl.when(pl.col("unit") == "kWh").then(pl.lit("m3")).otherwise(pl.lit("kWh"))),
        part[3].with_columns(value=pl.lit(float("nan"))),
        part[4].with_columns(read_at=year_one),
    ]
    kinds = ["negative index", "unknown meter", "unit not the meter's", "NaN value", "dated year 1"]
    sent = {k: p.height for k, p in zip(kinds, part, strict=True)}
    return pl.concat(frames), sent


def reading_batches(readings: pl.DataFrame, seed: int) -> tuple[list[pb.IngestReadingsRequest], dict[str, Any]]:
    """Batches of readings, then the re-sends (identical duplicates, a few conflicting ones) and a
    batch of spoilt records. -> (batches, how many of each were sent)."""
    dup = readings.filter((pl.struct("meter_ref", "read_at").hash(seed + 2) % 200) == 0)
    conflicting = dup.head(max(1, dup.height // 50)).with_columns(value=pl.col("value") + 1.0)
    spoilt, spoilt_kinds = spoilt_readings(readings)
    out = []
    for name, frame in (("demo", readings), ("resend", dup), ("conflict", conflicting), ("spoilt", spoilt)):
        for i, offset in enumerate(range(0, frame.height, BATCH)):
            part = frame.slice(offset, BATCH)
            out.append(
                pb.IngestReadingsRequest(
                    batch_id=f"{name}-{i}",
                    meter_ref=part["meter_ref"].to_list(),
                    kind=["index"] * part.height,
                    read_at_us=part["read_at"].dt.epoch("us").to_list(),
                    value=part["value"].to_list(),
                    unit=part["unit"].to_list(),
                )
            )
    sent = {"resent_identical": dup.height, "resent_conflicting": conflicting.height, "spoilt": spoilt_kinds}
    return out, sent
