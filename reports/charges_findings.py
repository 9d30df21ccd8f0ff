"""The charge control's findings as a reader meets them: each anomaly of the domain (by its kind)
written as a sentence with its evidence in the report's language, split into what is missing (a
residence with no meter, a building or a category with no provisions, costs with no price or no
category, ...: said plainly, never a silent 0) and the points to check (a category up, provisions
far from costs, estimated readings, ...). A kind with no words stops the report: a raw code is
never printed."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import polars as pl
from reportlab.lib.units import cm
from reportlab.platypus import Flowable

from reports.charges_layout import ChargesPage
from reports.csr_tables import grid, text
from reports.page import Paragraph

MISSING_KINDS = frozenset(
    {
        "residence_without_meter",
        "building_without_provisions",
        "costs_without_provisions",
        "provisions_without_costs",
        "unpriced_meters",
        "unmapped_trade",
        "no_dwellings",
    }
)
ANOMALY_WIDTHS = [3.4 * cm, 1.9 * cm, 1.9 * cm, 2.6 * cm, 8.2 * cm]


@dataclass(frozen=True)
class Finding:
    kind: str
    residence_id: str | None
    building_id: str | None
    ug_id: str | None
    charge_category: str | None
    evidence: str  # in the report's language


@dataclass(frozen=True)
class Findings:
    to_check: list[Finding]
    missing: list[Finding]
    empty_buildings: list[str]  # covered by the report, with no cost and no provision at all


def _threshold(page: ChargesPage, kind: str) -> float | None:
    thresholds = page.charges.thresholds
    return {
        "category_up": thresholds.category_increase,
        "dwelling_category_up": thresholds.category_increase,
        "provisions_far_from_costs": thresholds.provision_gap,
        "estimated_readings": thresholds.estimated_share,
    }.get(kind)


def share_text(page: ChargesPage, share: float | None) -> str:
    """A threshold or a share: "20 %", "12,5 %"."""
    if share is None:
        return page.fmt.na
    return page.fmt.percent(share, 0 if round(share * 100, 6).is_integer() else 1)


def _cents(euros: float | None) -> int | None:
    return None if euros is None else round(euros * 100)


def _evidence(page: ChargesPage, row: dict[str, Any]) -> str:
    kind, fmt = row["kind"], page.fmt
    template = page.words["evidence"].get(kind)
    if template is None or kind not in page.words["kinds"]:
        raise ValueError(f"the charge-control report has no words for the finding kind {kind!r}")
    value, reference = row["value"], row["reference"]
    gap = abs(value - reference) / reference if value is not None and reference else None
    return str(
        template.format(
            value=page.euros(_cents(value)),
            reference=page.euros(_cents(reference)),
            change=fmt.change(value, reference),
            gap=share_text(page, gap),
            threshold=share_text(page, _threshold(page, kind)),
            share=share_text(page, value),
            count=fmt.number(row.get("count", value)),
            months=fmt.number(value),
            previous_year=page.charges.year - 1,
            trade=row.get("trade") or fmt.na,
            code=row.get("service_code") or fmt.na,
        )
    )


def _unmapped(page: ChargesPage) -> list[dict[str, Any]]:
    """One finding per building, trade and service code of the interventions with no category
    (the domain's anomaly rows do not carry the trade)."""
    grouped = (
        page.charges.unmapped_interventions.group_by("building_id", "trade", "service_code")
        .agg(pl.col("recoverable_cents").sum(), pl.len().alias("count"))
        .sort("building_id", "trade", "service_code", nulls_last=True)
    )
    return [
        {
            "kind": "unmapped_trade",
            "residence_id": None,
            "building_id": r["building_id"],
            "ug_id": None,
            "charge_category": None,
            "value": r["recoverable_cents"] / 100,
            "reference": None,
            "trade": r["trade"],
            "service_code": r["service_code"],
            "count": r["count"],
        }
        for r in grouped.iter_rows(named=True)
    ]


def _dwellings_up(page: ChargesPage, rows: list[dict[str, Any]]) -> list[Finding]:
    """The dwellings of a building whose share of a category rose over the threshold: one finding
    each when alone, one finding per building and category listing them otherwise (a rise of the
    whole building's category would list every dwelling one row each)."""
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["residence_id"], row["building_id"], row["charge_category"]), []).append(row)
    found = []
    for (residence, building, category), members in groups.items():
        if len(members) == 1:
            row = members[0]
            found.append(Finding(row["kind"], residence, building, row["ug_id"], category, _evidence(page, row)))
            continue
        items = "; ".join(f"{r['ug_id']} {page.fmt.change(r['value'], r['reference'])}" for r in members)
        evidence = page.words["dwellings_up"].format(
            threshold=share_text(page, _threshold(page, "dwelling_category_up")),
            previous_year=page.charges.year - 1,
            items=items,
        )
        count = page.words["dwellings_count"].format(count=len(members))
        found.append(Finding("dwelling_category_up", residence, building, count, category, evidence))
    return found


