"""Resolution against the reference sets. Every expected value is worked out by hand from
/work/shared/reference/factors_reference.csv (row and ADEME ID in the comment)."""

from datetime import date

import polars as pl
import pytest

from services.factors.domain.resolution import resolve
from services.factors.domain.schema import FactorSet
from services.factors.errors import InvalidActivity, UnknownFactor


def one(factor_set, conversions, **activity):
    result = resolve(factor_set, conversions, pl.DataFrame([activity]))
    assert result.height == 1
    return result.row(0, named=True)


def test_gas_kwh_pcs_ademe_total(reference_sets, conversions):
    # ADEME v23.6 ID 37133: 0.215 kgCO2e/kWh PCS, combustion + upstream.
    # 10,000 kWh PCS x 0.215 = 2,150 kgCO2e.
    r = one(
        reference_sets["ademe_base_carbone"],
        conversions,
        carrier="natural_gas",
        unit="kWh PCS",
        date=date(2024, 6, 1),
        quantity=10_000.0,
    )
    assert r["factor_key"] == "fr_bc.natural_gas.mix2022.total.kwh_pcs"
    assert r["kgco2e"] == pytest.approx(2150.0)
    assert r["conversion_multiplier"] == 1.0 and r["conversion_source"] == ""
    assert "ID 37133" in r["source"]


def test_gas_kwh_pcs_through_pci_factor(reference_sets, conversions):
    # Same gas, but only the per-kWh-PCI factor (ID 37132, 0.239) kept in the set:
    # 10,000 kWh PCS / 1.11 = 9,009.009 kWh PCI; x 0.239 = 2,153.153 kgCO2e.
    ademe = reference_sets["ademe_base_carbone"]
    pci_only = FactorSet(ademe.metadata, ademe.factors.filter(pl.col("unit") != "kWh PCS"), "test")
    r = one(pci_only, conversions, carrier="natural_gas", unit="kWh PCS", date=date(2024, 6, 1), quantity=10_000.0)
    assert r["factor_key"] == "fr_bc.natural_gas.mix2022.total.kwh_pci"
    assert r["factor_unit"] == "kWh PCI"
    assert r["conversion_multiplier"] == pytest.approx(1 / 1.11)
    assert "15/09/2006" in r["conversion_source"]
    assert r["kgco2e"] == pytest.approx(10_000 / 1.11 * 0.239)
    assert r["kgco2e"] == pytest.approx(2153.153, abs=1e-3)


def test_gas_kwh_pcs_with_dpe_converts_to_pci(reference_sets, conversions):
    # DPE 2021 has only kWh PCI for gas: 0.227. 10,000 / 1.11 x 0.227 = 2,045.045 kgCO2e.
    r = one(
        reference_sets["fr_dpe"],
        conversions,
        carrier="natural_gas",
        unit="kWh PCS",
        date=date(2024, 6, 1),
        quantity=10_000.0,
    )
    assert r["kgco2e"] == pytest.approx(2045.045, abs=1e-3)


def test_direct_unit_wins_over_conversion(reference_sets, conversions):
    # ADEME has both kWh PCS (0.215) and kWh PCI (0.239): a PCS activity uses 0.215 directly,
    # not 0.239 / 1.11 = 0.2153.
    r = one(
        reference_sets["ademe_base_carbone"], conversions, carrier="natural_gas", unit="kWh PCS", date=date(2024, 6, 1)
    )
    assert r["kgco2e_per_unit"] == 0.215


def test_combustion_only_boundary_uses_the_published_poste(reference_sets, conversions):
    # ID 37133 poste Combustion = 0.181, poste Amont = 0.0344 (evidence extract).
    ademe = reference_sets["ademe_base_carbone"]
    combustion = one(
        ademe,
        conversions,
        carrier="natural_gas",
        unit="kWh PCS",
        boundary="combustion",
        date=date(2024, 6, 1),
        quantity=10_000.0,
    )
    upstream = one(
        ademe, conversions, carrier="natural_gas", unit="kWh PCS", boundary="upstream", date=date(2024, 6, 1)
    )
    assert combustion["kgco2e"] == pytest.approx(1810.0)
    assert combustion["scope"] == "1"
    assert upstream["kgco2e_per_unit"] == 0.0344


