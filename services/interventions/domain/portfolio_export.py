"""The portfolio as known at a cut-off (ExportPortfolio), from the stored records.

A record is known at ``as_of`` when it was first recorded at or before it (a record stored
before recording instants were kept has none and is always known); a record whose parent is
not known is not either. Attributes are the latest imported: the store keeps no history of
updates, and nothing here pretends otherwise."""

from datetime import datetime
from typing import Any

from services.interventions.domain.references import PARENTS, key_column

# The order of an export: parents before children, then contractors, their bases, contracts.
EXPORT_KINDS = (
    "organisation",
    "territory",
    "residence",
    "building",
    "unit",
    "equipment",
    "contractor",
    "contractor_base",
    "contract",
)

Rows = list[dict[str, Any]]


def known_at(row: dict[str, Any], as_of: datetime) -> bool:
    recorded = row.get("recorded_at")
    return recorded is None or recorded <= as_of


def portfolio_at(records: dict[str, Rows], contract_parts: dict[str, Rows], as_of: datetime) -> dict[str, Rows]:
    """Kind -> rows known at ``as_of``, each kind in key order, without recorded_at.

    ``records``: the stored rows of every kind of EXPORT_KINDS but contract, and "contract" (the
    contracts' head rows); ``contract_parts``: rows of perimeter (scope_kind, scope_id), trades,
    codes, deadlines and plans, each with its contract_id. A building gets its residence's
    territory_id; a contract its perimeter (territory_ids, residence_ids, building_ids), trades,
    service codes (each with its deadlines) and preventive plans, each in a stated order, and
    only the perimeter entries known at ``as_of``."""
    known: dict[str, Rows] = {}
    ids: dict[str, set[str]] = {}
    for kind in EXPORT_KINDS:
        key = key_column(kind)
        rows = [r for r in records.get(kind, []) if known_at(r, as_of)]
        parent = PARENTS.get(kind) if kind != "contract" else ("contractor_id", "contractor")
        if parent is not None:
            field, parent_kind = parent
            rows = [r for r in rows if r[field] in ids[parent_kind]]
        rows = sorted(({k: v for k, v in r.items() if k != "recorded_at"} for r in rows), key=lambda r: r[key])
        known[kind] = rows
        ids[kind] = {r[key] for r in rows}
    territory_of = {r["id"]: r["territory_id"] for r in known["residence"]}
    for building in known["building"]:
        building["territory_id"] = territory_of[building["residence_id"]]
    by_contract: dict[str, dict[str, Rows]] = {}
    for part, rows in contract_parts.items():
        for row in rows:
            by_contract.setdefault(row["contract_id"], {}).setdefault(part, []).append(row)
    known["contract"] = [_contract(c, by_contract.get(c["id"], {}), ids) for c in known["contract"]]
    return known


def _contract(head: dict[str, Any], parts: dict[str, Rows], ids: dict[str, set[str]]) -> dict[str, Any]:
    scopes = parts.get("perimeter", [])
    deadlines = sorted(parts.get("deadlines", []), key=lambda d: (d["code"], d["criticality"]))
    codes = sorted(parts.get("codes", []), key=lambda c: c["code"])
    return {
        **head,
        **{
            f"{scope}_ids": sorted(
                s["scope_id"] for s in scopes if s["scope_kind"] == scope and s["scope_id"] in ids[scope]
            )
            for scope in ("territory", "residence", "building")
        },
        "trades": sorted(t["trade"] for t in parts.get("trades", [])),
        "codes": [{**c, "deadlines": [d for d in deadlines if d["code"] == c["code"]]} for c in codes],
        "plans": sorted(parts.get("plans", []), key=lambda p: (p["service_code"], p["equipment_kind"])),
    }
