"""Demo contractors and their contracts (marchés), deterministic from a seed.

About 50 contractors at 85,000 dwellings (fewer for a smaller portfolio, at least 6). Each
has one contract for one trade family, over a perimeter of whole territories or, where a
trade has more contractors than territories, of residences. Prices, deadlines and
recoverable shares are demo values, not regulated or contractual figures.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.demo.geography import CITIES
from services.demo.portfolio import Portfolio

CONTRACTS_START = datetime(2023, 1, 1, tzinfo=UTC)
CONTRACTS_END = datetime(2028, 1, 1, tzinfo=UTC)
FULL_SIZE_DWELLINGS, FULL_SIZE_CONTRACTORS, MIN_CONTRACTORS = 85_000, 50, 6
ELECTRIC_VAN_SHARE = 0.2
# Share of the contractors with a regional agency in another city of France (one more base
# beside their depots): drawn from a generator of its own, so that the rest of the demo stays as it was.
REGIONAL_AGENCY_SHARE = 0.35

# Deadlines in hours (time to first visit, time to repair) per criticality: demo values.
CURATIVE_DEADLINES = {"urgent": (4, 24), "normal": (24, 120), "low": (72, 240)}
PREVENTIVE_DEADLINES = {"normal": (168, 336)}  # a plan visit within a week of its order
DIAGNOSTIC_DEADLINES = {"normal": (120, 240), "low": (240, 480)}
DEADLINES: "dict[pb.Nature, dict[str, tuple[int, int]]]" = {
    pb.NATURE_CURATIVE: CURATIVE_DEADLINES,
    pb.NATURE_PREVENTIVE: PREVENTIVE_DEADLINES,
    pb.NATURE_DIAGNOSTIC: DIAGNOSTIC_DEADLINES,
}


@dataclass(frozen=True, slots=True)
class Trade:
    name: str
    label: str  # contractor names: "<label> <city>"
    weight: float  # share of the contractors
    codes: "tuple[tuple[str, pb.Nature, float], ...]"  # (service code, nature, unit price EUR)
    plan: tuple[str, str, int] | None  # (service code, equipment kind, interval days)
    recoverable_share: float  # demo value, not the décret 87-713 rules


TRADES = (
    Trade(
        "multiservice",
        "Multiservices",
        0.40,
        (("MS-CUR", pb.NATURE_CURATIVE, 95.0), ("MS-DIAG", pb.NATURE_DIAGNOSTIC, 140.0)),
        None,
        0.10,
    ),
    Trade(
        "cleaning",
        "Propreté",
        0.24,
        (("CLEAN-PRV", pb.NATURE_PREVENTIVE, 38.0),),
        ("CLEAN-PRV", "common_areas", 7),
        0.75,
    ),
    Trade(
        "heating",
        "Thermique",
        0.16,
        (("HEAT-PRV", pb.NATURE_PREVENTIVE, 120.0), ("HEAT-CUR", pb.NATURE_CURATIVE, 230.0)),
        ("HEAT-PRV", "boiler_room", 30),
        0.60,
    ),
    Trade(
        "lift",
        "Ascenseurs",
        0.12,
        (("LIFT-PRV", pb.NATURE_PREVENTIVE, 55.0), ("LIFT-CUR", pb.NATURE_CURATIVE, 190.0)),
        ("LIFT-PRV", "lift", 42),
        0.73,
    ),
    Trade(
        "car_park_door",
        "Portes & Accès",
        0.08,
        (("DOOR-PRV", pb.NATURE_PREVENTIVE, 65.0), ("DOOR-CUR", pb.NATURE_CURATIVE, 160.0)),
        ("DOOR-PRV", "car_park_door", 91),
        0.50,
    ),
)


@dataclass(frozen=True)
class Contracting:
    contractors: list[pb.Contractor]
    bases: list[pb.ContractorBase]
    contracts: list[pb.Contract]


def generate_contractors(portfolio: Portfolio, seed: int, contractors: int | None = None) -> Contracting:
    rng = random.Random(f"contracts-{seed}")
    if contractors is None:
        contractors = max(MIN_CONTRACTORS, round(FULL_SIZE_CONTRACTORS * portfolio.dwellings / FULL_SIZE_DWELLINGS))
    if contractors < len(TRADES):
        raise ValueError(f"at least {len(TRADES)} contractors: one per trade")
    chunks = _residence_chunks(portfolio)
    result = Contracting([], [], [])
    for trade, count in zip(TRADES, _per_trade(contractors, len(chunks)), strict=True):
        for share in _split(chunks, count):
            _add_contractor(result, portfolio, trade, share, rng)
    return result


def _per_trade(contractors: int, residences: int) -> list[int]:
    """Contractors per trade: one each, the rest by weight (largest remainder)."""
    spare = contractors - len(TRADES)
    exact = [spare * t.weight for t in TRADES]
    counts = [1 + int(x) for x in exact]
    by_remainder = sorted(range(len(TRADES)), key=lambda i: int(exact[i]) - exact[i])
    for i in by_remainder[: contractors - sum(counts)]:
        counts[i] += 1
    return [min(c, residences) for c in counts]


def _residence_chunks(portfolio: Portfolio) -> list[tuple[str, str, int]]:
    """(territory, residence, dwellings) in territory order."""
    dwellings: dict[str, int] = {}
    for b in portfolio.buildings:
        dwellings[b.residence_id] = dwellings.get(b.residence_id, 0) + b.dwellings
    return [(r.territory_id, r.id, dwellings.get(r.id, 0)) for r in portfolio.residences]


def _split(chunks: list[tuple[str, str, int]], count: int) -> list[list[tuple[str, str, int]]]:
    """``count`` contiguous shares of about the same number of dwellings."""
    total = sum(d for _, _, d in chunks)
    shares: list[list] = [[] for _ in range(count)]
    done = 0
    for chunk in chunks:
        shares[min(count - 1, done * count // max(total, 1))].append(chunk)
        done += chunk[2]
    return [s for s in shares if s]


def _add_contractor(result: Contracting, portfolio: Portfolio, trade: Trade, share: list, rng: random.Random) -> None:
    number = len(result.contractors) + 1
    cid = f"C{number:02d}"
    territories = list(dict.fromkeys(t for t, _, _ in share))
    whole = {
        t
        for t in territories
        if sum(1 for r in portfolio.residences if r.territory_id == t) == sum(1 for c in share if c[0] == t)
    }
    home = portfolio.cities[territories[0]]
    result.contractors.append(
        pb.Contractor(
            id=cid,
            name=f"{trade.label} {home.name} {number:02d}",
            vehicle_profile="electric_van" if rng.random() < ELECTRIC_VAN_SHARE else "diesel_van",
        )
    )
    # a depot in every city served: a contractor does not drive 400 km to a repair (with a base in
    # its first and last cities only, the demo's trips averaged 500 km)
    base_cities = [portfolio.cities[t] for t in territories]
    if len(base_cities) == 1 and rng.random() < 0.4:
        base_cities.append(home)  # a second depot in the same conurbation
    for n, city in enumerate(base_cities, start=1):
        result.bases.append(
            pb.ContractorBase(
                id=f"{cid}-B{n}",
                contractor_id=cid,
                name=f"Dépôt {city.name} {n}",
                latitude=round(city.latitude + rng.uniform(-0.12, 0.12), 5),
                longitude=round(city.longitude + rng.uniform(-0.16, 0.16), 5),
            )
        )
    agency = random.Random(f"quitus-demo-bases-{cid}-{home.name}")
    elsewhere = [c for c in CITIES if c not in base_cities]
    if elsewhere and agency.random() < REGIONAL_AGENCY_SHARE:
        city = agency.choice(elsewhere)
        n = len(base_cities) + 1
        result.bases.append(
            pb.ContractorBase(
                id=f"{cid}-B{n}",
                contractor_id=cid,
                name=f"Agence {city.name} {n}",
                latitude=round(city.latitude + agency.uniform(-0.12, 0.12), 5),
                longitude=round(city.longitude + agency.uniform(-0.16, 0.16), 5),
            )
        )
    codes = [
        pb.ServiceCode(
            code=code,
            trade=trade.name,
            nature=nature,
            unit_price_eur=price,
            deadlines=[
                pb.Deadline(criticality=c, intervene_hours=i, repair_hours=r) for c, (i, r) in DEADLINES[nature].items()
            ],
        )
        for code, nature, price in trade.codes
    ]
    plans = (
        [pb.PreventivePlan(service_code=trade.plan[0], equipment_kind=trade.plan[1], interval_days=trade.plan[2])]
        if trade.plan
        else []
    )
    start, end = int(CONTRACTS_START.timestamp()), int(CONTRACTS_END.timestamp())
    result.contracts.append(
        pb.Contract(
            id=f"K{number:02d}",
            contractor_id=cid,
            reference=f"M2023-{trade.name[:4].upper()}-{number:03d}",
            starts_at={"seconds": start},
            ends_at={"seconds": end},
            territory_ids=[t for t in territories if t in whole],
            residence_ids=[r for t, r, _ in share if t not in whole],
            trades=[trade.name],
            service_codes=codes,
            preventive_plans=plans,
            recoverable_share=trade.recoverable_share,
        )
    )


def records(contracting: Contracting) -> list[pb.PortfolioRecord]:
    """Contractors, their bases, then contracts."""
    R = pb.PortfolioRecord
    return (
        [R(contractor=c) for c in contracting.contractors]
        + [R(contractor_base=b) for b in contracting.bases]
        + [R(contract=k) for k in contracting.contracts]
    )
