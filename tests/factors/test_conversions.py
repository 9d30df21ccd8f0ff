"""Conversions are data with a source; each row works both ways."""

import polars as pl
import pytest

from services.factors.domain.conversions import convert, parse_conversions
from services.factors.errors import InvalidActivity, InvalidFactorSet


def test_pcs_pci_both_ways(conversions):
    # PCS/PCI = 1.11 (DPE arrêté 15/09/2006 annexe 3): 10,000 kWh PCS = 9,009.009 kWh PCI.
    value, multiplier, source = convert(10_000.0, "natural_gas", "kWh PCS", "kWh PCI", conversions)
    assert value == pytest.approx(9009.009, abs=1e-3)
    assert "annexe 3" in source
    assert convert(1000.0, "natural_gas", "kWh PCI", "kWh PCS", conversions)[0] == pytest.approx(1110.0)
    assert convert(5.0, "natural_gas", "kWh PCS", "kWh PCS", conversions) == (5.0, 1.0, "")


def test_heating_oil_litres_to_kwh_pci_is_sourced(conversions):
    """Issue 13, item 4: heating oil in litres needs a sourced kWh PCI per litre.

    ADEME v23.6 fioul domestique: ID 14087 = 3.25 kgCO2e/litre, ID 14085 = 0.325 kgCO2e/kWh PCI,
    so 1 litre = 3.25 / 0.325 = 10.0 kWh PCI; 1,500 litres = 15,000 kWh PCI, and back,
    15,000 kWh PCI = 1,500 litres."""
    value, multiplier, source = convert(1500.0, "heating_oil", "litre", "kWh PCI", conversions)
    assert (value, multiplier) == (pytest.approx(15_000.0), 10.0)
    assert "ID 14087" in source and "ID 14085" in source
    assert convert(15_000.0, "heating_oil", "kWh PCI", "litre", conversions)[0] == pytest.approx(1500.0)


def test_no_unsourced_conversion(conversions):
    # No m3 <-> kWh coefficient for natural gas is a constant (it is the meter's, by period).
    with pytest.raises(InvalidActivity, match="no conversion from 'm3' to 'kWh PCS'"):
        convert(1.0, "natural_gas", "m3", "kWh PCS", conversions)


def test_bad_conversion_rows_are_rejected(units):
    raw = pl.DataFrame(
        {
            "carrier": ["natural_gas", "x"],
            "from_unit": ["kWh PCS", "kWh"],
            "to_unit": ["kWh PCI", "therm"],
            "multiplier": ["0", "2"],
            "source": ["s", ""],
        }
    )
    with pytest.raises(InvalidFactorSet) as caught:
        parse_conversions(raw, units)
    text = "\n".join(caught.value.problems)
    assert "row 1 (natural_gas: kWh PCS -> kWh PCI): multiplier: must be a finite positive number" in text
    assert "row 2 (x: kWh -> therm): to_unit: unknown unit" in text
    assert "row 2 (x: kWh -> therm): source: required" in text
