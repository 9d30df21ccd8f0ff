"""The CSR report's words, French first and English: section titles, headline labels, table
headers, the notes that explain a missing or partial figure, and the methodology."""

from typing import Any

TEXT: dict[str, dict[str, Any]] = {
    "fr": {
        "kind": "Rapport de décarbonation",
        "period": "Du {start} au {end}",
        "toc": "Sommaire",
        "summary": "Synthèse",
        "energy_section": "Énergie et émissions",
        "trips_section": "Interventions et déplacements",
        "plans_section": "Maintenance préventive : respect des plans",
        "performance_section": "Performance des contrats",
        "quality_section": "Qualité des données et couverture",
        "methodology": "Méthodologie",
        "factors": "Facteurs d'émission utilisés",
        "manifest": "Manifeste d'audit",
        "n": "N",
        "n1": "N-1",
        "ref": "Réf.",
        "vs_n1": "vs N-1",
        "vs_ref": "vs réf.",
        "indicator": "Indicateur",
        "groups": {
            "emissions": "Émissions de l'inventaire (GHG Protocol)",
            "energy": "Énergie",
            "interventions": "Interventions et prestataires",
            "at_as_of": "À la date d'arrêté des données ({as_of}) : sans N-1 ni référence",
            "avoided": "Hors inventaire : évité par rapport au scénario « {scenario} » v{version}",
        },
        "headlines": {
            "tco2e_inventory": "Total de l'inventaire",
            "tco2e_scope_1": "Scope 1 (combustion directe)",
            "tco2e_scope_2": "Scope 2 (énergie achetée)",
            "tco2e_scope_3_energy": "Scope 3, amont de l'énergie",
            "tco2e_scope_3_trips": "Scope 3, déplacements des prestataires",
            "mwh_pci": "Énergie consommée",
            "fossil_share": "Part d'énergie fossile",
            "kgco2e_per_m2": "Intensité carbone",
            "kwh_per_m2": "Intensité énergétique",
            "kwh_per_m2_normalised": "Chauffage corrigé du climat",
            "normalised_coverage": "Part du chauffage corrigeable du climat",
            "estimated_energy_share": "Part de l'énergie sur relevés estimés",
            "preventive_share": "Part du préventif",
            "preventive_compliance": "Respect des plans de maintenance",
            "first_time_fix": "Résolution au 1er passage",
            "trips": "Déplacements",
            "km": "Kilomètres parcourus",
            "intervene_compliance": "Délai d'intervention respecté",
            "repair_compliance": "Délai de résolution respecté",
            "open_alert_90": "Ouvertes au-delà de 90 % du délai",
            "open_breached": "Ouvertes au-delà du délai",
            "data_quality": "Qualité des données (objectif 95 %)",
            "avoided_trips": "Déplacements évités",
            "avoided_tco2e": "Émissions évitées",
        },
        "carrier_headline": "dont {carrier}",
        "carriers": {
            "natural_gas": "gaz naturel",
            "heating_oil": "fioul domestique",
            "propane": "propane",
            "district_heating": "réseau de chaleur",
            "electricity": "électricité",
            "wood_pellets": "granulés de bois",
            "vehicle": "véhicule",
        },
        "units": {
            "tCO2e": "tCO2e",
            "MWh PCI": "MWh PCI",
            "kgCO2e/m2": "kgCO2e/m²",
            "kWh PCI/m2": "kWh PCI/m²",
            "trips": "déplacements",
            "km": "km",
            "interventions": "interventions",
            "share": "",
        },
        "notes_title": "Notes",
        "notes": {
            "no_figures": "aucune donnée de consommation d'énergie pour cette période dans le périmètre",
            "no_facts": "aucune intervention demandée sur cette période dans le périmètre",
            "no_factor": "aucun facteur d'émission résolu pour les énergies de ce scope",
            "partial_unresolved": "total partiel : des lignes d'énergie sans facteur ou sans kWh en sont exclues "
            "(comptées en annexe « Ce qui n'est pas compté »)",
            "partial_unconverted": "total partiel : des relevés sans kWh PCI (conversion inconnue) en sont exclus",
            "partial_unlocated": "total partiel : des interventions sans coordonnées (bâtiment ou base) n'ont "
            "pas de km",
            "not_located": "aucune intervention localisable (coordonnées du bâtiment ou de la base manquantes)",
            "partial_normalised": "calculé sur les seuls bâtiments dont tout le chauffage est corrigeable du climat "
            "(part couverte indiquée)",
            "no_area": "aucune surface chauffée connue dans le périmètre",
            "nothing_to_count": "rien à compter sur la période (ratio sans dénominateur), jamais zéro",
            "one_nature": "toutes les interventions sont d'une seule nature : ce n'est pas une mesure de performance",
            "not_covered": "aucun corps d'état de la période n'est dans le scénario de référence",
            "no_heating_figures": "aucun relevé de chauffage sur la période",
            "not_normalisable": "aucun bâtiment dont le chauffage soit corrigeable du climat",
            "no_plan": "aucun plan de maintenance préventive dans les marchés du périmètre",
            "nothing_due": "aucune visite préventive due sur la période",
            "no_deadline_status": "état des délais à la date d'arrêté inconnu",
            "no_quality": "aucun enregistrement de qualité pour les prestataires du périmètre",
            "at_as_of": "mesuré à la date d'arrêté : ni N-1 ni référence",
            "not_asked": "période non demandée",
            "is_baseline": "la période de référence est la base du scénario : rien n'y est évité",
        },
        "na_note": "n.d. : non disponible, la raison est donnée par la note ; jamais zéro.",
        "period_label_year": "{year}",
        "scopes": "Émissions par scope (GHG Protocol), avec leur incertitude",
        "scope_headers": ["Scope", "kgCO2e", "Incertitude (±)", "Fourchette"],
        "scope_names": {"1": "1 (combustion directe)", "2": "2 (énergie achetée)", "3": "3 (amont de l'énergie)"},
        "trips_scope": "3 (déplacements des prestataires)",
        "total": "Total de l'inventaire",
        "chart_kwh": "Énergie consommée par mois, N et N-1",
        "chart_kg": "Émissions de l'énergie par mois, N et N-1",
        "chart_source": "Source : relevés mensuels (service consommation) et facteurs résolus ; n.d. : pas de relevé",
        "energy": "Énergie par vecteur",
        "energy_headers": ["Vecteur", "kWh PCI", "dont estimé", "Relevés sans kWh"],
        "territory": "Énergie et émissions par territoire et vecteur",
        "territory_headers": ["Territoire", "Vecteur", "kWh PCI N", "kWh PCI N-1", "kgCO2e N", "kgCO2e N-1"],
        "no_territory": "(territoire inconnu)",
        "partial_mark": "lignes sans facteur exclues : total partiel",
        "normalised": "Chauffage corrigé du climat",
        "normalised_body": "{buildings} bâtiment(s) dont tout le chauffage est corrigeable : {norm} kWh PCI corrigés "
        "(pour {actual} kWh PCI réels) sur {area} m², soit {per_m2} kWh PCI/m². Part couverte du chauffage : "
        "{coverage}. {left} relevé(s) de chauffage non corrigeable(s) ({left_kwh} kWh PCI), jamais comptés à zéro.",
        "by_trade": "Passages et déplacements par corps d'état (curatif résolu)",
        "trade_headers": [
            "Corps d'état",
            "Interv.",
            "Passages",
            "Passages / interv.",
            "Réf.",
            "1er passage",
            "Évités",
            "km évités",
        ],
        "trips_body": "Sur la période : {trips} déplacements, {km} km, {kg} kgCO2e (scope 3, achats de services). "
        "{unlocated} intervention(s) sans coordonnées n'ont pas de km.",
        "avoided_title": "Hors inventaire / outside the inventory : déplacements et émissions évités",
        "avoided_body": "Par rapport au scénario de référence « {scenario} » version {version} (période de référence "
        "du {ref_start} au {ref_end}) : {trips} déplacements évités, {km} km, {kg} kgCO2e (fourchette {low} à "
        "{high}). Un chiffre négatif signifie plus de déplacements que dans la référence : il n'est jamais ramené à "
        "zéro. Corps d'état hors scénario : {uncovered}. Ces émissions évitées ne sont pas déduites de l'inventaire "
        "(WBCSD 2023).",
        "plans_intro": "Visites préventives faites / visites dues par les plans des marchés, mois par mois, "
        "comparées au même mois de l'année précédente.",
        "plans_headers": ["Mois", "Dues", "Faites", "Respect", "Mois N-1", "Dues", "Faites", "Respect", "Évolution"],
        "plans_total": "Période",
        "chart_plans": "Respect des plans de maintenance préventive, N et N-1",
        "chart_plans_source": "Source : plans des marchés, équipements et interventions préventives ; "
        "n.d. : rien de dû",
        "deadlines": "Respect des délais contractuels par prestataire",
        "deadline_groups": ["Délai d'intervention", "Délai de résolution"],
        "deadline_headers": [
            "Prestataire",
            "Respect",
            "Tenus",
            "Dépassés",
            "En cours",
            "Respect",
            "Tenus",
            "Dépassés",
            "En cours",
        ],
        "open_body": "À la date d'arrêté ({as_of}) : {alert} intervention(s) ouverte(s) au-delà de 90 % d'un délai, "
        "{breached} au-delà du délai, {on_track} dans les temps.",
        "hit_units": "Logements (et parties communes) les plus sollicités en curatif, du {start} au {end}",
        "hit_buildings": "Bâtiments les plus sollicités en curatif, du {start} au {end}",
        "hit_headers_units": ["Rang", "Logement (UG)", "Bâtiment", "Interventions curatives"],
        "hit_headers_buildings": ["Rang", "Bâtiment", "Interventions curatives"],
        "ties": "Les ex aequo partagent un rang et sont tous montrés.",
        "common_parts": "(parties communes)",
        "quality": "Qualité des données par prestataire (objectif 95 %)",
        "quality_headers": ["Prestataire", "Reçus", "Acceptés", "Rejetés", "Avec alerte", "Conformes", "Objectif"],
        "meets": "atteint",
        "misses": "non atteint",
        "coverage": "Couverture",
        "coverage_body": "Part de l'énergie sur relevés estimés : {estimated}. Part du chauffage corrigeable du "
        "climat : {normalised}.",
        "left_out": "Ce qui n'est pas compté, et pourquoi",
        "left_out_items": {
            "cancelled": "intervention(s) annulée(s) : hors de tout indicateur",
            "pending_deadlines": "intervention(s) dont un délai court encore : hors du respect des délais",
            "closed_without_quitus": "intervention(s) clôturée(s) sans quitus : comptées, acceptées avec alerte",
            "unresolved_energy_lines": "ligne(s) d'énergie sans facteur d'émission ou sans kWh : hors des totaux "
            "d'émissions, listées dans le pack d'audit",
            "unconverted_energy_figures": "relevé(s) d'énergie sans kWh PCI (conversion inconnue) : hors des kWh",
            "unlocated_interventions": "intervention(s) sans coordonnées de bâtiment ou de base : sans km",
            "not_normalisable_figures": "relevé(s) de chauffage non corrigeable(s) du climat",
        },
        "factor_headers": ["Clé", "Valeur", "Unité", "Scope", "Jeu, version, validité", "Source", "Repli", "Périodes"],
        "fallback_title": "Repli : aucun facteur valide sur toute la période ; le dernier publié est utilisé, pour "
        "la raison suivante :",
        "still_valid": "en vigueur",
        "frames_title": "Où va chaque émission",
        "frames_headers": ["Vecteur", "Périmètre", "GHG Protocol", "BEGES v5 (poste)", "ESRS"],
        "rerun": "Relancer la même demande avec la même date d'arrêté redonne les mêmes chiffres, au bit près, et "
        "la même empreinte. "
        "Les entrées sont les exports du patrimoine entier à cette date, dont le rapport retient son périmètre.",
        "none": "aucun",
        "yes": "oui",
        "no": "non",
        "method_paragraphs": [
            "<b>Périmètre et période.</b> Interventions demandées sur la période et relevés mensuels des compteurs du "
            "périmètre, tels que connus à la date d'arrêté (as_of). Mois civils à Paris. N-1 : la même période un an "
            "plus tôt ; référence : la même période dans l'année de référence du scénario.",
            "<b>Énergie.</b> kWh PCI par vecteur (gaz : kWh PCS / 1,11 ; fioul : litres × kWh PCI par litre "
            "sourcé). L'eau n'est pas de l'énergie. Part fossile = kWh PCI des vecteurs d'origine fossile / kWh PCI "
            "de tous les vecteurs. Intensités = total / surface chauffée du périmètre.",
            "<b>Émissions.</b> kgCO2e = kWh PCI × facteur résolu pour la période, par périmètre de facteur "
            "(combustion, amont, ou total d'un réseau). Chaque ligne porte son scope GHG Protocol, son poste BEGES v5 "
            "et sa donnée ESRS E1 (tableau ci-dessous). Électricité : méthode « location-based ». Règle de "
            "résolution : le facteur valide sur toute la période ; à défaut, le dernier publié, signalé comme "
            "repli avec sa raison dans le tableau des facteurs. Une ligne sans facteur ou sans kWh est listée et "
            "exclue des totaux, qui se disent alors partiels.",
            "<b>Chauffage corrigé du climat.</b> C_norm = C_base + C_chauffage × DJU_réf / DJU_réel (DJU base 18 °C), "
            "C_base = consommation de base de l'été de référence. kWh/m² corrigés = Σ C_norm / surface, sur les "
            "bâtiments dont tout le chauffage de la période est corrigeable.",
            "<b>Déplacements.</b> Chaque passage est un déplacement. km par déplacement = distance orthodromique de la "
            "base la plus proche du prestataire au bâtiment × facteur routier {road} × 2 (aller-retour). Émissions = "
            "km × facteur du véhicule ({vehicle}) : scope 3, achats de services.",
            "<b>Déplacements évités</b> (hors inventaire) = Σ par corps d'état (passages par intervention de "
            "référence − réels) × interventions curatives résolues ; km évités = déplacements évités × km moyen par "
            "déplacement du corps d'état. Scénario « {scenario} » version {version}, période de référence du "
            "{ref_start} au {ref_end}.",
            "<b>Préventif.</b> Part du préventif = préventif / (préventif + curatif), diagnostics et annulées exclus. "
            "Respect des plans = visites faites / visites dues ; dues = Σ plans × équipements du type couverts par "
            "le marché × jours du mois en vigueur / intervalle (jours) ; faite = une intervention préventive du "
            "marché et du code de prestation, non annulée, comptée une fois dans le mois de son premier passage.",
            "<b>Délais.</b> Respect = respectés / (respectés + dépassés) ; les délais encore en cours ne sont pas "
            "jugés. Qualité des données = (acceptés − avec alerte) / reçus, par prestataire, objectif 95 %.",
            "<b>Incertitude.</b> Erreurs indépendantes combinées en quadrature (premier ordre, comme l'outil du GHG "
            "Protocol et le guide ADEME) : lignes d'un même facteur corrélées (U = somme × u du facteur), facteurs "
            "différents indépendants ; produit : u = √(u1² + u2² …). Fourchette = valeur ± U. Les émissions évitées "
            "ajoutent l'incertitude du scénario ({scenario_u} %).",
        ],
    },
    "en": {
        "kind": "Decarbonisation report",
        "period": "From {start} to {end}",
        "toc": "Contents",
        "summary": "Summary",
        "energy_section": "Energy and emissions",
        "trips_section": "Interventions and trips",
        "plans_section": "Preventive maintenance: plan compliance",
        "performance_section": "Contract performance",
        "quality_section": "Data quality and coverage",
        "methodology": "Methodology",
        "factors": "Emission factors used",
        "manifest": "Audit manifest",
        "n": "N",
        "n1": "N-1",
        "ref": "Ref.",
        "vs_n1": "vs N-1",
        "vs_ref": "vs ref.",
        "indicator": "Indicator",
        "groups": {
            "emissions": "Inventory emissions (GHG Protocol)",
            "energy": "Energy",
            "interventions": "Interventions and contractors",
            "at_as_of": "At the data cut-off ({as_of}): no N-1 nor reference",
            "avoided": "Outside the inventory: avoided against scenario \u201c{scenario}\u201d v{version}",
        },
        "headlines": {
            "tco2e_inventory": "Inventory total",
            "tco2e_scope_1": "Scope 1 (direct combustion)",
            "tco2e_scope_2": "Scope 2 (purchased energy)",
            "tco2e_scope_3_energy": "Scope 3, energy upstream",
            "tco2e_scope_3_trips": "Scope 3, contractor trips",
            "mwh_pci": "Energy consumed",
            "fossil_share": "Fossil energy share",
            "kgco2e_per_m2": "Carbon intensity",
            "kwh_per_m2": "Energy intensity",
            "kwh_per_m2_normalised": "Weather-normalised heating",
            "normalised_coverage": "Heating that can be normalised",
            "estimated_energy_share": "Energy on estimated readings",
            "preventive_share": "Preventive share",
            "preventive_compliance": "Preventive-plan compliance",
            "first_time_fix": "First-time fix",
            "trips": "Trips",
            "km": "Kilometres driven",
            "intervene_compliance": "Time to intervene met",
            "repair_compliance": "Time to repair met",
            "open_alert_90": "Open past 90 % of a deadline",
            "open_breached": "Open past a deadline",
            "data_quality": "Data quality (target 95 %)",
            "avoided_trips": "Trips avoided",
            "avoided_tco2e": "Emissions avoided",
        },
        "carrier_headline": "of which {carrier}",
        "carriers": {
            "natural_gas": "natural gas",
            "heating_oil": "heating oil",
            "propane": "propane",
            "district_heating": "district heating",
            "electricity": "electricity",
            "wood_pellets": "wood pellets",
            "vehicle": "vehicle",
        },
        "units": {
            "tCO2e": "tCO2e",
            "MWh PCI": "MWh (net CV)",
            "kgCO2e/m2": "kgCO2e/m²",
            "kWh PCI/m2": "kWh (net CV)/m²",
            "trips": "trips",
            "km": "km",
            "interventions": "interventions",
            "share": "",
        },
        "notes_title": "Notes",
        "notes": {
            "no_figures": "no energy consumption data for this period in the perimeter",
            "no_facts": "no intervention requested in this period in the perimeter",
            "no_factor": "no emission factor resolved for this scope's carriers",
            "partial_unresolved": "partial total: energy lines with no factor or no kWh are left out (counted under "
            "\u201cWhat is not counted\u201d)",
            "partial_unconverted": "partial total: readings with no kWh (net CV) (unknown conversion) are left out",
            "partial_unlocated": "partial total: interventions without coordinates (building or base) have no km",
            "not_located": "no intervention could be located (building or base coordinates missing)",
            "partial_normalised": "over the buildings whose heating can all be weather-normalised (coverage given)",
            "no_area": "no heated floor area known in the perimeter",
            "nothing_to_count": "nothing to count in the period (a ratio with no denominator), never zero",
            "one_nature": "every intervention is of one nature: not a performance figure",
            "not_covered": "no trade of the period is in the reference scenario",
            "no_heating_figures": "no heating reading in the period",
            "not_normalisable": "no building whose heating can be weather-normalised",
            "no_plan": "no preventive plan in the perimeter's contracts",
            "nothing_due": "no preventive visit due in the period",
            "no_deadline_status": "deadline status at the cut-off not known",
            "no_quality": "no data-quality record for the perimeter's contractors",
            "at_as_of": "measured at the cut-off: no N-1 nor reference",
            "not_asked": "period not requested",
            "is_baseline": "the reference period is the scenario's baseline: nothing is avoided against itself",
        },
        "na_note": "n/a: not available, the note gives the reason; never zero.",
        "period_label_year": "{year}",
        "scopes": "Emissions by scope (GHG Protocol), with their uncertainty",
        "scope_headers": ["Scope", "kgCO2e", "Uncertainty (±)", "Range"],
        "scope_names": {"1": "1 (direct combustion)", "2": "2 (purchased energy)", "3": "3 (energy upstream)"},
        "trips_scope": "3 (contractor trips)",
        "total": "Inventory total",
        "chart_kwh": "Energy consumed per month, N and N-1",
        "chart_kg": "Energy emissions per month, N and N-1",
        "chart_source": "Source: monthly readings (consumption service) and resolved factors; n/a: no reading",
        "energy": "Energy by carrier",
        "energy_headers": ["Carrier", "kWh (net CV)", "of which estimated", "Readings with no kWh"],
        "territory": "Energy and emissions by territory and carrier",
        "territory_headers": ["Territory", "Carrier", "kWh N", "kWh N-1", "kgCO2e N", "kgCO2e N-1"],
        "no_territory": "(territory unknown)",
        "partial_mark": "lines with no factor left out: partial total",
        "normalised": "Weather-normalised heating",
        "normalised_body": "{buildings} building(s) whose heating can all be normalised: {norm} kWh normalised "
        "(from {actual} kWh actual) over {area} m², i.e. {per_m2} kWh/m². Share of heating covered: {coverage}. "
        "{left} heating reading(s) cannot be normalised ({left_kwh} kWh), never counted as zero.",
        "by_trade": "Visits and trips by trade (resolved curative)",
        "trade_headers": [
            "Trade",
            "Interv.",
            "Visits",
            "Visits / interv.",
            "Ref.",
            "First-time fix",
            "Avoided",
            "km avoided",
        ],
        "trips_body": "In the period: {trips} trips, {km} km, {kg} kgCO2e (scope 3, purchased services). "
        "{unlocated} intervention(s) without coordinates have no km.",
        "avoided_title": "Hors inventaire / outside the inventory: avoided trips and emissions",
        "avoided_body": "Against the reference scenario \u201c{scenario}\u201d version {version} (reference period "
        "{ref_start} to {ref_end}): {trips} trips avoided, {km} km, {kg} kgCO2e (range {low} to {high}). A negative "
        "figure means more trips than in the reference: it is never clipped to zero. Trades outside the scenario: "
        "{uncovered}. These avoided emissions are not deducted from the inventory (WBCSD 2023).",
        "plans_intro": "Preventive visits done / visits the contracts' plans call for, month by month, against the "
        "same month a year before.",
        "plans_headers": ["Month", "Due", "Done", "Compliance", "Month N-1", "Due", "Done", "Compliance", "Change"],
        "plans_total": "Period",
        "chart_plans": "Preventive-plan compliance, N and N-1",
        "chart_plans_source": "Source: contracts' plans, equipment and preventive interventions; n/a: nothing due",
        "deadlines": "Contractual deadlines by contractor",
        "deadline_groups": ["Time to intervene", "Time to repair"],
        "deadline_headers": [
            "Contractor",
            "Compliance",
            "Met",
            "Missed",
            "Pending",
            "Compliance",
            "Met",
            "Missed",
            "Pending",
        ],
        "open_body": "At the data cut-off ({as_of}): {alert} open intervention(s) past 90 % of a deadline, "
        "{breached} past a deadline, {on_track} on track.",
        "hit_units": "Dwellings (and common parts) with the most curative interventions, {start} to {end}",
        "hit_buildings": "Buildings with the most curative interventions, {start} to {end}",
        "hit_headers_units": ["Rank", "Unit (UG)", "Building", "Curative interventions"],
        "hit_headers_buildings": ["Rank", "Building", "Curative interventions"],
        "ties": "Ties share a rank and are all shown.",
        "common_parts": "(common parts)",
        "quality": "Data quality by contractor (target 95 %)",
        "quality_headers": ["Contractor", "Received", "Accepted", "Rejected", "Warned", "Passing", "Target"],
        "meets": "met",
        "misses": "not met",
        "coverage": "Coverage",
        "coverage_body": "Share of energy on estimated readings: {estimated}. Share of heating that can be "
        "weather-normalised: {normalised}.",
        "left_out": "What is not counted, and why",
        "left_out_items": {
            "cancelled": "cancelled intervention(s): in no figure",
            "pending_deadlines": "intervention(s) with a deadline still running: not in deadline compliance",
            "closed_without_quitus": "intervention(s) closed without a quitus: counted, accepted with a warning",
            "unresolved_energy_lines": "energy line(s) with no emission factor or no kWh: outside the emission "
            "totals, listed in the audit pack",
            "unconverted_energy_figures": "energy reading(s) with no kWh (unknown conversion): outside the kWh",
            "unlocated_interventions": "intervention(s) without building or base coordinates: no km",
            "not_normalisable_figures": "heating reading(s) that cannot be weather-normalised",
        },
        "factor_headers": ["Key", "Value", "Unit", "Scope", "Set, version, validity", "Source", "Fallback", "Periods"],
        "fallback_title": "Fallback: no factor valid over the whole period; the latest published one is used, for "
        "this reason:",
        "still_valid": "in force",
        "frames_title": "Where each emission goes",
        "frames_headers": ["Carrier", "Boundary", "GHG Protocol", "BEGES v5 (poste)", "ESRS"],
        "rerun": "Re-running the same request with the same cut-off gives the same figures, bit for bit, and the "
        "same hash. "
        "The inputs are the whole portfolio's exports as of that date, from which the report takes its perimeter.",
        "none": "none",
        "yes": "yes",
        "no": "no",
        "method_paragraphs": [
            "<b>Perimeter and period.</b> Interventions requested in the period and the perimeter's monthly meter "
            "figures, as known at the data cut-off (as_of). Civil months in Paris. N-1: the same period a year "
            "before; reference: the same period in the scenario's reference year.",
            "<b>Energy.</b> kWh (net calorific value, PCI) per carrier (gas: kWh PCS / 1.11; heating oil: litres × "
            "a sourced kWh per litre). Water is not energy. Fossil share = kWh of fossil carriers / kWh of every "
            "carrier. Intensities = total / heated floor area of the perimeter.",
            "<b>Emissions.</b> kgCO2e = kWh × the factor resolved for the period, per factor boundary (combustion, "
            "upstream, or a network's total). Each line carries its GHG Protocol scope, BEGES v5 poste and ESRS E1 "
            "datapoint (table below). Electricity: location-based. Resolution rule: the factor valid over the whole "
            "period; failing that, the latest published one, flagged as a fallback with its reason in the factor "
            "table. A line with no factor or no kWh is listed and left out of the totals, which then say they are "
            "partial.",
            "<b>Weather-normalised heating.</b> C_norm = C_base + C_heating × DD_ref / DD_actual (degree days, base "
            "18 °C), C_base = the reference summer's base load. Normalised kWh/m² = Σ C_norm / floor area, over the "
            "buildings whose heating in the period can all be normalised.",
            "<b>Trips.</b> Each visit is one trip. km per trip = great-circle distance from the contractor's nearest "
            "base to the building × road factor {road} × 2 (there and back). Emissions = km × the vehicle factor "
            "({vehicle}): scope 3, purchased services.",
            "<b>Avoided trips</b> (outside the inventory) = Σ over trades (reference − actual visits per "
            "intervention) × resolved curative interventions; km avoided = trips avoided × the trade's mean km per "
            "trip. Scenario \u201c{scenario}\u201d version {version}, reference period {ref_start} to {ref_end}.",
            "<b>Preventive.</b> Preventive share = preventive / (preventive + curative), diagnostics and cancelled "
            "left out. Plan compliance = visits done / visits due; due = Σ plans × equipment of the kind the "
            "contract covers × days of the month in force / interval (days); done = a preventive intervention of the "
            "contract and service code, not cancelled, counted once in the month of its first visit.",
            "<b>Deadlines.</b> Compliance = met / (met + missed); deadlines still running are not judged. Data "
            "quality = (accepted − warned) / received, per contractor, target 95 %.",
            "<b>Uncertainty.</b> Independent errors combined in quadrature (first order, as the GHG Protocol's tool "
            "and ADEME's guidance): lines of one factor correlated (U = sum × the factor's u), different factors "
            "independent; a product: u = √(u1² + u2² …). Range = value ± U. Avoided emissions add the scenario's "
            "uncertainty ({scenario_u} %).",
        ],
    },
}
