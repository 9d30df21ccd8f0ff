"""Energy per carrier, fossil share, emission lines by scope with their uncertainty, intensities
(services/reporting/domain/energy.py), worked by hand. The factor values below are fixture
numbers chosen for easy arithmetic (gas: the ADEME 37132 combustion/upstream split), not a
report's factors: those come from the factors service."""

import math
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from services.reporting.domain.energy import (
    emission_lines,
    emissions_by_scope,
    energy_by_carrier,
    fossil_share,
    intensities,
    water_m3,
)

FRAMES = pl.read_csv(Path(__file__).resolve().parents[2] / "services/reporting/data/emission_frames.csv")
JAN = datetime(2025, 1, 1, tzinfo=UTC)
FIGURES = pl.DataFrame(
    {
        "meter_ref": ["M1", "M2", "M3", "M4", "M5"],
        "building_id": ["B1", "B1", "B2", "B2", "B2"],
        "month_start": [JAN] * 5,
        "carrier": ["natural_gas", "electricity", "heating_oil", "district_heating", "cold_water"],
        "quantity": [11_100.0, 2_000.0, 950.0, 5_000.0, 30.0],
        "kwh_pci": [10_000.0, 2_000.0, math.nan, 5_000.0, math.nan],
        "estimated_share": [0.2, 0.0, 0.0, 0.0, 0.5],
    }
)
FACTORS = pl.DataFrame(
    {
        "carrier": ["natural_gas", "natural_gas", "electricity", "electricity"],
        "boundary": ["combustion", "upstream", "combustion", "upstream"],
        "factor_key": ["gas.comb", "gas.up", "elec.comb", "elec.up"],
        "set_version": ["set@1"] * 4,
        "kgco2e_per_kwh": [0.201, 0.0382, 0.05, 0.01],
        "uncertainty_pct": [5.0, 5.0, 10.0, 10.0],
        "fallback": [False] * 4,
    }
)


def test_energy_by_carrier_water_apart_and_unconverted_counted():
    """gas 10,000 kWh of which 20 % estimated = 2,000; electricity 2,000; district heating 5,000;
    heating oil: 950 litres with no kWh -> 0 kWh and 1 unconverted figure (not dropped).
    Cold water is not energy: 30 m3, 15 of them estimated."""
    by_carrier = energy_by_carrier(FIGURES)
    assert by_carrier.select("carrier", "kwh_pci", "estimated_kwh", "unconverted_figures").rows() == [
        ("district_heating", 5_000.0, 0.0, 0),
        ("electricity", 2_000.0, 0.0, 0),
        ("heating_oil", 0.0, 0.0, 1),
        ("natural_gas", 10_000.0, 2_000.0, 0),
    ]
    assert by_carrier["estimated_share"].to_list() == [0.0, 0.0, None, 0.2]
    assert water_m3(FIGURES).rows() == [("cold_water", 30.0, 15.0)]
    # fossil: gas 10,000 / (5,000 + 2,000 + 0 + 10,000) = 0.588235
    assert fossil_share(by_carrier, FRAMES) == pytest.approx(10_000 / 17_000)


def test_emission_lines_by_scope_with_unresolved_lines():
    """gas combustion 10,000 x 0.201 = 2,010 kg (scope 1, BEGES 1.1); gas upstream x 0.0382 =
    382 (scope 3); electricity 2,000 x 0.05 = 100 (scope 2); upstream x 0.01 = 20 (scope 3).
    District heating has no factor: one unresolved line with its 5,000 kWh; heating oil has no
    kWh: one unresolved line. Scope totals: 1 = 2,010 +- 100.5 (5 %); 2 = 100 +- 10 (10 %);
    3 = 402, its two factors independent: sqrt(19.1^2 + 2^2) = 19.204."""
    lines = emission_lines(FIGURES, FACTORS, FRAMES)
    resolved = lines.filter(pl.col("resolved"))
    assert resolved.select("meter_ref", "boundary", "ghg_scope", "beges_poste").rows() == [
        ("M1", "combustion", "1", "1.1 direct emissions from fixed combustion sources"),
        ("M1", "upstream", "3", "4.1 purchased goods (upstream of energy)"),
        ("M2", "combustion", "2", "2.1 indirect emissions from electricity consumption"),
        ("M2", "upstream", "3", "4.1 purchased goods (upstream of energy)"),
    ]
    assert resolved["kgco2e"].to_list() == pytest.approx([2010.0, 382.0, 100.0, 20.0])
    unresolved = lines.filter(~pl.col("resolved"))
    assert unresolved.select("meter_ref", "kwh_pci").rows()[0] == ("M3", pytest.approx(math.nan, nan_ok=True))
    assert unresolved["meter_ref"].to_list() == ["M3", "M4"]
    assert unresolved["reason"].to_list() == [
        "no kWh PCI: the quantity could not be converted",
        "no emission factor resolved for this carrier and period",
    ]
    assert "M5" not in lines["meter_ref"].to_list()  # water has no emissions line

    scopes = emissions_by_scope(lines)
    assert scopes["ghg_scope"].to_list() == ["1", "2", "3"]
    assert scopes["kgco2e"].to_list() == pytest.approx([2010.0, 100.0, 402.0])
    assert scopes["uncertainty_kgco2e"].to_list() == pytest.approx([100.5, 10.0, math.sqrt(19.1**2 + 2**2)])


def test_lines_of_one_factor_share_its_error():
    """Two gas meters of 5,000 kWh each on the same factor (5 %): 1,005 + 1,005 kg with
    U = 2,010 x 5 % = 100.5, as for one meter of 10,000 kWh, not sqrt(2) x 50.25 = 71.1."""
    two = FIGURES.head(1).with_columns(pl.lit(5_000.0).alias("kwh_pci"))
    two = pl.concat([two, two.with_columns(pl.lit("M1b").alias("meter_ref"))])
    scopes = emissions_by_scope(emission_lines(two, FACTORS, FRAMES))
    assert scopes.filter(pl.col("ghg_scope") == "1")["uncertainty_kgco2e"].item() == pytest.approx(100.5)


def test_intensities_and_an_empty_perimeter():
    """2,512 kg and 17,000 kWh over B1 (1,000 m2, 10 dwellings) and B2 (500 m2, 5 dwellings):
    2,512 / 1,500 = 1.6747 kg/m2, 17,000 / 1,500 = 11.333 kWh/m2, 2,512 / 15 = 167.47 kg/dwelling.
    A perimeter with no floor area has no intensity (None), never a division by zero."""
    buildings = pl.DataFrame({"building_id": ["B1", "B2"], "heated_area_m2": [1000.0, 500.0], "dwellings": [10, 5]})
    figures = intensities(2512.0, 17_000.0, buildings)
    assert figures == pytest.approx(
        {"kgco2e_per_m2": 2512 / 1500, "kwh_per_m2": 17_000 / 1500, "kgco2e_per_dwelling": 2512 / 15}
    )
    assert intensities(10.0, 10.0, buildings.clear()) == {
        "kgco2e_per_m2": None,
        "kwh_per_m2": None,
        "kgco2e_per_dwelling": None,
    }
