"""Both DJU methods on known temperatures, normals, and weather normalisation, by hand."""

from datetime import date

import polars as pl
import pytest

from services.consumption.domain.degree_days import daily_dju, monthly_dju, normalise_heating, normals

TEMPS = pl.DataFrame(
    {
        "station": ["S"] * 4,
        "day": [date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3), date(2024, 1, 4)],
        "tn": [2.0, 10.0, 15.0, 18.0],
        "tx": [10.0, 20.0, 25.0, 25.0],
    }
)


def test_meteo_france_method():
    # 18 - (2+10)/2 = 12 ; 18 - 15 = 3 ; 18 - 20 < 0 -> 0 ; 18 - 21.5 < 0 -> 0
    assert daily_dju(TEMPS, "meteo")["dju"].to_list() == pytest.approx([12.0, 3.0, 0.0, 0.0])


def test_costic_method():
    # Tx <= 18: 18 - (2+10)/2 = 12
    # Tn < 18 < Tx: (18-10) x (0.08 + 0.42 x 8/10) = 8 x 0.416 = 3.328
    #               (18-15) x (0.08 + 0.42 x 3/10) = 3 x 0.206 = 0.618
    # Tn >= 18: 0
    assert daily_dju(TEMPS, "costic")["dju"].to_list() == pytest.approx([12.0, 3.328, 0.618, 0.0])


def test_monthly_sum_and_normals():
    m = monthly_dju(daily_dju(TEMPS, "meteo"))
    assert m.select("dju", "days").rows() == [(15.0, 4)]
    several = pl.DataFrame(
        {
            "station": ["S"] * 3,
            "month": [date(2020, 1, 1), date(2021, 1, 1), date(2024, 1, 1)],
            "dju": [400.0, 300.0, 1.0],
        }
    )
    ref = normals(several, 2020, 2021)
    assert ref.select("month_of_year", "dju_ref", "years", "ref_period").rows() == [(1, 350.0, 2, "2020-2021")]


def test_weather_normalisation_with_base_from_summer():
    # summer 2023: 300 kWh in June (30 d), 310 in July and August (31 d): 10 kWh/day of base load
    # January 2024 takes the summer before its heating season (2023): C = 3 100, C_base = 10 x 31 = 310,
    # C_heating = 2 790
    # DJU actual 300, normal 400: C_norm = 310 + 2 790 x 400/300 = 4 030
    # July 2023: C = C_base, nothing to correct
    cons = pl.DataFrame(
        {
            "building_id": [1] * 4,
            "station": ["S"] * 4,
            "month": [date(2023, 6, 1), date(2023, 7, 1), date(2023, 8, 1), date(2024, 1, 1)],
            "kwh": [300.0, 310.0, 310.0, 3100.0],
        }
    )
    monthly = pl.DataFrame({"station": ["S"] * 4, "month": cons["month"], "dju": [10.0, 0.0, 5.0, 300.0]})
    ref = pl.DataFrame({"station": ["S"] * 4, "month_of_year": [6, 7, 8, 1], "dju_ref": [20.0, 2.0, 8.0, 400.0]})
    out = normalise_heating(cons, monthly, ref)
    jan = out.filter(pl.col("month") == date(2024, 1, 1)).row(0, named=True)
    assert (jan["c_base"], jan["c_heating"]) == pytest.approx((310.0, 2790.0))
    assert jan["c_norm"] == pytest.approx(4030.0)
    jul = out.filter(pl.col("month") == date(2023, 7, 1)).row(0, named=True)
    assert jul["c_norm"] == pytest.approx(310.0)


def test_each_month_takes_the_summer_before_its_heating_season_else_the_next_one():
    # Building 1: summer 2023 at 10 kWh/day (300, 310, 310), summer 2024 at 20 kWh/day (600, 620, 620).
    #   January 2024 (season Sep 2023-May 2024) -> summer 2023: C_base = 10 x 31 = 310, C_heating = 3 100 - 310
    #   = 2 790, C_norm = 310 + 2 790 x 400 / 310 = 310 + 3 600 = 3 910 (summer 2024 is not its summer).
    #   October 2024 (season Sep 2024-May 2025) -> summer 2024: C_base = 20 x 31 = 620, C_heating = 2 380,
    #   C_norm = 620 + 2 380 x 372 / 310 = 620 + 2 856 = 3 476.
    #   July 2024 -> its own summer: C_base = 20 x 31 = 620 = C; no degree days: C_norm = C = 620.
    # Building 2 has no summer 2023 (metered from 2024): January 2024 falls back to summer 2024:
    #   C_base = 620, C_norm = 620 + 2 480 x 400 / 310 = 620 + 3 200 = 3 820.
    # Building 3 has no summer at all: no C_base, no C_norm (null), not C.
    jun, jul, aug = (date(2023, m, 1) for m in (6, 7, 8))
    jun4, jul4, aug4 = (date(2024, m, 1) for m in (6, 7, 8))
    summers = pl.DataFrame(
        {
            "building_id": [1] * 6 + [2] * 3,
            "month": [jun, jul, aug, jun4, jul4, aug4, jun4, jul4, aug4],
            "kwh": [300.0, 310.0, 310.0, 600.0, 620.0, 620.0, 600.0, 620.0, 620.0],
        }
    )
    jan, octo = date(2024, 1, 1), date(2024, 10, 1)
    cons = pl.DataFrame(
        {
            "building_id": [1, 1, 1, 2, 3],
            "station": ["S"] * 5,
            "month": [jan, octo, jul4, jan, jan],
            "kwh": [3100.0, 3000.0, 620.0, 3100.0, 3100.0],
        }
    )
    monthly = pl.DataFrame({"station": ["S"] * 3, "month": [jan, octo, jul4], "dju": [310.0, 310.0, 0.0]})
    ref = pl.DataFrame({"station": ["S"] * 3, "month_of_year": [1, 10, 7], "dju_ref": [400.0, 372.0, 1.0]})
    out = normalise_heating(cons, monthly, ref, summers)
    got = {(b, m): (base, norm) for b, m, base, norm in out.select("building_id", "month", "c_base", "c_norm").rows()}
    assert got[1, jan] == pytest.approx((310.0, 3910.0))
    assert got[1, octo] == pytest.approx((620.0, 3476.0))
    assert got[1, jul4] == pytest.approx((620.0, 620.0))
    assert got[2, jan] == pytest.approx((620.0, 3820.0))
    assert got[3, jan] == (None, None)


def test_a_month_with_missing_days_is_left_out_of_the_normals():
    # January 2020: 31 days at 10 DJU (310); January 2021: only its first day (10): the normal is 310, not 160
    days = [date(2020, 1, d) for d in range(1, 32)] + [date(2021, 1, 1)]
    daily = pl.DataFrame({"station": ["S"] * 32, "day": days, "dju": [10.0] * 32})
    ref = normals(monthly_dju(daily), 2020, 2021)
    assert ref.select("month_of_year", "dju_ref", "years").rows() == [(1, 310.0, 1)]
