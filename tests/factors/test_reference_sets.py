"""The committed sets under factors/ are exactly what the build script derives from the shared
reference, and they keep their sources and exclusions."""

import filecmp
from pathlib import Path

import polars as pl
import pytest

from services.factors.build_reference_sets import build
from tests.factors.conftest import FACTORS_DIR

REFERENCE = FACTORS_DIR.parents[1] / "shared" / "reference"


def test_the_five_reference_sets_load(reference_sets):
    assert {s.label for s in reference_sets.values()} == {
        "ademe_base_carbone@23.6",
        "fr_dpe@2021",
        "uk_desnz_2025@1",
        "uk_desnz_2026@1",
        "fr_fedene_district_heating@2022",
    }
    for factor_set in reference_sets.values():
        assert factor_set.factors["source"].str.len_chars().min() > 10


def test_values_without_a_reference_value_are_left_out_and_listed(reference_sets):
    ademe = reference_sets["ademe_base_carbone"]
    excluded = {e["key"] for e in ademe.metadata["excluded"]}
    assert excluded == {"fr_bc.wood_logs.generic.kwh_pci", "fr_bc.van_diesel.vkm", "fr_bc.van_bev.vkm"}
    assert ademe.factors.filter(pl.col("key").is_in(sorted(excluded))).height == 0


def test_unconfirmed_values_are_flagged(reference_sets):
    flagged = {
        (name, key)
        for name, s in reference_sets.items()
        for key in s.factors.filter(pl.col("flag") == "UNCONFIRMED")["key"].to_list()
    }
    assert flagged == {
        ("fr_fedene_district_heating", "fr_fedene.district_heating.national_avg.kwh"),
        ("uk_desnz_2026", "uk_desnz2026.wood_logs.kwh"),
    }


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared reference not mounted")
def test_committed_sets_are_reproducible(tmp_path: Path):
    for directory in build(REFERENCE, tmp_path):
        relative = directory.relative_to(tmp_path)
        for name in ("metadata.json", "factors.csv"):
            assert filecmp.cmp(directory / name, FACTORS_DIR / relative / name, shallow=False), relative / name
