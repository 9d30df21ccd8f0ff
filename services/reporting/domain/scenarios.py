"""Reference scenarios (issue 13, item 3): what a scenario declares and the checks it passes.
A scenario is immutable: a change is a new version, and every avoided figure names the version
it rests on. Pure: no I/O."""

import re
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from services.reporting.domain.trips import visit_profile
from services.runtime.errors import InvalidArgument
from services.runtime.validation import check_instant, check_number, check_text

NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
MAX_TRADES = 200
MAX_VISITS_PER_INTERVENTION = 20.0


@dataclass(frozen=True)
class TradeReference:
    trade: str
    visits_per_intervention: float


@dataclass(frozen=True)
class ScenarioContent:
    name: str
    description: str
    reference_start: datetime
    reference_end: datetime
    trades: tuple[TradeReference, ...]
    road_factor: float
    vehicle_profile: str
    vehicle_factor_key: str
    fuel_litres_per_100km: float
    uncertainty_pct: float


@dataclass(frozen=True)
class Scenario:
    content: ScenarioContent
    version: int
    declared_at: datetime
    declared_by: str
    content_sha256: str


def reference_trades(facts: pl.DataFrame) -> tuple[TradeReference, ...]:
    """Each trade's visits per curative intervention resolved (trips.visit_profile), rounded to
    four decimals, for a scenario whose trades are taken from its reference period."""
    profile = visit_profile(facts)
    return tuple(
        TradeReference(trade, round(float(vpi), 4))
        for trade, vpi in zip(profile["trade"], profile["visits_per_intervention"], strict=True)
    )


def check_name(name: str, field: str = "name") -> str:
    if not NAME.fullmatch(name):
        check_text(name, field, 63, required=True)  # the clearer reason when one applies
        raise InvalidArgument("must match [a-z][a-z0-9_]{0,62} (e.g. reference_2023)", field=field)
    return name


def check_content(content: ScenarioContent) -> ScenarioContent:
    """Every field within its documented limits, or InvalidArgument naming it (``content.*``)."""
    check_name(content.name, "content.name")
    check_text(content.description, "content.description", 2_000, multiline=True)
    for bound, value in (("start", content.reference_start), ("end", content.reference_end)):
        check_instant(value, f"content.reference_period.{bound}")
    if content.reference_end <= content.reference_start:
        raise InvalidArgument("the reference period ends before it starts", field="content.reference_period.end")
    if not 1 <= len(content.trades) <= MAX_TRADES:
        raise InvalidArgument(f"declares {len(content.trades)} trades; 1 to {MAX_TRADES}", field="content.trades")
    seen: set[str] = set()
    for i, trade in enumerate(content.trades):
        check_text(trade.trade, f"content.trades[{i}].trade", 64, required=True)
        if trade.trade in seen:
            raise InvalidArgument(f"trade {trade.trade!r} is declared twice", field=f"content.trades[{i}].trade")
        seen.add(trade.trade)
        field = f"content.trades[{i}].visits_per_intervention"
        check_number(trade.visits_per_intervention, field, high=MAX_VISITS_PER_INTERVENTION)
        if trade.visits_per_intervention <= 0:
            raise InvalidArgument("must be > 0: an intervention takes at least one visit", field=field)
    check_number(content.road_factor, "content.road_factor", low=1.0, high=3.0)
    check_text(content.vehicle_profile, "content.vehicle_profile", 64, required=True)
    check_text(content.vehicle_factor_key, "content.vehicle_factor_key", 200, required=True)
    check_number(content.fuel_litres_per_100km, "content.fuel_litres_per_100km", low=0.0, high=100.0)
    check_number(content.uncertainty_pct, "content.uncertainty_pct", low=0.0, high=100.0)
    return content


def trades_sorted(content: ScenarioContent) -> ScenarioContent:
    """The same declaration with its trades in name order, so that the order they were typed in
    does not make another version."""
    ordered = tuple(sorted(content.trades, key=lambda t: t.trade))
    return ScenarioContent(**{**content.__dict__, "trades": ordered})


def next_version(latest: Scenario | None) -> int:
    return 1 if latest is None else latest.version + 1