@pytest.mark.parametrize(
    ("day", "key", "value"),
    [
        # ID 26621 (mix 2015, 0.227) until 2023-03-15 exclusive, then ID 37132 (mix 2022, 0.239).
        (date(2023, 3, 14), "fr_bc.natural_gas.mix2015.total.kwh_pci", 0.227),
        (date(2023, 3, 15), "fr_bc.natural_gas.mix2022.total.kwh_pci", 0.239),
    ],
)
def test_gas_across_validity_boundary(reference_sets, conversions, day, key, value):
    r = one(reference_sets["ademe_base_carbone"], conversions, carrier="natural_gas", unit="kWh PCI", date=day)
    assert (r["factor_key"], r["factor_value"]) == (key, value)


def test_electricity_by_year_in_one_batch(reference_sets, conversions):
    # ID 43273 (2023): 0.058; ID 43642 (2024): 0.0519, the reference's 2024-12-31 included.
    activities = pl.DataFrame(
        {
            "carrier": ["electricity"] * 3,
            "unit": ["kWh"] * 3,
            "date": [date(2023, 12, 31), date(2024, 1, 1), date(2024, 12, 31)],
            "quantity": [1000.0, 1000.0, 2000.0],
        }
    )
    result = resolve(reference_sets["ademe_base_carbone"], conversions, activities)
    assert result["factor_value"].to_list() == [0.058, 0.0519, 0.0519]
    assert result["kgco2e"].to_list() == pytest.approx([58.0, 51.9, 103.8])
    assert result["line"].to_list() == [1, 2, 3]


def test_missing_factor_names_every_activity_asked(reference_sets, conversions):
    # ADEME electricity stops at 2024 (exclusive end 2025-01-01); DPE wood is not in ADEME.
    activities = pl.DataFrame(
        {
            "carrier": ["electricity", "natural_gas", "electricity", "unobtainium"],
            "unit": ["kWh", "kWh PCS", "kWh", "kWh"],
            "date": [date(2025, 1, 1), date(2024, 1, 1), date(2025, 1, 1), date(2024, 1, 1)],
            "quantity": [1.0, 1.0, 1.0, 1.0],
        }
    )
    with pytest.raises(UnknownFactor) as caught:
        resolve(reference_sets["ademe_base_carbone"], conversions, activities)
    missing = caught.value.missing
    assert len(missing) == 2
    assert "carrier='electricity'" in missing[0] and "date=2025-01-01" in missing[0]
    assert "on 2 lines (first: 1, 3)" in missing[0]
    assert "fr_bc.electricity.mix2024.total.kwh" in missing[0]  # what the set has, as a hint
    assert "carrier='unobtainium'" in missing[1] and "no factor for carrier" in missing[1]
    assert "ademe_base_carbone@23.6" in str(caught.value)


def test_desnz_has_no_combined_total(reference_sets, conversions):
    # DESNZ publishes combustion and well-to-tank separately: a total is not made up.
    desnz = reference_sets["uk_desnz_2026"]
    with pytest.raises(UnknownFactor):
        one(desnz, conversions, carrier="natural_gas", unit="kWh PCS", country="GB", date=date(2026, 3, 1))
    r = one(
        desnz,
        conversions,
        carrier="natural_gas",
        unit="kWh PCS",
        country="GB",
        boundary="combustion",
        date=date(2026, 3, 1),
    )
    assert r["factor_value"] == 0.18231


