"""The charge-control report PDF of a building or a residence (issue 14, item 4), French first
(English by option): draws from a ChargeControl, never queries anything. A summary (costs,
provisions, balance, the landlord's share, N-1) and what is missing said plainly; costs by charge
category with N-1 and the change, a monthly chart of costs against provisions, and the same per
building; the points to check with their evidence; one line per dwelling with its balance and the
landlord's vacant share apart; the allocation keys and the suggested provisions; the methodology
with the décret 87-713 mapping; the audit manifest. A figure that is not there reads n.d. with its
note, and a category with costs and no provision reads "aucune", never 0. Page x / y, the report
id and the figures hash on every page; the same report gives the same bytes."""

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer, Table

from reports.charges_dwellings import dwellings_section, keys_section
from reports.charges_findings import Findings, anomalies_section, find, missing_section
from reports.charges_layout import WIDTH, ChargesPage, ChargesReport
from reports.charges_method import ROMAN, manifest_section, methodology_section
from reports.charts import bar_chart
from reports.csr_tables import Notes, grid, text
from reports.page import PageFrame, Paragraph, build_pdf, tiles_row

__all__ = ["ChargesReport", "render"]

SUMMED = ("cost_cents", "contract_cents", "provisions_cents", "tenants_share_cents", "landlord_cents", "balance_cents")
BUILDING_WIDTHS = [2.0 * cm, 1.95 * cm, 2.0 * cm, 2.0 * cm, 1.85 * cm, 2.0 * cm, 2.05 * cm, 1.8 * cm, 2.35 * cm]
CATEGORY_WIDTHS = [2.75 * cm, 1.9 * cm, 1.75 * cm, 1.9 * cm, 1.85 * cm, 1.9 * cm, 2.05 * cm, 1.75 * cm, 2.15 * cm]


# Building-category rows (building_id, charge_category, SUMMED, previous_cost_cents) as Python
# dicts: a report sums a few of them for each of its tables' lines, where a polars operation on
# so small a frame costs more than the sum.
Rows = list[dict[str, Any]]


def _rows(categories: pl.DataFrame) -> Rows:
    return categories.select("building_id", "charge_category", *SUMMED, "previous_cost_cents").to_dicts()


def _grouped(rows: Rows, key: str) -> dict[str, Rows]:
    """The rows per value of ``key``, the values sorted."""
    groups: dict[str, Rows] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return dict(sorted(groups.items()))


def _sums(rows: Rows) -> dict[str, int]:
    return {c: sum(r[c] or 0 for r in rows) for c in SUMMED}


def _previous(rows: Rows) -> tuple[int | None, str]:
    """N-1 cost of some building-category rows and its note code: "" when every row has one,
    no_previous when none has, partial_previous (the sum of those that have, and no change)
    otherwise."""
    known = [r["previous_cost_cents"] for r in rows if r["previous_cost_cents"] is not None]
    if not known:
        return None, "no_previous"
    return sum(known), "" if len(known) == len(rows) else "partial_previous"


def _figures(page: ChargesPage, rows: Rows, notes: Notes, no_provisions: str) -> list[str]:
    """Costs N (and of which contracts), N-1, change, provisions, tenants' shares, landlord's
    share and balance of some building-category rows."""
    sums = _sums(rows)
    previous, note = _previous(rows)
    paid = sums["provisions_cents"]
    return [
        page.amount(sums["cost_cents"]),
        page.amount(sums["contract_cents"]),
        page.amount(previous) + notes.mark(note),
        page.fmt.na if note else page.fmt.change(sums["cost_cents"], previous),
        page.words["none_paid"] + notes.mark(no_provisions)
        if paid == 0 and sums["cost_cents"] != 0
        else page.amount(paid),
        page.amount(sums["tenants_share_cents"]),
        page.amount(sums["landlord_cents"]),
        page.signed(sums["balance_cents"]),
    ]


def _tiles(page: ChargesPage, notes: Notes) -> Table:
    words, charges, sheet = page.words, page.charges, page.sheet
    rows = _rows(charges.building_categories)
    sums = _sums(rows)
    previous, note = _previous(rows)
    change = page.fmt.na if note else page.fmt.change(sums["cost_cents"], previous)
    balance = sums["balance_cents"]
    outcome = "tile_refund" if balance > 0 else "tile_call" if balance < 0 else "tile_settled"
    vacant = charges.landlord.filter(pl.col("reason") == "vacant")["ug_id"].n_unique()
    tiles = [
        (
            words["tiles"]["costs"].format(year=charges.year),
            page.euros(sums["cost_cents"]),
            words["tile_costs_sub"].format(
                previous_year=charges.year - 1, previous=page.amount(previous) + notes.mark(note)
            )
            + ("" if note else f" · {change}"),
        ),
        (
            words["tiles"]["provisions"],
            page.euros(sums["provisions_cents"]),
            words["tile_provisions_sub"].format(occupied=charges.dwelling_balances.height),
        ),
        (
            words["tiles"]["balance"],
            page.signed_euros(balance),
            f"{words['tile_balance_sub'].format(shares=page.amount(sums['tenants_share_cents']))}<br/>"
            f"<b>{words[outcome]}</b>",
        ),
        (
            words["tiles"]["landlord"],
            page.euros(sums["landlord_cents"]),
            words["tile_landlord_sub"].format(vacant=vacant),
        ),
    ]
    cells = [
        [
            Paragraph(text(label), sheet["small"]),
            Paragraph(f"<b>{text(value)}</b>", sheet["tile"]),
            Paragraph(sub, sheet["small"]),
        ]
        for label, value, sub in tiles
    ]
    return tiles_row(cells, WIDTH)


