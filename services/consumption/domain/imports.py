"""Checks of imported records (meters, temperatures, prices, provisions) and what an import stream
stored and refused.

A refused record is an ``Issue`` (its index is its place among the stream's records of its list,
whichever batch it came in); the rest of the batch is kept. Records arrive as frames or plain
rows built by the adapter; nothing here reads or writes anything.
"""

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from services.consumption.domain.degree_days import dju_costic, dju_meteo
from services.consumption.domain.intervals import TS
from services.consumption.domain.limits import (
    MAX_COEFFICIENT,
    MAX_DJU_DAY,
    MAX_DJU_MONTH,
    MAX_EUR,
    MAX_EUR_PER_UNIT,
    MAX_REGISTER_DIGITS,
    MAX_VALUE,
    REF_CHARS,
    REF_PERIOD_CHARS,
    SOURCE_CHARS,
    TEMPERATURE,
    UNIT_CHARS,
)
from services.consumption.domain.vocab import CARRIER_UNITS, CARRIERS, CHARGE_CATEGORIES, READING_KINDS, USAGES
from services.runtime.validation import (
    EARLIEST,
    LATEST,
    QUOTE_CHARS,
    first_reasons,
    instant_reasons,
    number_reasons,
    text_reasons,
)


@dataclass(frozen=True)
class Issue:
    index: int
    rule: str
    field: str
    reason: str
    record_key: str = ""


@dataclass
class ImportSummary:
    """Records stored per kind (a kind appears once a batch of it was taken, even with 0) and the
    records refused, in the order found."""

    upserted: dict[str, int] = field(default_factory=dict)
    rejected: list[Issue] = field(default_factory=list)

    def add(self, kind: str, count: int) -> None:
        self.upserted[kind] = self.upserted.get(kind, 0) + count

    def refuse_frame(self, issues: pl.DataFrame, keys: list[str] | None = None, first: int = 0) -> None:
        """Issues as a frame ``index, rule, field, reason``; ``keys``: the records' own keys, by
        index less ``first`` (cut to a short prefix)."""
        for index, rule, field_, reason in issues.select("index", "rule", "field", "reason").iter_rows():
            key = keys[index - first][:QUOTE_CHARS] if keys is not None else ""
            self.rejected.append(Issue(index, rule, field_, reason, key))


# ---- edge checks, shared ----------------------------------------------------------------------
ISSUE_SCHEMA = pl.Schema({"index": pl.Int64(), "rule": pl.String(), "field": pl.String(), "reason": pl.String()})


