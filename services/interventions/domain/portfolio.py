"""An in-memory index of the portfolio and contracts, for checking events without a
database round trip per record."""

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from services.interventions.domain.instants import to_us


@dataclass(frozen=True, slots=True)
class ServiceCodeInfo:
    trade: str
    nature: str  # PREVENTIVE, CURATIVE, DIAGNOSTIC
    deadlines: dict[str, tuple[float, float]]  # criticality -> (intervene h, repair h)


@dataclass(slots=True)
class ContractInfo:
    contractor_id: str
    starts_at: datetime
    ends_at: datetime
    recoverable_share: float
    trades: frozenset[str]
    buildings: frozenset[str]  # the perimeter, resolved to building ids
    codes: dict[str, ServiceCodeInfo] = field(default_factory=dict)


@dataclass(slots=True)
class PortfolioIndex:
    contractors: frozenset[str] = frozenset()
    buildings: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (territory, residence)
    units: dict[str, str] = field(default_factory=dict)  # ug_id -> building id
    equipment: dict[str, str] = field(default_factory=dict)  # id -> building id
    contracts: dict[str, ContractInfo] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IndexFrames:
    """The contract side of the index as polars frames (small: contracts and their codes), for
    checking a whole batch with joins. Units, buildings and equipment stay dicts."""

    contractors: pl.DataFrame  # contractor_id
    contracts: pl.DataFrame  # contract_id, contract_contractor, starts_us, ends_us
    codes: pl.DataFrame  # contract_id, service_code, trade, nature, code_in_trades
    deadlines: pl.DataFrame  # contract_id, service_code, criticality


def index_frames(index: PortfolioIndex) -> IndexFrames:
    s = pl.String
    contracts, codes, deadlines = [], [], []
    for cid, c in index.contracts.items():
        contracts.append((cid, c.contractor_id, to_us(c.starts_at), to_us(c.ends_at)))
        for code, info in c.codes.items():
            codes.append((cid, code, info.trade, info.nature, info.trade in c.trades))
            deadlines += [(cid, code, crit) for crit in info.deadlines]
    return IndexFrames(
        contractors=pl.DataFrame({"contractor_id": sorted(index.contractors)}, schema={"contractor_id": s}),
        contracts=pl.DataFrame(
            contracts,
            orient="row",
            schema={"contract_id": s, "contract_contractor": s, "starts_us": pl.Int64, "ends_us": pl.Int64},
        ),
        codes=pl.DataFrame(
            codes,
            orient="row",
            schema={"contract_id": s, "service_code": s, "trade": s, "nature": s, "code_in_trades": pl.Boolean},
        ),
        deadlines=pl.DataFrame(deadlines, orient="row", schema={"contract_id": s, "service_code": s, "criticality": s}),
    )


def full_address(address: str | None, city: str | None) -> str:
    """A building's address as shown: "<address>, <city>", either left out when empty."""
    return ", ".join(x for x in (address, city) if x)
