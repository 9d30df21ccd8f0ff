"""Both DJU methods on known temperatures, normals, and weather normalisation, by hand."""

from datetime import date

import polars as pl
import pytest

from services.consumption.degree_days import daily_dju, monthly_dju, normalise_heating, normals

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
    # January 2024 (no 2024 summer: all summers): C = 3 100, C_base = 10 x 31 = 310, C_heating = 2 790
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


def test_a_month_with_missing_days_is_left_out_of_the_normals():
    # January 2020: 31 days at 10 DJU (310); January 2021: only its first day (10): the normal is 310, not 160
    days = [date(2020, 1, d) for d in range(1, 32)] + [date(2021, 1, 1)]
    daily = pl.DataFrame({"station": ["S"] * 32, "day": days, "dju": [10.0] * 32})
    ref = normals(monthly_dju(daily), 2020, 2021)
    assert ref.select("month_of_year", "dju_ref", "years").rows() == [(1, 310.0, 1)]
