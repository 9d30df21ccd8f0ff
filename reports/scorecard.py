"""Contractor scorecard PDF: draws from a ScorecardReport, never queries anything."""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

STYLES = getSampleStyleSheet()


@dataclass(frozen=True)
class ScorecardReport:
    title: str
    period_start: datetime
    period_end: datetime
    as_of: datetime
    rows: list[dict]  # one per contractor, from services.reporting.scorecard
    methodology: str
    manifest: dict[str, str] = field(default_factory=dict)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _num(value: float | None, fmt: str = "{:.2f}") -> str:
    return "n/a" if value is None else fmt.format(value)


def _table(report: ScorecardReport) -> Table:
    header = [
        "Contractor",
        "Interv.",
        "Preventive",
        "First-time fix",
        "Visits / curative",
        "Intervene ≤ deadline",
        "Repair ≤ deadline",
        "Trips",
        "Cost (EUR)",
        "Data quality",
    ]
    body = [
        [
            r["contractor_id"],
            f"{r['interventions']:,}",
            _pct(r["preventive_share"]),
            _pct(r["first_time_fix_rate"]),
            _num(r["visits_per_curative"]),
            _pct(r["intervene_compliance"]),
            _pct(r["repair_compliance"]),
            f"{r['trips']:,}",
            f"{r['cost_eur']:,.0f}",
            _pct(r["passing_share"]),
        ]
        for r in report.rows
    ]
    table = Table([header, *body], repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfe7ee")),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ]
    for i, r in enumerate(report.rows, start=1):
        if r["passing_share"] is not None and r["passing_share"] < 0.95:
            style.append(("TEXTCOLOR", (9, i), (9, i), colors.red))
    table.setStyle(TableStyle(style))
    return table


def _chart(report: ScorecardReport) -> Drawing:
    drawing = Drawing(26 * cm, 6 * cm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 30, 24 * cm, 4 * cm
    chart.data = [
        [(r["first_time_fix_rate"] or 0) * 100 for r in report.rows],
        [(r["repair_compliance"] or 0) * 100 for r in report.rows],
    ]
    chart.categoryAxis.categoryNames = [r["contractor_id"] for r in report.rows]
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 45
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.bars[0].fillColor = colors.HexColor("#3b6e8f")
    chart.bars[1].fillColor = colors.HexColor("#9bbf6a")
    drawing.add(chart)
    drawing.add(String(40, 6 * cm - 10, "First-time fix rate (dark) and repair within deadline (light), %", fontSize=8))
    return drawing


def render(report: ScorecardReport, path: Path) -> Path:
    # invariant: no creation date or random id in the file, so the same report gives the same bytes.
    doc = SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        title=report.title,
        author="Quitus",
        invariant=1,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
    )
    period = f"{report.period_start:%Y-%m-%d} to {report.period_end:%Y-%m-%d} (end excluded)"
    manifest = Table([[k, v] for k, v in report.manifest.items()], colWidths=[5 * cm, 20 * cm])
    manifest.setStyle(
        TableStyle([("FONT", (0, 0), (-1, -1), "Courier", 7), ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey)])
    )
    story = [
        Paragraph(report.title, STYLES["Title"]),
        Paragraph(f"Interventions requested {period}, as known at {report.as_of.isoformat()}.", STYLES["Normal"]),
        Spacer(1, 0.4 * cm),
        _table(report),
        Spacer(1, 0.4 * cm),
        _chart(report),
        Paragraph("Methodology", STYLES["Heading2"]),
        Paragraph(report.methodology, STYLES["Normal"]),
        Paragraph("Audit manifest", STYLES["Heading2"]),
        Paragraph(
            "Re-running the same request with the same as_of gives the same input and figure hashes.", STYLES["Normal"]
        ),
        Spacer(1, 0.2 * cm),
        manifest,
    ]
    doc.build(story)
    return path
