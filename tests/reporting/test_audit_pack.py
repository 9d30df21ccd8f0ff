"""The audit pack's lines sum to the report's totals (issue 13, acceptance): an auditor summing
emissions.csv by scope and trips.csv gets the figures of the report, and esrs_e1.csv says the same."""

import io

import polars as pl
import pytest

from services.reporting.domain.audit_pack import pack_tables
from services.reporting.domain.csr import compute_csr
from tests.reporting.csr_fixture import VAN, csr_inputs


def test_the_pack_lines_sum_to_the_totals():
    figures = compute_csr(csr_inputs())
    tables = {name: pl.read_csv(io.StringIO(frame.write_csv())) for name, frame in pack_tables(figures, VAN).items()}

    emissions = tables["emissions.csv"]
    by_scope = emissions.filter(pl.col("resolved")).group_by("ghg_scope").agg(pl.col("kgco2e").sum()).sort("ghg_scope")
    assert by_scope["kgco2e"].to_list() == pytest.approx(figures.scopes["kgco2e"].to_list())
    assert emissions.filter(~pl.col("resolved")).height == figures.unresolved_energy_lines  # listed, not summed

    trips = tables["trips.csv"]
    assert trips["kgco2e"].sum() == pytest.approx(figures.trips_kgco2e.value)
    assert trips["trip_km"].sum() == pytest.approx(figures.headline("km").value)

    esrs = dict(zip(tables["esrs_e1.csv"]["datapoint"], tables["esrs_e1.csv"]["value"], strict=True))
    assert esrs["gross scope 1 GHG emissions"] == pytest.approx(figures.headline("tco2e_scope_1").value)
    assert esrs["total GHG emissions (location-based)"] == pytest.approx(figures.inventory_kgco2e.value / 1000)
    assert esrs["total energy consumption"] == pytest.approx(figures.headline("mwh_pci").value)
    headline = dict(zip(tables["figures.csv"]["key"], tables["figures.csv"]["value"], strict=True))
    assert headline["trips"] == figures.headline("trips").value
