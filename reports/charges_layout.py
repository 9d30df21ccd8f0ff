"""What the charge-control report's sections draw with: the report as the caller gives it, the
words of its language, its styles, and money as the report prints it (euros to the cent; a
balance with its sign; n.d. when there is none, never 0)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reportlab.lib.units import cm

from reports.charges_text import TEXT
from reports.csr_tables import cell_styles
from reports.fonts import fonts
from reports.formatting import Formatter
from reports.page import styles
from services.reporting.domain.charges import ChargeControl
from services.reporting.domain.charges_costs import CHARGE_CATEGORIES

WIDTH = 18 * cm  # the frame's width on A4 portrait
# drawn only with a font that has them (DejaVu); Helvetica's encoding lacks them
_UNICODE_ONLY = {"−": "-", "→": "->"}


@dataclass(frozen=True)
class ChargesReport:
    report_id: str
    scope_label: str  # the building or residence, as the title band names it
    charges: ChargeControl
    building_ids: tuple[str, ...]  # every building the report covers, with data or not
    residence_ids: tuple[str, ...]
    as_of: datetime
    figures_sha256: str
    lang: str = "fr"
    manifest: dict[str, str] = field(default_factory=dict)


def amount(fmt: Formatter, cents: int | None) -> str:
    """Euros to the cent, as a table prints them: "1 234,56" (fr), "1,234.56" (en)."""
    return fmt.na if cents is None else fmt.cents(cents)


def signed_amount(fmt: Formatter, cents: int | None) -> str:
    """A balance: "+29,65" to refund, "-3,75" to call, "0,00" settled."""
    return ("+" if cents is not None and cents > 0 else "") + amount(fmt, cents)


def euros(fmt: Formatter, cents: int | None) -> str:
    """Euros in a sentence, with the sign of the currency: "1 234,56 €", "€1,234.56"."""
    if cents is None:
        return fmt.na
    if fmt.lang == "fr":
        return f"{amount(fmt, cents)}\u00a0€"
    return ("-" if cents < 0 else "") + "€" + amount(fmt, abs(cents))


def _drawable(words: Any) -> Any:
    if isinstance(words, str):
        for character, plain in _UNICODE_ONLY.items():
            words = words.replace(character, plain)
        return words
    if isinstance(words, dict):
        return {k: _drawable(v) for k, v in words.items()}
    if isinstance(words, list):
        return [_drawable(v) for v in words]
    return words


@dataclass(frozen=True)
class ChargesPage:
    report: ChargesReport
    fmt: Formatter
    words: dict[str, Any]
    sheet: dict[str, Any]

    @classmethod
    def of(cls, report: ChargesReport) -> "ChargesPage":
        sheet: dict[str, Any] = dict(styles())
        sheet["tile"] = type(sheet["h2"])("tile", parent=sheet["h2"], fontSize=14, leading=18, spaceBefore=2)
        sheet["cell"] = cell_styles()["text"]
        sheet["cell_mono"] = cell_styles()["mono"]
        words = TEXT[report.lang] if fonts().unicode else _drawable(TEXT[report.lang])
        return cls(report, Formatter(report.lang), words, sheet)

    @property
    def charges(self) -> ChargeControl:
        return self.report.charges

    @property
    def arrow(self) -> str:
        return "→" if fonts().unicode else "->"

    def amount(self, cents: int | None) -> str:
        return amount(self.fmt, cents)

    def signed(self, cents: int | None) -> str:
        return signed_amount(self.fmt, cents)

    def euros(self, cents: int | None) -> str:
        return euros(self.fmt, cents)

    def signed_euros(self, cents: int) -> str:
        return ("+" if cents > 0 else "") + euros(self.fmt, cents)

    def category(self, code: str | None) -> str:
        """A charge category by its name; one the words do not know is shown as given (data)."""
        return "" if code is None else str(self.words["categories_names"].get(code, code))

    def in_order(self, codes: list[str]) -> list[str]:
        """Charge categories in the consumption service's order, any other after them."""
        known = [c for c in CHARGE_CATEGORIES if c in codes]
        return known + sorted(set(codes) - set(known))
