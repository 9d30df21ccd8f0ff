"""What reporting pulls from the other services through their APIs, turned into polars frames.

Reporting knows the services by their protos only: a frame's columns are the fields of the
exported record message, enum values are read as their names without the enum's prefix,
Timestamps as UTC datetimes. Every export's content_sha256 is recomputed from the records
received, by the rule the protos document (each record's deterministic serialisation preceded by
its length as 4 bytes big-endian, in the order received, SHA-256 in lowercase hex), and must
equal the one the service announced: a stream cut short or altered is refused, never reported.
"""

import hashlib
import io
from collections.abc import Iterable
from typing import Any

import polars as pl
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from services.api.quitus.consumption.v1 import consumption_pb2 as consumption_pb
from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.runtime.digest import FrameDigest

FACT_FIELDS = pb.InterventionFact.DESCRIPTOR.fields
# The facts' columns, in the proto's field order.
FACT_COLUMNS = [f.name for f in FACT_FIELDS]


class IncompleteExport(RuntimeError):
    """The export stream is not the whole export: a message missing or altered on the way."""


def _names(enum: Any) -> dict[int, str]:  # an EnumDescriptor (pure-Python or upb)
    """Number -> name without the enum's prefix, the prefix being that of its zero value
    ``<PREFIX>UNSPECIFIED`` (e.g. Status: 5 -> "RESOLVED" for STATUS_RESOLVED)."""
    prefix = enum.values_by_number[0].name.removesuffix("UNSPECIFIED")
    return {v.number: v.name.removeprefix(prefix) for v in enum.values}


def _time(ts: Timestamp) -> int | None:
    return ts.seconds * 1_000_000 + ts.nanos // 1000 if (ts.seconds or ts.nanos) else None


def _dtype(field: Any) -> Any:  # a FieldDescriptor -> its column's polars type
    if field.message_type is not None:
        return pl.Int64  # Timestamp as microseconds, cast to Datetime by frame()
    if field.enum_type is not None:
        return pl.String
    return {
        field.CPPTYPE_STRING: pl.String,
        field.CPPTYPE_DOUBLE: pl.Float64,
        field.CPPTYPE_FLOAT: pl.Float64,
        field.CPPTYPE_BOOL: pl.Boolean,
        field.CPPTYPE_INT32: pl.Int64,
        field.CPPTYPE_INT64: pl.Int64,
        field.CPPTYPE_UINT32: pl.Int64,
        field.CPPTYPE_UINT64: pl.Int64,
    }[field.cpp_type]


def record_schema(descriptor: Any) -> dict[str, Any]:
    """The frame a RecordCollector makes of ``descriptor``'s records: column name -> polars type."""
    return {f.name: _dtype(f) for f in descriptor.fields}


class RecordCollector:
    """Columns of one record message type, filled record by record, with the running digest."""

    def __init__(self, descriptor: Any) -> None:
        fields = descriptor.fields
        self.columns: dict[str, list[Any]] = {f.name: [] for f in fields}
        self._schema = {f.name: _dtype(f) for f in fields}
        self._times = [f.name for f in fields if f.message_type is not None]
        self._enums = {f.name: _names(f.enum_type) for f in fields if f.enum_type is not None}
        self._plain = [f.name for f in fields if f.name not in self._enums and f.name not in self._times]
        self._digest = hashlib.sha256()
        self.count = 0

    def add(self, record: Message) -> None:
        data = record.SerializeToString(deterministic=True)
        self._digest.update(len(data).to_bytes(4, "big"))
        self._digest.update(data)
        self.count += 1
        for name in self._plain:
            self.columns[name].append(getattr(record, name))
        for name, names in self._enums.items():
            self.columns[name].append(names[getattr(record, name)])
        for name in self._times:
            self.columns[name].append(_time(getattr(record, name)))

    def frame(self, announced: str, what: str) -> pl.DataFrame:
        if not announced:
            raise IncompleteExport(f"the {what} stream ended without its content_sha256: incomplete input")
        if self._digest.hexdigest() != announced:
            raise IncompleteExport(
                f"the {what} received hash to {self._digest.hexdigest()}, the export announced {announced}: "
                "altered input"
            )
        return self.unchecked_frame()

    def unchecked_frame(self) -> pl.DataFrame:
        """The columns as a frame, for an export whose digest covers more than these records (the
        caller checks it)."""
        frame = pl.DataFrame(self.columns, schema=self._schema)
        return frame.with_columns([pl.col(c).cast(pl.Datetime("us", "UTC")) for c in self._times])


