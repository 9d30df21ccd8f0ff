"""The resolution rule the report relies on (issue 13, item 8): periods, the fallback to the
latest expired factor, and "every boundary" (boundary "*").

Rule under test (services.factors.domain.resolution): the factor of a DAY is the matching
factor valid that day; with the fallback rule, a day without one takes the factor whose
validity ended last on or before it, flagged. A PERIOD [date, date_to) resolves to a factor
only when every one of its days gets that same factor.

The small set ``tiny`` (worked by hand, values chosen to be easy):
  heat.2023  district_heating kWh total  0.10  valid [2023-01-01, 2024-01-01)
  heat.2024  district_heating kWh total  0.20  valid [2024-01-01, 2025-01-01)
  gas.comb   natural_gas kWh PCI combustion 0.20 valid [2023-01-01, open)
  gas.up     natural_gas kWh PCI upstream   0.04 valid [2023-01-01, 2025-01-01)
  gas.total  natural_gas kWh PCI total      0.24 valid [2023-01-01, open)
"""

from datetime import date

import polars as pl
import pytest

from services.factors.domain.resolution import resolve, resolve_partial, split_resolved
from services.factors.errors import InvalidActivity, UnknownFactor
from tests.factors.conftest import custom_row, make_set


@pytest.fixture(scope="module")
def tiny(units):
    heat = {"carrier": "district_heating", "unit": "kWh", "scope": "2"}
    gas = {"carrier": "natural_gas", "unit": "kWh PCI", "valid_from": "2023-01-01", "valid_to": ""}
    return make_set(
        [
            custom_row(key="heat.2023", kgco2e_per_unit="0.10", valid_from="2023-01-01", valid_to="2024-01-01", **heat),
            custom_row(key="heat.2024", kgco2e_per_unit="0.20", valid_from="2024-01-01", valid_to="2025-01-01", **heat),
            custom_row(key="gas.comb", boundary="combustion", kgco2e_per_unit="0.20", scope="1", **gas),
            custom_row(
                key="gas.up",
                boundary="upstream",
                kgco2e_per_unit="0.04",
                scope="3 (cat.3)",
                **{**gas, "valid_to": "2025-01-01"},
            ),
            custom_row(
                key="gas.total", boundary="total", kgco2e_per_unit="0.24", scope="1+3", uncertainty_pct="5", **gas
            ),
        ],
        units,
        name="tiny",
        version="1",
    )


def heat(first: str, end: str = "", quantity: float | None = None) -> dict:
    return {"carrier": "district_heating", "unit": "kWh", "date": first, "date_to": end, "quantity": quantity}


def lines(*activities: dict) -> pl.DataFrame:
    return pl.DataFrame(list(activities), schema_overrides={"quantity": pl.Float64})


def partial(factor_set, conversions, *activities: dict, fallback: bool = False):
    resolved, _ = resolve_partial(factor_set, conversions, lines(*activities), fallback=fallback)
    found, unresolved = split_resolved(resolved, factor_set.label)
    return found, unresolved


# ------------------------------------------------------------------ periods


def test_a_period_exactly_within_a_factor_validity_resolves(tiny, conversions):
    """Both edges: [2024-01-01, 2025-01-01) is heat.2024's validity exactly (valid_from
    inclusive, valid_to exclusive, the period's end exclusive too): 12,000 kWh x 0.20 = 2,400."""
    r = resolve(tiny, conversions, lines(heat("2024-01-01", "2025-01-01", 12_000.0))).row(0, named=True)
    assert (r["factor_key"], r["kgco2e"], r["fallback"]) == ("heat.2024", pytest.approx(2400.0), False)
    # [2023-12-01, 2024-01-01): the period's exclusive end equals heat.2023's valid_to -> heat.2023,
    # 1,000 kWh x 0.10 = 100.
    r = resolve(tiny, conversions, lines(heat("2023-12-01", "2024-01-01", 1000.0))).row(0, named=True)
    assert (r["factor_key"], r["kgco2e"]) == ("heat.2023", pytest.approx(100.0))


