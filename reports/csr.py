"""The decarbonisation (CSR) report PDF, French first (English by option): draws from a
CsrFigures result, never queries anything. Summary tiles (value, unit, N-1 and the change),
energy by carrier, emissions by GHG scope with their range, trips, the avoided figures in a box
marked outside the inventory with their scenario, what is left out, methodology, factor table
and audit manifest."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from reports.fonts import fonts
from reports.formatting import Formatter
from reports.page import PageFrame, build_pdf, manifest_table, styles
from services.reporting.domain.csr import CsrFigures, Headline
from services.reporting.domain.uncertainty import Ranged

TEXT: dict[str, dict[str, Any]] = {
    "fr": {
        "kind": "Rapport de décarbonation",
        "period": "Du {start} au {end}",
        "summary": "Synthèse",
        "n1": "N-1",
        "headlines": {
            "tco2e_scope_1": "Émissions scope 1",
            "tco2e_scope_2": "Émissions scope 2",
            "tco2e_scope_3_energy": "Scope 3, amont de l'énergie",
            "tco2e_scope_3_trips": "Scope 3, déplacements des prestataires",
            "mwh_pci": "Énergie consommée",
            "fossil_share": "Part d'énergie fossile",
            "kgco2e_per_m2": "Intensité carbone",
            "kwh_per_m2": "Intensité énergétique",
            "preventive_share": "Part du préventif",
            "first_time_fix": "Résolution au 1er passage",
            "trips": "Déplacements",
            "km": "Kilomètres parcourus",
        },
        "energy": "Énergie par vecteur",
        "energy_headers": ["Vecteur", "kWh PCI", "dont estimé", "Relevés non convertis"],
        "scopes": "Émissions par périmètre (GHG Protocol)",
        "scope_headers": ["Scope", "kgCO2e", "Incertitude (±)", "Fourchette"],
        "scope_names": {"1": "1 (combustion directe)", "2": "2 (énergie achetée)", "3": "3 (amont de l'énergie)"},
        "trips_scope": "3 (déplacements des prestataires)",
        "total": "Total de l'inventaire",
        "avoided_title": "Hors inventaire : déplacements et émissions évités",
        "avoided_body": "Par rapport au scénario de référence « {scenario} » version {version} : {trips} déplacements "
        "évités, {km} km, {kg} kgCO2e (fourchette {low} à {high}). Un chiffre négatif signifie plus de déplacements "
        "que dans la référence. Corps d'état hors scénario : {uncovered}.",
        "left_out": "Ce qui n'est pas compté",
        "unresolved": "{n} ligne(s) d'énergie sans facteur d'émission ou sans kWh : listées dans le pack d'audit, "
        "hors des totaux.",
        "unlocated": "{n} intervention(s) sans coordonnées de bâtiment ou de base : sans kilomètres.",
        "methodology": "Méthodologie",
        "manifest": "Manifeste d'audit",
        "none": "aucun",
    },
    "en": {
        "kind": "Decarbonisation report",
        "period": "From {start} to {end}",
        "summary": "Summary",
        "n1": "N-1",
        "headlines": {
            "tco2e_scope_1": "Scope 1 emissions",
            "tco2e_scope_2": "Scope 2 emissions",
            "tco2e_scope_3_energy": "Scope 3, energy upstream",
            "tco2e_scope_3_trips": "Scope 3, contractor trips",
            "mwh_pci": "Energy consumed",
            "fossil_share": "Fossil energy share",
            "kgco2e_per_m2": "Carbon intensity",
            "kwh_per_m2": "Energy intensity",
            "preventive_share": "Preventive share",
            "first_time_fix": "First-time fix",
            "trips": "Trips",
            "km": "Kilometres driven",
        },
        "energy": "Energy by carrier",
        "energy_headers": ["Carrier", "kWh PCI", "of which estimated", "Figures not converted"],
        "scopes": "Emissions by scope (GHG Protocol)",
        "scope_headers": ["Scope", "kgCO2e", "Uncertainty (±)", "Range"],
        "scope_names": {"1": "1 (direct combustion)", "2": "2 (purchased energy)", "3": "3 (energy upstream)"},
        "trips_scope": "3 (contractor trips)",
        "total": "Inventory total",
        "avoided_title": "Outside the inventory: avoided trips and emissions",
        "avoided_body": "Against the reference scenario \u201c{scenario}\u201d version {version}: "
        "{trips} trips avoided, {km} km, {kg} kgCO2e (range {low} to {high}). A negative figure means more "
        "trips than in the reference. Trades outside the scenario: {uncovered}.",
        "left_out": "What is not counted",
        "unresolved": "{n} energy line(s) with no emission factor or no kWh: listed in the audit pack, outside the "
        "totals.",
        "unlocated": "{n} intervention(s) without building or base coordinates: no kilometres.",
        "methodology": "Methodology",
        "manifest": "Audit manifest",
        "none": "none",
    },
}
DISPLAY = {  # how a headline is shown: (scale, decimals, unit shown, is a share)
    "tco2e_scope_1": (1, 1, "tCO2e", False),
    "tco2e_scope_2": (1, 1, "tCO2e", False),
    "tco2e_scope_3_energy": (1, 1, "tCO2e", False),
    "tco2e_scope_3_trips": (1, 1, "tCO2e", False),
    "mwh_pci": (1, 0, "MWh PCI", False),
    "fossil_share": (1, 1, "", True),
    "kgco2e_per_m2": (1, 1, "kgCO2e/m²", False),
    "kwh_per_m2": (1, 0, "kWh PCI/m²", False),
    "preventive_share": (1, 1, "", True),
    "first_time_fix": (1, 1, "", True),
    "trips": (1, 0, "", False),
    "km": (1, 0, "km", False),
}
TILE = colors.HexColor("#eef3f7")


@dataclass(frozen=True)
class CsrReport:
    report_id: str
    perimeter: str
    period_start: datetime
    period_end: datetime
    as_of: datetime
    figures: CsrFigures
    figures_sha256: str
    methodology: str
    factor_table: pl.DataFrame  # key, value, unit, scope, set_version, source
    lang: str = "fr"
    manifest: dict[str, str] = field(default_factory=dict)


def _value(fmt: Formatter, headline: Headline, value: float | None) -> str:
    _, decimals, unit, share = DISPLAY[headline.key]
    text = fmt.percent(value) if share else fmt.number(value, decimals)
    return f"{text} {unit}".strip() if value is not None else text


def _tiles(report: CsrReport, fmt: Formatter, text: dict[str, Any]) -> Table:
    sheet = styles()
    cells = []
    for h in report.figures.headlines:
        cells.append(
            [
                Paragraph(text["headlines"][h.key], sheet["small"]),
                Paragraph(f"<b>{_value(fmt, h, h.value)}</b>", sheet["h2"]),
                Paragraph(
                    f"{text['n1']} {_value(fmt, h, h.previous)} · {fmt.change(h.value, h.previous)}", sheet["small"]
                ),
            ]
        )
    rows = [cells[i : i + 3] for i in range(0, len(cells), 3)]
    table = Table(rows, colWidths=[5.9 * cm] * 3)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), TILE),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.white),
                ("INNERGRID", (0, 0), (-1, -1), 3, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _grid(rows: list[list[str]], widths: list[float], total_row: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), fonts().regular, 8),
        ("FONT", (0, 0), (-1, 0), fonts().bold, 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe7ee")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ]
    if total_row:
        style.append(("FONT", (0, -1), (-1, -1), fonts().bold, 8))
    table.setStyle(TableStyle(style))
    return table


def render(report: CsrReport, path: Path) -> Path:
    fmt, text, sheet = Formatter(report.lang), TEXT[report.lang], styles()
    figures = report.figures
    last_day = report.period_end - timedelta(days=1)
    frame = PageFrame(
        kind=text["kind"],
        perimeter=report.perimeter,
        period=text["period"].format(start=fmt.day(report.period_start), end=fmt.day(last_day)),
        as_of=fmt.day(report.as_of),
        report_id=report.report_id,
        figures_sha256=report.figures_sha256,
        lang=report.lang,
    )
    energy_rows = [text["energy_headers"]] + [
        [
            r["carrier"],
            fmt.number(r["kwh_pci"]),
            fmt.percent(r["estimated_share"]),
            fmt.number(r["unconverted_figures"]),
        ]
        for r in figures.energy_by_carrier.iter_rows(named=True)
    ]

    def range_row(name: str, value: Ranged) -> list[str]:
        interval = f"{fmt.number(value.low)} – {fmt.number(value.high)}"
        return [name, fmt.number(value.value), fmt.number(value.uncertainty), interval]

    scope_rows = [text["scope_headers"]]
    for r in figures.scopes.iter_rows(named=True):
        name = text["scope_names"].get(r["ghg_scope"], r["ghg_scope"])
        scope_rows.append(range_row(name, Ranged(r["kgco2e"], r["uncertainty_kgco2e"])))
    scope_rows.append(range_row(text["trips_scope"], figures.trips_kgco2e))
    scope_rows.append(range_row(text["total"], figures.inventory_kgco2e))
    avoided = figures.avoided
    kg = avoided.kgco2e
    avoided_box = Table(
        [
            [Paragraph(f"<b>{text['avoided_title']}</b>", sheet["body"])],
            [
                Paragraph(
                    text["avoided_body"].format(
                        scenario=avoided.scenario,
                        version=avoided.version,
                        trips=fmt.number(avoided.trips, 1),
                        km=fmt.number(avoided.km),
                        kg=fmt.number(kg.value if kg else None),
                        low=fmt.number(kg.low if kg else None),
                        high=fmt.number(kg.high if kg else None),
                        uncovered=", ".join(avoided.trades_not_covered) or text["none"],
                    ),
                    sheet["body"],
                )
            ],
        ],
        colWidths=[17.7 * cm],
    )
    avoided_box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#c9792b")),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fbf3ea")),
            ]
        )
    )
    factor_rows = [["key", "value", "unit", "scope", "set", "source"]] + [
        [
            Paragraph(str(r["key"]), sheet["mono"]),
            fmt.number(r["value"], 4),
            r["unit"],
            r["scope"],
            r["set_version"],
            Paragraph(str(r["source"]), sheet["small"]),
        ]
        for r in report.factor_table.iter_rows(named=True)
    ]
    manifest = manifest_table(report.manifest, 4.5 * cm, 13.2 * cm)
    story = [
        Paragraph(text["summary"], sheet["h1"]),
        _tiles(report, fmt, text),
        Spacer(1, 0.4 * cm),
        KeepTogether(
            [
                Paragraph(text["scopes"], sheet["h2"]),
                _grid(scope_rows, [6.5 * cm, 3.2 * cm, 3.2 * cm, 4.8 * cm], total_row=True),
            ]
        ),
        Spacer(1, 0.3 * cm),
        KeepTogether([Paragraph(text["energy"], sheet["h2"]), _grid(energy_rows, [5 * cm, 4 * cm, 4 * cm, 4.7 * cm])]),
        Spacer(1, 0.4 * cm),
        avoided_box,
        Paragraph(text["left_out"], sheet["h2"]),
        Paragraph(text["unresolved"].format(n=figures.unresolved_energy_lines), sheet["body"]),
        Paragraph(text["unlocated"].format(n=figures.unlocated_interventions), sheet["body"]),
        Paragraph(text["methodology"], sheet["h2"]),
        Paragraph(report.methodology, sheet["body"]),
        Spacer(1, 0.3 * cm),
        _grid(factor_rows, [5.2 * cm, 1.8 * cm, 1.6 * cm, 1.2 * cm, 2.8 * cm, 5.1 * cm]),
        Paragraph(text["manifest"], sheet["h2"]),
        manifest,
    ]
    return build_pdf(path, frame, story, title=f"{text['kind']} {report.report_id}")