def test_usage_specific_factor_wins_over_any_usage(reference_sets, conversions):
    # DPE: electricity for heating 0.079, for hot water 0.065; no all-uses value.
    dpe = reference_sets["fr_dpe"]
    heating = one(dpe, conversions, carrier="electricity", unit="kWh", usage="heating", date=date(2024, 1, 1))
    dhw = one(dpe, conversions, carrier="electricity", unit="kWh", usage="dhw", date=date(2024, 1, 1))
    assert (heating["factor_value"], dhw["factor_value"]) == (0.079, 0.065)
    # ADEME 2023: heating falls back to the all-uses mix (0.058); the indicative per-use
    # value (ID 43277, 0.0645) only when its variant is asked.
    ademe = reference_sets["ademe_base_carbone"]
    default = one(ademe, conversions, carrier="electricity", unit="kWh", usage="heating", date=date(2023, 2, 1))
    per_use = one(
        ademe,
        conversions,
        carrier="electricity",
        unit="kWh",
        usage="heating",
        variant="monthly_avg",
        date=date(2023, 2, 1),
    )
    assert (default["factor_value"], per_use["factor_value"]) == (0.058, 0.0645)


def test_flag_travels_with_the_factor(reference_sets, conversions):
    # FEDENE national average 0.125, data year UNCONFIRMED in the reference.
    r = one(
        reference_sets["fr_fedene_district_heating"],
        conversions,
        carrier="district_heating",
        unit="kWh",
        date=date(2024, 1, 1),
        quantity=1000.0,
    )
    assert (r["kgco2e"], r["flag"]) == (pytest.approx(125.0), "UNCONFIRMED")


def test_wood_pellets_kg_converted_only_without_direct_factor(reference_sets, conversions):
    # DPE pellets 0.03 /kWh PCI, ADEME ID 34942 comment: 4.86 kWh PCI/kg -> 1,000 kg = 145.8 kgCO2e.
    dpe = one(
        reference_sets["fr_dpe"], conversions, carrier="wood_pellets", unit="kg", date=date(2024, 1, 1), quantity=1000.0
    )
    assert dpe["kgco2e"] == pytest.approx(1000 * 4.86 * 0.03)
    # ADEME has its own per-kg value (ID 34948, 0.0469), used as is.
    ademe = one(
        reference_sets["ademe_base_carbone"],
        conversions,
        carrier="wood_pellets",
        unit="kg",
        date=date(2024, 1, 1),
        quantity=1000.0,
    )
    assert ademe["kgco2e"] == pytest.approx(46.9)


def test_dates_as_text_and_bad_activity(reference_sets, conversions):
    ademe = reference_sets["ademe_base_carbone"]
    r = one(ademe, conversions, carrier="heating_oil", unit="litre", date="2024-02-01", quantity=100.0)
    assert r["kgco2e"] == pytest.approx(325.0)  # ID 14087: 3.25 kgCO2e/litre x 100 litres
    with pytest.raises(InvalidActivity, match="boundary"):
        one(ademe, conversions, carrier="heating_oil", unit="litre", date="2024-02-01", boundary="scope1")
    with pytest.raises(InvalidActivity, match="date"):
        one(ademe, conversions, carrier="heating_oil", unit="litre", date="01/02/2024")


def test_partial_resolution_keeps_good_lines_and_lists_the_others(reference_sets, conversions):
    from services.factors.domain.resolution import resolve_partial

    activities = pl.DataFrame(
        {
            "carrier": ["natural_gas", "unobtainium"],
            "unit": ["kWh PCS", "kWh"],
            "date": [date(2024, 1, 1)] * 2,
            "quantity": [100.0, 1.0],
        }
    )
    lines, missing = resolve_partial(reference_sets["ademe_base_carbone"], conversions, activities)
    # 100 kWh PCS x 0.215 = 21.5 kgCO2e; the unknown carrier keeps null factor columns, never 0.
    assert lines["kgco2e"].to_list() == [pytest.approx(21.5), None]
    assert lines["factor_key"].to_list()[1] is None
    assert len(missing) == 1 and "carrier='unobtainium'" in missing[0]
