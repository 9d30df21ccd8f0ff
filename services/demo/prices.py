"""Demo prices per meter and provisions per dwelling and month.

DEMO VALUES, not tariffs: orders of magnitude of French social-housing bills (gas per kWh PCS with a
monthly subscription, district heating per kWh with a fixed part, electricity per kWh, water per
m3), with a rise on 1 January of the second year.
"""

from datetime import date, datetime

from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.demo.weather import PARIS
from services.runtime.timestamps import to_timestamp

SOURCE = "demo price (order of magnitude, not a tariff)"
# carrier -> (basis, EUR per unit in year 1, in year 2+, fixed EUR per month)
PRICES = {
    "natural_gas": ("kWh PCS", 0.085, 0.095, 25.0),
    "district_heating": ("kWh", 0.100, 0.110, 180.0),
    "heating_oil": ("litre", 1.15, 1.10, 0.0),
    "electricity": ("kWh", 0.20, 0.23, 15.0),
    "cold_water": ("m3", 4.10, 4.35, 0.0),
    "hot_water": ("m3", 9.0, 9.5, 0.0),
}
# charge category -> EUR per dwelling and month
PROVISIONS = {"heating_energy": 45.0, "cold_water": 40.0, "common_electricity": 10.0}


def price_batch(meters: list[pb.Meter], first_year: int) -> pb.ImportPricesRequest:
    prices = []
    for m in meters:
        if m.carrier not in PRICES:
            continue
        basis, p1, p2, fixed = PRICES[m.carrier]
        for year, price in ((first_year - 1, p1), (first_year + 1, p2)):
            prices.append(
                pb.Price(
                    meter_ref=m.meter_ref,
                    valid_from=to_timestamp(datetime(year, 1, 1, tzinfo=PARIS)),  # from local midnight
                    basis=basis,
                    eur_per_unit=price,
                    fixed_eur_per_month=fixed,
                    source=SOURCE,
                )
            )
    return pb.ImportPricesRequest(prices=prices)


def provision_batches(
    dwellings: list[tuple[str, str, tuple[str, ...]]], first: date, months: int, size: int = 20_000
) -> list[pb.ImportPricesRequest]:
    """Provisions for ``(unit id, building id, charge categories)`` of each dwelling, every month from ``first``."""
    rows = []
    for n in range(months):
        year, month = first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1
        label = f"{year:04d}-{month:02d}"
        for unit, building, categories in dwellings:
            for category in categories:
                rows.append(
                    pb.Provision(
                        unit_id=unit,
                        building_id=building,
                        month=label,
                        charge_category=category,
                        amount_eur=PROVISIONS[category],
                    )
                )
    return [pb.ImportPricesRequest(provisions=rows[i : i + size]) for i in range(0, len(rows), size)] or [
        pb.ImportPricesRequest()
    ]
