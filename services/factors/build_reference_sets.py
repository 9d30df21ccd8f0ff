"""Build the reference factor sets under factors/ from the shared reference file.

    .venv/bin/python -m services.factors.build_reference_sets [--reference DIR] [--out DIR]

Inputs (no value is typed here):
- ``<reference>/factors_reference.csv``: the values, scopes, dates and sources;
- ``<reference>/evidence/base_carbone_v23.6_extract.csv``: the ADEME export rows, used to check
  every ADEME value and to add the combustion / upstream / T&D parts ("postes") of an element
  where the reference gives only its total;
- ``services/factors/reference/mapping.csv``: how each reference key is matched (carrier,
  normalised unit, usage, country, boundary, variant) and its flag;
- ``services/factors/reference/sets.json``: the metadata of each set.

Rules: rows without a value (UNCONFIRMED in the reference) are left out and listed in the set's
``excluded`` metadata; an end of validity on 31 December becomes 1 January of the next year,
since ``valid_to`` is exclusive; every built set is validated before it is written.
"""

import argparse
import csv
import json
import re
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from services.factors.domain.schema import FACTOR_COLUMNS
from services.factors.local_sets import load_set, load_units

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent / "reference"
EVIDENCE = "evidence/base_carbone_v23.6_extract.csv"

POSTE_BOUNDARY = {
    "Combustion": "combustion",
    "Combustion à la centrale": "combustion",
    "Amont": "upstream",
    "Transport et distribution": "td_losses",
}
# Scope of each part of a total, consistent with the rows the reference gives separately
# (gas: combustion 1, upstream 3 cat.3; electricity: generation 2, upstream and T&D 3 cat.3).
PART_SCOPE = {
    ("1+3", "combustion"): "1",
    ("1+3", "upstream"): "3 (cat.3)",
    ("2+3", "combustion"): "2",
    ("2+3", "upstream"): "3 (cat.3)",
    ("2+3", "td_losses"): "3 (cat.3)",
    ("1+3 (owner) / 3 (landlord)", "combustion"): "1 (owner) / 3 (landlord)",
    ("1+3 (owner) / 3 (landlord)", "upstream"): "3 (cat.3) (owner) / 3 (landlord)",
    ("3", "combustion"): "3",
    ("3", "upstream"): "3",
}


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def exclusive_end(valid_to: str) -> str:
    if valid_to.endswith("-12-31"):
        return (date.fromisoformat(valid_to) + timedelta(days=1)).isoformat()
    return valid_to


def part_key(key: str, boundary: str) -> str:
    if ".total." in key:
        return key.replace(".total.", f".{boundary}.")
    head, _, last = key.rpartition(".")
    return f"{head}.{boundary}.{last}"


def evidence_value(evidence: list[dict], source: str) -> str | None:
    """The value the ADEME export gives for the element (or poste) a reference source cites."""
    found = re.search(r"ID (\d+)(?: poste (.+))?$", source) or re.search(r"ID (\d+)", source)
    if not found:
        return None
    element, poste = found.group(1), (found.groups()[1] if found.lastindex == 2 else None)
    for row in evidence:
        if row["Identifiant de l'élément"] != element:
            continue
        if poste is None and row["Type Ligne"] == "Elément":
            return row["Total poste non décomposé"]
        if poste is not None and row["Type Ligne"] == "Poste" and row["Type poste"] == poste:
            return row["Total poste non décomposé"]
    return None


def same_number(a: str, b: str) -> bool:
    return float(a) == float(b)


def factor_row(ref: dict, mapping: dict) -> dict:
    return {
        "key": ref["key"],
        "activity": ref["activity"],
        "carrier": mapping["carrier"],
        "unit": mapping["unit"],
        "unit_as_published": ref["unit"],
        "usage": mapping["usage"],
        "country": mapping["country"],
        "boundary": mapping["boundary"],
        "variant": mapping["variant"],
        "kgco2e_per_unit": ref["kgco2e_per_unit"],
        "scope": ref["scope"],
        "valid_from": ref["valid_from"],
        "valid_to": exclusive_end(ref["valid_to"]),
        "uncertainty_pct": ref["uncertainty_pct"],
        "source": ref["source"],
        "flag": mapping["flag"],
        "notes": " ".join(
            x for x in (ref["notes"], mapping["flag_reason"] and f"[{mapping['flag']}: {mapping['flag_reason']}]") if x
        ),
    }