def _summary_paragraphs(page: ChargesPage, findings: Findings) -> list[Flowable]:
    words, charges = page.words, page.charges
    balances, categories = charges.dwelling_balances, charges.building_categories
    refund = balances.filter(pl.col("outcome") == "refund")
    call = balances.filter(pl.col("outcome") == "to_call")
    vacant = charges.landlord.filter(pl.col("reason") == "vacant")
    dwellings = words["summary_dwellings"].format(
        occupied=balances.height,
        refund_n=refund.height,
        refund=page.euros(int(refund["balance_cents"].sum())),
        call_n=call.height,
        call=page.euros(-int(call["balance_cents"].sum())),
        settled_n=balances.height - refund.height - call.height,
        vacant=vacant["ug_id"].n_unique(),
        landlord_vacant=page.euros(int(vacant["share_cents"].sum())),
    )
    balance = int(categories["balance_cents"].sum())
    identity = words["summary_identity"].format(
        costs=page.euros(int(categories["cost_cents"].sum())),
        shares=page.euros(int(categories["tenants_share_cents"].sum())),
        landlord=page.euros(int(categories["landlord_cents"].sum())),
        provisions=page.euros(int(categories["provisions_cents"].sum())),
        balance=page.signed_euros(balance),
    )
    missing = len(findings.missing) + len(findings.empty_buildings)
    counts = words["summary_findings"].format(anomalies=len(findings.to_check), missing=missing)
    return [Paragraph(p, page.sheet["body"]) for p in (dwellings, identity, counts)]


def _buildings_table(page: ChargesPage, notes: Notes) -> Table:
    charges = page.charges
    occupied = charges.dwelling_balances.group_by("building_id").len()
    vacant = (
        charges.landlord.filter(pl.col("reason") == "vacant").group_by("building_id").agg(pl.col("ug_id").n_unique())
    )
    counts = {b: [n, 0] for b, n in occupied.iter_rows()}
    for b, n in vacant.iter_rows():
        counts.setdefault(b, [0, 0])[1] = n
    categories = _rows(charges.building_categories)
    rows = []
    for building, its in _grouped(categories, "building_id").items():
        figures = _figures(page, its, notes, "no_building_provisions")
        occupied_n, vacant_n = counts.get(building, [0, 0])
        rows.append([building, f"{occupied_n} / {vacant_n}", figures[0], *figures[2:]])
    if len(rows) > 1:
        total = _figures(page, categories, notes, "no_building_provisions")
        n_occupied = sum(c[0] for c in counts.values())
        n_vacant = sum(c[1] for c in counts.values())
        rows.append([page.words["total"], f"{n_occupied} / {n_vacant}", total[0], *total[2:]])
    bold = [len(rows) - 1] if len(rows) > 1 else []
    return grid(page.words["building_headers"], rows, BUILDING_WIDTHS, numbers=list(range(1, 9)), bold_rows=bold)


def _summary(page: ChargesPage, findings: Findings) -> list[Flowable]:
    if page.charges.building_categories.is_empty():
        return [
            Paragraph(page.words["summary"], page.sheet["h1"]),
            Paragraph(text(page.words["nothing_recorded"]), page.sheet["body"]),
            *missing_section(page, findings),
        ]
    notes = Notes(page.words["notes"])
    tiles = _tiles(page, notes)
    buildings = _buildings_table(page, notes)
    return [
        Paragraph(page.words["summary"], page.sheet["h1"]),
        tiles,
        Spacer(1, 0.3 * cm),
        *_summary_paragraphs(page, findings),
        Spacer(1, 0.2 * cm),
        Paragraph(page.words["buildings_title"], page.sheet["h2"]),
        buildings,
        Spacer(1, 0.1 * cm),
        *notes.paragraphs(),
        *missing_section(page, findings),
    ]


