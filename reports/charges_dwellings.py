"""The dwellings' pages of the charge-control report: one line per occupied dwelling (UG) with its
share, provisions and balance, the landlord's share of the vacant dwellings apart, the allocation
key of each category and the suggested monthly provisions. A dwelling's lines are plain strings on
one line (a residence of hundreds of dwellings stays a few pages, and fast to draw); its balance
per category is in the audit pack (dwelling_balances.csv)."""

from collections import defaultdict

import polars as pl
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from reports.charges_layout import WIDTH, ChargesPage
from reports.csr_tables import grid, text
from reports.page import Paragraph

DWELLING_WIDTHS = [3.4 * cm, 2.6 * cm, 3.0 * cm, 3.0 * cm, 3.0 * cm, 3.0 * cm]
LANDLORD_WIDTHS = [2.6 * cm, 1.9 * cm, 2.4 * cm, 11.1 * cm]


def _by_dwelling(page: ChargesPage, frame: pl.DataFrame, column: str) -> dict[tuple, str]:
    """(building_id, ug_id) -> "Eau froide 65,07 · Ascenseurs 88,33", categories in order."""
    parts: dict[tuple, dict[str, int]] = defaultdict(dict)
    for building, ug, category, cents in frame.select("building_id", "ug_id", "charge_category", column).iter_rows():
        parts[(building, ug)][category] = cents
    return {
        key: " · ".join(f"{page.category(c)} {page.amount(values[c])}" for c in page.in_order(list(values)))
        for key, values in parts.items()
    }


def _occupied(page: ChargesPage) -> list[Flowable]:
    words, balances = page.words, page.charges.dwelling_balances
    if balances.height == 0:
        return [Paragraph(text(words["no_occupied"]), page.sheet["body"])]
    rows = [
        [
            r["ug_id"],
            r["building_id"],
            page.amount(r["share_cents"]),
            page.amount(r["provisions_cents"]),
            page.signed(r["balance_cents"]),
            words["outcomes"][r["outcome"]],
        ]
        for r in balances.sort("building_id", "ug_id").iter_rows(named=True)
    ]
    rows.append(
        [
            words["total"],
            "",
            page.amount(int(balances["share_cents"].sum())),
            page.amount(int(balances["provisions_cents"].sum())),
            page.signed(int(balances["balance_cents"].sum())),
            "",
        ]
    )
    numbers = [2, 3, 4]
    return [grid(words["dwelling_headers"], rows, DWELLING_WIDTHS, numbers=numbers, bold_rows=[len(rows) - 1])]


def _landlord(page: ChargesPage) -> list[Flowable]:
    words, landlord = page.words, page.charges.landlord
    head: list[Flowable] = [Paragraph(words["landlord_title"], page.sheet["h2"])]
    if landlord.height == 0:
        return [*head, Paragraph(text(words["no_landlord"]), page.sheet["body"])]
    detail = _by_dwelling(page, landlord, "share_cents")
    totals = landlord.group_by("building_id", "ug_id").agg(pl.col("share_cents").sum())
    rows = [
        [
            r["ug_id"] or words["no_dwelling_unit"],
            r["building_id"],
            page.amount(r["share_cents"]),
            detail[(r["building_id"], r["ug_id"])],
        ]
        for r in totals.sort("building_id", "ug_id", nulls_last=True).iter_rows(named=True)
    ]
    rows.append([words["total"], "", page.amount(int(landlord["share_cents"].sum())), ""])
    return [
        *head,
        Paragraph(text(words["landlord_intro"]), page.sheet["body"]),
        Spacer(1, 0.15 * cm),
        grid(words["landlord_headers"], rows, LANDLORD_WIDTHS, text_columns=2, numbers=[2], bold_rows=[len(rows) - 1]),
    ]


def dwellings_section(page: ChargesPage) -> list[Flowable]:
    words = page.words
    return [
        Paragraph(words["dwellings"], page.sheet["h1"]),
        Paragraph(text(words["dwellings_intro"]), page.sheet["body"]),
        Spacer(1, 0.15 * cm),
        *_occupied(page),
        Spacer(1, 0.3 * cm),
        *_landlord(page),
    ]


def _key(page: ChargesPage, basis: str, remainder: str | None) -> str:
    words = page.words
    if basis not in words["bases"]:
        return basis
    return str(words["bases"][basis].format(remainder=words["remainders"].get(remainder or "", remainder)))


def _keys(page: ChargesPage) -> list[Flowable]:
    keys = {r["charge_category"]: r for r in page.charges.allocation_keys.iter_rows(named=True)}
    rows = [
        [page.category(c), _key(page, keys[c]["basis"], keys[c]["remainder_basis"])] for c in page.in_order(list(keys))
    ]
    return [
        Paragraph(page.words["keys_title"], page.sheet["h2"]),
        grid(page.words["key_headers"], rows, [5.0 * cm, 13.0 * cm], text_columns=2),
    ]


def _suggested(page: ChargesPage) -> list[Flowable]:
    words, suggested = page.words, page.charges.suggested_provisions
    head: list[Flowable] = [
        Paragraph(words["suggested_title"], page.sheet["h2"]),
        Paragraph(text(words["suggested_intro"]), page.sheet["body"]),
        Spacer(1, 0.15 * cm),
    ]
    if suggested.height == 0:
        return [*head, Paragraph(text(words["no_suggestion"]), page.sheet["body"])]
    categories = page.in_order(suggested["charge_category"].unique().to_list())
    cells: dict[tuple, dict[str, tuple[int | None, int]]] = defaultdict(dict)
    vacant: dict[tuple, bool] = {}
    for r in suggested.iter_rows(named=True):
        key = (r["building_id"], r["ug_id"])
        cells[key][r["charge_category"]] = (r["current_monthly_cents"], r["suggested_monthly_eur"])
        vacant[key] = r["vacant"]

    def pair(current: int | None, proposed: int) -> str:
        now = words["no_current"] if current is None else page.amount(current)
        return f"{now} {page.arrow} {page.fmt.number(proposed)}"

    rows = []
    for key in sorted(cells):
        values = cells[key]
        known = [v[0] for v in values.values() if v[0] is not None]
        total = pair(sum(known) if known else None, sum(v[1] for v in values.values()))
        ug = f"{key[1]} ({words['vacant']})" if vacant[key] else key[1]
        rows.append([ug, key[0], *[pair(*values[c]) if c in values else "–" for c in categories], total])
    first = [2.6 * cm, 1.9 * cm]
    rest = (WIDTH - sum(first)) / (len(categories) + 1)
    header = [words["suggested_unit"], words["suggested_building"], *map(page.category, categories)]
    return [
        *head,
        grid([*header, words["suggested_total"]], rows, [*first, *[rest] * (len(categories) + 1)], text_columns=2),
    ]


def keys_section(page: ChargesPage) -> list[Flowable]:
    return [Paragraph(page.words["keys"], page.sheet["h1"]), KeepTogether(_keys(page)), *_suggested(page)]