def test_valid_on_the_first_day_is_not_enough(tiny, conversions):
    """[2024-01-01, 2025-01-02): heat.2024 holds on the first day but not on 2025-01-01, the last
    day; the rule asks for the whole span, so the period is refused by default, naming the day."""
    with pytest.raises(UnknownFactor) as caught:
        resolve(tiny, conversions, lines(heat("2024-01-01", "2025-01-02")))
    assert "no factor valid on 2025-01-01" in caught.value.missing[0]
    assert "date_to=2025-01-02" in caught.value.missing[0]


def test_a_period_across_a_change_of_factor_is_refused_naming_the_day(tiny, conversions):
    """[2023-12-31, 2024-02-01): 2023-12-31 is heat.2023 (0.10), January heat.2024 (0.20): one
    factor cannot be given, with or without the fallback; the reason says where to split."""
    for fallback in (False, True):
        found, (unresolved,) = partial(tiny, conversions, heat("2023-12-31", "2024-02-01"), fallback=fallback)
        assert found.height == 0
        assert "the factor changes on 2024-01-01 (heat.2023 before, heat.2024 from then)" in unresolved.reason
        assert "[2023-12-31, 2024-01-01) and [2024-01-01, 2024-02-01)" in unresolved.reason


def test_a_single_day_is_the_period_of_one_day(tiny, conversions):
    """No date_to = [date, date + 1 day): 2024-12-31 is heat.2024's last day; 2025-01-01 has none."""
    r = resolve(tiny, conversions, lines(heat("2024-12-31"))).row(0, named=True)
    assert (r["factor_key"], r["date_to"]) == ("heat.2024", date(2025, 1, 1))
    with pytest.raises(UnknownFactor, match="no factor valid on 2025-01-01"):
        resolve(tiny, conversions, lines(heat("2025-01-01")))


def test_date_to_must_come_after_date(tiny, conversions):
    with pytest.raises(InvalidActivity, match="after date") as caught:
        resolve(tiny, conversions, lines(heat("2024-03-01", "2024-03-01")))
    assert caught.value.field == "date_to"


# ------------------------------------------------------------------ fallback


def test_default_refuses_a_date_after_the_last_validity(tiny, conversions):
    """2025-03-01: heat.2024 ended on 2025-01-01; without the fallback rule nothing is taken."""
    found, (unresolved,) = partial(tiny, conversions, heat("2025-03-01", "", 1000.0))
    assert found.height == 0 and "no factor valid on 2025-03-01" in unresolved.reason


def test_fallback_takes_the_latest_expired_factor_and_flags_it(tiny, conversions):
    """2025-03-01 with the fallback: heat.2023 (ended 2024-01-01) and heat.2024 (ended
    2025-01-01) have both expired; the latest is heat.2024: 1,000 kWh x 0.20 = 200 kgCO2e,
    flagged, the reason naming its validity end."""
    found, unresolved = partial(tiny, conversions, heat("2025-03-01", "", 1000.0), fallback=True)
    assert unresolved == []
    r = found.row(0, named=True)
    assert (r["factor_key"], r["kgco2e"], r["fallback"]) == ("heat.2024", pytest.approx(200.0), True)
    assert r["fallback_reason"] == (
        "no factor valid from 2025-03-01: heat.2024, whose validity ended on 2025-01-01 (exclusive), "
        "taken as the latest published"
    )


def test_fallback_over_a_period_partly_past_the_validity(tiny, conversions):
    """Rolling 12 months [2024-07-01, 2025-07-01): July-December 2024 is heat.2024 (valid), from
    2025-01-01 heat.2024 again as the fallback: one factor for every day, so it resolves, flagged
    from 2025-01-01. 6,000 kWh x 0.20 = 1,200 kgCO2e. By default the same period is refused."""
    period = heat("2024-07-01", "2025-07-01", 6000.0)
    found, _ = partial(tiny, conversions, period, fallback=True)
    r = found.row(0, named=True)
    assert (r["factor_key"], r["kgco2e"], r["fallback"]) == ("heat.2024", pytest.approx(1200.0), True)
    assert r["fallback_reason"].startswith("no factor valid from 2025-01-01: heat.2024")
    found, (unresolved,) = partial(tiny, conversions, period)
    assert found.height == 0 and "no factor valid on 2025-01-01" in unresolved.reason


