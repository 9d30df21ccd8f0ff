"""Energy and emissions month by month against N-1, and by territory and carrier
(services/reporting/domain/series.py), worked by hand."""

import polars as pl
import pytest

from services.reporting.domain.energy import emission_lines
from services.reporting.domain.periods import months
from services.reporting.domain.series import against_previous, by_territory, monthly_energy, with_previous_by_territory
from tests.reporting.csr_fixture import FACTORS, FIGURES_SCHEMA, FRAMES, complete, paris

BUILDINGS = pl.DataFrame({"building_id": ["B1", "B2"], "territory_id": ["T-north", "T-south"]})


def _figures(rows):
    frame = pl.DataFrame(
        rows, schema=["meter_ref", "building_id", "month_start", "carrier", "kwh_pci", "estimated_share"], orient="row"
    )
    return complete(frame, FIGURES_SCHEMA)


# January and March 2025 (no figure in February); gas 0.201 + 0.0382 kg/kWh, electricity 0.05 + 0.01
FIGURES = _figures(
    [
        ("G1", "B1", paris(2025, 1, 1), "natural_gas", 1_000.0, 0.0),
        ("E1", "B1", paris(2025, 1, 1), "electricity", 500.0, 0.0),
        ("E2", "B2", paris(2025, 1, 1), "electricity", 100.0, 0.0),
        ("D1", "B2", paris(2025, 3, 1), "district_heating", 400.0, 0.0),  # no factor: unresolved
        ("G1", "B1", paris(2025, 3, 1), "natural_gas", 2_000.0, 0.0),
        ("W1", "B1", paris(2025, 3, 1), "cold_water", float("nan"), 0.0),  # water: no energy
    ]
)
BEFORE = _figures([("G1", "B1", paris(2024, 1, 1), "natural_gas", 1_500.0, 0.0)])


def test_monthly_kwh_and_kgco2e_against_n_minus_1():
    """January: 1,000 + 500 + 100 = 1,600 kWh; 1,000 x 0.2392 + 600 x 0.06 = 239.2 + 36 = 275.2
    kg. February: no figure -> no kWh and no kg (n/a), never 0. March: 2,400 kWh; gas 2,000 x
    0.2392 = 478.4 kg, district heating unresolved (1 line left out, counted). N-1: January 2024
    1,500 kWh, 358.8 kg; February and March 2024 nothing."""
    period = months(paris(2025, 1, 1), paris(2025, 4, 1))
    now = monthly_energy(FIGURES, emission_lines(FIGURES, FACTORS, FRAMES), period)
    assert now["kwh_pci"].to_list() == [1_600.0, None, 2_400.0]
    kg = now["kgco2e"].to_list()
    assert kg[1] is None and kg[0] == pytest.approx(275.2) and kg[2] == pytest.approx(478.4)
    assert now["unresolved_lines"].to_list() == [0, 0, 1]
    before = monthly_energy(
        BEFORE, emission_lines(BEFORE, FACTORS, FRAMES), months(paris(2024, 1, 1), paris(2024, 4, 1))
    )
    both = against_previous(now, before)
    assert both["previous_kwh_pci"].to_list() == [1_500.0, None, None]
    assert both["previous_kgco2e"][0] == pytest.approx(358.8)


def test_by_territory_and_carrier():
    """T-north (B1): gas 3,000 kWh, 717.6 kg; electricity 500 kWh, 30 kg. T-south (B2):
    district heating 400 kWh, no kg (its only line is unresolved: n/a, 1 line left out);
    electricity 100 kWh, 6 kg. N-1: T-north gas 1,500 kWh, 358.8 kg."""
    table = by_territory(FIGURES, emission_lines(FIGURES, FACTORS, FRAMES), BUILDINGS)
    assert table.select("territory_id", "carrier", "kwh_pci", "unresolved_lines").rows() == [
        ("T-north", "electricity", 500.0, 0),
        ("T-north", "natural_gas", 3_000.0, 0),
        ("T-south", "district_heating", 400.0, 1),
        ("T-south", "electricity", 100.0, 0),
    ]
    assert table["kgco2e"].to_list()[2] is None
    assert [table["kgco2e"][i] for i in (0, 1, 3)] == pytest.approx([30.0, 717.6, 6.0])
    before = by_territory(BEFORE, emission_lines(BEFORE, FACTORS, FRAMES), BUILDINGS)
    both = with_previous_by_territory(table, before)
    assert both["previous_kwh_pci"].to_list() == [None, 1_500.0, None, None]
