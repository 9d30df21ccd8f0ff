"""Contractor scorecard PDF, French first (English by option): draws from a ScorecardReport,
never queries anything. One line per contractor with totals in bold, a chart with its legend,
footnotes for every "n.d.", the methodology and the audit manifest with the command that
re-runs it."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from reports.charts import bar_chart
from reports.fonts import fonts
from reports.formatting import Formatter
from reports.page import PageFrame, build_pdf, manifest_table, styles

QUALITY_TARGET = 0.95

TEXT: dict[str, dict[str, Any]] = {
    "fr": {
        "kind": "Fiche prestataires",
        "perimeter": "Tous les prestataires",
        "period": "Interventions demandées du {start} au {end}",
        "headers": [
            "Prestataire",
            "Interv.",
            "Préventif",
            "Résolu au 1er passage",
            "Passages / curatif",
            "Délai d'intervention respecté",
            "Délai de résolution respecté",
            "Déplacements",
            "Coût (EUR)",
            "Qualité des données",
        ],
        "total": "Total",
        "chart_title": "Résolution au premier passage et délai de résolution respecté, par prestataire",
        "series": ["Résolu au 1er passage", "Délai de résolution respecté"],
        "y_label": "%",
        "source": "Source : export des interventions à la date d'arrêté ; n.d. : rien à compter",
        "one_nature": "une seule nature",
        "notes": [
            "n.d. (non disponible) : le ratio n'a rien à compter sur la période (par exemple aucune intervention "
            "curative résolue), jamais zéro.",
            "« une seule nature » : toutes les interventions du prestataire sont préventives, ou toutes curatives "
            "(son marché n'en couvre qu'une) ; une part du préventif n'y serait pas une mesure de performance.",
            "Qualité des données en rouge : sous l'objectif de 95 %.",
        ],
        "methodology": "Méthodologie",
        "manifest": "Manifeste d'audit",
        "rerun": "Relancer la même demande avec la même date d'arrêté redonne les mêmes empreintes d'entrée et de "
        "chiffres.",
    },
    "en": {
        "kind": "Contractor scorecard",
        "perimeter": "All contractors",
        "period": "Interventions requested from {start} to {end}",
        "headers": [
            "Contractor",
            "Interv.",
            "Preventive",
            "First-time fix",
            "Visits / curative",
            "Intervene within deadline",
            "Repair within deadline",
            "Trips",
            "Cost (EUR)",
            "Data quality",
        ],
        "total": "Total",
        "chart_title": "First-time fix and repair within deadline, by contractor",
        "series": ["First-time fix", "Repair within deadline"],
        "y_label": "%",
        "source": "Source: interventions export at the data cut-off; n/a: nothing to count",
        "one_nature": "one nature only",
        "notes": [
            "n/a (not available): the ratio has nothing to count in the period (e.g. no resolved curative "
            "intervention), never zero.",
            "\u201cone nature only\u201d: all of the contractor's interventions are preventive, or all curative (its "
            "contract covers one); a preventive share would not measure its performance.",
            "Data quality in red: below the 95 % target.",
        ],
        "methodology": "Methodology",
        "manifest": "Audit manifest",
        "rerun": "Re-running the same request with the same cut-off gives the same input and figure hashes.",
    },
}


@dataclass(frozen=True)
class ScorecardReport:
    report_id: str
    period_start: datetime
    period_end: datetime
    as_of: datetime
    rows: list[dict[str, Any]]  # one per contractor, from services.reporting.scorecard
    methodology: str
    figures_sha256: str
    lang: str = "fr"
    manifest: dict[str, str] = field(default_factory=dict)


def _table(report: ScorecardReport, fmt: Formatter, text: dict[str, Any]) -> Table:
    def row(r: dict[str, Any]) -> list[str]:
        preventive = text["one_nature"] if r.get("one_nature") else fmt.percent(r["preventive_share"])
        return [
            r["contractor_id"],
            fmt.number(r["interventions"]),
            preventive,
            fmt.percent(r["first_time_fix_rate"]),
            fmt.number(r["visits_per_curative"], 2),
            fmt.percent(r["intervene_compliance"]),
            fmt.percent(r["repair_compliance"]),
            fmt.number(r["trips"]),
            fmt.number(r["cost_eur"]),
            fmt.percent(r["passing_share"]),
        ]

    totals = [
        text["total"],
        fmt.number(sum(r["interventions"] for r in report.rows)),
        "",
        "",
        "",
        "",
        "",
        fmt.number(sum(r["trips"] for r in report.rows)),
        fmt.number(sum(r["cost_eur"] for r in report.rows)),
        "",
    ]
    header = [Paragraph(h, styles()["small"]) for h in text["headers"]]
    widths = [2.4 * cm, 1.8 * cm, 3.0 * cm, 2.3 * cm, 2.0 * cm, 2.6 * cm, 2.6 * cm, 2.6 * cm, 2.6 * cm, 2.2 * cm]
    table = Table([header, *[row(r) for r in report.rows], totals], colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 1), (-1, -1), fonts().regular, 8),
        ("FONT", (0, -1), (-1, -1), fonts().bold, 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe7ee")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ("GRID", (0, 0), (-1, -2), 0.25, colors.grey),
    ]
    for i, r in enumerate(report.rows, start=1):
        if r["passing_share"] is not None and r["passing_share"] < QUALITY_TARGET:
            style.append(("TEXTCOLOR", (9, i), (9, i), colors.HexColor("#b00020")))
    table.setStyle(TableStyle(style))
    return table


def render(report: ScorecardReport, path: Path) -> Path:
    fmt, text = Formatter(report.lang), TEXT[report.lang]
    sheet = styles()
    last_day = report.period_end - timedelta(days=1)
    frame = PageFrame(
        kind=text["kind"],
        perimeter=text["perimeter"],
        period=text["period"].format(start=fmt.day(report.period_start), end=fmt.day(last_day)),
        as_of=fmt.day(report.as_of),
        report_id=report.report_id,
        figures_sha256=report.figures_sha256,
        lang=report.lang,
        landscape=True,
    )
    percent = [
        [None if r[k] is None else r[k] * 100 for r in report.rows]
        for k in ("first_time_fix_rate", "repair_compliance")
    ]
    chart = bar_chart(
        title=text["chart_title"],
        categories=[r["contractor_id"] for r in report.rows],
        series=list(zip(text["series"], percent, strict=True)),
        y_label=text["y_label"],
        source=text["source"],
        not_available=fmt.na,
        width=26 * cm,
        height=6.5 * cm,
        y_max=100,
    )
    manifest = manifest_table(report.manifest, 5.5 * cm, 21 * cm)
    story = [
        _table(report, fmt, text),
        Spacer(1, 0.2 * cm),
        *[Paragraph(note, sheet["small"]) for note in text["notes"]],
        Spacer(1, 0.4 * cm),
        chart,
        Paragraph(text["methodology"], sheet["h2"]),
        Paragraph(report.methodology, sheet["body"]),
        Paragraph(text["manifest"], sheet["h2"]),
        Paragraph(text["rerun"], sheet["body"]),
        Spacer(1, 0.2 * cm),
        manifest,
    ]
    return build_pdf(path, frame, story, title=f"{text['kind']} {report.report_id}")
