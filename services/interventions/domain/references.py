"""References between portfolio records, checked before an import is written.

A building naming a residence that is neither stored nor in the same import would be refused
by the database as a bare integrity error (or, without foreign keys, kept dangling). Each such
record is refused instead, naming the record and the field, and whatever depends on it goes
with it; the rest of the import is written.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What a portfolio import stored (count per kind) and refused: (position in the stream,
    kind, field, reason) of each record whose reference did not hold."""

    upserted: dict[str, int]
    refused: list[tuple[int, str, str, str]]
    # (position, kind, field, reason) of each record breaking a limit (domain.edge)
    invalid: list[tuple[int, str, str, str]] = dc_field(default_factory=list)


# kind -> (field, kind it refers to), in an order where parents come before children
PARENTS = {
    "organisation": None,
    "contractor": None,
    "territory": ("organisation_id", "organisation"),
    "residence": ("territory_id", "territory"),
    "building": ("residence_id", "residence"),
    "unit": ("building_id", "building"),
    "equipment": ("building_id", "building"),
    "contractor_base": ("contractor_id", "contractor"),
}
REFERENCED = {parent for _, parent in filter(None, PARENTS.values())}


def key_column(kind: str) -> str:
    """The column identifying a portfolio record of this kind."""
    return "ug_id" if kind == "unit" else "id"


def record_key(kind: str, row: dict[str, Any]) -> str:
    key: str = row[key_column(kind)]
    return key


def drop_dangling(
    records: dict[str, list[dict[str, Any]]], contracts: list[dict[str, Any]], stored: Callable[[str], set[str]]
) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]], list[tuple[str, dict[str, Any], str, str]]]:
    """(records kept, contracts kept, refused as (kind, the row itself, field, reason)).

    ``stored(kind)`` gives the ids of that kind already in the database."""
    known: dict[str, set[str]] = {}
    kept: dict[str, list[dict[str, Any]]] = {}
    refused = []
    for kind, parent in PARENTS.items():
        rows = records.get(kind, [])
        if parent is None:
            kept[kind] = rows
        else:
            field, parent_kind = parent
            kept[kind] = []
            for row in rows:
                if row[field] in known[parent_kind]:
                    kept[kind].append(row)
                else:
                    refused.append(
                        (
                            kind,
                            row,
                            field,
                            f"{kind} {record_key(kind, row)}: {parent_kind} {row[field]!r} is not in the "
                            f"portfolio nor in this import",
                        )
                    )
        if kind in REFERENCED:  # units and equipment are nobody's parent: not worth loading
            known[kind] = stored(kind) | {record_key(kind, row) for row in kept[kind]}
    kept_contracts = []
    for contract in contracts:
        missing = _missing_contract_reference(contract, known)
        if missing:
            refused.append(("contract", contract, *missing))
        else:
            kept_contracts.append(contract)
    return {kind: rows for kind, rows in kept.items() if rows}, kept_contracts, refused


def _missing_contract_reference(contract: dict[str, Any], known: dict[str, set[str]]) -> tuple[str, str] | None:
    cid = contract["id"]
    if contract["contractor_id"] not in known["contractor"]:
        return "contractor_id", f"contract {cid}: contractor {contract['contractor_id']!r} is not in the portfolio"
    for scope in contract["perimeter"]:
        if scope["scope_id"] not in known[scope["scope_kind"]]:
            return (
                f"{scope['scope_kind']}_ids",
                f"contract {cid}: {scope['scope_kind']} {scope['scope_id']!r} of its perimeter is not in the portfolio",
            )
    return None
