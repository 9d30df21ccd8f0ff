"""m3 -> kWh PCS -> kWh PCI, with coefficients that come as data."""

from datetime import UTC, datetime

import polars as pl
import pytest

from services.consumption.domain.conversions import to_kwh


def d(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


CONVERSIONS = pl.DataFrame(
    {
        "carrier": ["natural_gas", "heating_oil"],
        "from_unit": ["kWh PCI", "litre"],
        "to_unit": ["kWh PCS", "kWh PCI"],
        "multiplier": [1.11, 10.0],
        "source": ["DPE arrete 15/09/2006 annexe 3", "test coefficient"],
    }
)
METERS = pl.DataFrame(
    {
        "meter_id": [1, 2, 3, 4, 5],
        "carrier": ["natural_gas", "natural_gas", "heating_oil", "cold_water", "electricity"],
        "unit": ["m3", "kWh PCS", "litre", "m3", "kWh"],
    }
)
GAS = pl.DataFrame(
    {
        "meter_id": [1, 1],
        "valid_from": [d(2023, 12, 1), d(2024, 2, 1)],
        "kwh_pcs_per_m3": [11.1, 11.655],
        "source": ["supplier, Dec", "supplier, Feb"],
    }
)


def test_gas_m3_to_kwh_pcs_to_kwh_pci_with_the_period_coefficient():
    # January: 100 m3 x 11.1 = 1 110 kWh PCS; / 1.11 = 1 000 kWh PCI
    # February: 100 m3 x 11.655 = 1 165.5 kWh PCS; / 1.11 = 1 050 kWh PCI
    periods = pl.DataFrame(
        {"meter_id": [1, 1], "period_start": [d(2024, 1, 1), d(2024, 2, 1)], "quantity": [100.0, 100.0]}
    )
    out = to_kwh(periods, METERS, CONVERSIONS, GAS)
    assert out["kwh_pcs"].to_list() == pytest.approx([1110.0, 1165.5])
    assert out["kwh_pci"].to_list() == pytest.approx([1000.0, 1050.0])
    assert "11.1 (supplier, Dec)" in out["conversion"][0]


def test_other_units():
    periods = pl.DataFrame(
        {"meter_id": [2, 3, 4, 5], "period_start": [d(2024, 1, 1)] * 4, "quantity": [222.0, 50.0, 9.0, 7.0]}
    )
    out = to_kwh(periods, METERS, CONVERSIONS, GAS)
    # kWh PCS billed gas: 222 / 1.11 = 200; oil: 50 litres x 10 = 500; water: none; electricity as is
    assert out["kwh_pci"].to_list() == pytest.approx([200.0, 500.0, None, 7.0], nan_ok=True)
    assert out["kwh_pcs"].to_list()[:2] == [222.0, None]


def test_missing_coefficients_are_null_and_say_why():
    periods = pl.DataFrame({"meter_id": [1, 3], "period_start": [d(2023, 1, 1)] * 2, "quantity": [100.0, 50.0]})
    out = to_kwh(periods, METERS, CONVERSIONS.filter(pl.col("carrier") == "natural_gas"), GAS)
    assert out["kwh_pci"].to_list() == [None, None]
    assert out["conversion"].to_list() == [
        "no kWh PCS/m3 coefficient for this meter and period",
        "no sourced kWh PCI per litre for heating_oil",
    ]
