"""The consumption demo generator: deterministic, messy on purpose, loadable through gRPC."""

from datetime import date
from types import SimpleNamespace

import pytest

from services.consumption.server import build
from services.demo.consumption import load_consumption_demo
from services.demo.meters import demo_meters, demo_readings, reading_batches
from services.demo.weather import daily_temperatures, normal_batch
from tests.conftest import running_server

BUILDINGS = [
    SimpleNamespace(id=f"B{i}", dwellings=20 + i, heating_system=h, weather_station="S1" if i % 2 else "S2")
    for i, h in enumerate(["collective_gas", "district_heating", "individual_gas", "heating_oil"] * 80)
]
UNITS = [SimpleNamespace(ug_id=f"UG{i}", building_id="B0", kind="dwelling") for i in range(3)]


def test_same_seed_same_data_and_the_mess_is_there():
    meters = demo_meters(BUILDINGS[:40], seed=3)
    temps = daily_temperatures(["S1", "S2"], date(2023, 1, 1), 400, seed=3)
    a, repl_a, injected = demo_readings(meters, {b.id: b.dwellings for b in BUILDINGS}, temps, date(2023, 1, 1), 400, 3)
    b, repl_b, _ = demo_readings(meters, {b.id: b.dwellings for b in BUILDINGS}, temps, date(2023, 1, 1), 400, 3)
    assert a.equals(b) and repl_a == repl_b
    assert injected["leaks"] >= 1 and injected["replacements"] >= 1 and injected["gaps"] >= 1
    assert injected["stuck_registers"] >= 1
    # January is colder than July in the synthetic weather
    jan = temps.filter(temps["day"].dt.month() == 1)["tx"].mean()
    jul = temps.filter(temps["day"].dt.month() == 7)["tx"].mean()
    assert jan + 10 < jul


def test_normals_are_the_same_climate_as_the_weather():
    # 30 synthetic years before 2023 against the 2023-2025 draw: the January normal of a station is
    # within a couple of degree days a day of the three Januaries' mean
    normals = {(n.station, n.month_of_year): n for n in normal_batch(["S1"], 2023, seed=3).normals}
    assert len(normals) == 12 and normals[("S1", 1)].ref_period == "1993-2022 (synthetic)"
    temps = daily_temperatures(["S1"], date(2023, 1, 1), 1096, seed=3)
    jan = temps.filter(temps["day"].dt.month() == 1)
    jan_dju = (18 - (jan["tn"] + jan["tx"]) / 2).clip(lower_bound=0).sum() / 3
    assert abs(normals[("S1", 1)].dju_ref - jan_dju) < 2 * 31
    assert normals[("S1", 7)].dju_ref < normals[("S1", 1)].dju_ref / 5


def test_spoilt_records_are_one_of_each_kind_per_count():
    meters = demo_meters(BUILDINGS[:8], seed=3)
    temps = daily_temperatures(["S1", "S2"], date(2023, 1, 1), 120, seed=3)
    readings, _, _ = demo_readings(meters, {b.id: b.dwellings for b in BUILDINGS}, temps, date(2023, 1, 1), 120, 3)
    batches, sent = reading_batches(readings, seed=3)
    (spoilt,) = [b for b in batches if b.batch_id.startswith("spoilt")]
    assert sent["spoilt"] == {
        "negative index": 2,
        "unknown meter": 2,
        "unit not the meter's": 2,
        "NaN value": 2,
        "dated year 1": 2,
    }
    # a reading dated 0001-01-01 (issue 12, "What was seen": it used to be accepted)
    assert spoilt.read_at_us[-1] == -62135596800 * 1_000_000


def test_load_through_grpc_finds_what_was_injected_and_refuses_exactly_the_bad_records(tmp_path):
    with running_server(build, (f"sqlite:///{tmp_path / 'demo.db'}", ""), auth=False) as (channel, _):
        s = load_consumption_demo(channel, BUILDINGS, UNITS, seed=5, first=date(2023, 1, 1), days=400)
    # refused: the conflicting re-sends and one record per spoilt count
    assert s["readings_rejected"] == s["resent_conflicting"] + sum(s["spoilt"].values())
    assert s["readings_duplicates"] == s["resent_identical"]
    assert s["readings_accepted"] + s["readings_duplicates"] + s["readings_rejected"] == s["readings_sent"]
    fields = {(r["field"], r["records"]) for r in s["rejections"]}
    assert ("meter_ref", 2) in fields and ("unit", 2) in fields and ("read_at", 2) in fields
    assert s["anomalies"]["leak"] >= s["injected"]["leaks"]
    assert s["anomalies"]["stuck_register"] >= s["injected"]["stuck_registers"]
    assert all(a["detail"] for examples in s["anomaly_examples"].values() for a in examples)
    assert "synthetic" in s["weather"] and "synthetic" in s["normals"]
    gas_2023 = [r for r in s["per_year"] if r["carrier"] == "natural_gas" and r["year"] == 2023]
    assert gas_2023[0]["kwh_pci"] > 0
    oil = [r for r in s["per_year"] if r["carrier"] == "heating_oil"]
    # litres converted at 10.0 kWh PCI per litre (factors/conversions.csv, implied by ADEME 14087 / 14085)
    assert oil and all(r["unit"] == "litre" and r["kwh_pci"] == pytest.approx(r["quantity"] * 10.0) for r in oil)
    assert s["charges_year"] == 2023
    assert {c["category"] for c in s["charges"]} >= {"cold_water", "common_electricity", "heating_energy"}
    # the charge-control table is read back through ExportChargeControl: its provisions are those sent,
    # its recoverable costs those of the monthly export's recoverable meters for the year
    check = s["charges_check"]
    assert sum(c["provisions_eur"] for c in s["charges"]) == pytest.approx(check["provisions_sent_eur"])
    assert check["provisions_sent_eur"] > 0
    costs = sum(c["recoverable_cost_eur"] for c in s["charges"])
    assert costs == pytest.approx(check["recoverable_cost_monthly_export_eur"]) and costs > 0
    assert all(c["dwellings"] == len(UNITS) for c in s["charges"] if c["provisions_eur"])
    heating_2023 = [h for h in s["heating"] if h["year"] == 2023][0]
    assert 0.8 < heating_2023["normalised_kwh"] / heating_2023["kwh_pci"] < 1.2
