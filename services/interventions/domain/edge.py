"""Checks at the edge: what every record must hold before any business rule looks at it and
before anything is written (lengths that fit the tables, no NUL or control character, finite
numbers in range, instants within 1900-2200, known enum values). A record that fails is refused
with rule ``invalid_field``, the field and why; the rest of its batch goes on.

Batches of events are checked column by column (services.runtime.validation): a cheap
over-approximation first (byte length, one regular expression per text column), the exact
reasons only for the few rows it flags. The limits are those the protos document.
"""

import math
import re
from collections.abc import Iterable
from typing import Any

import polars as pl

from services.interventions.domain.limits import MAX_BATCH_EVENTS
from services.interventions.errors import InvalidRequest
from services.runtime.errors import InvalidArgument
from services.runtime.validation import (
    CONTROL,
    CONTROL_BUT_BREAKS,
    EARLIEST_US,
    LATEST_US,
    check_instant,
    check_number,
    check_text,
    first_reasons,
    instant_reasons,
    number_reasons,
    text_reasons,
)

RULE = "invalid_field"

ID_CHARS = 64
TEXT_CHARS = 4000  # descriptions and notes, several lines allowed
TICKET_ID_CHARS = 140  # "<contractor_id>/<external_ref>"
MAX_COST_EUR = 1e9

# Event text fields: (at most this many characters, several lines allowed)
EVENT_TEXTS: dict[str, tuple[int, bool]] = {
    "contractor_id": (ID_CHARS, False),
    "external_ref": (ID_CHARS, False),
    "kind": (32, False),  # the EventKind name without its prefix (Arrow form: a text column)
    "contract_id": (ID_CHARS, False),
    "service_code": (60, False),
    "ug_id": (ID_CHARS, False),
    "building_id": (ID_CHARS, False),
    "equipment_id": (ID_CHARS, False),
    "criticality": (30, False),
    "description": (TEXT_CHARS, True),
    "quitus_document": (200, False),
    "quitus_signed_by": (40, False),
    "note": (TEXT_CHARS, True),
}
# Event numbers: (low, high). A negative cost is left to the business rule invalid_value.
EVENT_NUMBERS: dict[str, tuple[float, float]] = {
    "visit_number": (0, 2**31 - 1),
    "cost_eur": (-math.inf, MAX_COST_EUR),
}
# Event instants (epoch µs; null = not given) and the field a client knows them by
EVENT_INSTANTS = {"event_us": "event_time", "recorded_us": "recorded_at"}
_CONTROL_RE = re.compile(CONTROL)
KEY_CHARS = 120  # a refused record's key, as shown and stored


def _suspect(name: str) -> pl.Expr:
    """True for a row whose field may break a limit (a superset of those that do: cheap)."""
    if name in EVENT_TEXTS:
        limit, multiline = EVENT_TEXTS[name]
        column = pl.col(name)
        return (column.str.len_bytes() > limit) | column.str.contains(CONTROL_BUT_BREAKS if multiline else CONTROL)
    if name in EVENT_NUMBERS:
        low, high = EVENT_NUMBERS[name]
        column = pl.col(name).cast(pl.Float64)
        return ~column.is_finite() | (column < low) | (column > high)
    column = pl.col(name)
    return ((column < EARLIEST_US) | (column >= LATEST_US)).fill_null(False)


def _reasons(name: str) -> pl.Expr:
    if name in EVENT_TEXTS:
        limit, multiline = EVENT_TEXTS[name]
        return text_reasons(pl.col(name), limit, multiline=multiline)
    if name in EVENT_NUMBERS:
        low, high = EVENT_NUMBERS[name]
        column = pl.col(name).cast(pl.Float64)
        if math.isfinite(low):
            return number_reasons(column, low=low, high=high)
        return (
            pl.when(~column.is_finite())
            .then(pl.lit("must be a finite number"))
            .when(column > high)
            .then(pl.lit(f"must be at most {high:,.0f}"))
            .otherwise(None)
        )
    return instant_reasons(pl.col(name))


# In the order they are tried: the first field that fails is the one reported.
_CHECKED = [
    "contractor_id",
    "external_ref",
    "kind",
    "event_us",
    "recorded_us",
    *[n for n in EVENT_TEXTS if n not in ("contractor_id", "external_ref", "kind")],
    *EVENT_NUMBERS,
]


def shown_key(key: pl.Expr) -> pl.Expr:
    """A record key fit to show and store: control characters replaced, cut to KEY_CHARS."""
    cleaned = key.str.replace_all(CONTROL, "\ufffd")
    return pl.when(cleaned.str.len_chars() > KEY_CHARS).then(cleaned.str.slice(0, KEY_CHARS) + "…").otherwise(cleaned)


def event_refusals(batch: pl.DataFrame) -> pl.DataFrame:
    """The events of ``batch`` (events.batch_frame) that break a limit: index, record_key (fit to
    show), field (as the protos name it), reason. Empty when every event holds."""
    suspect = batch.filter(pl.any_horizontal(_suspect(n) for n in _CHECKED))
    schema = {"index": pl.Int32, "record_key": pl.String, "field": pl.String, "reason": pl.String}
    if suspect.height == 0:
        return pl.DataFrame(schema=schema)
    found = first_reasons(suspect, {EVENT_INSTANTS.get(n, n): _reasons(n) for n in _CHECKED})
    rows = suspect.select("index", shown_key(pl.col("record_key")).alias("record_key"))
    return (
        found.join(rows.with_row_index("row"), left_on="index", right_on="row")
        .select(
            pl.col("index_right").alias("index"),
            "record_key",
            "field",
            pl.format("{} {}", "field", "reason").alias("reason"),
        )
        .cast(schema)  # type: ignore[arg-type]
    )