def facts_frame(batches: Iterable[pb.ExportInterventionsResponse]) -> tuple[pl.DataFrame, str]:
    """(facts, content_sha256) from an ExportInterventions stream; the count announced must
    match too."""
    collector = RecordCollector(pb.InterventionFact.DESCRIPTOR)
    digest, total = "", -1
    for batch in batches:
        for fact in batch.facts:
            collector.add(fact)
        if batch.done:
            digest, total = batch.content_sha256, batch.total
    if not digest:
        raise IncompleteExport("the export stream ended without its closing message: incomplete input")
    if total != collector.count:
        raise IncompleteExport(
            f"the export announced {total} interventions and sent {collector.count}: incomplete input"
        )
    return collector.frame(digest, "facts").select(FACT_COLUMNS), digest


def monthly_frame(batches: Iterable[consumption_pb.ExportMonthlyResponse]) -> tuple[pl.DataFrame, str]:
    """(monthly figures, content_sha256) from an ExportMonthly stream."""
    collector = RecordCollector(consumption_pb.MonthlyFigure.DESCRIPTOR)
    digest = ""
    for batch in batches:
        for figure in batch.figures:
            collector.add(figure)
        digest = batch.content_sha256 or digest
    return collector.frame(digest, "monthly figures"), digest


# ------------------------------------------------------------------ the Arrow form
#
# quitus.common.v1.ExportForm: each message holds its records as one Arrow IPC stream. The frame
# is made the same as RecordCollector's (a null text is empty, a null enum "UNSPECIFIED", a null
# number 0...), and the content_sha256 is recomputed from its rows (services.runtime.digest).


def record_frame(frame: pl.DataFrame, descriptor: Any, what: str) -> pl.DataFrame:
    """``frame``'s columns as RecordCollector would have filled them from the record messages."""
    columns = []
    for field in descriptor.fields:
        if field.name not in frame.columns:
            raise IncompleteExport(f"the {what} arrived without the column {field.name}: altered input")
        dtype = _dtype(field)
        column = pl.col(field.name)
        if field.message_type is not None:
            columns.append(column.cast(pl.Datetime("us", "UTC")))
        elif field.enum_type is not None:
            columns.append(column.cast(pl.String).fill_null("UNSPECIFIED"))
        elif dtype == pl.String:
            columns.append(column.cast(pl.String).fill_null(""))
        elif dtype == pl.Boolean:
            columns.append(column.cast(pl.Boolean).fill_null(False))
        else:
            columns.append(column.cast(dtype).fill_null(0))
    return frame.select(columns)


class ArrowRecords:
    """An export's records from its Arrow IPC messages, each message read and hashed as it
    arrives (while the service prepares the next), then checked against the count and the
    content_sha256 the export announced."""

    def __init__(self, descriptor: Any, what: str) -> None:
        self.descriptor, self.what = descriptor, what
        self.parts: list[pl.DataFrame] = []
        self.digest = FrameDigest(descriptor)

    def add(self, payload: bytes) -> None:
        part = record_frame(pl.read_ipc_stream(io.BytesIO(payload)), self.descriptor, self.what)
        self.digest.add_frame(part)
        self.parts.append(part)

    def checked(self, announced: str, total: int) -> pl.DataFrame:
        what = self.what
        if not announced:
            raise IncompleteExport(f"the {what} stream ended without its content_sha256: incomplete input")
        frame = (
            pl.concat(self.parts, how="vertical_relaxed")
            if self.parts
            else RecordCollector(self.descriptor).unchecked_frame()
        )
        if total >= 0 and total != frame.height:
            raise IncompleteExport(f"the export announced {total} {what} and sent {frame.height}: incomplete input")
        if self.digest.hexdigest() != announced:
            raise IncompleteExport(
                f"the {what} received hash to {self.digest.hexdigest()}, the export announced {announced}: "
                "altered input"
            )
        return frame


def facts_frame_arrow(batches: Iterable[pb.ExportInterventionsResponse]) -> tuple[pl.DataFrame, str]:
    """(facts, content_sha256) from an ExportInterventions stream in the Arrow form."""
    records = ArrowRecords(pb.InterventionFact.DESCRIPTOR, "facts")
    digest, total = "", -1
    for batch in batches:
        if batch.facts:
            raise IncompleteExport("the export sent record messages where Arrow batches were asked for")
        if batch.arrow_ipc:
            records.add(batch.arrow_ipc)
        if batch.done:
            digest, total = batch.content_sha256, batch.total
    if not digest:
        raise IncompleteExport("the export stream ended without its closing message: incomplete input")
    return records.checked(digest, total).select(FACT_COLUMNS), digest


def monthly_frame_arrow(batches: Iterable[consumption_pb.ExportMonthlyResponse]) -> tuple[pl.DataFrame, str]:
    """(monthly figures, content_sha256) from an ExportMonthly stream in the Arrow form."""
    records = ArrowRecords(consumption_pb.MonthlyFigure.DESCRIPTOR, "monthly figures")
    digest = ""
    for batch in batches:
        if batch.figures:
            raise IncompleteExport("the export sent record messages where Arrow batches were asked for")
        if batch.arrow_ipc:
            records.add(batch.arrow_ipc)
        digest = batch.content_sha256 or digest
    return records.checked(digest, -1), digest
