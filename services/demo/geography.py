"""Real-ish French places for the demo portfolio: city centres, postcodes, a weather station.

Coordinates are the city centres (rounded); station ids are readable names of the main
Météo-France station of each city, used as the buildings' ``weather_station``.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class City:
    name: str
    region: str
    latitude: float
    longitude: float
    postcodes: tuple[str, ...]
    station: str
    weight: float  # share of the demo landlord's dwellings in this territory


# In the order territories are created: a small portfolio uses the first ones.
CITIES = (
    City(
        "Paris", "Île-de-France", 48.857, 2.352, ("75011", "75013", "75018", "75019", "75020"), "PARIS-MONTSOURIS", 0.24
    ),
    City("Lille", "Hauts-de-France", 50.629, 3.057, ("59000", "59160", "59260", "59800"), "LILLE-LESQUIN", 0.16),
    City("Lyon", "Auvergne-Rhône-Alpes", 45.764, 4.836, ("69003", "69007", "69008", "69009"), "LYON-BRON", 0.14),
    City(
        "Marseille",
        "Provence-Alpes-Côte d'Azur",
        43.296,
        5.370,
        ("13003", "13013", "13014", "13015"),
        "MARSEILLE-MARIGNANE",
        0.13,
    ),
    City(
        "Bordeaux",
        "Nouvelle-Aquitaine",
        44.838,
        -0.579,
        ("33000", "33100", "33300", "33800"),
        "BORDEAUX-MERIGNAC",
        0.09,
    ),
    City("Nantes", "Pays de la Loire", 47.218, -1.554, ("44000", "44100", "44300"), "NANTES-BOUGUENAIS", 0.09),
    City("Toulouse", "Occitanie", 43.605, 1.444, ("31100", "31200", "31300", "31500"), "TOULOUSE-BLAGNAC", 0.09),
    City("Strasbourg", "Grand Est", 48.573, 7.752, ("67000", "67100", "67200"), "STRASBOURG-ENTZHEIM", 0.06),
)

STREETS = (
    "rue Victor Hugo",
    "avenue Jean Jaurès",
    "rue de la République",
    "boulevard Gambetta",
    "rue Pasteur",
    "rue Jules Ferry",
    "avenue du Général de Gaulle",
    "rue des Lilas",
    "allée des Tilleuls",
    "rue Jean Moulin",
    "rue Voltaire",
    "avenue de la Libération",
    "rue Émile Zola",
    "rue des Écoles",
    "rue du Moulin",
    "boulevard de la Paix",
    "rue Anatole France",
    "rue Paul Bert",
    "rue Louise Michel",
    "avenue Pierre Brossolette",
)

RESIDENCE_NAMES = (
    "Les Tilleuls",
    "Le Parc",
    "Les Peupliers",
    "La Roseraie",
    "Les Jardins",
    "Le Clos",
    "Les Érables",
    "Beau Soleil",
    "Les Acacias",
    "Le Val Fleuri",
    "Les Cèdres",
    "La Source",
    "Les Hauts de Ville",
    "Le Moulin",
    "Les Marronniers",
    "La Fontaine",
    "Les Glycines",
    "Le Belvédère",
    "Les Platanes",
    "La Prairie",
)