def test_fallback_never_reaches_before_the_first_validity(tiny, conversions):
    """2022-06-01 precedes every heat factor: nothing has expired yet, so nothing is taken."""
    found, (unresolved,) = partial(tiny, conversions, heat("2022-06-01"), fallback=True)
    assert found.height == 0 and "no factor valid on 2022-06-01" in unresolved.reason


def test_a_valid_factor_is_not_flagged_when_the_fallback_rule_is_on(tiny, conversions):
    found, _ = partial(tiny, conversions, heat("2024-05-01", "2024-06-01"), fallback=True)
    r = found.row(0, named=True)
    assert (r["factor_key"], r["fallback"], r["fallback_reason"]) == ("heat.2024", False, "")


def test_ademe_electricity_2025_resolves_only_as_a_flagged_fallback(reference_sets, conversions):
    """Issue 13, item 8: the ADEME mix 2024 (ID 43642, 0.0519, valid to 2025-01-01 exclusive) left
    2025 unresolved, with no rule. Default: still refused. Fallback: the year 2025 takes 0.0519,
    flagged; 100,000 kWh x 0.0519 = 5,190 kgCO2e; 10 % uncertainty as published."""
    ademe = reference_sets["ademe_base_carbone"]
    year = {"carrier": "electricity", "unit": "kWh", "date": "2025-01-01", "date_to": "2026-01-01"}
    with pytest.raises(UnknownFactor, match="no factor valid on 2025-01-01"):
        resolve(ademe, conversions, lines({**year, "quantity": 100_000.0}))
    r = resolve(ademe, conversions, lines({**year, "quantity": 100_000.0}), fallback=True).row(0, named=True)
    assert (r["factor_key"], r["factor_value"], r["uncertainty_pct"]) == (
        "fr_bc.electricity.mix2024.total.kwh",
        0.0519,
        10.0,
    )
    assert r["kgco2e"] == pytest.approx(5190.0)
    assert r["fallback"] is True and "ended on 2025-01-01" in r["fallback_reason"]


def test_ademe_gas_year_2023_spans_two_factors(reference_sets, conversions):
    """ADEME gas: mix 2015 (ID 26621, 0.227) until 2023-03-15, then mix 2022 (ID 37132, 0.239):
    the year 2023 is two factors, the months either side of the change one each. Jan-Feb 2023:
    1,000 kWh PCI x 0.227 = 227; April 2023: 1,000 x 0.239 = 239."""
    ademe = reference_sets["ademe_base_carbone"]
    gas = {"carrier": "natural_gas", "unit": "kWh PCI", "quantity": 1000.0}
    found, (unresolved,) = partial(ademe, conversions, {**gas, "date": "2023-01-01", "date_to": "2024-01-01"})
    assert "the factor changes on 2023-03-15" in unresolved.reason
    result = resolve(
        ademe,
        conversions,
        lines(
            {**gas, "date": "2023-01-01", "date_to": "2023-03-01"},
            {**gas, "date": "2023-04-01", "date_to": "2023-05-01"},
        ),
    )
    assert result["kgco2e"].to_list() == [pytest.approx(227.0), pytest.approx(239.0)]


# ------------------------------------------------------------------ every boundary


def test_every_boundary_of_a_fuel(tiny, conversions):
    """boundary "*" on 2024-06-01: combustion 0.20 (scope 1), upstream 0.04 (scope 3 cat. 3),
    total 0.24, in that order; 1,000 kWh PCI -> 200, 40, 240 kgCO2e (the total is not to be
    added to its parts: 200 + 40 = 240)."""
    gas = {"carrier": "natural_gas", "unit": "kWh PCI", "boundary": "*", "date": "2024-06-01", "quantity": 1000.0}
    result = resolve(tiny, conversions, lines(gas))
    assert result["part_boundary"].to_list() == ["combustion", "upstream", "total"]
    assert result["factor_key"].to_list() == ["gas.comb", "gas.up", "gas.total"]
    assert result["scope"].to_list() == ["1", "3 (cat.3)", "1+3"]
    assert result["kgco2e"].to_list() == [pytest.approx(200.0), pytest.approx(40.0), pytest.approx(240.0)]
    assert result["uncertainty_pct"].to_list() == [None, None, 5.0]


