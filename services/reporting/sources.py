"""What reporting pulls from the other services through their APIs, turned into polars frames.

Reporting knows the services by their protos only: the columns of the facts are the fields of
``InterventionFact``, enum values are read as their names without the enum's prefix.
"""

import hashlib
from collections.abc import Iterable
from typing import Any

import polars as pl
from google.protobuf.timestamp_pb2 import Timestamp

from services.api.quitus.interventions.v1 import interventions_pb2 as pb

FACT_FIELDS = pb.InterventionFact.DESCRIPTOR.fields
# The facts' columns, in the proto's field order.
FACT_COLUMNS = [f.name for f in FACT_FIELDS]
_TIMES = [f.name for f in FACT_FIELDS if f.message_type is not None]  # the Timestamp fields


def _names(enum: Any) -> dict[int, str]:  # an EnumDescriptor (pure-Python or upb)
    """Number -> name without the enum's prefix, the prefix being that of its zero value
    ``<PREFIX>UNSPECIFIED`` (e.g. Status: 5 -> "RESOLVED" for STATUS_RESOLVED)."""
    prefix = enum.values_by_number[0].name.removesuffix("UNSPECIFIED")
    return {v.number: v.name.removeprefix(prefix) for v in enum.values}


# enum field -> its names by number
_ENUMS = {f.name: _names(f.enum_type) for f in FACT_FIELDS if f.enum_type is not None}
_PLAIN = [name for name in FACT_COLUMNS if name not in _ENUMS and name not in _TIMES]


class IncompleteExport(RuntimeError):
    """The export stream is not the whole export: a message missing or altered on the way."""


def _time(ts: Timestamp) -> int | None:
    return ts.seconds * 1_000_000 + ts.nanos // 1000 if (ts.seconds or ts.nanos) else None


def facts_frame(batches: Iterable[pb.ExportInterventionsResponse]) -> tuple[pl.DataFrame, str]:
    """(facts, content_sha256) from an ExportInterventions stream. The digest is recomputed from
    the facts received by the rule of the proto (each fact's deterministic serialisation preceded
    by its length as 4 bytes big-endian, in the order received, SHA-256 in lowercase hex) and must
    equal the one the service announced, as must the count."""
    columns: dict[str, list] = {c: [] for c in FACT_COLUMNS}
    received = hashlib.sha256()
    digest, total = "", -1
    for batch in batches:
        for f in batch.facts:
            data = f.SerializeToString(deterministic=True)
            received.update(len(data).to_bytes(4, "big"))
            received.update(data)
            for name in _PLAIN:
                columns[name].append(getattr(f, name))
            for name, names in _ENUMS.items():
                columns[name].append(names[getattr(f, name)])
            for name in _TIMES:
                columns[name].append(_time(getattr(f, name)))
        if batch.done:
            digest, total = batch.content_sha256, batch.total
    if not digest:
        raise IncompleteExport("the export stream ended without its closing message: incomplete input")
    if total != len(columns["id"]):
        raise IncompleteExport(
            f"the export announced {total} interventions and sent {len(columns['id'])}: incomplete input"
        )
    if received.hexdigest() != digest:
        raise IncompleteExport(
            f"the facts received hash to {received.hexdigest()}, the export announced {digest}: altered input"
        )
    frame = pl.DataFrame(columns).with_columns([pl.col(c).cast(pl.Datetime("us", "UTC")) for c in _TIMES])
    return frame.select(FACT_COLUMNS), digest
