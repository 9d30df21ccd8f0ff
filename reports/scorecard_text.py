"""The contractor scorecard's words, French first and English: titles, headers, figure names,
the notes that say why a figure is not given (those of the CSR report, reports.csr_text), the
methodology."""

from typing import Any

from reports.csr_text import TEXT as CSR_TEXT

METHODOLOGY_FR = (
    "Interventions demandées sur la période (et sur les mêmes mois un an plus tôt, N-1), telles qu'enregistrées à "
    "la date d'arrêté des données ; les interventions annulées sont écartées ; une intervention compte dans le mois "
    "de sa demande. Part du préventif = préventif / (préventif + curatif), diagnostics exclus ; non calculée pour un "
    "prestataire dont toutes les interventions sont d'une seule nature. Résolution au premier passage = "
    "interventions curatives résolues en un seul passage / interventions curatives résolues. Passages par curatif = "
    "passages des curatives résolues / leur nombre ; chaque passage est un déplacement. Respect des délais = "
    "respectés / (respectés + dépassés), pour le délai d'intervention (premier passage) et de résolution ; les "
    "interventions encore dans leur délai ne sont pas comptées. Respect des plans de maintenance = visites "
    "préventives faites / visites dues par les plans des marchés que le prestataire détient (jours du mois où le "
    "marché est en vigueur / intervalle du plan, par équipement). Déplacements évités (si un scénario est nommé) = "
    "(passages par intervention du scénario - passages constatés) x interventions curatives résolues, par corps "
    "d'état couvert par le scénario. Qualité des données = part des enregistrements du prestataire qui ont passé "
    "tous les contrôles métier, à la date d'arrêté (objectif 95 %). Un ratio sans rien à compter est noté n.d., "
    "jamais zéro."
)
METHODOLOGY_EN = (
    "Interventions requested in the period (and in the same months a year earlier, N-1), as recorded by the data "
    "cut-off; cancelled ones are left out; an intervention counts in the month it was requested. Preventive share = "
    "preventive / (preventive + curative), diagnostics excluded; not given for a contractor whose interventions are "
    "all of one nature. First-time fix = curative interventions resolved at their first visit / curative "
    "interventions resolved. Visits per curative = visits of the resolved curative interventions / their number; "
    "each visit is one trip. Deadline compliance = met / (met + missed), for the time to intervene (first visit) and "
    "to repair; interventions still within their deadline are not counted. Preventive-plan compliance = preventive "
    "visits done / visits due under the plans of the contracts the contractor holds (days of the month the contract "
    "is in force / the plan's interval, per equipment). Avoided trips (when a scenario is named) = (the scenario's "
    "visits per intervention - the actual ones) x resolved curative interventions, per trade the scenario covers. "
    "Data quality = share of the contractor's records that passed every business check, at the cut-off (target "
    "95 %). A ratio with nothing to count is shown as n/a, never as zero."
)

TEXT: dict[str, dict[str, Any]] = {
    "fr": {
        "kind": "Fiche prestataires",
        "period": "Interventions demandées du {start} au {end}, comparées à N-1 ({previous})",
        "summary": "Synthèse par prestataire",
        "summary_headers": [
            "Prestataire",
            "Interv. N",
            "N-1",
            "1er passage N",
            "N-1",
            "Délai de résolution N",
            "N-1",
            "Plans préventifs N",
            "N-1",
            "Déplac. évités N",
            "N-1",
            "Qualité des données",
        ],
        "figure_headers": ["Indicateur", "N", "N-1", "Évolution"],
        "figures": {
            "interventions": "Interventions",
            "preventive_share": "Part du préventif",
            "first_time_fix": "Résolution au premier passage",
            "visits_per_curative": "Passages par curatif",
            "intervene_compliance": "Délai d'intervention respecté",
            "repair_compliance": "Délai de résolution respecté",
            "preventive_compliance": "Respect des plans de maintenance",
            "trips": "Déplacements",
            "cost_eur": "Coût (EUR)",
            "avoided_trips": "Déplacements évités",
            "data_quality": "Qualité des données (objectif 95 %)",
        },
        "chart_ftf": "Résolution au premier passage par mois, N et N-1",
        "chart_repair": "Délai de résolution respecté par mois, N et N-1",
        "chart_source": "Source : export des interventions à la date d'arrêté ; n.d. : rien à compter",
        "nothing_to_chart": "rien à compter sur aucun mois de N ni de N-1 (n.d.), jamais zéro.",
        "colon": " : ",
        "n": "N",
        "n1": "N-1",
        "scenario": "Déplacements évités contre le scénario {scenario}.",
        "no_scenario": "Aucun scénario de référence nommé : pas de déplacements évités.",
        "quality_note": "Qualité des données en rouge : sous l'objectif de 95 %.",
        "na_note": "n.d. : non disponible, la raison est donnée par la note ; jamais zéro.",
        "no_contractor": "Aucun prestataire dans le périmètre.",
        "methodology_title": "Méthodologie",
        "methodology": METHODOLOGY_FR,
        "manifest": "Manifeste d'audit",
        "rerun": "Relancer la même demande avec la même date d'arrêté redonne les mêmes empreintes d'entrée et de "
        "chiffres. "
        "Les entrées sont les exports du patrimoine entier à cette date, dont le rapport retient son périmètre.",
        "notes": CSR_TEXT["fr"]["notes"],
    },
    "en": {
        "kind": "Contractor scorecard",
        "period": "Interventions requested from {start} to {end}, against N-1 ({previous})",
        "summary": "Summary by contractor",
        "summary_headers": [
            "Contractor",
            "Interv. N",
            "N-1",
            "First-time fix N",
            "N-1",
            "Repair within deadline N",
            "N-1",
            "Preventive plans N",
            "N-1",
            "Avoided trips N",
            "N-1",
            "Data quality",
        ],
        "figure_headers": ["Figure", "N", "N-1", "Change"],
        "figures": {
            "interventions": "Interventions",
            "preventive_share": "Preventive share",
            "first_time_fix": "First-time fix",
            "visits_per_curative": "Visits per curative",
            "intervene_compliance": "Time to intervene met",
            "repair_compliance": "Time to repair met",
            "preventive_compliance": "Preventive-plan compliance",
            "trips": "Trips",
            "cost_eur": "Cost (EUR)",
            "avoided_trips": "Avoided trips",
            "data_quality": "Data quality (target 95 %)",
        },
        "chart_ftf": "First-time fix by month, N and N-1",
        "chart_repair": "Repair within deadline by month, N and N-1",
        "chart_source": "Source: interventions export at the data cut-off; n/a: nothing to count",
        "nothing_to_chart": "nothing to count in any month of N or N-1 (n/a), never zero.",
        "colon": ": ",
        "n": "N",
        "n1": "N-1",
        "scenario": "Avoided trips against the scenario {scenario}.",
        "no_scenario": "No reference scenario named: no avoided trips.",
        "quality_note": "Data quality in red: below the 95 % target.",
        "na_note": "n/a: not available, the note says why; never zero.",
        "no_contractor": "No contractor in the perimeter.",
        "methodology_title": "Methodology",
        "methodology": METHODOLOGY_EN,
        "manifest": "Audit manifest",
        "rerun": "Re-running the same request with the same cut-off gives the same input and figure hashes. "
        "The inputs are the whole portfolio's exports as of that date, from which the report takes its perimeter.",
        "notes": CSR_TEXT["en"]["notes"],
    },
}
