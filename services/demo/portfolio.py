"""A demo portfolio of the size asked, deterministic from a seed.

Shaped like the landlord of the seed talk (85,000 dwellings in French cities): territories
around real city centres, residences of 1-6 buildings of 8-60 dwellings, one dwelling unit
per dwelling (UG ids ``UG0000001``...), parking units where a car park exists, and the
equipment the contracts maintain: lifts (buildings of more than 20 dwellings, i.e. 6 floors
or more), boiler rooms (collective gas or oil heating), car-park doors, and the common areas
of each building (the cleaning plan's object). Every share below is a demo value.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import datetime

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.demo.geography import CITIES, RESIDENCE_NAMES, STREETS, City
from services.runtime.timestamps import to_timestamp

ORGANISATION_ID = "ORG1"
# Heating systems of the buildings, with demo shares.
HEATING_SHARES = {
    "collective_gas": 0.40,
    "district_heating": 0.22,
    "individual_gas": 0.20,
    "electric": 0.15,
    "heating_oil": 0.03,
}
BOILER_ROOM_HEATING = frozenset({"collective_gas", "heating_oil"})
LIFT_ABOVE_DWELLINGS = 20  # about 4 dwellings a floor: more than 20 dwellings = 6 floors or more
CAR_PARK_SHARE = 0.30  # of buildings with 15 dwellings or more
PARKING_PER_DWELLING = 0.5
DWELLINGS_PER_TERRITORY = 400  # below 8 x this, fewer territories


@dataclass(frozen=True)
class Portfolio:
    seed: int
    organisations: list[pb.Organisation]
    territories: list[pb.Territory]
    residences: list[pb.Residence]
    buildings: list[pb.Building]
    units: list[pb.Unit]
    equipment: list[pb.Equipment]
    cities: dict[str, City] = field(default_factory=dict)  # territory id -> its city

    @property
    def dwellings(self) -> int:
        return sum(b.dwellings for b in self.buildings)


def generate_portfolio(dwellings: int, seed: int) -> Portfolio:
    if dwellings < 8:
        raise ValueError("a demo portfolio needs at least 8 dwellings")
    rng = random.Random(f"portfolio-{seed}")
    n_territories = max(1, min(len(CITIES), dwellings // DWELLINGS_PER_TERRITORY))
    cities = CITIES[:n_territories]
    total_weight = sum(c.weight for c in cities)
    shares = [round(dwellings * c.weight / total_weight) for c in cities]
    shares[0] += dwellings - sum(shares)
    builder = _Builder(rng)
    territories, city_of = [], {}
    for number, (city, share) in enumerate(zip(cities, shares, strict=True), start=1):
        tid = f"T{number:02d}"
        territories.append(pb.Territory(id=tid, organisation_id=ORGANISATION_ID, name=f"{city.region} ({city.name})"))
        city_of[tid] = city
        builder.territory(tid, city, share)
    return Portfolio(
        seed=seed,
        organisations=[pb.Organisation(id=ORGANISATION_ID, name="Habitat Demo (bailleur social)")],
        territories=territories,
        residences=builder.residences,
        buildings=builder.buildings,
        units=builder.units,
        equipment=builder.equipment,
        cities=city_of,
    )


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.residences: list[pb.Residence] = []
        self.buildings: list[pb.Building] = []
        self.units: list[pb.Unit] = []
        self.equipment: list[pb.Equipment] = []
        self._ug = 0
        self._heating = list(HEATING_SHARES)
        self._heating_weights = list(HEATING_SHARES.values())

    def territory(self, tid: str, city: City, dwellings: int) -> None:
        rng = self.rng
        sizes, left = [], dwellings
        while left >= 8:
            sizes.append(min(rng.randint(8, 60), left))
            left -= sizes[-1]
        if not sizes:
            sizes, left = [left], 0
        sizes[-1] += left  # a remainder below 8 joins the last building
        while sizes:
            count = min(len(sizes), rng.randint(1, 6))
            self.residence(tid, city, sizes[:count])
            sizes = sizes[count:]

    def residence(self, tid: str, city: City, sizes: list[int]) -> None:
        rng = self.rng
        rid = f"R{len(self.residences) + 1:05d}"
        name = f"{rng.choice(RESIDENCE_NAMES)} {len(self.residences) + 1}"
        self.residences.append(pb.Residence(id=rid, territory_id=tid, name=name))
        lat = city.latitude + rng.gauss(0, 0.03)
        lon = city.longitude + rng.gauss(0, 0.04)
        street, postcode = rng.choice(STREETS), rng.choice(city.postcodes)
        heating = rng.choices(self._heating, self._heating_weights)[0]  # one plant choice per residence
        number = rng.randint(1, 40)
        for size in sizes:
            self.building(
                rid,
                city,
                size,
                f"{number} {street}",
                postcode,
                lat + rng.gauss(0, 0.0008),
                lon + rng.gauss(0, 0.0011),
                heating,
            )
            number += rng.choice((2, 4, 6))

    def building(
        self, rid: str, city: City, size: int, address: str, postcode: str, lat: float, lon: float, heating: str
    ) -> None:
        rng = self.rng
        bid = f"B{len(self.buildings) + 1:06d}"
        area = 0.0
        for _ in range(size):
            unit_area = round(min(120.0, max(25.0, rng.gauss(65, 14))), 1)
            area += unit_area
            self.unit(bid, "dwelling", unit_area)
        self.buildings.append(
            pb.Building(
                id=bid,
                residence_id=rid,
                address=address,
                postcode=postcode,
                city=city.name,
                latitude=round(lat, 6),
                longitude=round(lon, 6),
                heated_area_m2=round(area, 1),
                dwellings=size,
                heating_system=heating,
                weather_station=city.station,
            )
        )
        self.equip(bid, "common_areas", "Parties communes")
        if size > LIFT_ABOVE_DWELLINGS:
            for n in range(1 if size <= 40 else 2):
                self.equip(bid, "lift", f"Ascenseur {'AB'[n]}")
        if heating in BOILER_ROOM_HEATING:
            self.equip(bid, "boiler_room", "Chaufferie")
        if size >= 15 and rng.random() < CAR_PARK_SHARE:
            self.equip(bid, "car_park_door", "Porte de parking")
            for _ in range(math.ceil(size * PARKING_PER_DWELLING)):
                self.unit(bid, "parking", 12.5)

    def unit(self, bid: str, kind: str, area: float) -> None:
        self._ug += 1
        self.units.append(pb.Unit(ug_id=f"UG{self._ug:07d}", building_id=bid, kind=kind, area_m2=area))

    def equip(self, bid: str, kind: str, label: str) -> None:
        eid = f"E{len(self.equipment) + 1:06d}"
        self.equipment.append(pb.Equipment(id=eid, building_id=bid, kind=kind, label=label))


def records(portfolio: Portfolio) -> list[pb.PortfolioRecord]:
    """Every record, parents before children."""
    R = pb.PortfolioRecord
    return (
        [R(organisation=o) for o in portfolio.organisations]
        + [R(territory=t) for t in portfolio.territories]
        + [R(residence=r) for r in portfolio.residences]
        + [R(building=b) for b in portfolio.buildings]
        + [R(unit=u) for u in portfolio.units]
        + [R(equipment=e) for e in portfolio.equipment]
    )


def import_requests(
    records: list[pb.PortfolioRecord], recorded_at: datetime, size: int = 5000
) -> list[pb.ImportPortfolioRequest]:
    """The records in ImportPortfolio batches of ``size``, all recorded at ``recorded_at``: the
    demo backfills history, so its portfolio must be known from the start of that history
    (ExportPortfolio leaves out what was recorded after its as_of)."""
    return [
        pb.ImportPortfolioRequest(records=records[i : i + size], recorded_at=to_timestamp(recorded_at))
        for i in range(0, len(records), size)
    ]
