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


def test_no_unsourced_conversion(conversions):
    # No litre <-> kWh coefficient for heating oil is given a source by the reference.
    with pytest.raises(InvalidActivity, match="no conversion from 'litre' to 'kWh PCI'"):
        convert(1.0, "heating_oil", "litre", "kWh PCI", conversions)


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