def edge_issues(
    frame: pl.DataFrame, checks: dict[str, pl.Expr], rule: str, first: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Records of ``frame`` that break the contract's limits (``checks``: field -> per-row reason,
    see ``runtime.validation``) -> (the others, issues ``index, rule, field, reason``; ``index`` the
    frame's own ``index`` column when it has one, else the record's row plus ``first``). Checked by
    column; the first failing field names a record."""
    found = first_reasons(frame, checks)
    rows = found["index"]
    if "index" in frame.columns:
        found = found.with_columns(index=frame["index"].cast(pl.Int64).gather(rows))
        first = 0
    bad = found.select(
        (pl.col("index").cast(pl.Int64) + first).alias("index"),
        rule=pl.lit(rule),
        field="field",
        reason=pl.format("{} {}", pl.col("field").str.split(".").list.last(), "reason"),
    ).cast(ISSUE_SCHEMA)
    good = frame.with_row_index("_row").filter(~pl.col("_row").is_in(rows.implode())).drop("_row")
    return good, bad


def _required_us(column: str) -> pl.Expr:
    """An instant (epoch microseconds, null when not given) that must be given."""
    return pl.when(pl.col(column).is_null()).then(pl.lit("is required")).otherwise(instant_reasons(pl.col(column)))


def _one_of(column: str, values: tuple[str, ...], what: str, max_chars: int = 32) -> pl.Expr:
    c = pl.col(column)
    return pl.coalesce(
        text_reasons(c, max_chars), pl.when(~c.is_in(values)).then(pl.format("is not a known " + what + " '{}'", c))
    )


def _day_reasons(column: str) -> pl.Expr:
    """A ``YYYY-MM-DD`` day within the instant window (``_parsed`` holds it parsed)."""
    c = pl.col(column)
    day = c.str.to_date("%Y-%m-%d", strict=False)
    return pl.coalesce(
        text_reasons(c, 10),
        pl.when(day.is_null()).then(pl.lit("is not a YYYY-MM-DD date")),
        pl.when((day.dt.year() < EARLIEST.year) | (day.dt.year() >= LATEST.year)).then(
            pl.lit(f"is outside {EARLIEST.year}-{LATEST.year}")
        ),
    )


# ---- meters ----------------------------------------------------------------------------------
METER_SCHEMA = {
    "meter_ref": pl.String,
    "building_id": pl.String,
    "unit_id": pl.String,
    "carrier": pl.String,
    "unit": pl.String,
    "usage": pl.String,
    "recoverable": pl.Boolean,
    "charge_category": pl.String,
    "register_digits": pl.Int64,
    "reading_kind": pl.String,
    "weather_station": pl.String,
    "contract_ref": pl.String,
}
_CARRIER_UNIT = tuple(f"{c}|{u}" for c, units in CARRIER_UNITS.items() for u in units)


def check_meters(meters: list[dict[str, Any]], first: int) -> tuple[list[dict[str, Any]], pl.DataFrame]:
    """Meter rows (the store's meter columns) -> (the good ones, issues ``index, rule, field,
    reason`` with rule invalid_meter; ``index`` the place among the stream's meters, ``first`` the
    number sent before these). Checked by column."""
    if not meters:
        return [], pl.DataFrame(schema=ISSUE_SCHEMA)
    f = pl.DataFrame(meters, schema=METER_SCHEMA, orient="row")
    ref = pl.col("meter_ref")
    pair = pl.col("carrier") + "|" + pl.col("unit")
    checks = {
        "meter_ref": text_reasons(ref, REF_CHARS, required=True),
        "building_id": text_reasons(pl.col("building_id"), REF_CHARS, required=True),
        "unit_id": text_reasons(pl.col("unit_id"), REF_CHARS),
        "carrier": _one_of("carrier", CARRIERS, "carrier"),
        "unit": pl.coalesce(
            text_reasons(pl.col("unit"), UNIT_CHARS),
            pl.when(~pair.is_in(_CARRIER_UNIT)).then(pl.format("'{}' is not a unit of {}", "unit", "carrier")),
        ),
        "usage": _one_of("usage", USAGES, "usage"),
        "charge_category": _one_of("charge_category", CHARGE_CATEGORIES, "charge category"),
        "reading_kind": _one_of("reading_kind", READING_KINDS, "reading kind (index or consumption)"),
        "register_digits": number_reasons(pl.col("register_digits").cast(pl.Float64), low=0, high=MAX_REGISTER_DIGITS),
        "weather_station": text_reasons(pl.col("weather_station"), REF_CHARS),
        "contract_ref": text_reasons(pl.col("contract_ref"), REF_CHARS),
    }
    good, bad = edge_issues(f, checks, "invalid_meter", first)
    return good.to_dicts(), bad


def check_replacements(frame: pl.DataFrame, known: pl.DataFrame, first: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Replacements ``meter_ref, replaced_at_us, old_last_index, new_first_index`` of meters
    ``known`` (``meter_ref, meter_id``) -> (rows ``meter_id, replaced_at, old_last_index,
    new_first_index``; issues, rule invalid_replacement)."""
    checks = {
        "replacements.meter_ref": _known_meter(known),
        "replacements.replaced_at": _required_us("replaced_at_us"),
        "replacements.old_last_index": number_reasons(pl.col("old_last_index"), low=0, high=MAX_VALUE),
        "replacements.new_first_index": number_reasons(pl.col("new_first_index"), low=0, high=MAX_VALUE),
    }
    good, bad = edge_issues(frame, checks, "invalid_replacement", first)
    rows = good.join(known, on="meter_ref").select(
        "meter_id", pl.col("replaced_at_us").cast(TS).alias("replaced_at"), "old_last_index", "new_first_index"
    )
    return rows, bad


