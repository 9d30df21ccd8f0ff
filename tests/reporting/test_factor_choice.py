"""A carrier is counted by its parts, or by its total when the set has no part: worked by hand."""

import polars as pl

from services.reporting.domain.factor_choice import counted_boundaries


def test_total_dropped_when_parts_exist_kept_when_alone():
    """Gas has combustion 0.201 + upstream 0.0382 and their total 0.239: counting all three would
    give 0.4782 per kWh instead of 0.2392. District heating (FEDENE) has a total only: kept."""
    resolved = pl.DataFrame(
        {
            "carrier": ["natural_gas", "natural_gas", "natural_gas", "district_heating"],
            "boundary": ["combustion", "total", "upstream", "total"],
            "kgco2e_per_kwh": [0.201, 0.239, 0.0382, 0.110],
        }
    )
    counted = counted_boundaries(resolved)
    assert counted.rows() == [
        ("district_heating", "total", 0.110),
        ("natural_gas", "combustion", 0.201),
        ("natural_gas", "upstream", 0.0382),
    ]
    gas = counted.filter(pl.col("carrier") == "natural_gas")["kgco2e_per_kwh"].sum()
    assert abs(gas - 0.2392) < 1e-12
