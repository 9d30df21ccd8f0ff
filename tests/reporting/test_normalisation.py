"""Weather-normalised heating per m2 (services/reporting/domain/normalisation.py), worked by hand."""

import math

import polars as pl
import pytest

from services.reporting.domain.normalisation import normalised_heating

NAN = math.nan
BUILDINGS = pl.DataFrame({"building_id": ["B1", "B2", "B3"], "heated_area_m2": [1000.0, 500.0, 800.0]})


def _figures(rows):
    return pl.DataFrame(rows, schema=["building_id", "usage", "kwh_pci", "heating_normalised_kwh"], orient="row")


def test_a_normalised_month_and_buildings_left_out_whole():
    """A normalised month: C = 12,000 kWh, C_base = 2,000 (summer base load), C_heating =
    10,000, DJU_ref 400 / DJU_actual 320 -> C_norm = 2,000 + 10,000 x 400 / 320 = 14,500.
    B1: January 14,500 (from 12,000) and February 9,000 (from 8,000): all normalisable.
    B2: January normalised 3,000 (from 2,500) but February not (NaN: no degree days): B2 is left
    out whole (its area with one month of kWh would understate the intensity).
    B3: hot water only (not heating): not counted. Electricity of B1 (common areas): not heating.
    -> 23,500 kWh normalised over B1's 1,000 m2 = 23.5 kWh/m2; coverage = B1's 20,000 actual
    kWh / 20,000 + 2,500 + 3,000 = 25,500 -> 78.4 %; 1 figure not normalisable, 3,000 kWh."""
    c_norm = 2_000 + 10_000 * 400 / 320
    assert c_norm == 14_500
    figures = _figures(
        [
            ("B1", "heating", 12_000.0, c_norm),
            ("B1", "heating", 8_000.0, 9_000.0),
            ("B2", "heating_hot_water", 2_500.0, 3_000.0),
            ("B2", "heating_hot_water", 3_000.0, NAN),
            ("B3", "hot_water", 900.0, NAN),
            ("B1", "common_electricity", 700.0, NAN),
        ]
    )
    result = normalised_heating(figures, BUILDINGS)
    assert (result.heating_figures, result.buildings, result.area_m2) == (4, 1, 1000.0)
    assert result.normalised_kwh == pytest.approx(23_500.0)
    assert result.kwh_per_m2 == pytest.approx(23.5)
    assert result.coverage == pytest.approx(20_000 / 25_500)
    assert (result.not_normalisable_figures, result.not_normalisable_kwh) == (1, 3_000.0)


def test_nothing_normalisable_is_no_figure_not_zero():
    """Every heating figure NaN: no building covered, no intensity (None), coverage 0 of the
    kWh; no heating figure at all: no coverage either."""
    result = normalised_heating(_figures([("B1", "heating", 5_000.0, NAN)]), BUILDINGS)
    assert (result.kwh_per_m2, result.coverage, result.not_normalisable_figures) == (None, 0.0, 1)
    empty = normalised_heating(_figures([("B3", "hot_water", 900.0, NAN)]), BUILDINGS)
    assert (empty.heating_figures, empty.kwh_per_m2, empty.coverage) == (0, None, None)
