"""Contractor scorecard PDF, French first (English by option): draws from a ScorecardReport,
never queries anything. A summary line per contractor (the key figures, N beside N-1), then a
page per contractor: every figure with N-1 and the change, its first-time fix and repair
deadlines by month (N against N-1), notes for every "n.d.", then the methodology and the audit
manifest. Page numbers, report id and figures hash on every page (reports.page)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from reports.charts import bar_chart
from reports.csr_tables import Markup, Notes, grid, text, trend
from reports.formatting import Formatter
from reports.page import PageFrame, Paragraph, build_pdf, manifest_table, styles
from reports.scorecard_text import TEXT
from services.reporting.domain.performance import QUALITY_TARGET
from services.reporting.domain.scorecard_figures import ScorecardFigures

DECIMALS = {"visits_per_curative": 2, "avoided_trips": 1}
SUMMARY = ("interventions", "first_time_fix", "repair_compliance", "preventive_compliance", "avoided_trips")
RED = "#b00020"
WIDTH = 26.7 * cm


@dataclass(frozen=True)
class ScorecardReport:
    report_id: str
    perimeter: str
    figures: ScorecardFigures
    as_of: datetime
    figures_sha256: str
    scenario: str = ""  # "name version n" when avoided trips are given
    lang: str = "fr"
    manifest: dict[str, str] = field(default_factory=dict)


def shown(fmt: Formatter, figure: str, unit: str, value: float | None) -> str:
    """A figure as the scorecard prints it: shares as percentages, counts whole, visits per
    curative with two decimals, avoided trips with one; n.d. / n/a when there is none."""
    if unit == "share":
        return fmt.percent(value)
    return fmt.number(value, DECIMALS.get(figure, 0))


def _quality_cell(fmt: Formatter, value: float | None, mark: str = "") -> Any:
    written = shown(fmt, "data_quality", "share", value) + mark
    if value is not None and value < QUALITY_TARGET:
        return Markup(f'<font color="{RED}">{text(written)}</font>')
    return written


def _day_range(fmt: Formatter, start: datetime, end: datetime) -> str:
    return f"{fmt.day(start)} – {fmt.day(end - timedelta(days=1))}"


class _Layout:
    def __init__(self, report: ScorecardReport) -> None:
        self.report = report
        self.fmt = Formatter(report.lang)
        self.words = TEXT[report.lang]
        self.sheet = styles()
        self.with_avoided = bool(report.scenario)

    def rows_of(self, contractor_id: str) -> list[dict[str, Any]]:
        return self.report.figures.figures.filter(pl.col("contractor_id") == contractor_id).to_dicts()

    def label(self, contractor_id: str, name: str) -> str:
        return f"{contractor_id} · {name}" if name else contractor_id

    def summary(self) -> list[Flowable]:
        fmt, words = self.fmt, self.words
        keep = [f for f in SUMMARY if self.with_avoided or f != "avoided_trips"]
        headers = [words["summary_headers"][0]]
        for figure in keep:
            at = 1 + 2 * SUMMARY.index(figure)
            headers += words["summary_headers"][at : at + 2]
        headers.append(words["summary_headers"][-1])
        rows = []
        for contractor in self.report.figures.contractors.iter_rows(named=True):
            by = {r["figure"]: r for r in self.rows_of(contractor["contractor_id"])}
            row: list[Any] = [self.label(contractor["contractor_id"], contractor["name"])]
            for figure in keep:
                r = by[figure]
                row += [shown(fmt, figure, r["unit"], r["value"]), shown(fmt, figure, r["unit"], r["previous"])]
            row.append(_quality_cell(fmt, by["data_quality"]["value"]))
            rows.append(row)
        name_width = 6.2 * cm
        width = (WIDTH - name_width) / (len(headers) - 1)
        story: list[Flowable] = [Paragraph(words["summary"], self.sheet["h2"])]
        if not rows:
            return [*story, Paragraph(words["no_contractor"], self.sheet["body"])]
        story.append(grid(headers, rows, [name_width] + [width] * (len(headers) - 1)))
        story.append(Spacer(1, 0.2 * cm))
        scenario = (
            words["scenario"].format(scenario=self.report.scenario) if self.with_avoided else words["no_scenario"]
        )
        for line in (scenario, words["quality_note"], words["na_note"]):
            story.append(Paragraph(line, self.sheet["small"]))
        return story

    def contractor(self, contractor_id: str, name: str) -> list[Flowable]:
        fmt, words = self.fmt, self.words
        notes = Notes(words["notes"])
        rows = []
        for r in self.rows_of(contractor_id):
            figure, unit = r["figure"], r["unit"]
            now = shown(fmt, figure, unit, r["value"]) + notes.mark(r["value_note"])
            before = shown(fmt, figure, unit, r["previous"]) + notes.mark(r["previous_note"])
            change = "" if figure == "data_quality" else trend(fmt, unit, r["value"], r["previous"])
            cell = _quality_cell(fmt, r["value"], notes.mark(r["value_note"])) if figure == "data_quality" else now
            rows.append([words["figures"][figure], cell, before, change])
        table = grid(words["figure_headers"], rows, [5.6 * cm, 2.3 * cm, 2.3 * cm, 2.4 * cm])
        charts = [self.chart(contractor_id, column, words[title]) for column, title in (
            ("first_time_fix", "chart_ftf"),
            ("repair_compliance", "chart_repair"),
        )]  # fmt: skip
        side = Table([[table, [charts[0], Spacer(1, 0.2 * cm), charts[1]]]], colWidths=[13.2 * cm, 13.5 * cm])
        side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return [
            PageBreak(),
            Paragraph(text(self.label(contractor_id, name)), self.sheet["h1"]),
            side,
            Spacer(1, 0.2 * cm),
            *notes.paragraphs(),
        ]

    def chart(self, contractor_id: str, column: str, title: str) -> Flowable:
        fmt, words = self.fmt, self.words
        months = self.report.figures.trend.filter(pl.col("contractor_id") == contractor_id)
        percent = [
            [None if v is None else v * 100 for v in months[c].to_list()] for c in (column, f"previous_{column}")
        ]
        if all(v is None for series in percent for v in series):
            # a bar chart of 24 "n.d." would say it less clearly than a line
            return Paragraph(
                f"<b>{text(title)}</b>{words['colon']}{text(words['nothing_to_chart'])}", self.sheet["body"]
            )
        period, previous = self.report.figures.period, self.report.figures.previous_period
        return bar_chart(
            title=title,
            categories=[fmt.month_short(m).replace(" ", "\n", 1) for m in months["month_start"].to_list()],
            series=[
                (f"{words['n']} ({_day_range(fmt, *period)})", percent[0]),
                (f"{words['n1']} ({_day_range(fmt, *previous)})", percent[1]),
            ],
            y_label="%",
            source=words["chart_source"],
            not_available=fmt.na,
            width=13.3 * cm,
            height=6.2 * cm,
            y_max=100,
            value_format=lambda v: fmt.number(v, 0),
        )


def render(report: ScorecardReport, path: Path) -> Path:
    layout = _Layout(report)
    fmt, words, sheet = layout.fmt, layout.words, layout.sheet
    period, previous = report.figures.period, report.figures.previous_period
    frame = PageFrame(
        kind=words["kind"],
        perimeter=report.perimeter,
        period=words["period"].format(
            start=fmt.day(period[0]), end=fmt.day(period[1] - timedelta(days=1)), previous=_day_range(fmt, *previous)
        ),
        as_of=fmt.day(report.as_of),
        report_id=report.report_id,
        figures_sha256=report.figures_sha256,
        lang=report.lang,
        landscape=True,
    )
    story: list[Flowable] = layout.summary()
    for contractor in report.figures.contractors.iter_rows(named=True):
        story += layout.contractor(contractor["contractor_id"], contractor["name"])
    story += [
        PageBreak(),
        Paragraph(words["methodology_title"], sheet["h2"]),
        Paragraph(words["methodology"], sheet["body"]),
        KeepTogether(
            [
                Paragraph(words["manifest"], sheet["h2"]),
                Paragraph(words["rerun"], sheet["body"]),
                Spacer(1, 0.2 * cm),
                manifest_table(report.manifest, 6 * cm, 20.5 * cm),
            ]
        ),
    ]
    return build_pdf(path, frame, story, title=f"{words['kind']} {report.report_id}")
