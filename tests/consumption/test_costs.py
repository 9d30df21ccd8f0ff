"""Costs from prices in force per period."""

from datetime import UTC, datetime

import polars as pl
import pytest

from services.consumption.domain.costs import monthly_costs


def d(*a: int) -> datetime:
    return datetime(*a, tzinfo=UTC)


def test_gas_priced_per_kwh_pcs_with_a_fixed_part_and_a_price_change():
    # Jan: 1 110 kWh PCS x 0.10 + 20 = 131; Feb (new price, half covered): 1 000 x 0.12 + 20 x 0.5 = 130
    monthly = pl.DataFrame(
        {
            "meter_id": [1, 1, 2],
            "period_start": [d(2024, 1, 1), d(2024, 2, 1), d(2024, 1, 1)],
            "quantity": [100.0, 90.0, 10.0],
            "kwh_pcs": [1110.0, 1000.0, None],
            "kwh_pci": [1000.0, 900.9, None],
            "coverage": [1.0, 0.5, 1.0],
        }
    )
    prices = pl.DataFrame(
        {
            "meter_id": [1, 1, 2],
            "valid_from": [d(2023, 1, 1), d(2024, 2, 1), d(2023, 1, 1)],
            "basis": ["kWh PCS", "kWh PCS", "m3"],
            "eur_per_unit": [0.10, 0.12, 4.0],
            "fixed_eur_per_month": [20.0, 20.0, None],
            "source": ["contract A", "contract A 2024", "water tariff"],
        }
    )
    out = monthly_costs(monthly, prices)
    assert out["cost_eur"].to_list() == pytest.approx([131.0, 130.0, 40.0])
    assert out["price_source"].to_list() == ["contract A", "contract A 2024", "water tariff"]