def check_gas_coefficients(frame: pl.DataFrame, known: pl.DataFrame, first: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Coefficients ``meter_ref, valid_from_us, kwh_pcs_per_m3, source`` of meters ``known`` ->
    (rows ``meter_id, valid_from, kwh_pcs_per_m3, source``; issues, rule invalid_gas_coefficient)."""
    k = pl.col("kwh_pcs_per_m3")
    checks = {
        "gas_coefficients.meter_ref": _known_meter(known),
        "gas_coefficients.valid_from": _required_us("valid_from_us"),
        "gas_coefficients.kwh_pcs_per_m3": pl.coalesce(
            number_reasons(k, high=MAX_COEFFICIENT), pl.when(k <= 0).then(pl.lit("must be above 0"))
        ),
        "gas_coefficients.source": text_reasons(pl.col("source"), SOURCE_CHARS),
    }
    good, bad = edge_issues(frame, checks, "invalid_gas_coefficient", first)
    rows = good.join(known, on="meter_ref").select(
        "meter_id", pl.col("valid_from_us").cast(TS).alias("valid_from"), "kwh_pcs_per_m3", "source"
    )
    return rows, bad


def _known_meter(known: pl.DataFrame) -> pl.Expr:
    ref = pl.col("meter_ref")
    return pl.coalesce(
        text_reasons(ref, REF_CHARS, required=True),
        pl.when(~ref.is_in(known["meter_ref"].implode())).then(pl.format("'{}' is not a known meter", ref)),
    )


# ---- degree days -----------------------------------------------------------------------------
def temperature_days(temperatures: pl.DataFrame, source: str, first: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Daily temperatures ``station, day, tn, tx`` (``day`` as sent, ``YYYY-MM-DD``) -> (days to store
    ``station, day, tn, tx, dju_meteo, dju_costic, source``; issues ``index, rule, field, reason``:
    limits broken, tn above tx; ``index`` the row plus ``first``)."""
    lo, hi = TEMPERATURE
    checks = {
        "temperatures.station": text_reasons(pl.col("station"), REF_CHARS, required=True),
        "temperatures.day": _day_reasons("day"),
        "temperatures.tn": number_reasons(pl.col("tn"), low=lo, high=hi),
        "temperatures.tx": number_reasons(pl.col("tx"), low=lo, high=hi),
    }
    temperatures, edge = edge_issues(
        temperatures.with_row_index("index", offset=first), checks, "invalid_temperature", 0
    )
    temperatures = temperatures.with_columns(pl.col("index").cast(pl.Int64), day=pl.col("day").str.to_date("%Y-%m-%d"))
    bad = temperatures.filter(pl.col("tn") > pl.col("tx")).select(
        "index",
        rule=pl.lit("invalid_temperature"),
        field=pl.lit("temperatures.tn"),
        reason=pl.lit("tn above tx"),
    )
    bad = pl.concat([edge, bad.cast(ISSUE_SCHEMA)]).sort("index")
    days = (
        temperatures.filter(pl.col("tn") <= pl.col("tx"))
        .drop("index")
        .with_columns(
            dju_meteo=dju_meteo(pl.col("tn"), pl.col("tx")),
            dju_costic=dju_costic(pl.col("tn"), pl.col("tx")),
            source=pl.lit(source),
        )
    )
    return days, bad


def ready_made_dju_days(dju: pl.DataFrame, source: str, first: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Published daily DJU ``station, day, dju`` (``day`` as sent) -> (days to store (no
    temperatures; both methods take the published figure); issues, rule invalid_dju)."""
    checks = {
        "dju.station": text_reasons(pl.col("station"), REF_CHARS, required=True),
        "dju.day": _day_reasons("day"),
        "dju.dju": number_reasons(pl.col("dju"), low=0, high=MAX_DJU_DAY),
    }
    dju, bad = edge_issues(dju, checks, "invalid_dju", first)
    dju = dju.with_columns(day=pl.col("day").str.to_date("%Y-%m-%d"))
    return dju.select(
        "station",
        "day",
        tn=pl.lit(None, pl.Float64),
        tx=pl.lit(None, pl.Float64),
        dju_meteo="dju",
        dju_costic="dju",
        source=pl.lit(source + " (ready-made DJU)"),
    ), bad


def check_normals(normals: pl.DataFrame, first: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Normals ``station, month_of_year, dju_ref, ref_period`` -> (the good ones; issues, rule
    invalid_normal)."""
    checks = {
        "normals.station": text_reasons(pl.col("station"), REF_CHARS, required=True),
        "normals.month_of_year": number_reasons(pl.col("month_of_year").cast(pl.Float64), low=1, high=12),
        "normals.dju_ref": number_reasons(pl.col("dju_ref"), low=0, high=MAX_DJU_MONTH),
        "normals.ref_period": text_reasons(pl.col("ref_period"), REF_PERIOD_CHARS),
    }
    return edge_issues(normals, checks, "invalid_normal", first)


# ---- prices ----------------------------------------------------------------------------------
PRICE_COLUMNS = ["target", "valid_from", "basis", "eur_per_unit", "fixed_eur_per_month", "source"]
PRICE_BASES = tuple(sorted({u for units in CARRIER_UNITS.values() for u in units} | {"kWh PCS", "kWh PCI"}))


def price_rows(prices: pl.DataFrame, first: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Prices ``meter_ref, contract_ref, valid_from_us, basis, eur_per_unit, fixed_eur_per_month,
    source`` -> (rows to store ``target`` = ``meter:<ref>`` or ``contract:<ref>``, ``valid_from,
    basis, eur_per_unit, fixed_eur_per_month, source``; issues, rule invalid_price). ``first``: the
    number of prices sent before these. Checked by column."""
    one = (pl.col("meter_ref") == "") != (pl.col("contract_ref") == "")
    checks = {
        "meter_ref": pl.coalesce(
            text_reasons(pl.col("meter_ref"), REF_CHARS),
            pl.when(~one).then(pl.lit("a price names exactly one of meter_ref and contract_ref")),
        ),
        "contract_ref": text_reasons(pl.col("contract_ref"), REF_CHARS),
        "valid_from": pl.when(pl.col("valid_from_us").is_null())
        .then(pl.lit("valid_from missing"))
        .otherwise(instant_reasons(pl.col("valid_from_us"))),
        "basis": _one_of("basis", PRICE_BASES, "unit", UNIT_CHARS),
        "eur_per_unit": number_reasons(pl.col("eur_per_unit"), low=-MAX_EUR_PER_UNIT, high=MAX_EUR_PER_UNIT),
        "fixed_eur_per_month": number_reasons(pl.col("fixed_eur_per_month"), low=-MAX_EUR, high=MAX_EUR),
        "source": text_reasons(pl.col("source"), SOURCE_CHARS),
    }
    good, bad = edge_issues(prices, checks, "invalid_price", first)
    # the reasons of the two rules kept from before the edge checks, word for word
    bad = bad.with_columns(
        reason=pl.when(pl.col("reason").str.ends_with("exactly one of meter_ref and contract_ref"))
        .then(pl.lit("a price names exactly one of meter_ref and contract_ref"))
        .when(pl.col("reason") == "valid_from valid_from missing")
        .then(pl.lit("valid_from missing"))
        .otherwise("reason")
    )
    rows = good.select(
        target=pl.when(pl.col("meter_ref") != "")
        .then(pl.format("meter:{}", "meter_ref"))
        .otherwise(pl.format("contract:{}", "contract_ref")),
        valid_from=pl.col("valid_from_us").cast(TS),
        basis="basis",
        eur_per_unit="eur_per_unit",
        fixed_eur_per_month="fixed_eur_per_month",
        source=pl.when(pl.col("source") == "").then(pl.lit("unspecified")).otherwise("source"),
    )
    return rows, bad


# ---- provisions ------------------------------------------------------------------------------
def check_provisions(f: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Provisions ``index, unit_id, text, charge_category, amount_eur, building_id`` (``text`` the
    month as sent, ``YYYY-MM``; ``index`` the place in the stream's provisions) -> (good rows
    ``unit_id, month, charge_category, amount_eur, building_id``, issues ``index, rule, field,
    reason``), checked by column.

    Among the valid records, a later one with the key (unit, month, category) of an earlier one is
    taken once if identical, refused (rule ``conflicting_provision``, naming the earlier) if not:
    one batch holds one amount per key. A later batch of the stream may revise it (a new version)."""
    edge = {
        "provisions.unit_id": text_reasons(pl.col("unit_id"), REF_CHARS),
        "provisions.building_id": text_reasons(pl.col("building_id"), REF_CHARS),
        "provisions.month": text_reasons(pl.col("text"), 7),
        "provisions.charge_category": text_reasons(pl.col("charge_category"), 32),
        "provisions.amount_eur": pl.when(pl.col("amount_eur").is_finite())
        .then(number_reasons(pl.col("amount_eur"), low=-MAX_EUR, high=MAX_EUR))
        .otherwise(None),
    }
    f, edge_bad = edge_issues(f, edge, "invalid_provision", 0)
    f = f.with_columns(month=(pl.col("text") + "-01").str.to_date("%Y-%m-%d", strict=False))
    f = f.with_columns(
        month=pl.when(pl.col("month").dt.year().is_between(EARLIEST.year, LATEST.year - 1)).then(pl.col("month"))
    )
    checks = [
        (pl.col("unit_id") == "", "provisions.unit_id", pl.lit("unit_id is missing")),
        (pl.col("building_id") == "", "provisions.building_id", pl.lit("building_id is missing")),
        (pl.col("month").is_null(), "provisions.month", pl.format("'{}' is not a YYYY-MM month", "text")),
        (
            ~pl.col("charge_category").is_in(CHARGE_CATEGORIES),
            "provisions.charge_category",
            pl.format("unknown charge category '{}'", "charge_category"),
        ),
        (
            ~pl.col("amount_eur").is_finite(),
            "provisions.amount_eur",
            pl.format("amount_eur {} is not a finite number", "amount_eur"),
        ),
    ]
    bad = pl.concat(
        [
            f.filter(cond).select("index", rule=pl.lit("invalid_provision"), field=pl.lit(field_), reason=reason)
            for cond, field_, reason in checks
        ]
    )
    valid = f.filter(~pl.col("index").is_in(bad["index"].implode()))
    key = ["unit_id", "month", "charge_category"]
    earliest = valid.group_by(key).agg(pl.all().sort_by("index").first().name.prefix("first_"))
    later = valid.join(earliest, on=key).filter(pl.col("index") != pl.col("first_index"))
    other_amount = pl.col("amount_eur") != pl.col("first_amount_eur")
    amount = pl.format("amount_eur {} conflicts with {}", "amount_eur", "first_amount_eur")
    building = pl.format("building_id '{}' conflicts with '{}'", "building_id", "first_building_id")
    where = pl.format(
        " in record #{} for the same unit, month and category ({}, {}, {})",
        "first_index",
        "unit_id",
        "text",
        "charge_category",
    )
    conflicts = later.filter(other_amount | (pl.col("building_id") != pl.col("first_building_id"))).select(
        "index",
        rule=pl.lit("conflicting_provision"),
        field=pl.when(other_amount).then(pl.lit("provisions.amount_eur")).otherwise(pl.lit("provisions.building_id")),
        reason=pl.when(other_amount).then(amount).otherwise(building) + where,
    )
    good = valid.join(earliest.select(index="first_index"), on="index").sort("index")
    rows = good.select("unit_id", "month", "charge_category", "amount_eur", "building_id")
    return rows, pl.concat([edge_bad, bad.cast(ISSUE_SCHEMA), conflicts.cast(ISSUE_SCHEMA)]).sort("index")


# ---- batches as the use cases take them ------------------------------------------------------
@dataclass
class MeterBatch:
    """Meter rows (the store's meter columns, None for what was not given), replacements and gas
    coefficients as sent (instants in epoch microseconds, null when not given)."""

    meters: list[dict[str, Any]]
    replacements: pl.DataFrame  # meter_ref, replaced_at_us, old_last_index, new_first_index
    gas_coefficients: pl.DataFrame  # meter_ref, valid_from_us, kwh_pcs_per_m3, source


@dataclass
class DegreeDayBatch:
    """Frames ``station, day, tn, tx`` / ``station, day, dju`` / ``station, month_of_year, dju_ref,
    ref_period`` (days as sent), each None when the batch has none."""

    source: str
    temperatures: pl.DataFrame | None
    dju: pl.DataFrame | None
    normals: pl.DataFrame | None


@dataclass
class PriceBatch:
    """Prices, and provisions ``unit_id, text, charge_category, amount_eur, building_id`` (None
    when the batch has none; see ``check_provisions``)."""

    prices: pl.DataFrame  # see price_rows
    provisions: pl.DataFrame | None
