"""Protobuf <-> domain for quitus.factors.v1. No rule lives here."""

from datetime import date

import polars as pl

from services.api.quitus.factors.v1 import factors_pb2 as pb
from services.factors.domain.schema import FACTOR_COLUMNS, METADATA_OPTIONAL, METADATA_REQUIRED
from services.factors.store import StoredVersion

TEXT_METADATA = [f for f in (*METADATA_REQUIRED, *METADATA_OPTIONAL) if f != "excluded"]


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def metadata_in(message: pb.SetMetadata) -> dict:
    metadata = {f: getattr(message, f) or None for f in TEXT_METADATA}
    metadata["excluded"] = [{"key": e.key, "reason": e.reason} for e in message.excluded]
    return metadata


def metadata_out(metadata: dict) -> pb.SetMetadata:
    return pb.SetMetadata(
        **{f: _text(metadata.get(f)) for f in TEXT_METADATA},
        excluded=[pb.Excluded(key=e["key"], reason=e.get("reason", "")) for e in metadata.get("excluded") or []],
    )


def factors_in(factors) -> pl.DataFrame:
    """Factors as text columns, so that validation reports every bad value by row and field."""
    rows = [
        {
            **{c: getattr(f, c) for c in FACTOR_COLUMNS if c not in ("kgco2e_per_unit", "uncertainty_pct")},
            "kgco2e_per_unit": repr(f.kgco2e_per_unit),
            "uncertainty_pct": repr(f.uncertainty_pct) if f.HasField("uncertainty_pct") else "",
        }
        for f in factors
    ]
    return pl.DataFrame(rows, schema={c: pl.String for c in FACTOR_COLUMNS})


def factor_out(row: dict) -> pb.Factor:
    message = pb.Factor(**{c: _text(row[c]) for c in FACTOR_COLUMNS if c not in ("kgco2e_per_unit", "uncertainty_pct")})
    message.kgco2e_per_unit = row["kgco2e_per_unit"]
    if row["uncertainty_pct"] is not None:
        message.uncertainty_pct = row["uncertainty_pct"]
    return message


def version_out(stored: StoredVersion) -> pb.SetVersion:
    message = pb.SetVersion(
        metadata=metadata_out(stored.metadata),
        content_hash=stored.content_hash,
        sequence=stored.id,
        published_by=stored.published_by,
        factor_count=stored.factor_count,
        flagged_count=stored.flagged_count,
    )
    message.published_at.FromDatetime(stored.published_at)
    return message


def activities_in(activities) -> pl.DataFrame:
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
        },
    )


def resolution_out(row: dict) -> pb.Resolution:
    message = pb.Resolution(
        index=row["line"],
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


def publish_request(factor_set) -> pb.PublishRequest:
    """The Publish call for a set loaded by domain.loading.load_set."""
    return pb.PublishRequest(
        metadata=metadata_out(factor_set.metadata),
        factors=[factor_out(r) for r in factor_set.factors.iter_rows(named=True)],
    )
