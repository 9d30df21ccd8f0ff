"""The decarbonisation (CSR) report PDF, French first (English by option): draws from a
CsrFigures result, never queries anything. A summary page (headline tiles, every headline with
N-1, the reference and the trend, notes for every n.d. or partial figure), then energy and
emissions, interventions and trips with the avoided figures in a box outside the inventory,
preventive-plan compliance, contract performance, data quality and what is left out, the
methodology, the factor table and the audit manifest. An annual report (12 months) has a table of
contents."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from reports.charts import bar_chart
from reports.csr_tables import Markup, Notes, cell_styles, grid, shown, text, trend
from reports.csr_text import TEXT
from reports.formatting import Formatter
from reports.page import PageFrame, Paragraph, build_pdf, manifest_table, styles, table_of_contents, tiles_row
from services.reporting.domain.csr import CARRIER_HEADLINE, CsrFigures, Headline
from services.reporting.domain.performance import COMMON_PARTS
from services.reporting.domain.periods import PARIS as ZONE
from services.reporting.domain.periods import months
from services.reporting.domain.uncertainty import Ranged

AVOIDED_EDGE, AVOIDED_FILL = colors.HexColor("#c9792b"), colors.HexColor("#fbf3ea")
TILES = ("tco2e_inventory", "mwh_pci", "kgco2e_per_m2", "fossil_share")
GROUPS = {
    "emissions": (
        "tco2e_inventory",
        "tco2e_scope_1",
        "tco2e_scope_2",
        "tco2e_scope_3_energy",
        "tco2e_scope_3_trips",
        "kgco2e_per_m2",
    ),
    "energy": (
        "mwh_pci",
        CARRIER_HEADLINE,
        "fossil_share",
        "kwh_per_m2",
        "kwh_per_m2_normalised",
        "normalised_coverage",
        "estimated_energy_share",
    ),
    "interventions": (
        "preventive_share",
        "preventive_compliance",
        "first_time_fix",
        "trips",
        "km",
        "intervene_compliance",
        "repair_compliance",
    ),
    "at_as_of": ("open_alert_90", "open_breached", "data_quality"),
    "avoided": ("avoided_trips", "avoided_tco2e"),
}
WIDTH = 18 * cm  # the frame's width on A4 portrait
MONTHS_FOR_A_CHART = 3  # a month or two read better in the tables beside N-1 than as two bars


@dataclass(frozen=True)
class CsrReport:
    report_id: str
    perimeter: str
    figures: CsrFigures
    figures_sha256: str
    lang: str = "fr"
    manifest: dict[str, str] = field(default_factory=dict)
    methodology: str = ""  # the caller's own words, printed after the method (e.g. how the perimeter was chosen)


@dataclass(frozen=True)
class _Page:
    """What every section draws with."""

    report: CsrReport
    fmt: Formatter
    words: dict[str, Any]
    sheet: dict[str, Any]

    @property
    def figures(self) -> CsrFigures:
        return self.report.figures

    def label(self, headline: Headline) -> str:
        if headline.key.startswith(CARRIER_HEADLINE):
            carrier = headline.key.removeprefix(CARRIER_HEADLINE)
            name = self.words["carriers"].get(carrier, carrier)
            return "\u2003" + self.words["carrier_headline"].format(carrier=name)
        return str(self.words["headlines"].get(headline.key, headline.key))

    def unit(self, unit: str) -> str:
        return str(self.words["units"].get(unit, unit))

    def carrier(self, carrier: str) -> str:
        return str(self.words["carriers"].get(carrier, carrier))

    def period_label(self, bounds: tuple[datetime, datetime] | None) -> str:
        if bounds is None:
            return self.fmt.na
        start, end = bounds
        count = months(start, end).height
        local_start = start.astimezone(ZONE)
        if count == 12 and local_start.month == 1 and local_start.day == 1:
            return str(local_start.year)
        if count == 1:
            return self.fmt.month_short(local_start)
        return f"{self.fmt.day(start)} – {self.fmt.day(end - timedelta(days=1))}"


def _ordered_headlines(figures: CsrFigures) -> list[tuple[str, list[Headline]]]:
    grouped = []
    for group, keys in GROUPS.items():
        listed = []
        for key in keys:
            if key == CARRIER_HEADLINE:
                listed += [h for h in figures.headlines if h.key.startswith(CARRIER_HEADLINE)]
            else:
                listed += [h for h in figures.headlines if h.key == key]
        grouped.append((group, listed))
    return grouped


def _tiles(page: _Page, notes: Notes) -> Table:
    sheet, fmt, words = page.sheet, page.fmt, page.words
    has_reference = page.figures.reference_period is not None
    cells = []
    for key in TILES:
        h = page.figures.headline(key)
        value = shown(fmt, h.unit, h.value) + notes.mark(h.value_note)
        unit = page.unit(h.unit)
        lines = [
            Paragraph(page.label(h), sheet["small"]),
            Paragraph(f"<b>{value}</b>", sheet["tile"]),
            Paragraph(unit or "&nbsp;", sheet["small"]),
            Paragraph(
                f"{words['n1']} {shown(fmt, h.unit, h.previous)}{notes.mark(h.previous_note)} · "
                f"{trend(fmt, h.unit, h.value, h.previous)}",
                sheet["small"],
            ),
        ]
        if has_reference:
            lines.append(
                Paragraph(
                    f"{words['ref']} {shown(fmt, h.unit, h.reference)}{notes.mark(h.reference_note)} · "
                    f"{trend(fmt, h.unit, h.value, h.reference)}",
                    sheet["small"],
                )
            )
        cells.append(lines)
    return tiles_row(cells, WIDTH)


def _summary_table(page: _Page, notes: Notes) -> Table:
    fmt, words, figures = page.fmt, page.words, page.figures
    has_reference = figures.reference_period is not None
    header = [
        words["indicator"],
        "",
        f"{words['n']} ({page.period_label(figures.period)})",
        f"{words['n1']} ({page.period_label(figures.previous_period)})",
        words["vs_n1"],
    ]
    if has_reference:
        header += [f"{words['ref']} ({page.period_label(figures.reference_period)})", words["vs_ref"]]
    rows: list[list[Any]] = []
    group_rows = []
    for group, headlines in _ordered_headlines(figures):
        if not headlines:
            continue
        group_rows.append(len(rows))
        title = words["groups"][group].format(
            scenario=figures.avoided.scenario, version=figures.avoided.version, as_of=fmt.day(figures.as_of)
        )
        rows.append([title] + [""] * (len(header) - 1))
        for h in headlines:
            row = [page.label(h), page.unit(h.unit), shown(fmt, h.unit, h.value) + notes.mark(h.value_note)]
            if group == "at_as_of":  # the group's title says there is no N-1 nor reference
                row += ["–"] * (len(header) - 3)
            else:
                row += [
                    shown(fmt, h.unit, h.previous) + notes.mark(h.previous_note),
                    trend(fmt, h.unit, h.value, h.previous),
                ]
                if has_reference:
                    row += [
                        shown(fmt, h.unit, h.reference) + notes.mark(h.reference_note),
                        trend(fmt, h.unit, h.value, h.reference),
                    ]
            rows.append(row)
    widths = [5.0 * cm, 2.4 * cm, 2.0 * cm, 2.0 * cm, 2.3 * cm, 2.0 * cm, 2.3 * cm]
    if not has_reference:
        widths = [6.6 * cm, 2.6 * cm, 2.9 * cm, 2.9 * cm, 3.0 * cm]
    return grid(header, rows, widths, text_columns=2, group_rows=group_rows)


def _summary(page: _Page) -> list[Flowable]:
    notes = Notes(page.words["notes"])
    tiles, table = _tiles(page, notes), _summary_table(page, notes)
    return [
        Paragraph(page.words["summary"], page.sheet["h1"]),
        tiles,
        Spacer(1, 0.3 * cm),
        table,
        Spacer(1, 0.15 * cm),
        *notes.paragraphs(),
        Paragraph(page.words["na_note"], page.sheet["small"]),
    ]


def _monthly_chart(page: _Page, title: str, column: str, scale: float, unit: str) -> Flowable:
    monthly, fmt, words = page.figures.monthly_energy, page.fmt, page.words

    def values(name: str) -> list[float | None]:
        return [None if v is None else v / scale for v in monthly[name].to_list()]

    labels = [fmt.month_short(m.astimezone(ZONE)).replace(" ", "\n", 1) for m in monthly["month_start"].to_list()]
    return bar_chart(
        title=title,
        categories=labels,
        series=[
            (f"{words['n']} ({page.period_label(page.figures.period)})", values(column)),
            (f"{words['n1']} ({page.period_label(page.figures.previous_period)})", values(f"previous_{column}")),
        ],
        y_label=unit,
        source=words["chart_source"],
        not_available=fmt.na,
        width=WIDTH,
        height=6.3 * cm,
        value_format=lambda v: fmt.number(v, 0 if v == 0 or abs(v) >= 10 else 1),
    )


def _scopes(page: _Page) -> list[Flowable]:
    fmt, words, figures = page.fmt, page.words, page.figures

    def range_row(name: str, value: Ranged) -> list[str]:
        interval = f"{fmt.number(value.low)} – {fmt.number(value.high)}"
        return [name, fmt.number(value.value), fmt.number(value.uncertainty), interval]

    rows = [
        range_row(
            words["scope_names"].get(r["ghg_scope"], r["ghg_scope"]), Ranged(r["kgco2e"], r["uncertainty_kgco2e"])
        )
        for r in figures.scopes.iter_rows(named=True)
    ]
    rows.append(range_row(words["trips_scope"], figures.trips_kgco2e))
    rows.append(range_row(words["total"], figures.inventory_kgco2e))
    table = grid(words["scope_headers"], rows, [6.6 * cm, 3.4 * cm, 3.4 * cm, 4.6 * cm], bold_rows=[len(rows) - 1])
    return [KeepTogether([Paragraph(words["scopes"], page.sheet["h2"]), table])]


def _energy_tables(page: _Page) -> list[Flowable]:
    fmt, words, figures = page.fmt, page.words, page.figures
    by_carrier = [
        [
            page.carrier(r["carrier"]),
            fmt.number(r["kwh_pci"]),
            fmt.percent(r["estimated_share"]),
            fmt.number(r["unconverted_figures"]),
        ]
        for r in figures.energy_by_carrier.iter_rows(named=True)
    ]
    partial = False
    territory_rows = []
    for r in figures.energy_by_territory.iter_rows(named=True):
        kg = fmt.number(r["kgco2e"])
        if r["unresolved_lines"]:
            kg, partial = kg + "*", True
        territory_rows.append(
            [
                r["territory_id"] or words["no_territory"],
                page.carrier(r["carrier"]),
                fmt.number(r["kwh_pci"]),
                fmt.number(r["previous_kwh_pci"]),
                kg,
                fmt.number(r["previous_kgco2e"]),
            ]
        )
    flow: list[Flowable] = [
        KeepTogether(
            [
                Paragraph(words["energy"], page.sheet["h2"]),
                grid(words["energy_headers"], by_carrier, [6.6 * cm, 3.8 * cm, 3.8 * cm, 3.8 * cm]),
            ]
        ),
        Paragraph(words["territory"], page.sheet["h2"]),
        grid(
            words["territory_headers"],
            territory_rows,
            [3.6 * cm, 3.6 * cm, 2.7 * cm, 2.7 * cm, 2.7 * cm, 2.7 * cm],
            text_columns=2,
        ),
    ]
    if partial:
        flow.append(Paragraph(f"* {words['partial_mark']}", page.sheet["small"]))
    return flow


def _normalised(page: _Page) -> list[Flowable]:
    n, fmt = page.figures.normalised, page.fmt
    body = page.words["normalised_body"].format(
        buildings=n.buildings,
        norm=fmt.number(n.normalised_kwh),
        actual=fmt.number(n.covered_kwh),
        area=fmt.number(n.area_m2),
        per_m2=fmt.number(n.kwh_per_m2),
        coverage=fmt.percent(n.coverage),
        left=n.not_normalisable_figures,
        left_kwh=fmt.number(n.not_normalisable_kwh),
    )
    return [KeepTogether([Paragraph(page.words["normalised"], page.sheet["h2"]), Paragraph(body, page.sheet["body"])])]


def _energy_section(page: _Page) -> list[Flowable]:
    words = page.words
    charts: list[Flowable] = []
    if page.figures.monthly_energy.height >= MONTHS_FOR_A_CHART:
        charts = [
            _monthly_chart(page, words["chart_kwh"], "kwh_pci", 1000, "MWh PCI"),
            Spacer(1, 0.2 * cm),
            _monthly_chart(page, words["chart_kg"], "kgco2e", 1000, "tCO2e"),
        ]
    return [
        Paragraph(words["energy_section"], page.sheet["h1"]),
        *charts,
        *_scopes(page),
        *_energy_tables(page),
        *_normalised(page),
    ]


def _avoided_box(page: _Page) -> Table:
    fmt, words, figures = page.fmt, page.words, page.figures
    avoided, kg = figures.avoided, figures.avoided.kgco2e
    content = figures.scenario.content
    body = words["avoided_body"].format(
        scenario=text(avoided.scenario),
        version=avoided.version,
        ref_start=fmt.day(content.reference_start),
        ref_end=fmt.day(content.reference_end - timedelta(days=1)),
        trips=fmt.number(avoided.trips, 1),
        km=fmt.number(avoided.km),
        kg=fmt.number(kg.value if kg else None),
        low=fmt.number(kg.low if kg else None),
        high=fmt.number(kg.high if kg else None),
        uncovered=text(", ".join(avoided.trades_not_covered) or words["none"]),
    )
    box = Table(
        [[Paragraph(f"<b>{words['avoided_title']}</b>", page.sheet["body"])], [Paragraph(body, page.sheet["body"])]],
        colWidths=[WIDTH],
    )
    box.setStyle(
        TableStyle([("BOX", (0, 0), (-1, -1), 1.2, AVOIDED_EDGE), ("BACKGROUND", (0, 0), (-1, -1), AVOIDED_FILL)])
    )
    return box


def _trips_section(page: _Page) -> list[Flowable]:
    fmt, words, figures = page.fmt, page.words, page.figures
    profile = figures.visit_profile.join(
        figures.avoided_by_trade.select("trade", "reference_vpi", "avoided_trips", "avoided_km"), on="trade", how="left"
    )
    rows = [
        [
            r["trade"],
            fmt.number(r["interventions"]),
            fmt.number(r["visits"]),
            fmt.number(r["visits_per_intervention"], 2),
            fmt.number(r["reference_vpi"], 2),
            fmt.percent(r["first_time_fix_rate"]),
            fmt.number(r["avoided_trips"], 1),
            fmt.number(r["avoided_km"]),
        ]
        for r in profile.iter_rows(named=True)
    ]
    body = words["trips_body"].format(
        trips=fmt.number(figures.headline("trips").value),
        km=fmt.number(figures.headline("km").value),
        kg=fmt.number(figures.trips_kgco2e.value),
        unlocated=figures.left_out.unlocated_interventions,
    )
    return [
        Paragraph(words["trips_section"], page.sheet["h1"]),
        Paragraph(body, page.sheet["body"]),
        Paragraph(words["by_trade"], page.sheet["h2"]),
        grid(
            words["trade_headers"],
            rows,
            [3.6 * cm, 1.6 * cm, 1.9 * cm, 2.3 * cm, 1.6 * cm, 2.2 * cm, 2.2 * cm, 2.6 * cm],
        ),
        Spacer(1, 0.4 * cm),
        KeepTogether([_avoided_box(page)]),
    ]


def _plans_section(page: _Page) -> list[Flowable]:
    fmt, words, figures = page.fmt, page.words, page.figures
    plans = figures.plan_compliance
    rows = [
        [
            fmt.month_short(r["month_start"].astimezone(ZONE)),
            fmt.number(r["due"], 1),
            fmt.number(r["done"]),
            fmt.percent(r["share"]),
            fmt.month_short(r["previous_month_start"].astimezone(ZONE)) if r["previous_month_start"] else fmt.na,
            fmt.number(r["previous_due"], 1),
            fmt.number(r["previous_done"]),
            fmt.percent(r["previous_share"]),
            fmt.points(r["share"], r["previous_share"]),
        ]
        for r in plans.iter_rows(named=True)
    ]
    due, done = float(plans["due"].sum()), float(plans["done"].sum())
    before_due, before_done = (
        float(plans["previous_due"].fill_null(0).sum()),
        float(plans["previous_done"].fill_null(0).sum()),
    )
    share = done / due if due else None
    before_share = before_done / before_due if before_due else None
    rows.append(
        [
            words["plans_total"],
            fmt.number(due, 1),
            fmt.number(done),
            fmt.percent(share),
            "",
            fmt.number(before_due, 1),
            fmt.number(before_done),
            fmt.percent(before_share),
            fmt.points(share, before_share),
        ]
    )
    widths = [2.3 * cm, 1.8 * cm, 1.7 * cm, 2.0 * cm, 2.3 * cm, 1.8 * cm, 1.7 * cm, 2.0 * cm, 2.4 * cm]
    return [
        Paragraph(words["plans_section"], page.sheet["h1"]),
        Paragraph(words["plans_intro"], page.sheet["body"]),
        Spacer(1, 0.2 * cm),
        *([_plans_chart(page), Spacer(1, 0.2 * cm)] if plans.height >= MONTHS_FOR_A_CHART else []),
        grid(words["plans_headers"], rows, widths, bold_rows=[len(rows) - 1]),
    ]


def _plans_chart(page: _Page) -> Flowable:
    fmt, words, figures = page.fmt, page.words, page.figures
    plans = figures.plan_compliance
    percent = [[None if v is None else v * 100 for v in plans[c].to_list()] for c in ("share", "previous_share")]
    highest = max([v for series in percent for v in series if v is not None], default=100.0)
    return bar_chart(
        title=words["chart_plans"],
        categories=[fmt.month_short(m.astimezone(ZONE)).replace(" ", "\n", 1) for m in plans["month_start"].to_list()],
        series=[
            (f"{words['n']} ({page.period_label(figures.period)})", percent[0]),
            (f"{words['n1']} ({page.period_label(figures.previous_period)})", percent[1]),
        ],
        y_label="%",
        source=words["chart_plans_source"],
        not_available=fmt.na,
        width=WIDTH,
        height=6.0 * cm,
        y_max=max(100.0, highest),
        value_format=lambda v: fmt.number(v, 0),
    )


def _hit_parades(page: _Page) -> list[Flowable]:
    fmt, words, figures = page.fmt, page.words, page.figures
    start, end = figures.period
    bounds = {"start": fmt.day(start), "end": fmt.day(end - timedelta(days=1))}

    def unit_name(ug_id: str) -> str:
        return ug_id.replace(COMMON_PARTS, words["common_parts"], 1)

    units = [
        [fmt.number(r["rank"]), unit_name(r["ug_id"]), r["building_id"], fmt.number(r["curative"])]
        for r in figures.hit_parade_units.iter_rows(named=True)
    ]
    buildings = [
        [fmt.number(r["rank"]), r["building_id"], fmt.number(r["curative"])]
        for r in figures.hit_parade_buildings.iter_rows(named=True)
    ]
    return [
        KeepTogether(
            [
                Paragraph(words["hit_units"].format(**bounds), page.sheet["h2"]),
                grid(words["hit_headers_units"], units, [1.5 * cm, 7.5 * cm, 5.0 * cm, 4.0 * cm], numbers=[0, 3])
                if units
                else Paragraph(words["none"], page.sheet["body"]),
            ]
        ),
        KeepTogether(
            [
                Paragraph(words["hit_buildings"].format(**bounds), page.sheet["h2"]),
                grid(words["hit_headers_buildings"], buildings, [1.5 * cm, 12.5 * cm, 4.0 * cm], numbers=[0, 2])
                if buildings
                else Paragraph(words["none"], page.sheet["body"]),
            ]
        ),
        Paragraph(words["ties"], page.sheet["small"]),
    ]


def _performance_section(page: _Page) -> list[Flowable]:
    fmt, words, figures = page.fmt, page.words, page.figures
    status = figures.deadline_status
    body = words["open_body"].format(
        as_of=fmt.day(figures.as_of),
        alert=fmt.na if status is None else fmt.number(status.alert_90),
        breached=fmt.na if status is None else fmt.number(status.breached),
        on_track=fmt.na if status is None else fmt.number(status.on_track),
    )
    rows = [
        [
            r["contractor_id"],
            fmt.percent(r["intervene_compliance"]),
            fmt.number(r["intervene_met"]),
            fmt.number(r["intervene_missed"]),
            fmt.number(r["intervene_pending"]),
            fmt.percent(r["repair_compliance"]),
            fmt.number(r["repair_met"]),
            fmt.number(r["repair_missed"]),
            fmt.number(r["repair_pending"]),
        ]
        for r in figures.deadlines_by_contractor.iter_rows(named=True)
    ]
    header = words["deadline_headers"]
    over = [(words["deadline_groups"][0], 1, 4), (words["deadline_groups"][1], 5, 8)]
    widths = [3.6 * cm] + [1.8 * cm] * 8
    return [
        Paragraph(words["performance_section"], page.sheet["h1"]),
        Paragraph(body, page.sheet["body"]),
        Paragraph(words["deadlines"], page.sheet["h2"]),
        grid(header, rows, widths, over_header=over),
        *_hit_parades(page),
    ]


def _quality_section(page: _Page) -> list[Flowable]:
    fmt, words, figures = page.fmt, page.words, page.figures
    rows = [
        [
            r["contractor_id"],
            fmt.number(r["received"]),
            fmt.number(r["accepted"]),
            fmt.number(r["rejected"]),
            fmt.number(r["warned"]),
            fmt.percent(r["passing_share"]),
            words["meets"] if r["meets_target"] else Markup(f"<font color='#b3261e'><b>{words['misses']}</b></font>"),
        ]
        for r in figures.quality.iter_rows(named=True)
    ]
    coverage = words["coverage_body"].format(
        estimated=fmt.percent(figures.headline("estimated_energy_share").value),
        normalised=fmt.percent(figures.normalised.coverage),
    )
    left = figures.left_out
    items = [
        Paragraph(f"• <b>{fmt.number(getattr(left, name))}</b> {text(phrase)}", page.sheet["body"])
        for name, phrase in words["left_out_items"].items()
    ]
    return [
        Paragraph(words["quality_section"], page.sheet["h1"]),
        Paragraph(words["quality"], page.sheet["h2"]),
        grid(words["quality_headers"], rows, [4.2 * cm, 2.2 * cm, 2.2 * cm, 2.2 * cm, 2.2 * cm, 2.5 * cm, 2.5 * cm]),
        Paragraph(words["coverage"], page.sheet["h2"]),
        Paragraph(coverage, page.sheet["body"]),
        Paragraph(words["left_out"], page.sheet["h2"]),
        *items,
    ]


def _methodology(page: _Page) -> list[Flowable]:
    words, figures = page.words, page.figures
    content = figures.scenario.content
    values = {
        "road": page.fmt.number(content.road_factor, 2),
        "vehicle": text(figures.vehicle.key),
        "scenario": text(content.name),
        "version": figures.scenario.version,
        "ref_start": page.fmt.day(content.reference_start),
        "ref_end": page.fmt.day(content.reference_end - timedelta(days=1)),
        "scenario_u": page.fmt.number(content.uncertainty_pct, 0),
    }
    paragraphs = [Paragraph(p.format(**values), page.sheet["body"]) for p in words["method_paragraphs"]]
    if page.report.methodology:
        paragraphs.append(Paragraph(text(page.report.methodology), page.sheet["body"]))
    frames = figures.frames.sort("carrier", "boundary")
    frame_rows = [
        [
            page.carrier(r["carrier"]),
            r["boundary"],
            f"scope {r['ghg_scope']}" + (f", {r['ghg_category']}" if r.get("ghg_category") else ""),
            r["beges_poste"],
            r["esrs_datapoint"],
        ]
        for r in frames.iter_rows(named=True)
    ]
    return [
        Paragraph(words["methodology"], page.sheet["h1"]),
        *[item for p in paragraphs for item in (p, Spacer(1, 0.12 * cm))],
        Paragraph(words["frames_title"], page.sheet["h2"]),
        grid(words["frames_headers"], frame_rows, [2.6 * cm, 2.0 * cm, 4.2 * cm, 5.4 * cm, 3.8 * cm], text_columns=5),
    ]


def _factor_rows(page: _Page, factors: pl.DataFrame, notes: Notes) -> list[list[Any]]:
    fmt, words = page.fmt, page.words
    mono = page.sheet["cell_mono"]
    periods = {"N": words["n"], "N-1": words["n1"], "reference": words["ref"]}
    rows = []
    for r in factors.iter_rows(named=True):
        validity = f"{r['valid_from']} → {r['valid_to'] or words['still_valid']}" if r["valid_from"] else ""
        fallback = words["yes"] + notes.mark_one(r["fallback_reason"]) if r["fallback"] else words["no"]
        rows.append(
            [
                Paragraph(text(r["key"]), mono),
                fmt.number(r["value"], 5),
                r["unit"].replace("/", " / "),
                r["scope"],
                f"{r['set_version']}\n{validity}",
                r["source"],
                Markup(f"<font color='#b3261e'><b>{fallback}</b></font>") if r["fallback"] else fallback,
                ", ".join(periods.get(p, p) for p in r["periods"].split(", ")),
            ]
        )
    return rows


def _factors(page: _Page) -> list[Flowable]:
    words = page.words
    reasons = Notes({reason: reason for reason in page.figures.factors["fallback_reason"].unique().to_list()})
    rows = _factor_rows(page, page.figures.factors, reasons)
    widths = [4.3 * cm, 1.7 * cm, 1.7 * cm, 1.2 * cm, 3.3 * cm, 3.0 * cm, 1.2 * cm, 1.6 * cm]
    table = grid(words["factor_headers"], rows, widths, numbers=[1])
    return [
        Paragraph(words["factors"], page.sheet["h1"]),
        table,
        Spacer(1, 0.1 * cm),
        *([Paragraph(words["fallback_title"], page.sheet["small"])] if reasons.letters else []),
        *reasons.paragraphs(),
    ]


def _manifest(page: _Page) -> list[Flowable]:
    return [
        CondPageBreak(6 * cm),
        Paragraph(page.words["manifest"], page.sheet["h1"]),
        Paragraph(page.words["rerun"], page.sheet["body"]),
        Spacer(1, 0.2 * cm),
        manifest_table(page.report.manifest, 4.5 * cm, 13.5 * cm),
    ]


def _sheet() -> dict[str, Any]:
    sheet: dict[str, Any] = dict(styles())
    sheet["tile"] = type(sheet["h2"])("tile", parent=sheet["h2"], fontSize=15, leading=19, spaceBefore=2, spaceAfter=2)
    sheet["cell_mono"] = cell_styles()["mono"]
    return sheet


SECTIONS = (
    "summary",
    "energy_section",
    "trips_section",
    "plans_section",
    "performance_section",
    "quality_section",
    "methodology",
    "factors",
    "manifest",
)


def _headings(words: dict[str, Any]) -> list[str]:
    """The "h1" headings of the report, in order: what its table of contents lists."""
    return [words[section] for section in SECTIONS]


def is_annual(figures: CsrFigures) -> bool:
    return months(*figures.period).height == 12


def render(report: CsrReport, path: Path) -> Path:
    fmt, words = Formatter(report.lang), TEXT[report.lang]
    page = _Page(report, fmt, words, _sheet())
    figures = report.figures
    start, end = figures.period
    frame = PageFrame(
        kind=words["kind"],
        perimeter=report.perimeter,
        period=words["period"].format(start=fmt.day(start), end=fmt.day(end - timedelta(days=1))),
        as_of=fmt.day(figures.as_of),
        report_id=report.report_id,
        figures_sha256=report.figures_sha256,
        lang=report.lang,
    )
    annual = is_annual(figures)
    contents: list[Flowable] = (
        [Paragraph(words["toc"], page.sheet["h2"]), table_of_contents(_headings(words)), Spacer(1, 0.4 * cm)]
        if annual
        else []
    )
    story: list[Flowable] = [
        *_summary(page),
        PageBreak(),
        *contents,
        *_energy_section(page),
        CondPageBreak(9 * cm),
        *_trips_section(page),
        CondPageBreak(12 * cm),
        *_plans_section(page),
        CondPageBreak(9 * cm),
        *_performance_section(page),
        CondPageBreak(9 * cm),
        *_quality_section(page),
        PageBreak(),
        *_methodology(page),
        CondPageBreak(8 * cm),
        *_factors(page),
        *_manifest(page),
    ]
    return build_pdf(path, frame, story, title=f"{words['kind']} {report.report_id}", toc=annual)
