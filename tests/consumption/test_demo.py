"""The consumption demo generator: deterministic, messy on purpose, loadable through gRPC."""

from datetime import date
from types import SimpleNamespace

from services.demo.meters import demo_meters, demo_readings, load_consumption_demo
from services.demo.weather import daily_temperatures
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
    # January is colder than July in the synthetic weather
    jan = temps.filter(temps["day"].dt.month() == 1)["tx"].mean()
    jul = temps.filter(temps["day"].dt.month() == 7)["tx"].mean()
    assert jan + 10 < jul


def test_load_through_grpc_finds_the_leak_and_refuses_conflicting_resends(tmp_path):
    with running_server(
        __import__("services.consumption.server", fromlist=["build"]).build,
        (f"sqlite:///{tmp_path / 'demo.db'}", ""),
        auth=False,
    ) as (channel, _):
        summary = load_consumption_demo(channel, BUILDINGS, UNITS, seed=5, first=date(2023, 1, 1), days=400)
    assert summary["readings_rejected"] == summary["resent_conflicting"] > 0
    assert summary["readings_duplicates"] >= summary["resent_identical"]
    assert (
        summary["readings_accepted"] + summary["readings_duplicates"] + summary["readings_rejected"]
        == (summary["readings_sent"])
    )
    assert summary["anomalies"].get("leak", 0) >= summary["injected"]["leaks"]
    assert "synthetic" in summary["weather"]
    gas = summary["consumption_2024"]["natural_gas (m3)"]
    assert gas["kwh_pci"] > 0
