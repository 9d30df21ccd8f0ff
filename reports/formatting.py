"""Numbers, percentages and dates as a French (or English) reader writes them, from CLDR data
(Babel): `1 234 567,8`, `12,3 %`, `31/10/2025`, French month names. A figure that cannot be
given reads "n.d." (non disponible) or "n/a", explained in the report's footnotes, never blank
and never 0."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from reports.fonts import fonts

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
NOT_AVAILABLE = {"fr": "n.d.", "en": "n/a"}
CIVIL_TIME = ZoneInfo("Europe/Paris")  # the portfolio's days and months


def _civil(value: date | datetime) -> date | datetime:
    """An instant as the day it is in Paris (31 December 23:00 UTC is 1 January there)."""
    return value.astimezone(CIVIL_TIME) if isinstance(value, datetime) and value.tzinfo is not None else value


@cache
def _symbols(locale: str) -> tuple[str, str, str]:
    """The locale's group and decimal separators and minus sign (CLDR, latin digits)."""
    symbols = Locale.parse(locale).number_symbols["latn"]
    return symbols["group"], symbols["decimal"], symbols["minusSign"]


_QUANTA = [Decimal(1).scaleb(-decimals) for decimals in range(10)]


def _grouped(value: float, decimals: int, scale: int, locale: str) -> str:
    """Babel's "#,##0.0…" (``decimals`` fixed digits) for a finite float, scaled by 10^``scale``,
    without its per-call pattern and locale look-ups (a report writes thousands of figures): the
    float's shortest repr as a Decimal, rounded half-even, sign taken before rounding (-0.3 reads
    "-0" as in Babel). tests/reporting/test_formatting_babel.py holds it to Babel's output."""
    group, point, minus = _symbols(locale)
    exact = Decimal(str(value)).scaleb(scale)
    rounded = abs(exact).quantize(_QUANTA[decimals])
    whole, _, fraction = f"{rounded:f}".partition(".")
    text = f"{int(whole):,}".replace(",", group) + (point + fraction if decimals else "")
    return minus + text if exact.is_signed() else text


@dataclass(frozen=True)
class Formatter:
    lang: str = "fr"

    @property
    def locale(self) -> str:
        return LOCALES[self.lang]

    @property
    def na(self) -> str:
        return NOT_AVAILABLE[self.lang]

    def _drawable(self, text: str) -> str:
        return text if fonts().unicode else text.replace("\u202f", "\u00a0")

    def number(self, value: float | None, decimals: int = 0) -> str:
        if value is None or value != value:
            return self.na
        if value in (float("inf"), float("-inf")) or decimals >= len(_QUANTA):
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            return self._drawable(format_decimal(value, format=pattern, locale=self.locale))
        return self._drawable(_grouped(value, decimals, 0, self.locale))

    def cents(self, cents: int) -> str:
        """Whole cents as units to two decimals: what ``number(cents / 100, 2)`` writes ("1 234,56"),
        in integers (no float, no Decimal: a charge-control report writes thousands of amounts)."""
        group, point, minus = _symbols(self.locale)
        whole, fraction = divmod(abs(cents), 100)
        text = f"{whole:,}".replace(",", group) + f"{point}{fraction:02d}"
        return self._drawable(minus + text if cents < 0 else text)

    def percent(self, share: float | None, decimals: int = 1) -> str:
        if share is None or share != share:
            return self.na
        # French sets the sign apart with a narrow no-break space, English joins it
        sign = "\u202f%" if self.lang == "fr" else "%"
        if share in (float("inf"), float("-inf")) or decimals >= len(_QUANTA):
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + sign
            return self._drawable(format_percent(share, format=pattern, locale=self.locale))
        return self._drawable(_grouped(share, decimals, 2, self.locale) + sign)

    def day(self, value: date | datetime) -> str:
        return format_date(_civil(value), format="short" if self.lang == "fr" else "dd/MM/yyyy", locale=self.locale)

    def month(self, value: date | datetime) -> str:
        return format_date(_civil(value), format="MMMM yyyy", locale=self.locale)

    def change(self, now: float | None, before: float | None) -> str:
        """The change from N-1 with its arrow: "↗ +12,3 %", "↘ -4,0 %", "→ 0,0 %"; n.d. without N-1."""
        if now is None or before is None or not before:
            return self.na
        share = (now - before) / abs(before)
        arrow = "↗" if share > 0.0005 else "↘" if share < -0.0005 else "→"
        share = share if arrow != "→" else 0.0  # no "-0,0 %"
        if not fonts().unicode:
            arrow = {"↗": "+", "↘": "-", "→": "="}[arrow]
        sign = "+" if share > 0 else ""
        return f"{arrow} {sign}{self.percent(share)}"

    def points(self, now: float | None, before: float | None) -> str:
        """The change of a share in percentage points, with its arrow: "↗ +10,0 pts" (60 % to
        70 %), "pp" in English; n.d. without both."""
        if now is None or before is None:
            return self.na
        delta = (now - before) * 100
        arrow = "↗" if delta > 0.05 else "↘" if delta < -0.05 else "→"
        delta = delta if arrow != "→" else 0.0  # no "-0,0 pts"
        if not fonts().unicode:
            arrow = {"↗": "+", "↘": "-", "→": "="}[arrow]
        sign = "+" if delta > 0 else ""
        return f"{arrow} {sign}{self.number(delta, 1)} {'pts' if self.lang == 'fr' else 'pp'}"

    def month_short(self, value: date | datetime) -> str:
        """ "janv. 2025" / "Jan 2025": a chart's or a table's month."""
        return format_date(_civil(value), format="MMM yyyy", locale=self.locale)