def _meter_evidence(page: ChargesPage, row: dict[str, Any]) -> str:
    """A leak or energy anomaly of the consumption service: its meter, its days, what was observed
    against what was expected, and its estimated cost or why there is none."""
    fmt, words = page.fmt, page.words
    unit = row["unit"] or fmt.na
    decimals = 3 if max(abs(row["observed"] or 0), abs(row["expected"] or 0)) < 10 else 1
    cost = words["meter_cost"][row["cost_note"]].format(
        excess=fmt.number(row["excess"], decimals),
        unit=unit,
        price=fmt.number(row["eur_per_unit"], 4),
        cost=page.euros(row["cost_cents"]),
    )
    evidence = words["meter_evidence"].format(
        meter=row["meter_ref"],
        start=fmt.day(row["window_start"]),
        end=fmt.day(row["window_end"] - timedelta(microseconds=1)),
        observed=fmt.number(row["observed"], decimals),
        expected=fmt.number(row["expected"], decimals),
        unit=unit,
        cost=cost,
    )
    # the detector's own sentence is English: the French report leaves it to the audit pack
    return str(evidence + (f" ({row['detail']})" if page.report.lang == "en" and row["detail"] else ""))


def _meter_findings(page: ChargesPage) -> list[Finding]:
    charges = page.charges
    rows = charges.anomalies.filter(pl.col("kind").str.starts_with("meter_"))
    residence = dict(rows.select("building_id", "residence_id").unique().iter_rows())
    found = []
    for row in charges.meter_anomalies.iter_rows(named=True):
        kind = f"meter_{row['kind']}"
        if kind not in page.words["kinds"] or row["cost_note"] not in page.words["meter_cost"]:
            raise ValueError(f"the charge-control report has no words for the meter anomaly {row['kind']!r}")
        found.append(
            Finding(
                kind,
                residence.get(row["building_id"]),
                row["building_id"],
                None,
                row["charge_category"],
                _meter_evidence(page, row),
            )
        )
    return found


def find(page: ChargesPage) -> Findings:
    charges = page.charges
    rows = (
        charges.anomalies.filter((pl.col("kind") != "unmapped_trade") & ~pl.col("kind").str.starts_with("meter_"))
        .sort("residence_id", "building_id", "kind", "charge_category", "ug_id", "value", nulls_last=True)
        .to_dicts()
    )
    up = [r for r in rows if r["kind"] == "dwelling_category_up"]
    findings = [
        Finding(r["kind"], r["residence_id"], r["building_id"], r["ug_id"], r["charge_category"], _evidence(page, r))
        for r in [*rows, *_unmapped(page)]
        if r["kind"] != "dwelling_category_up"
    ]
    findings += _dwellings_up(page, up)
    findings += _meter_findings(page)
    findings.sort(key=lambda f: (f.building_id or "", f.kind, f.charge_category or "", f.ug_id or ""))
    seen: set[str] = set()
    for frame in (charges.building_categories, charges.landlord, charges.dwelling_balances):
        seen |= set(frame["building_id"].to_list())
    return Findings(
        to_check=[f for f in findings if f.kind not in MISSING_KINDS],
        missing=[f for f in findings if f.kind in MISSING_KINDS],
        empty_buildings=[b for b in page.report.building_ids if b not in seen],
    )


def _place(page: ChargesPage, finding: Finding) -> str:
    words = page.words
    if finding.building_id is None:
        return str(words["residence"].format(residence=finding.residence_id))
    place = words["building_title"].format(building=finding.building_id)
    if finding.ug_id:
        place += f", {finding.ug_id}"
    if finding.charge_category:
        place += f", {page.category(finding.charge_category)}"
    return str(place)


def missing_section(page: ChargesPage, findings: Findings) -> list[Flowable]:
    words, sheet = page.words, page.sheet
    lines = [
        f"• <b>{text(words['kinds'][f.kind])}</b> ({text(_place(page, f))}) — {text(f.evidence)}"
        for f in findings.missing
    ]
    lines += [
        f"• <b>{text(words['building_title'].format(building=b))}</b> — {text(words['building_empty'])}"
        for b in findings.empty_buildings
    ]
    if not lines:
        lines = [text(words["nothing_missing"])]
    return [Paragraph(words["missing"], sheet["h2"]), *[Paragraph(line, sheet["body"]) for line in lines]]


def anomalies_section(page: ChargesPage, findings: Findings) -> list[Flowable]:
    words, sheet = page.words, page.sheet
    head: list[Flowable] = [Paragraph(words["anomalies"], sheet["h1"])]
    meters = page.charges.meter_anomalies
    if meters.height:
        estimated = meters.filter(pl.col("cost_cents").is_not_null())
        head.append(
            Paragraph(
                text(
                    words["meter_intro"].format(
                        count=meters.height,
                        cost=page.euros(int(estimated["cost_cents"].sum())),
                        estimated=estimated.height,
                    )
                ),
                sheet["body"],
            )
        )
    if not findings.to_check:
        return [*head, Paragraph(text(words["no_anomaly"]), sheet["body"])]
    rows = [
        [
            words["kinds"][f.kind],
            f.building_id or words["residence"].format(residence=f.residence_id),
            f.ug_id or "",
            page.category(f.charge_category),
            f.evidence,
        ]
        for f in findings.to_check
    ]
    return [*head, grid(words["anomaly_headers"], rows, ANOMALY_WIDTHS, text_columns=5)]
