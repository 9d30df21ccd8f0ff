"""The charge-control report's last pages: the methodology (the décret 87-713 headings and the
mapping table it was read through, the allocation and rounding rules, the thresholds) and the
audit manifest."""

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from reports.charges_findings import share_text
from reports.charges_layout import ChargesPage
from reports.csr_tables import Notes, grid, text
from reports.page import Paragraph, manifest_table

MAPPING_WIDTHS = [2.6 * cm, 2.6 * cm, 3.0 * cm, 1.7 * cm, 8.1 * cm]
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8}


def _headings(page: ChargesPage) -> list[Flowable]:
    """The annex's headings the mapping uses, once each, in the annex's order."""
    mapping = page.charges.mapping
    titles: dict[str, str] = {}
    for heading, title in mapping.select("decret_heading", "decret_heading_title").iter_rows():
        if title and heading not in titles:
            titles[heading] = title
    ordered = sorted(titles, key=lambda h: (ROMAN.get(h, len(ROMAN) + 1), h))
    return [
        Paragraph(page.words["headings_title"], page.sheet["h2"]),
        grid(page.words["heading_headers"], [[h, titles[h]] for h in ordered], [1.7 * cm, 16.3 * cm], text_columns=2),
    ]


def _mapping(page: ChargesPage) -> list[Flowable]:
    """The mapping file as it is, one row per source; its sources and remarks, long and often
    shared, as lettered notes under the table."""
    words, mapping = page.words, page.charges.mapping
    notes = Notes({quoted: quoted for quoted in [*mapping["source"].to_list(), *mapping["note"].to_list()] if quoted})
    rows = []
    for r in mapping.iter_rows(named=True):
        marks = notes.mark_one(r["source"] or "") + notes.mark_one(r["note"] or "")
        rows.append(
            [
                words["source_kinds"].get(r["source_kind"], r["source_kind"]),
                page.category(r["source_value"]) if r["source_kind"] == "meter_category" else r["source_value"],
                page.category(r["charge_category"]),
                r["decret_heading"],
                (r["decret_item"] or "") + marks,
            ]
        )
    return [
        Paragraph(words["mapping_title"], page.sheet["h2"]),
        grid(words["mapping_headers"], rows, MAPPING_WIDTHS, text_columns=5),
        Spacer(1, 0.1 * cm),
        Paragraph(words["mapping_notes"], page.sheet["small"]),
        *notes.paragraphs(),
    ]


def methodology_section(page: ChargesPage) -> list[Flowable]:
    words, charges, report = page.words, page.charges, page.report
    thresholds = charges.thresholds
    values = {
        "year": charges.year,
        "previous_year": charges.year - 1,
        "buildings": text(", ".join(report.building_ids)),
        "as_of": page.fmt.day(report.as_of),
        "increase": share_text(page, thresholds.category_increase),
        "gap": share_text(page, thresholds.provision_gap),
        "estimated": share_text(page, thresholds.estimated_share),
        "method": text(charges.method_version),
    }
    paragraphs = [Paragraph(p.format(**values), page.sheet["body"]) for p in words["method_paragraphs"]]
    return [
        Paragraph(words["methodology"], page.sheet["h1"]),
        *[item for p in paragraphs for item in (p, Spacer(1, 0.12 * cm))],
        *_headings(page),
        *_mapping(page),
    ]


def manifest_section(page: ChargesPage) -> list[Flowable]:
    """The audit manifest in one piece: on the next page when the rest of this one cannot hold it
    (an auditor copies from it; its last lines alone on a last page were easy to miss)."""
    return [
        KeepTogether(
            [
                Paragraph(page.words["manifest"], page.sheet["h1"]),
                Paragraph(text(page.words["rerun"]), page.sheet["body"]),
                Spacer(1, 0.2 * cm),
                manifest_table(page.report.manifest, 4.5 * cm, 13.5 * cm),
            ]
        )
    ]
