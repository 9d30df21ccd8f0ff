"""Formatter writes numbers and percentages without Babel's per-call pattern and locale look-ups
(reports.formatting._grouped); it must write exactly what Babel's format_decimal and
format_percent write with the same patterns, for every value a report may meet.

Worked by hand (French: narrow no-break space between thousands, decimal comma):
- 1234567.25 at one decimal: Babel reads the float's shortest repr "1234567.25" and rounds half
  to even: "1 234 567,2" (not ",3").
- 2.675 at two decimals: the float is 2.67499999... in binary, but its repr is "2.675", rounded
  half to even on that: "2,68" (Python's own "%.2f" would give "2.67").
- -0.3 at no decimal: the sign is taken before rounding: "-0", as Babel writes it.
- a share of -0.12345 at one decimal: -12.345 % -> "-12,3 %".
"""

import random

import pytest
from babel.numbers import format_decimal, format_percent

from reports.formatting import Formatter


def _babel_number(value: float, decimals: int, locale: str) -> str:
    return format_decimal(value, format="#,##0" + ("." + "0" * decimals if decimals else ""), locale=locale)


def _babel_percent(value: float, decimals: int, locale: str, lang: str) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + ("\u202f%" if lang == "fr" else "%")
    return format_percent(value, format=pattern, locale=locale)


def _values() -> list[float]:
    rng = random.Random(13)
    values: list[float] = [0, 0.0, -0.0, -0.3, 0.5, 1.5, 2.5, -2.5, 2.675, 1.005, 0.125, 1234567.25, 999.95, 999.5]
    values += [1e15, -1e15 + 0.5, 1e-9, -1e-9, 123456789012.345, 7, -42, 10**12]
    values += [x / 8 for x in range(-40, 41)]  # exact binary halves and quarters
    for _ in range(3000):
        magnitude = 10 ** rng.uniform(-6, 12)
        values.append(round(rng.choice([-1, 1]) * magnitude, rng.randint(0, 8)))
        values.append(rng.choice([-1, 1]) * magnitude)
    return values


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_numbers_and_percentages_are_written_as_babel_writes_them(lang):
    fmt = Formatter(lang)
    raw = Formatter(lang)._drawable  # the same font fallback on both sides
    mismatches = []
    for value in _values():
        for decimals in range(6):
            expected = raw(_babel_number(value, decimals, fmt.locale))
            if fmt.number(value, decimals) != expected:
                mismatches.append(("number", value, decimals, fmt.number(value, decimals), expected))
            expected = raw(_babel_percent(value, decimals, fmt.locale, lang))
            if fmt.percent(value, decimals) != expected:
                mismatches.append(("percent", value, decimals, fmt.percent(value, decimals), expected))
    assert mismatches == []


def test_the_worked_examples():
    fr = Formatter("fr")
    nnbsp = "\u202f" if fr._drawable("\u202f") == "\u202f" else "\u00a0"
    assert fr.number(1234567.25, 1) == f"1{nnbsp}234{nnbsp}567,2"
    assert fr.number(2.675, 2) == "2,68"
    assert fr.number(-0.3) == "-0"
    assert fr.percent(-0.12345) == f"-12,3{nnbsp}%"
    assert Formatter("en").number(1234567.25, 1) == "1,234,567.2"
    assert fr.number(float("inf")) == _babel_number(float("inf"), 0, "fr_FR")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_whole_cents_are_written_as_their_euros_are(lang):
    """Formatter.cents(c) writes, in integers, what number(c / 100, 2) writes through the float's
    repr and Babel's rounding: every amount of a charge-control report goes through it. Cents
    from 0 and +-1 to beyond a trillion euros, and random ones."""
    fmt = Formatter(lang)
    rng = random.Random(29)
    cents = [0, 1, -1, 5, -5, 99, 100, -100, 101, 123456, -123456, 10**14 + 1, -(10**14) - 99]
    cents += [rng.randint(-(10**12), 10**12) for _ in range(5000)] + [rng.randint(-(10**4), 10**4) for _ in range(2000)]
    for c in cents:
        assert fmt.cents(c) == fmt.number(c / 100, 2), c
    # French groups with a narrow no-break space, or a no-break space where the font lacks it
    assert fmt.cents(-123456) in (("-1\u202f234,56", "-1\u00a0234,56") if lang == "fr" else ("-1,234.56",))
