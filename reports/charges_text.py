"""The charge-control report's words, French first and English: section titles, table headers,
the charge categories and allocation keys by name, one sentence per kind of finding (the
evidence, never a raw code), and the methodology."""

from typing import Any

TEXT: dict[str, dict[str, Any]] = {
    "fr": {
        "kind": "Contrôle des charges récupérables",
        "period": "Exercice {year} (du {start} au {end})",
        "summary": "Synthèse",
        "missing": "Ce qui manque",
        "categories": "Coûts par catégorie de charges",
        "by_building": "Détail par bâtiment",
        "building_title": "Bâtiment {building}",
        "anomalies": "Points d'attention",
        "dwellings": "Régularisation par logement",
        "keys": "Clés de répartition et provisions proposées",
        "methodology": "Méthodologie",
        "manifest": "Manifeste d'audit",
        "n1": "N-1",
        "tiles": {
            "costs": "Coûts récupérables {year}",
            "provisions": "Provisions versées",
            "balance": "Solde à régulariser",
            "landlord": "Part du bailleur (vacants)",
        },
        "tile_costs_sub": "N-1 ({previous_year}) : {previous}",
        "tile_provisions_sub": "par {occupied} logement(s) occupé(s)",
        "tile_balance_sub": "provisions − quote-parts des locataires ({shares})",
        "tile_refund": "net à rembourser aux locataires",
        "tile_call": "net à appeler auprès des locataires",
        "tile_settled": "soldé",
        "tile_landlord_sub": "{vacant} logement(s) vacant(s), jamais répartie sur les autres",
        "summary_dwellings": "{occupied} logement(s) occupé(s) : <b>{refund_n}</b> à rembourser pour {refund}, "
        "<b>{call_n}</b> à appeler pour {call}, {settled_n} soldé(s). {vacant} logement(s) vacant(s) : "
        "{landlord_vacant} à la charge du bailleur.",
        "summary_identity": "Coûts récupérables {costs} = quote-parts des locataires {shares} + part du "
        "bailleur {landlord}. Solde = provisions versées {provisions} − quote-parts des locataires "
        "{shares} = {balance}.",
        "summary_findings": "{anomalies} point(s) d'attention et {missing} donnée(s) manquante(s), détaillés ci-après.",
        "buildings_title": "Par bâtiment",
        "nothing_recorded": "Aucun coût récupérable ni aucune provision dans l'exercice pour ce périmètre : rien à "
        "régulariser. Voir ce qui manque.",
        "building_headers": [
            "Bâtiment",
            "Logements occupés / vacants",
            "Coûts N",
            "Coûts N-1",
            "Évolution",
            "Provisions versées",
            "Quote-parts locataires",
            "Part bailleur",
            "Solde",
        ],
        "category_headers": [
            "Catégorie (rubrique du décret)",
            "Coûts N",
            "dont contrats",
            "Coûts N-1",
            "Évolution",
            "Provisions versées",
            "Quote-parts locataires",
            "Part bailleur",
            "Solde",
        ],
        "total": "Total",
        "categories_intro": "Montants en euros TTC de l'exercice. Solde = provisions versées − quote-parts des "
        "locataires : positif, à rembourser ; négatif, à appeler. La part du bailleur est celle des logements "
        "vacants (ou d'un bâtiment sans logement).",
        "none_paid": "aucune",
        "notes": {
            "no_previous": "aucun coût enregistré en N-1 pour cette catégorie : pas de comparaison, jamais zéro",
            "partial_previous": "N-1 partiel : certaines catégories n'avaient aucun coût en N-1 ; pas d'évolution "
            "calculée",
            "no_provisions": "des coûts récupérables et aucune provision versée dans cette catégorie",
            "no_building_provisions": "des coûts récupérables et aucune provision d'aucun logement du bâtiment : "
            "tous ses logements comptent comme vacants",
        },
        "chart_title": "Coûts récupérables et provisions versées par mois, {year}",
        "chart_costs": "Coûts récupérables",
        "chart_provisions": "Provisions versées",
        "chart_unit": "€",
        "chart_source": "Source : compteurs récupérables (service consommation), interventions des marchés et "
        "provisions ; n.d. : aucune ligne ce mois-là",
        "anomaly_headers": ["Constat", "Bâtiment", "Logement", "Catégorie", "Éléments"],
        "no_anomaly": "Aucun point d'attention aux seuils déclarés (voir la méthodologie).",
        "residence": "Résidence {residence}",
        "kinds": {
            "category_up": "Catégorie en hausse",
            "dwelling_category_up": "Quote-part en hausse",
            "estimated_readings": "Relevés estimés",
            "own_meters_exceed_cost": "Compteurs individuels au-delà du coût",
            "unpriced_meters": "Compteurs sans prix",
            "provisions_far_from_costs": "Provisions éloignées des coûts",
            "provisions_without_costs": "Provisions sans coûts",
            "costs_without_provisions": "Coûts sans provisions",
            "building_without_provisions": "Bâtiment sans provisions",
            "residence_without_meter": "Résidence sans compteur",
            "unmapped_trade": "Intervention sans catégorie",
            "partial_provisions": "Provisions sur moins de 12 mois",
            "provisions_unknown_unit": "Provisions d'un lot inconnu",
            "unit_meter_not_dwelling": "Compteur d'un lot non logement",
            "no_dwellings": "Bâtiment sans logement",
            "meter_leak": "Fuite d'eau",
            "meter_night_flow": "Débit nocturne",
            "meter_spike": "Pic de consommation",
            "meter_flat_line": "Compteur à l'arrêt",
            "meter_stuck_register": "Index bloqué",
            "meter_backwards": "Index en recul",
        },
        "evidence": {
            "category_up": "{value} contre {reference} en {previous_year} ({change}), au-delà du seuil de {threshold}",
            "dwelling_category_up": "quote-part de {value} contre {reference} en {previous_year} ({change}), "
            "au-delà du seuil de {threshold}",
            "estimated_readings": "{share} du coût relevé repose sur des index estimés (seuil {threshold})",
            "own_meters_exceed_cost": "les compteurs des logements ({value}) coûtent plus que toute la catégorie du "
            "bâtiment ({reference}) : exports décalés, les autres logements reçoivent un crédit",
            "unpriced_meters": "{count} mois-compteur(s) sans prix : leur coût manque au total",
            "provisions_far_from_costs": "provisions de {value} pour des quote-parts de {reference} (écart "
            "{gap}, seuil {threshold}) : voir les provisions proposées",
            "provisions_without_costs": "{value} de provisions versées et aucun coût récupérable enregistré dans "
            "l'exercice",
            "costs_without_provisions": "{value} de coûts récupérables et aucune provision versée dans cette "
            "catégorie : les logements en paient la quote-part entière au solde",
            "building_without_provisions": "{value} de coûts récupérables et aucune provision d'aucun logement : "
            "tous ses logements comptent comme vacants, leur part est à la charge du bailleur",
            "residence_without_meter": "aucun compteur récupérable relevé dans l'exercice, dans aucun bâtiment de la "
            "résidence : ni énergie ni eau dans les coûts",
            "unmapped_trade": "{count} intervention(s) du corps d'état « {trade} » (code {code}) sans catégorie de "
            "charges : {value} récupérables hors de tout total",
            "partial_provisions": "provisions versées sur {months} mois sur 12 : le logement porte la quote-part de "
            "l'année entière ; vérifier son occupation",
            "provisions_unknown_unit": "{value} de provisions d'un lot qui n'est pas un logement du bâtiment : "
            "imputées à rien",
            "unit_meter_not_dwelling": "compteur d'un lot qui n'est pas un logement du bâtiment ({value}) : son coût "
            "est réparti entre les logements",
            "no_dwellings": "{value} de coûts d'un bâtiment sans logement : à la charge du bailleur",
        },
        "meter_intro": "Fuites et anomalies de consommation détectées par le service de consommation sur les "
        "compteurs des bâtiments dans l'exercice : {count}, dont {estimated} au coût estimé, pour {cost} en tout. "
        "Ce coût est déjà compris dans celui des compteurs : il ne s'y ajoute pas (voir la méthodologie).",
        "meter_evidence": "compteur {meter}, du {start} au {end} : {observed} {unit} relevés pour {expected} "
        "{unit} attendus ; {cost}",
        "meter_cost": {
            "estimated": "excès {excess} {unit} × {price} €/{unit} : coût estimé {cost}",
            "unpriced": "excès {excess} {unit}, mais un mois de la période est sans prix : coût non estimé",
            "no_figure": "excès {excess} {unit}, mais le compteur n'a aucun relevé mensuel sur la période : "
            "coût non estimé",
            "metering_fault": "défaut de comptage, qui déplace la consommation entre les jours sans en ajouter : "
            "aucun coût estimé",
            "kind_not_priced": "type d'anomalie sans règle de coût : aucun coût estimé",
        },
        "dwellings_up": "quote-parts au-delà du seuil de {threshold} par rapport à {previous_year} : {items}",
        "dwellings_count": "{count} logements",
        "building_empty": "aucun coût récupérable ni aucune provision dans l'exercice : absent des tableaux",
        "nothing_missing": "Aucune donnée manquante détectée : chaque résidence a des compteurs relevés, chaque "
        "bâtiment des provisions, chaque catégorie avec des coûts ses provisions.",
        "dwellings_intro": "Une ligne par logement occupé (UG). Solde = provisions versées − quote-part : "
        "positif, à rembourser au locataire ; négatif, à lui appeler. Le détail par catégorie de chaque logement "
        "est dans le pack d'audit (dwelling_balances.csv).",
        "dwelling_headers": [
            "Logement (UG)",
            "Bâtiment",
            "Quote-part",
            "Provisions versées",
            "Solde",
            "Sens",
        ],
        "outcomes": {"refund": "à rembourser", "to_call": "à appeler", "settled": "soldé"},
        "no_occupied": "Aucun logement occupé (aucune provision versée) : rien à régulariser auprès des locataires.",
        "landlord_title": "Part du bailleur, à part",
        "landlord_intro": "Logements vacants (aucune provision versée dans l'exercice) : leur quote-part est à la "
        "charge du bailleur, jamais répartie sur les autres logements.",
        "landlord_headers": ["Logement (UG)", "Bâtiment", "Part du bailleur", "Par catégorie"],
        "no_dwelling_unit": "(aucun logement)",
        "no_landlord": "Aucune part du bailleur : aucun logement vacant n'a de quote-part.",
        "keys_title": "Clé de répartition par catégorie",
        "key_headers": ["Catégorie", "Clé de répartition"],
        "bases": {
            "equal": "parts égales entre les logements",
            "heated_area": "au prorata de la surface chauffée",
            "own_meter": "compteur individuel du logement ; le reste {remainder}",
        },
        "remainders": {
            "equal": "en parts égales entre les logements sans compteur propre",
            "heated_area": "au prorata de la surface chauffée des logements sans compteur propre",
        },
        "suggested_title": "Provisions mensuelles proposées pour l'exercice suivant",
        "suggested_intro": "Par logement et catégorie : provision mensuelle actuelle (celle du dernier mois) → "
        "provision proposée (quote-part de l'exercice / 12, arrondie à l'euro supérieur). Un logement vacant "
        "reçoit la sienne pour son prochain locataire.",
        "suggested_unit": "Logement (UG)",
        "suggested_building": "Bâtiment",
        "suggested_total": "Total mensuel",
        "vacant": "vacant",
        "no_current": "aucune",
        "no_suggestion": "Aucune provision à proposer.",
        "mapping_title": "Table de correspondance (reports/charge_categories.csv)",
        "mapping_headers": ["Origine", "Valeur", "Catégorie", "Rubrique", "Poste de l'annexe"],
        "mapping_notes": "Sources et remarques, telles que le fichier les donne :",
        "headings_title": "Rubriques de l'annexe du décret n° 87-713",
        "heading_headers": ["Rubrique", "Intitulé"],
        "source_kinds": {
            "meter_category": "usage du compteur",
            "trade": "corps d'état",
            "service_code": "code de prestation",
        },
        "rerun": "Relancer la même demande avec la même date d'arrêté redonne les mêmes chiffres, au centime près, "
        "et la même empreinte. "
        "Les entrées sont les exports du patrimoine entier à cette date, dont le rapport retient son périmètre.",
        "method_paragraphs": [
            "<b>Exercice et périmètre.</b> Exercice civil {year}, mois civils à Paris ; bâtiments : {buildings}. "
            "Données telles que connues à la date d'arrêté ({as_of}). N-1 : le même calcul sur {previous_year}, avec "
            "les mêmes logements et les mêmes clés.",
            "<b>Charges récupérables (décret n° 87-713 du 26 août 1987).</b> Coûts des compteurs récupérables "
            "(énergie et eau ; un mois-compteur sans prix est compté et signalé, jamais à zéro) et part récupérable "
            "des interventions des marchés : coût × part récupérable du marché, au mois de sa résolution ; les "
            "interventions annulées ne comptent pas. Chaque coût est rangé dans une catégorie et une rubrique de "
            "l'annexe du décret par la table de correspondance ci-dessous (un code de prestation l'emporte sur le "
            "corps d'état) ; une intervention sans correspondance est signalée et n'entre dans aucun total.",
            "<b>Répartition.</b> Chaque catégorie a une clé déclarée : parts égales ; surface chauffée (m², au "
            "centième) ; compteur individuel : un logement qui a son propre compteur de la catégorie en paie "
            "exactement le coût, le reste du bâtiment (compteurs généraux et contrats) est réparti par la clé du "
            "reste entre les logements sans compteur propre (entre tous si chacun en a un). Un logement est vacant "
            "s'il n'a versé aucune provision dans l'exercice : sa quote-part est à la charge du bailleur, montrée à "
            "part, jamais répartie sur les autres.",
            "<b>Arrondis.</b> Montants en centimes entiers : chaque ligne est arrondie une fois au centime (le "
            "demi-centime s'éloigne de zéro), chaque total est une somme de lignes. Chaque logement reçoit la partie "
            "entière de sa part exacte ; les centimes restants vont un à un aux plus grands restes (à égalité, au "
            "plus petit identifiant UG) : les quote-parts d'une catégorie font exactement son coût.",
            "<b>Solde.</b> Solde = provisions versées − quote-part, par logement et catégorie et au total : positif, "
            "à rembourser au locataire ; négatif, à lui appeler. Provision mensuelle proposée : quote-part de "
            "l'exercice / 12, arrondie à l'euro supérieur.",
            "<b>Points d'attention.</b> Seuils déclarés : hausse d'une catégorie de plus de {increase} par rapport "
            "à N-1 (bâtiment et logement) ; provisions écartées de plus de {gap} des quote-parts ; plus de "
            "{estimated} du coût relevé sur index estimés. Méthode {method}.",
            "<b>Fuites et anomalies de consommation.</b> Celles que le service de consommation a détectées sur "
            "les compteurs des bâtiments (fuite d'eau, débit nocturne, pic, compteur à l'arrêt, index bloqué ou en "
            "recul), dont la période commence dans l'exercice et détectées au plus tard à la date d'arrêté, avec ses "
            "éléments : période, quantité relevée, quantité attendue à la norme du compteur. Coût estimé = excès × "
            "coût unitaire du compteur, au centime : excès = relevé − attendu (jamais négatif ; pour un débit "
            "nocturne, tout le volume écoulé la nuit) ; coût unitaire = somme des coûts mensuels du compteur sur les "
            "mois que touche la période / somme de leurs quantités (part fixe comprise : une moyenne, non un tarif "
            "marginal). Un défaut de comptage (compteur à l'arrêt, index bloqué ou en recul) n'ajoute aucune "
            "consommation : aucun coût estimé ; un compteur sans prix ou sans relevé mensuel sur la période : coût "
            "non estimé, dit comme tel. Ces coûts sont déjà dans ceux des compteurs : ils ne s'y ajoutent pas.",
        ],
        "categories_names": {
            "heating_energy": "Chauffage",
            "hot_water": "Eau chaude",
            "cold_water": "Eau froide",
            "common_electricity": "Électricité des parties communes",
            "lifts": "Ascenseurs",
            "other": "Autres charges",
        },
    },
    "en": {
        "kind": "Recoverable service charges control",
        "period": "Charge year {year} ({start} to {end})",
        "summary": "Summary",
        "missing": "What is missing",
        "categories": "Costs by charge category",
        "by_building": "Detail by building",
        "building_title": "Building {building}",
        "anomalies": "Points to check",
        "dwellings": "Settlement by dwelling",
        "keys": "Allocation keys and suggested provisions",
        "methodology": "Methodology",
        "manifest": "Audit manifest",
        "n1": "N-1",
        "tiles": {
            "costs": "Recoverable costs {year}",
            "provisions": "Provisions paid",
            "balance": "Balance to settle",
            "landlord": "Landlord's share (vacant)",
        },
        "tile_costs_sub": "N-1 ({previous_year}): {previous}",
        "tile_provisions_sub": "by {occupied} occupied dwelling(s)",
        "tile_balance_sub": "provisions − tenants' shares ({shares})",
        "tile_refund": "net to refund to the tenants",
        "tile_call": "net to call from the tenants",
        "tile_settled": "settled",
        "tile_landlord_sub": "{vacant} vacant dwelling(s), never spread on the others",
        "summary_dwellings": "{occupied} occupied dwelling(s): <b>{refund_n}</b> to refund for {refund}, "
        "<b>{call_n}</b> to call for {call}, {settled_n} settled. {vacant} vacant dwelling(s): "
        "{landlord_vacant} borne by the landlord.",
        "summary_identity": "Recoverable costs {costs} = tenants' shares {shares} + landlord's share "
        "{landlord}. Balance = provisions paid {provisions} − tenants' shares {shares} = {balance}.",
        "summary_findings": "{anomalies} point(s) to check and {missing} missing item(s), detailed below.",
        "buildings_title": "By building",
        "nothing_recorded": "No recoverable cost and no provision in the year for this perimeter: nothing to settle. "
        "See what is missing.",
        "building_headers": [
            "Building",
            "Dwellings occupied / vacant",
            "Costs N",
            "Costs N-1",
            "Change",
            "Provisions paid",
            "Tenants' shares",
            "Landlord",
            "Balance",
        ],
        "category_headers": [
            "Category (decree heading)",
            "Costs N",
            "of which contracts",
            "Costs N-1",
            "Change",
            "Provisions paid",
            "Tenants' shares",
            "Landlord",
            "Balance",
        ],
        "total": "Total",
        "categories_intro": "Amounts in euros, VAT included, for the charge year. Balance = provisions paid − "
        "tenants' shares: above zero, to refund; below, to call. The landlord's share is that of vacant "
        "dwellings (or of a building with no dwelling).",
        "none_paid": "none",
        "notes": {
            "no_previous": "no cost recorded in N-1 for this category: no comparison, never zero",
            "partial_previous": "partial N-1: some categories had no cost in N-1; no change computed",
            "no_provisions": "recoverable costs and no provision paid in this category",
            "no_building_provisions": "recoverable costs and no provision from any dwelling of the building: every "
            "dwelling counts as vacant",
        },
        "chart_title": "Recoverable costs and provisions paid by month, {year}",
        "chart_costs": "Recoverable costs",
        "chart_provisions": "Provisions paid",
        "chart_unit": "€",
        "chart_source": "Source: recoverable meters (consumption service), contract interventions and provisions; "
        "n/a: no line that month",
        "anomaly_headers": ["Finding", "Building", "Dwelling", "Category", "Evidence"],
        "no_anomaly": "No point to check at the declared thresholds (see the methodology).",
        "residence": "Residence {residence}",
        "kinds": {
            "category_up": "Category up",
            "dwelling_category_up": "Share up",
            "estimated_readings": "Estimated readings",
            "own_meters_exceed_cost": "Own meters above the cost",
            "unpriced_meters": "Unpriced meters",
            "provisions_far_from_costs": "Provisions far from costs",
            "provisions_without_costs": "Provisions without costs",
            "costs_without_provisions": "Costs without provisions",
            "building_without_provisions": "Building without provisions",
            "residence_without_meter": "Residence without a meter",
            "unmapped_trade": "Intervention without a category",
            "partial_provisions": "Provisions for under 12 months",
            "provisions_unknown_unit": "Provisions of an unknown unit",
            "unit_meter_not_dwelling": "Meter of a unit that is no dwelling",
            "no_dwellings": "Building without dwellings",
            "meter_leak": "Water leak",
            "meter_night_flow": "Night flow",
            "meter_spike": "Consumption spike",
            "meter_flat_line": "Meter at a standstill",
            "meter_stuck_register": "Stuck register",
            "meter_backwards": "Register going backwards",
        },
        "evidence": {
            "category_up": "{value} against {reference} in {previous_year} ({change}), above the {threshold} threshold",
            "dwelling_category_up": "share of {value} against {reference} in {previous_year} ({change}), above the "
            "{threshold} threshold",
            "estimated_readings": "{share} of the metered cost rests on estimated readings (threshold {threshold})",
            "own_meters_exceed_cost": "the dwellings' meters ({value}) cost more than the building's whole category "
            "({reference}): exports out of step, the other dwellings get a credit",
            "unpriced_meters": "{count} meter-month(s) with no price: their cost is missing from the total",
            "provisions_far_from_costs": "provisions of {value} for shares of {reference} (gap {gap}, threshold "
            "{threshold}): see the suggested provisions",
            "provisions_without_costs": "{value} of provisions paid and no recoverable cost recorded in the year",
            "costs_without_provisions": "{value} of recoverable costs and no provision paid in this category: the "
            "dwellings pay their whole share at the settlement",
            "building_without_provisions": "{value} of recoverable costs and no provision from any dwelling: every "
            "dwelling counts as vacant, its share is the landlord's",
            "residence_without_meter": "no recoverable meter read in the year in any building of the residence: no "
            "energy nor water in the costs",
            "unmapped_trade": "{count} intervention(s) of trade \u201c{trade}\u201d (code {code}) with no charge "
            "category: {value} recoverable in no total",
            "partial_provisions": "provisions paid in {months} month(s) of 12: the dwelling bears the whole year's "
            "share; check its occupancy",
            "provisions_unknown_unit": "{value} of provisions of a unit that is not a dwelling of the building: set "
            "against nothing",
            "unit_meter_not_dwelling": "meter of a unit that is not a dwelling of the building ({value}): its cost "
            "is shared among the dwellings",
            "no_dwellings": "{value} of costs of a building with no dwelling: borne by the landlord",
        },
        "meter_intro": "Leaks and consumption anomalies the consumption service detected on the buildings' "
        "meters in the charge year: {count}, {estimated} of them with an estimated cost, {cost} in all. That cost "
        "is already in the meters' costs: it is not added to them (see the methodology).",
        "meter_evidence": "meter {meter}, {start} to {end}: {observed} {unit} read against {expected} {unit} "
        "expected; {cost}",
        "meter_cost": {
            "estimated": "excess {excess} {unit} × {price} EUR/{unit}: estimated cost {cost}",
            "unpriced": "excess {excess} {unit}, but a month of the window has no price: cost not estimated",
            "no_figure": "excess {excess} {unit}, but the meter has no monthly figure over the window: cost not "
            "estimated",
            "metering_fault": "a metering fault, which moves consumption between days without adding any: no cost "
            "estimated",
            "kind_not_priced": "a kind of anomaly with no costing rule: no cost estimated",
        },
        "dwellings_up": "shares above the {threshold} threshold against {previous_year}: {items}",
        "dwellings_count": "{count} dwellings",
        "building_empty": "no recoverable cost and no provision in the year: absent from the tables",
        "nothing_missing": "No missing data found: every residence has meters read, every building provisions, "
        "every category with costs its provisions.",
        "dwellings_intro": "One line per occupied dwelling (UG). Balance = provisions paid − share: above zero, to "
        "refund to the tenant; below, to call from them. Each dwelling's detail by category is in the audit pack "
        "(dwelling_balances.csv).",
        "dwelling_headers": [
            "Dwelling (UG)",
            "Building",
            "Share",
            "Provisions paid",
            "Balance",
            "Outcome",
        ],
        "outcomes": {"refund": "to refund", "to_call": "to call", "settled": "settled"},
        "no_occupied": "No occupied dwelling (no provision paid): nothing to settle with tenants.",
        "landlord_title": "The landlord's share, apart",
        "landlord_intro": "Vacant dwellings (no provision paid in the year): their share is borne by the landlord, "
        "never spread on the other dwellings.",
        "landlord_headers": ["Dwelling (UG)", "Building", "Landlord's share", "By category"],
        "no_dwelling_unit": "(no dwelling)",
        "no_landlord": "No landlord's share: no vacant dwelling has a share.",
        "keys_title": "Allocation key by category",
        "key_headers": ["Category", "Allocation key"],
        "bases": {
            "equal": "equal shares among the dwellings",
            "heated_area": "in proportion to heated floor area",
            "own_meter": "the dwelling's own meter; the rest {remainder}",
        },
        "remainders": {
            "equal": "in equal shares among the dwellings without their own meter",
            "heated_area": "in proportion to the heated floor area of the dwellings without their own meter",
        },
        "suggested_title": "Suggested monthly provisions for next year",
        "suggested_intro": "Per dwelling and category: current monthly provision (the last month's) → suggested "
        "provision (the year's share / 12, rounded up to the euro). A vacant dwelling gets one for its next "
        "tenant.",
        "suggested_unit": "Dwelling (UG)",
        "suggested_building": "Building",
        "suggested_total": "Monthly total",
        "vacant": "vacant",
        "no_current": "none",
        "no_suggestion": "No provision to suggest.",
        "mapping_title": "Mapping table (reports/charge_categories.csv)",
        "mapping_headers": ["From", "Value", "Category", "Heading", "Item of the annex"],
        "mapping_notes": "Sources and notes, as the file gives them:",
        "headings_title": "Headings of the annex to décret n° 87-713",
        "heading_headers": ["Heading", "Title"],
        "source_kinds": {
            "meter_category": "meter usage",
            "trade": "trade",
            "service_code": "service code",
        },
        "rerun": "Re-running the same request with the same cut-off gives the same figures, to the cent, and the "
        "same hash. "
        "The inputs are the whole portfolio's exports as of that date, from which the report takes its perimeter.",
        "method_paragraphs": [
            "<b>Charge year and perimeter.</b> Civil year {year}, civil months in Paris; buildings: {buildings}. Data "
            "as known at the cut-off ({as_of}). N-1: the same computation on {previous_year}, with the same dwellings "
            "and keys.",
            "<b>Recoverable charges (décret n° 87-713 of 26 August 1987).</b> Costs of the recoverable meters "
            "(energy and water; a meter-month with no price is counted and flagged, never zero) and the recoverable "
            "part of contract interventions: cost × the contract's recoverable share, in the month it was resolved; "
            "cancelled interventions do not count. Each cost is put in a category and a heading of the decree's "
            "annex by the mapping table below (a service code wins over the trade); an intervention mapped by "
            "neither is flagged and in no total.",
            "<b>Allocation.</b> Each category has a declared key: equal shares; heated floor area (m², to the "
            "hundredth); own meter: a dwelling with its own meter of the category pays exactly that meter's cost, "
            "the building's rest (building meters and contracts) is shared by the rest key among the dwellings "
            "without their own meter (among all when each has one). A dwelling is vacant when it paid no provision "
            "in the year: its share is the landlord's, shown apart, never spread on the others.",
            "<b>Rounding.</b> Amounts in whole cents: each line is rounded once to the cent (half a cent away from "
            "zero), each total is a sum of lines. Each dwelling gets the whole cents of its exact part; the cents "
            "left go one each to the largest remainders (ties: the smallest UG id): a category's shares add up "
            "exactly to its cost.",
            "<b>Balance.</b> Balance = provisions paid − share, per dwelling and category and in total: above zero, "
            "to refund to the tenant; below, to call from them. Suggested monthly provision: the year's share / 12, "
            "rounded up to the euro.",
            "<b>Points to check.</b> Declared thresholds: a category up more than {increase} against N-1 (building "
            "and dwelling); provisions off the shares by more than {gap}; more than {estimated} of the metered cost "
            "on estimated readings. Method {method}.",
            "<b>Leaks and consumption anomalies.</b> Those the consumption service detected on the buildings' "
            "meters (water leak, night flow, spike, meter at a standstill, stuck or backward register) whose window "
            "starts in the charge year, detected at or before the cut-off, with their evidence: the window, the "
            "quantity read and the quantity expected at the meter's norm. Estimated cost = excess × the meter's "
            "cost per unit, to the cent: excess = read − expected (never below 0; for a night flow, all that ran at "
            "night); cost per unit = the meter's monthly costs over the months the window touches / their "
            "quantities (fixed part included: an average, not a marginal tariff). A metering fault (standstill, "
            "stuck or backward register) adds no consumption: no cost estimated; a meter with no price or no "
            "monthly figure over the window: cost not estimated, and said so. These costs are already in the "
            "meters' costs: they are not added to them.",
        ],
        "categories_names": {
            "heating_energy": "Heating",
            "hot_water": "Hot water",
            "cold_water": "Cold water",
            "common_electricity": "Common-area electricity",
            "lifts": "Lifts",
            "other": "Other charges",
        },
    },
}