def part_rows(total: dict, evidence: list[dict]) -> list[dict]:
    """The combustion / upstream / T&D postes of the ADEME element behind ``total``."""
    found = re.search(r"ID (\d+)", total["source"])
    if found is None:
        raise SystemExit(f"{total['key']}: split asked but its source names no ADEME element ID")
    element = found.group(1)
    parts = []
    for row in evidence:
        if row["Identifiant de l'élément"] != element or row["Type Ligne"] != "Poste":
            continue
        boundary = POSTE_BOUNDARY.get(row["Type poste"])
        if boundary is None:
            continue
        scope = PART_SCOPE.get((total["scope"], boundary))
        if scope is None:
            raise SystemExit(f"{total['key']}: no scope rule for part {boundary} of scope {total['scope']!r}")
        parts.append(
            {
                **total,
                "key": part_key(total["key"], boundary),
                "activity": f"{total['activity']} - {boundary} part (poste {row['Type poste']})",
                "boundary": boundary,
                "kgco2e_per_unit": row["Total poste non décomposé"],
                "scope": scope,
                "source": f"{total['source']} poste {row['Type poste']}",
                "notes": f"Poste of ADEME element {element}, read from {EVIDENCE}. {total['notes']}".strip(),
            }
        )
    if not parts:
        raise SystemExit(f"{total['key']}: split asked but element {element} has no poste in the evidence")
    return parts


def build(reference: Path, out: Path) -> list[Path]:
    refs = read_rows(reference / "factors_reference.csv")
    evidence = read_rows(reference / EVIDENCE)
    mapping = {(m["reference_set"], m["key"]): m for m in read_rows(HERE / "mapping.csv")}
    sets = json.loads((HERE / "sets.json").read_text(encoding="utf-8"))
    written = []
    for ref_set, metadata in sets.items():
        rows, excluded = [], []
        for ref in (r for r in refs if r["factor_set"] == ref_set):
            if not ref["kgco2e_per_unit"]:
                excluded.append({"key": ref["key"], "reason": ref["notes"]})
                continue
            m = mapping.get((ref_set, ref["key"]))
            if m is None:
                raise SystemExit(f"{ref_set} {ref['key']}: no row in reference/mapping.csv")
            if "ADEME" in ref_set:
                seen = evidence_value(evidence, ref["source"])
                if seen is None or not same_number(seen, ref["kgco2e_per_unit"]):
                    raise SystemExit(f"{ref['key']}: reference {ref['kgco2e_per_unit']} != evidence {seen}")
            row = factor_row(ref, m)
            rows.append(row)
            if m["split_from_evidence"] == "yes":
                rows.extend(part_rows(row, evidence))
        directory = out / metadata["name"] / metadata["version"]
        directory.mkdir(parents=True, exist_ok=True)
        document = {**metadata, "excluded": excluded} if excluded else dict(metadata)
        (directory / "metadata.json").write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        frame = pl.DataFrame(rows, schema={c: pl.String for c in FACTOR_COLUMNS}).sort(["key", "valid_from"])
        frame.write_csv(directory / "factors.csv")
        written.append(directory)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=ROOT.parent / "shared" / "reference")
    parser.add_argument("--out", type=Path, default=ROOT / "factors")
    args = parser.parse_args()
    units = load_units(args.out)
    for directory in build(args.reference, args.out):
        factor_set = load_set(directory, units)
        flagged = factor_set.factors.filter(pl.col("flag") != "").height
        print(
            f"{factor_set.label}: {factor_set.factors.height} factors ({flagged} flagged), "
            f"{len(factor_set.metadata.get('excluded', []))} excluded, {factor_set.content_sha256}"
        )


if __name__ == "__main__":
    main()
