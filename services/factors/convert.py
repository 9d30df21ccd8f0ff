"""Protobuf <-> domain for quitus.factors.v1, and the content_sha256 of a set, which the
contract defines over these messages (SetVersion.content_sha256). No business rule lives here."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import polars as pl

from services.api.quitus.factors.v1 import factors_pb2 as pb
from services.factors.domain.diff import SetDiff
from services.factors.domain.resolution import Unresolved
from services.factors.domain.schema import (
    FACTOR_COLUMNS,
    METADATA_OPTIONAL,
    METADATA_REQUIRED,
    Metadata,
    PublishedVersion,
)
from services.runtime.digest import records_sha256
from services.runtime.validation import check_enum

TEXT_METADATA = [f for f in (*METADATA_REQUIRED, *METADATA_OPTIONAL) if f != "excluded"]
NUMBER_COLUMNS = ("kgco2e_per_unit", "uncertainty_pct")
TEXT_COLUMNS = [c for c in FACTOR_COLUMNS if c not in NUMBER_COLUMNS]


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def metadata_in(message: pb.SetMetadata) -> Metadata:
    metadata: Metadata = {f: getattr(message, f) or None for f in TEXT_METADATA}
    metadata["excluded"] = [{"key": e.key, "reason": e.reason} for e in message.excluded]
    return metadata


def metadata_out(metadata: Mapping[str, Any]) -> pb.SetMetadata:
    return pb.SetMetadata(
        **{f: _text(metadata.get(f)) for f in TEXT_METADATA},
        excluded=[pb.Excluded(key=e["key"], reason=e.get("reason", "")) for e in metadata.get("excluded") or []],
    )


def factors_in(factors: Iterable[pb.Factor]) -> pl.DataFrame:
    """Factors as text columns, so that validation reports every bad value by row and field."""
    rows = [
        {
            **{c: getattr(f, c) for c in TEXT_COLUMNS},
            "kgco2e_per_unit": repr(f.kgco2e_per_unit),
            "uncertainty_pct": repr(f.uncertainty_pct) if f.HasField("uncertainty_pct") else "",
        }
        for f in factors
    ]
    return pl.DataFrame(rows, schema={c: pl.String for c in FACTOR_COLUMNS})


def factor_out(row: Mapping[str, Any]) -> pb.Factor:
    message = pb.Factor(kgco2e_per_unit=row["kgco2e_per_unit"])
    for column in TEXT_COLUMNS:
        setattr(message, column, _text(row[column]))
    if row["uncertainty_pct"] is not None:
        message.uncertainty_pct = row["uncertainty_pct"]
    return message


def factors_out(factors: pl.DataFrame) -> list[pb.Factor]:
    return [factor_out(r) for r in factors.iter_rows(named=True)]


def content_sha256(metadata: Metadata, factors: pl.DataFrame) -> str:
    """SetVersion.content_sha256: the record digest of the SetMetadata then each Factor, as
    GetSet sends them (``factors`` already in the set's order)."""
    return records_sha256([metadata_out(metadata), *factors_out(factors)])


def version_out(stored: PublishedVersion) -> pb.SetVersion:
    message = pb.SetVersion(
        metadata=metadata_out(stored.metadata),
        content_sha256=stored.content_sha256,
        sequence=stored.sequence,
        published_by=stored.published_by,
        factor_count=stored.factor_count,
        flagged_count=stored.flagged_count,
    )
    message.published_at.FromDatetime(stored.published_at)
    return message


def activities_in(activities: Iterable[pb.Activity]) -> pl.DataFrame:
    activities = list(activities)
    return pl.DataFrame(
        {
            "line": list(range(len(activities))),
            "ref": [a.ref for a in activities],
            "carrier": [a.carrier for a in activities],
            "unit": [a.unit for a in activities],
            "usage": [a.usage or None for a in activities],
            "country": [a.country or None for a in activities],
            "boundary": [a.boundary or None for a in activities],
            "variant": [a.variant for a in activities],
            "date": [a.date for a in activities],
            "quantity": [a.quantity if a.HasField("quantity") else None for a in activities],
            "date_to": [a.date_to for a in activities],
        },
        schema={
            "line": pl.Int32,
            "ref": pl.String,
            "carrier": pl.String,
            "unit": pl.String,
            "usage": pl.String,
            "country": pl.String,
            "boundary": pl.String,
            "variant": pl.String,
            "date": pl.String,
            "quantity": pl.Float64,
            "date_to": pl.String,
        },
    )


# ResolveRequest.fallback_rule -> take the latest expired factor for a day without a valid one.
FALLBACK_OF_PB: dict[int, bool] = {pb.FALLBACK_RULE_REFUSE: False, pb.FALLBACK_RULE_LATEST_EXPIRED: True}


def fallback_in(number: int) -> bool:
    """Unset = refuse; a number the contract does not define is refused (INVALID_ARGUMENT)."""
    return FALLBACK_OF_PB[check_enum(number, FALLBACK_OF_PB, "fallback_rule")] if number else False


def resolution_out(row: Mapping[str, Any], stored: PublishedVersion) -> pb.Resolution:
    message = pb.Resolution(
        index=row["line"],
        set_name=stored.name,
        set_version=stored.version,
        date=_text(row["date"]),
        date_to=_text(row["date_to"]),
        fallback=row["fallback"],
        fallback_reason=row["fallback_reason"] or "",
        ref=row["ref"] or "",
        factor_key=row["factor_key"],
        factor_activity=row["factor_activity"],
        factor_value=row["factor_value"],
        factor_unit=row["factor_unit"],
        conversion_multiplier=row["conversion_multiplier"],
        conversion_source=row["conversion_source"],
        kgco2e_per_unit=row["kgco2e_per_unit"],
        scope=row["scope"],
        boundary=row["factor_boundary"],
        valid_from=_text(row["valid_from"]),
        valid_to=_text(row["valid_to"]),
        source=row["source"],
        flag=row["flag"],
    )
    if row["kgco2e"] is not None:
        message.kgco2e = row["kgco2e"]
    if row["uncertainty_pct"] is not None:
        message.uncertainty_pct = row["uncertainty_pct"]
    return message


def resolve_out(stored: PublishedVersion, found: pl.DataFrame, unresolved: list[Unresolved]) -> pb.ResolveResponse:
    return pb.ResolveResponse(
        version=version_out(stored),
        resolutions=[resolution_out(r, stored) for r in found.iter_rows(named=True)],
        unresolved=[pb.Unresolved(index=u.index, ref=u.ref, reason=u.reason, boundary=u.boundary) for u in unresolved],
    )


def diff_out(old: PublishedVersion, new: PublishedVersion, d: SetDiff) -> pb.DiffResponse:
    return pb.DiffResponse(
        old=version_out(old),
        new=version_out(new),
        identical=d.identical,
        added_count=d.added_count,
        removed_count=d.removed_count,
        changed_count=d.changed_count,
        truncated=d.truncated,
        added=factors_out(d.added),
        removed=factors_out(d.removed),
        changed=[
            pb.FieldChange(key=c.key, valid_from=c.valid_from, field=c.field, old_value=c.old, new_value=c.new)
            for c in d.changed
        ],
        metadata_changed=[pb.FieldChange(field=c.field, old_value=c.old, new_value=c.new) for c in d.metadata_changed],
    )
