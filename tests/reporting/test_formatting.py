"""French conventions first, English by option (reports/formatting.py)."""

from datetime import date

from reports.fonts import fonts
from reports.formatting import Formatter

NNBSP = "\u202f" if fonts().unicode else "\u00a0"


def test_french_numbers_percents_and_dates():
    fr = Formatter("fr")
    assert fr.number(1234567.8, 1) == f"1{NNBSP}234{NNBSP}567,8"
    assert fr.percent(0.123) == f"12,3{NNBSP}%"
    assert fr.day(date(2025, 10, 31)) == "31/10/2025"
    assert fr.month(date(2025, 8, 1)) == "août 2025"
    assert fr.number(None) == fr.percent(float("nan")) == "n.d."


def test_english_by_option():
    en = Formatter("en")
    assert en.number(1234567.8, 1) == "1,234,567.8"
    assert en.percent(0.123) == "12.3%"
    assert en.day(date(2025, 10, 31)) == "31/10/2025"
    assert en.month(date(2025, 8, 1)) == "August 2025"
    assert en.number(None) == "n/a"


def test_change_against_n_minus_1():
    """70 % this August against 60 % last: +16.7 %, up; no N-1: not available, never 0."""
    en = Formatter("en")
    assert en.change(0.70, 0.60).endswith("+16.7%")
    assert en.change(0.5, None) == "n/a" and en.change(0.5, 0.0) == "n/a"
    assert en.change(0.60, 0.70).endswith("-14.3%")
