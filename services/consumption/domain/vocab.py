"""The closed vocabularies of the service: carriers, their units, usages, reading kinds.

Units are spelled as in ``factors/units.csv`` so figures join with the factors service.
"""

CARRIER_UNITS: dict[str, tuple[str, ...]] = {
    "natural_gas": ("m3", "kWh PCS"),
    "heating_oil": ("litre", "kWh PCI"),
    "propane": ("kg", "litre", "kWh PCI"),
    "district_heating": ("kWh",),
    "electricity": ("kWh",),
    "wood_pellets": ("kg", "kWh PCI"),
    "cold_water": ("m3",),
    "hot_water": ("m3",),
}
CARRIERS = tuple(CARRIER_UNITS)
WATER_CARRIERS = ("cold_water", "hot_water")

USAGES = (
    "heating",
    "hot_water",
    "heating_hot_water",
    "common_electricity",
    "lifts",
    "ventilation",
    "water",
    "other",
)
HEATING_USAGES = ("heating", "heating_hot_water")

# index: cumulative register readings; consumption: quantities over [period_start, read_at).
READING_KINDS = ("index", "consumption")

# Charge categories (décret 87-713), used for cost and charge-control figures.
CHARGE_CATEGORIES = (
    "heating_energy",
    "hot_water",
    "cold_water",
    "common_electricity",
    "lifts",
    "other",
)
