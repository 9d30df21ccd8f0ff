"""An in-memory index of the portfolio and contracts, for checking events without a
database round trip per record."""
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ServiceCodeInfo:
    trade: str
    nature: str                                   # PREVENTIVE, CURATIVE, DIAGNOSTIC
    deadlines: dict[str, tuple[float, float]]     # criticality -> (intervene h, repair h)


@dataclass(slots=True)
class ContractInfo:
    contractor_id: str
    starts_at: datetime
    ends_at: datetime
    recoverable_share: float
    trades: frozenset[str]
    buildings: frozenset[str]                     # the perimeter, resolved to building ids
    codes: dict[str, ServiceCodeInfo] = field(default_factory=dict)


@dataclass(slots=True)
class PortfolioIndex:
    contractors: frozenset[str] = frozenset()
    buildings: dict[str, tuple[str, str]] = field(default_factory=dict)   # id -> (territory, residence)
    units: dict[str, str] = field(default_factory=dict)                   # ug_id -> building id
    equipment: dict[str, str] = field(default_factory=dict)               # id -> building id
    contracts: dict[str, ContractInfo] = field(default_factory=dict)

    def covered(self, contract: ContractInfo, building_id: str) -> bool:
        return building_id in contract.buildings