def _heading(page: ChargesPage, category: str) -> str:
    """The category and the décret headings the mapping files its costs under: "Autres charges (IV, VII)"."""
    mapping = page.charges.mapping.filter(pl.col("charge_category") == category)
    headings = sorted(set(mapping["decret_heading"].to_list()), key=lambda h: (ROMAN.get(h, len(ROMAN) + 1), h))
    return f"{page.category(category)} ({', '.join(headings)})" if headings else page.category(category)


def _category_table(page: ChargesPage, rows: Rows, notes: Notes, headings: dict[str, str]) -> Table:
    by_category = _grouped(rows, "charge_category")
    body = [
        [headings[c], *_figures(page, by_category[c], notes, "no_provisions")] for c in page.in_order(list(by_category))
    ]
    body.append([page.words["total"], *_figures(page, rows, notes, "no_provisions")])
    return grid(page.words["category_headers"], body, CATEGORY_WIDTHS, bold_rows=[len(body) - 1])


def _monthly_chart(page: ChargesPage) -> Flowable:
    words, fmt, year = page.words, page.fmt, page.charges.year
    monthly = page.charges.monthly.group_by("month").agg(
        pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).alias(c)
        for c in ("cost_cents", "provisions_cents")
    )
    by_month = {
        m: (cost, paid) for m, cost, paid in monthly.select("month", "cost_cents", "provisions_cents").iter_rows()
    }

    def series(index: int) -> list[float | None]:
        values = [by_month.get(f"{year:04d}-{m:02d}", (None, None))[index] for m in range(1, 13)]
        return [None if v is None else v / 100 for v in values]

    return bar_chart(
        title=words["chart_title"].format(year=year),
        categories=[fmt.month_short(date(year, m, 1)).replace(" ", "\n", 1) for m in range(1, 13)],
        series=[(words["chart_costs"], series(0)), (words["chart_provisions"], series(1))],
        y_label=words["chart_unit"],
        source=words["chart_source"],
        not_available=fmt.na,
        width=WIDTH,
        height=6.5 * cm,
        value_format=lambda v: fmt.number(v, 0),
    )


def _categories(page: ChargesPage) -> list[Flowable]:
    words, sheet = page.words, page.sheet
    categories = page.charges.building_categories
    if categories.is_empty():
        return [Paragraph(words["categories"], sheet["h1"]), Paragraph(text(words["nothing_recorded"]), sheet["body"])]
    notes = Notes(words["notes"])
    rows = _rows(categories)
    headings = {c: _heading(page, c) for c in {r["charge_category"] for r in rows}}
    flow: list[Flowable] = [
        Paragraph(words["categories"], sheet["h1"]),
        Paragraph(text(words["categories_intro"]), sheet["body"]),
        Spacer(1, 0.15 * cm),
        _category_table(page, rows, notes, headings),
        Spacer(1, 0.1 * cm),
        *notes.paragraphs(),
        Spacer(1, 0.3 * cm),
        KeepTogether([_monthly_chart(page)]),
        Spacer(1, 0.3 * cm),
    ]
    buildings = _grouped(rows, "building_id")
    if len(buildings) < 2:
        return flow
    explained = len(notes.letters)
    flow.append(Paragraph(words["by_building"], sheet["h2"]))
    for building, its in buildings.items():
        title = Paragraph(f"<b>{text(words['building_title'].format(building=building))}</b>", sheet["body"])
        table = _category_table(page, its, notes, headings)
        flow.append(KeepTogether([title, Spacer(1, 0.1 * cm), table, Spacer(1, 0.25 * cm)]))
    # the notes the per-building tables added
    added = Notes(words["notes"], dict(list(notes.letters.items())[explained:]))
    return [*flow, *added.paragraphs()]


def render(report: ChargesReport, path: Path) -> Path:
    page = ChargesPage.of(report)
    words, fmt, year = page.words, page.fmt, report.charges.year
    frame = PageFrame(
        kind=words["kind"],
        perimeter=report.scope_label,
        period=words["period"].format(year=year, start=fmt.day(date(year, 1, 1)), end=fmt.day(date(year, 12, 31))),
        as_of=fmt.day(report.as_of),
        report_id=report.report_id,
        figures_sha256=report.figures_sha256,
        lang=report.lang,
    )
    findings = find(page)
    story: list[Flowable] = [
        *_summary(page, findings),
        PageBreak(),
        *_categories(page),
        CondPageBreak(6 * cm),
        *anomalies_section(page, findings),
        Spacer(1, 0.4 * cm),
        CondPageBreak(8 * cm),
        *dwellings_section(page),
        Spacer(1, 0.4 * cm),
        CondPageBreak(8 * cm),
        *keys_section(page),
        PageBreak(),
        *methodology_section(page),
        *manifest_section(page),
    ]
    return build_pdf(path, frame, story, title=f"{words['kind']} {report.report_id}")