def check_batch_size(size: int, field: str) -> None:
    if size > MAX_BATCH_EVENTS:
        raise InvalidRequest(
            f"a batch holds at most {MAX_BATCH_EVENTS:,} events, this one {size:,}: send it in several", field=field
        )


# ------------------------------------------------------------------ portfolio

# kind -> text field -> at most this many characters (the id field is required)
PORTFOLIO_TEXTS: dict[str, dict[str, int]] = {
    "organisation": {"id": ID_CHARS, "name": 200},
    "territory": {"id": ID_CHARS, "organisation_id": ID_CHARS, "name": 200},
    "residence": {"id": ID_CHARS, "territory_id": ID_CHARS, "name": 200},
    "building": {
        "id": ID_CHARS,
        "residence_id": ID_CHARS,
        "address": 300,
        "postcode": 16,
        "city": 120,
        "heating_system": 40,
        "weather_station": 40,
    },
    "unit": {"ug_id": ID_CHARS, "building_id": ID_CHARS, "kind": 40},
    "equipment": {"id": ID_CHARS, "building_id": ID_CHARS, "kind": 40, "label": 200},
    "contractor": {"id": ID_CHARS, "name": 200, "vehicle_profile": 60},
    "contractor_base": {"id": ID_CHARS, "contractor_id": ID_CHARS, "name": 200},
}
# kind -> number field -> (low, high)
PORTFOLIO_NUMBERS: dict[str, dict[str, tuple[float, float]]] = {
    "building": {
        "latitude": (-90, 90),
        "longitude": (-180, 180),
        "heated_area_m2": (0, 1e7),
        "dwellings": (0, 100_000),
    },
    "unit": {"area_m2": (0, 1e6)},
    "contractor_base": {"latitude": (-90, 90), "longitude": (-180, 180)},
}


def portfolio_refusals(kind: str, rows: list[dict[str, Any]]) -> dict[int, tuple[str, str]]:
    """Position in ``rows`` -> (field, reason) of the records of one kind that break a limit;
    checked column by column."""
    texts, numbers = PORTFOLIO_TEXTS.get(kind, {}), PORTFOLIO_NUMBERS.get(kind, {})
    if not rows or not (texts or numbers):
        return {}
    frame = pl.DataFrame(
        {
            **{f: pl.Series(f, [r[f] for r in rows], dtype=pl.String) for f in texts},
            **{f: pl.Series(f, [r[f] for r in rows], dtype=pl.Float64) for f in numbers},
        }
    )
    checks = {f: text_reasons(pl.col(f), limit) for f, limit in texts.items()}
    checks |= {f: number_reasons(pl.col(f), low=low, high=high) for f, (low, high) in numbers.items()}
    found = first_reasons(frame, checks)
    return {i: (f, f"{f} {r}") for i, f, r in found.iter_rows()}


def check_contract(contract: dict[str, Any]) -> None:
    """A contract (convert.contract's dict) within its limits, or InvalidArgument naming the field."""
    check_text(contract["id"], "contract.id", ID_CHARS, required=True)
    check_text(contract["contractor_id"], "contract.contractor_id", ID_CHARS, required=True)
    check_text(contract["reference"], "contract.reference", 120)
    for name in ("starts_at", "ends_at"):
        check_instant(contract[name], f"contract.{name}")
    check_number(contract["recoverable_share"], "contract.recoverable_share", low=0, high=1)
    for scope in contract["perimeter"]:
        check_text(scope["scope_id"], f"contract.{scope['scope_kind']}_ids", ID_CHARS)
    _texts(contract["trades"], {"trade": 60}, "contract.trades")
    _texts(contract["codes"], {"code": 60, "trade": 60}, "contract.service_codes")
    for code in contract["codes"]:
        check_number(code["unit_price_eur"], "contract.service_codes.unit_price_eur", low=0, high=MAX_COST_EUR)
    _texts(contract["deadlines"], {"criticality": 30}, "contract.service_codes.deadlines")
    for deadline in contract["deadlines"]:
        for hours in ("intervene_hours", "repair_hours"):
            check_number(deadline[hours], f"contract.service_codes.deadlines.{hours}", low=0, high=100_000)
    _texts(contract["plans"], {"service_code": 60, "equipment_kind": 40}, "contract.preventive_plans")
    for plan in contract["plans"]:
        check_number(plan["interval_days"], "contract.preventive_plans.interval_days", low=0, high=36_600)


def _texts(rows: Iterable[dict[str, Any]], limits: dict[str, int], prefix: str) -> None:
    for row in rows:
        for name, limit in limits.items():
            check_text(row[name], f"{prefix}.{name}", limit)


def contract_refusal(contract: dict[str, Any]) -> tuple[str, str] | None:
    """(field, reason) when the contract breaks a limit, else None."""
    try:
        check_contract(contract)
    except InvalidArgument as exc:
        return exc.field or "contract", f"{exc.field} {exc.message}"
    return None


# ------------------------------------------------------------------ one value


def check_id(value: str, field: str, max_chars: int = ID_CHARS) -> str:
    """An id a read call filters by: at most ``max_chars`` characters, no control character."""
    return check_text(value, field, max_chars)


def cut(text: str, max_chars: int) -> tuple[str, bool]:
    """``text`` cut to ``max_chars`` characters with a marker, and whether it was cut."""
    if len(text) <= max_chars:
        return text, False
    return text[:max_chars] + " […]", True


def has_control(text: str) -> bool:
    return _CONTROL_RE.search(text) is not None


def shown_id(column: pl.Expr) -> pl.Expr:
    """An id as a refused record may hold it, fit to store beside the refusal: control characters
    replaced, cut to ID_CHARS."""
    return column.str.replace_all(CONTROL, "\ufffd").str.slice(0, ID_CHARS)