def test_every_boundary_names_each_one_it_cannot_resolve(tiny, conversions):
    """2025-06-01: gas.up ended on 2025-01-01, the others are open. Default: combustion and total
    resolve, upstream is listed unresolved with its boundary; with the fallback, gas.up is taken,
    flagged (1,000 x 0.04 = 40)."""
    gas = {"carrier": "natural_gas", "unit": "kWh PCI", "boundary": "*", "date": "2025-06-01", "quantity": 1000.0}
    found, unresolved = partial(tiny, conversions, gas)
    assert found["part_boundary"].to_list() == ["combustion", "total"]
    assert [(u.boundary, "no factor valid on 2025-06-01" in u.reason) for u in unresolved] == [("upstream", True)]
    found, unresolved = partial(tiny, conversions, gas, fallback=True)
    assert unresolved == []
    assert found["fallback"].to_list() == [False, True, False]
    assert found["kgco2e"].to_list()[1] == pytest.approx(40.0)


def test_every_boundary_of_a_carrier_the_set_lacks(tiny, conversions):
    found, (unresolved,) = partial(
        tiny, conversions, {"carrier": "lpg", "unit": "kg", "boundary": "*", "date": "2024-01-01"}
    )
    assert found.height == 0 and unresolved.boundary == "*"


def test_ademe_district_heating_resolves_without_guessing_combustion(reference_sets, conversions):
    """Issue 13, item 8: ADEME's district heating (ID 37089, 0.385, "autres réseaux") is published
    as its combustion value only, so the default boundary (total) finds nothing. Boundary "*"
    answers what exists: combustion 0.385, scope 2; 10,000 kWh x 0.385 = 3,850 kgCO2e. FEDENE's
    national average is a total only (0.125, scope 2+3): 10,000 x 0.125 = 1,250."""
    ademe = reference_sets["ademe_base_carbone"]
    dh = {
        "carrier": "district_heating",
        "unit": "kWh",
        "date": "2025-01-01",
        "date_to": "2026-01-01",
        "quantity": 10_000.0,
    }
    with pytest.raises(UnknownFactor):
        resolve(ademe, conversions, lines(dh))
    r = resolve(ademe, conversions, lines({**dh, "boundary": "*"})).row(0, named=True)
    assert (r["factor_key"], r["part_boundary"], r["scope"]) == (
        "fr_bc.district_heating.other_networks_2021.kwh",
        "combustion",
        "2",
    )
    assert r["kgco2e"] == pytest.approx(3850.0)
    fedene = resolve(reference_sets["fr_fedene_district_heating"], conversions, lines({**dh, "boundary": "*"}))
    assert fedene["part_boundary"].to_list() == ["total"] and fedene["kgco2e"].to_list() == [pytest.approx(1250.0)]


def test_heating_oil_litres_against_a_set_without_a_per_litre_factor(reference_sets, conversions):
    """DPE 2021 has heating oil per kWh PCI only (0.324): 1,000 litres x 10.0 kWh PCI/l
    (conversions.csv, ADEME IDs 14087/14085) x 0.324 = 3,240 kgCO2e. ADEME has its own per-litre
    factor (ID 14087, 3.25), which wins over the conversion: 1,000 x 3.25 = 3,250."""
    oil = {"carrier": "heating_oil", "unit": "litre", "date": "2024-01-01", "quantity": 1000.0}
    dpe = resolve(reference_sets["fr_dpe"], conversions, lines(oil)).row(0, named=True)
    assert (dpe["factor_unit"], dpe["conversion_multiplier"], dpe["kgco2e"]) == ("kWh PCI", 10.0, pytest.approx(3240.0))
    assert "ID 14087" in dpe["conversion_source"]
    ademe = resolve(reference_sets["ademe_base_carbone"], conversions, lines(oil)).row(0, named=True)
    assert (ademe["factor_unit"], ademe["kgco2e"]) == ("litre", pytest.approx(3250.0))
