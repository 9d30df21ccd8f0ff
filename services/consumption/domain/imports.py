"""Checks of imported records (meters, temperatures, prices, provisions) and what an import stream
stored and refused.

A refused record is an ``Issue`` (its index is its place among the stream's records of its list,
whichever batch it came in); the rest of the batch is kept. Records arrive as frames or plain
rows built by the adapter; nothing here reads or writes anything.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl

from services.consumption.domain.degree_days import dju_costic, dju_meteo
from services.consumption.domain.vocab import CARRIER_UNITS, CHARGE_CATEGORIES, READING_KINDS, USAGES


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

    def refuse_frame(self, issues: pl.DataFrame) -> None:
        """Issues as a frame ``index, rule, field, reason``."""
        for index, rule, field_, reason in issues.select("index", "rule", "field", "reason").iter_rows():
            self.rejected.append(Issue(index, rule, field_, reason))


# ---- meters ----------------------------------------------------------------------------------
def meter_issue(meter: Mapping[str, Any]) -> tuple[str, str] | None:
    """(field, reason) of the first problem of a meter row (the store's meter columns), or None."""
    ref = meter["meter_ref"]
    carrier, unit = meter["carrier"], meter["unit"]
    if not ref:
        return "meter_ref", "meter reference is missing"
    if not meter["building_id"]:
        return "building_id", f"meter '{ref}' has no building"
    if carrier not in CARRIER_UNITS:
        return "carrier", f"unknown carrier '{carrier}'"
    if unit not in CARRIER_UNITS[carrier]:
        return (
            "unit",
            f"unit '{unit}' is not one of {', '.join(CARRIER_UNITS[carrier])} for {carrier}",
        )
    if meter["usage"] not in USAGES:
        return "usage", f"unknown usage '{meter['usage']}'"
    if meter["charge_category"] not in CHARGE_CATEGORIES:
        return "charge_category", f"unknown charge category '{meter['charge_category']}'"
    if meter["reading_kind"] not in READING_KINDS:
        return "reading_kind", f"reading_kind must be index or consumption, not '{meter['reading_kind']}'"
    if not 0 <= (meter["register_digits"] or 0) <= 15:
        return "register_digits", "register_digits must be between 0 and 15"
    return None


# ---- degree days -----------------------------------------------------------------------------
def temperature_days(temperatures: pl.DataFrame, source: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Daily temperatures ``index, station, day, tn, tx`` -> (days to store ``station, day, tn, tx,
    dju_meteo, dju_costic, source``; issues ``index, rule, field, reason`` for tn above tx)."""
    bad = temperatures.filter(pl.col("tn") > pl.col("tx")).select(
        "index",
        rule=pl.lit("invalid_temperature"),
        field=pl.lit("temperatures.tn"),
        reason=pl.lit("tn above tx"),
    )
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


def ready_made_dju_days(dju: pl.DataFrame, source: str) -> pl.DataFrame:
    """Published daily DJU ``station, day, dju`` -> days to store (no temperatures; both methods
    take the published figure)."""
    return dju.select(
        "station",
        "day",
        tn=pl.lit(None, pl.Float64),
        tx=pl.lit(None, pl.Float64),
        dju_meteo="dju",
        dju_costic="dju",
        source=pl.lit(source + " (ready-made DJU)"),
    )


# ---- prices ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PriceRecord:
    meter_ref: str
    contract_ref: str
    valid_from: datetime | None
    basis: str
    eur_per_unit: float
    fixed_eur_per_month: float
    source: str


PRICE_COLUMNS = ["target", "valid_from", "basis", "eur_per_unit", "fixed_eur_per_month", "source"]


def price_rows(prices: list[PriceRecord], first: int) -> tuple[pl.DataFrame | None, list[Issue]]:
    """Prices -> (rows to store ``target`` = ``meter:<ref>`` or ``contract:<ref>``, ``valid_from,
    basis, eur_per_unit, fixed_eur_per_month, source``, None when none is valid; issues). ``first``:
    the number of prices sent before these."""
    rows: list[tuple[Any, ...]] = []
    issues: list[Issue] = []
    for i, p in enumerate(prices, start=first):
        if bool(p.meter_ref) == bool(p.contract_ref):
            issues.append(
                Issue(i, "invalid_price", "meter_ref", "a price names exactly one of meter_ref and contract_ref")
            )
            continue
        if p.valid_from is None:
            issues.append(Issue(i, "invalid_price", "valid_from", "valid_from missing"))
            continue
        target = f"meter:{p.meter_ref}" if p.meter_ref else f"contract:{p.contract_ref}"
        rows.append((target, p.valid_from, p.basis, p.eur_per_unit, p.fixed_eur_per_month, p.source or "unspecified"))
    if not rows:
        return None, issues
    return pl.DataFrame(rows, orient="row", schema=PRICE_COLUMNS), issues


# ---- provisions ------------------------------------------------------------------------------
def check_provisions(f: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Provisions ``index, unit_id, text, charge_category, amount_eur, building_id`` (``text`` the
    month as sent, ``YYYY-MM``; ``index`` the place in the stream's provisions) -> (good rows
    ``unit_id, month, charge_category, amount_eur, building_id``, issues ``index, rule, field,
    reason``), checked by column.

    Among the valid records, a later one with the key (unit, month, category) of an earlier one is
    taken once if identical, refused (rule ``conflicting_provision``, naming the earlier) if not:
    one batch holds one amount per key. A later batch of the stream may revise it (a new version)."""
    f = f.with_columns(month=(pl.col("text") + "-01").str.to_date("%Y-%m-%d", strict=False))
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
    return rows, pl.concat([bad, conflicts]).sort("index")


# ---- batches as the use cases take them ------------------------------------------------------
@dataclass
class MeterBatch:
    """Meter rows (the store's meter columns, None for what was not given), replacements
    ``(meter_ref, replaced_at, old_last_index, new_first_index)`` and gas coefficients
    ``(meter_ref, valid_from, kwh_pcs_per_m3, source)``."""

    meters: list[dict[str, Any]]
    replacements: list[tuple[str, datetime | None, float, float]]
    gas_coefficients: list[tuple[str, datetime | None, float, str]]


@dataclass
class DegreeDayBatch:
    """Frames ``station, day, tn, tx`` / ``station, day, dju`` / ``station, month_of_year, dju_ref,
    ref_period``, each None when the batch has none."""

    source: str
    temperatures: pl.DataFrame | None
    dju: pl.DataFrame | None
    normals: pl.DataFrame | None


@dataclass
class PriceBatch:
    """Prices, and provisions ``unit_id, text, charge_category, amount_eur, building_id`` (None
    when the batch has none; see ``check_provisions``)."""

    prices: list[PriceRecord]
    provisions: pl.DataFrame | None
