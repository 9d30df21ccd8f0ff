"""The ``content_sha256`` of an export: one rule for every service, recomputable by any client.

Rule (quoted in the protos): the lowercase hexadecimal SHA-256 of the export's records, in the
order they were sent, each record contributing its protobuf binary serialisation (fields in
field-number order, as every official protobuf library writes them; maps, where any, sorted by
key) preceded by that serialisation's length as an unsigned 32-bit big-endian integer. A client
computes it from the record messages it received, with no knowledge of how they were stored.
"""

import hashlib
from collections.abc import Iterable
from typing import Any

import numpy as np
import polars as pl
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message


class RecordDigest:
    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0

    def add(self, record: Message) -> None:
        data = record.SerializeToString(deterministic=True)
        self._hash.update(len(data).to_bytes(4, "big"))
        self._hash.update(data)
        self.count += 1

    def add_all(self, records: Iterable[Message]) -> None:
        for record in records:
            self.add(record)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def records_sha256(records: Iterable[Message]) -> str:
    digest = RecordDigest()
    digest.add_all(records)
    return digest.hexdigest()


# ------------------------------------------------------------------ the same rule over columns
#
# An export sent as Arrow IPC batches carries the same content_sha256 as its records would: the
# digest of the record messages the rows stand for. FrameDigest writes each row's deterministic
# serialisation with numpy, column by column, so that neither the service nor a client builds a
# message per record. Only flat messages are covered: scalar fields (string, bool, double, float,
# integers, enums) and google.protobuf.Timestamp fields. A row stands for its record thus: a text
# column for a string field (null: empty), the enum value's name without the enum's prefix for an
# enum field (STATUS_RESOLVED: "RESOLVED"), a UTC Datetime for a Timestamp field (null: unset),
# numbers and booleans as they are (null: 0, false).
#
# How: a record is a run of segments (its length, then per field a tag, a varint, a number's
# bytes, a text...), each of which is, over the rows, an n x width byte matrix of which each row
# uses its first ``used`` bytes. The segments are laid side by side in one n x W matrix with a
# mask of the bytes used; the mask's selection, read row by row, is the records one after the
# other. One pass over the chunk, whatever the number of fields.

# Bytes of the side-by-side matrix a chunk may take (its rows are cut to fit).
_CHUNK_BYTES = 48_000_000

Segment = tuple[np.ndarray, np.ndarray]


def _constant(data: bytes, present: np.ndarray) -> Segment:
    """``data`` on the rows where ``present``, nothing elsewhere."""
    matrix = np.broadcast_to(np.frombuffer(data, dtype=np.uint8), (present.size, len(data)))
    return matrix, np.where(present, len(data), 0)


def _varint(values: np.ndarray, present: np.ndarray | None = None) -> Segment:
    """The base-128 varint of each value (uint64) where ``present`` (default: everywhere)."""
    values = values.astype(np.uint64, copy=False)
    width = max(1, (int(values.max()).bit_length() + 6) // 7) if values.size else 1
    matrix = np.empty((values.size, width), dtype=np.uint8)
    used = np.ones(values.size, dtype=np.int64)
    for k in range(width):
        rest = values >> np.uint64(7 * k)
        matrix[:, k] = ((rest & np.uint64(0x7F)) | np.where(rest >= 128, np.uint64(0x80), np.uint64(0))).astype(
            np.uint8
        )
        if k:
            used += rest != 0
    return matrix, used if present is None else np.where(present, used, 0)


def _texts(column: pl.Series) -> Segment:
    """Each row's text (UTF-8) left-aligned in a matrix as wide as the longest."""
    sizes = column.str.len_bytes().cast(pl.Int64).to_numpy()
    width = int(sizes.max()) if sizes.size else 0
    if width == 0:
        return np.zeros((sizes.size, 0), dtype=np.uint8), sizes
    data = np.frombuffer(column.str.join("").item().encode(), dtype=np.uint8)
    first = np.cumsum(sizes) - sizes
    where = np.minimum(first[:, None] + np.arange(width), data.size - 1)
    return data[where], sizes


def _tag(number: int, wire: int) -> bytes:
    key, out = (number << 3) | wire, []
    while True:
        out.append(key & 0x7F | (0x80 if key >> 7 else 0))
        key >>= 7
        if not key:
            return bytes(out)


def _as_u64(series: pl.Series) -> np.ndarray:
    """Integers as the unsigned 64-bit value protobuf writes (a negative int32 or int64 as its
    two's complement on 64 bits)."""
    return series.cast(pl.Int64).fill_null(0).to_numpy().view(np.uint64)


class FrameDigest:
    """The RecordDigest of the records a frame's rows stand for (see above), batch after batch."""

    def __init__(self, descriptor: Any = None) -> None:
        """``descriptor``: the records' message, or None when each add_frame names its own (one
        digest over several lists of records, as ExportChargeControl's)."""
        self._descriptor = descriptor
        self._hash = hashlib.sha256()
        self.count = 0

    def add_frame(self, frame: pl.DataFrame, descriptor: Any = None) -> None:
        fields = self._fields(descriptor)
        texts = [f.name for f in fields if f.cpp_type == f.CPPTYPE_STRING and f.enum_type is None]
        longest = (0,)
        if texts and frame.height:
            longest = frame.select(pl.col(texts).cast(pl.String).str.len_bytes().max()).row(0)
        width = 4 + 16 * len(fields) + sum(n or 0 for n in longest)
        step = max(1, _CHUNK_BYTES // width)
        for offset in range(0, frame.height, step):
            chunk = frame.slice(offset, step)
            self._hash.update(self.serialised(chunk, descriptor))
            self.count += chunk.height

    def _fields(self, descriptor: Any) -> list[Any]:
        chosen = descriptor or self._descriptor
        if chosen is None:
            raise TypeError("FrameDigest: no message descriptor given for these records")
        return sorted(chosen.fields, key=lambda f: f.number)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()

    def serialised(self, frame: pl.DataFrame, descriptor: Any = None) -> bytes:
        """Each row's record serialisation preceded by its length (4 bytes big-endian), one
        after the other: what RecordDigest hashes."""
        rows = frame.height
        if not rows:
            return b""
        segments: list[Segment] = []
        for field in self._fields(descriptor):
            segments.extend(self._field(field, frame[field.name]))
        record = np.zeros(rows, dtype=np.int64)
        for _, used in segments:
            record += used
        prefix = record.astype(">u4").view(np.uint8).reshape(rows, 4)
        segments.insert(0, (prefix, np.full(rows, 4)))
        width = sum(matrix.shape[1] for matrix, _ in segments)
        side_by_side = np.empty((rows, width), dtype=np.uint8)
        kept = np.empty((rows, width), dtype=bool)
        at = 0
        for matrix, used in segments:
            span = matrix.shape[1]
            side_by_side[:, at : at + span] = matrix
            kept[:, at : at + span] = np.arange(span) < used[:, None]
            at += span
        return side_by_side[kept].tobytes()

    def _field(self, field: Any, column: pl.Series) -> list[Segment]:
        number = field.number
        if field.message_type is not None:
            if field.message_type.full_name != "google.protobuf.Timestamp":
                raise TypeError(f"{field.full_name}: only Timestamp sub-messages are digested from columns")
            return _timestamp(number, column)
        if field.enum_type is not None:
            prefix = field.enum_type.values_by_number[0].name.removesuffix("UNSPECIFIED")
            numbers = {v.name.removeprefix(prefix): v.number for v in field.enum_type.values}
            values = _as_u64(column.replace_strict(numbers, default=0, return_dtype=pl.Int64))
            return [_constant(_tag(number, 0), values != 0), _varint(values, values != 0)]
        cpp = field.cpp_type
        if cpp == field.CPPTYPE_STRING:
            text, sizes = _texts(column.cast(pl.String).fill_null(""))
            return [
                _constant(_tag(number, 2), sizes != 0),
                _varint(sizes.astype(np.uint64), sizes != 0),
                (text, sizes),
            ]
        if cpp == field.CPPTYPE_BOOL:
            return [_constant(_tag(number, 0) + b"\x01", column.fill_null(False).to_numpy().astype(bool))]
        if cpp in (field.CPPTYPE_DOUBLE, field.CPPTYPE_FLOAT):
            double = cpp == field.CPPTYPE_DOUBLE
            values = np.ascontiguousarray(column.cast(pl.Float64 if double else pl.Float32).fill_null(0.0).to_numpy())
            size = 8 if double else 4
            little = values.astype("<f8" if double else "<f4").view(np.uint8).reshape(column.len(), size)
            # proto3 writes a number unless all its bits are 0 (so -0.0 is written)
            present = np.asarray(little.any(axis=1))
            return [_constant(_tag(number, 1 if double else 5), present), (little, np.where(present, size, 0))]
        values = _as_u64(column)
        return [_constant(_tag(number, 0), values != 0), _varint(values, values != 0)]


def _timestamp(number: int, column: pl.Series) -> list[Segment]:
    """A Timestamp field: unset when null, else seconds (field 1) and nanos (field 2) as varints
    (each left out when 0), the sub-message preceded by its length."""
    micros = column.cast(pl.Datetime("us", "UTC")).dt.epoch("us")
    present = micros.is_not_null().to_numpy()
    seconds = _as_u64(micros // 1_000_000)
    nanos = _as_u64((micros % 1_000_000) * 1000)
    body = [
        _constant(b"\x08", seconds != 0),
        _varint(seconds, seconds != 0),
        _constant(b"\x10", nanos != 0),
        _varint(nanos, nanos != 0),
    ]
    size = np.sum([used for _, used in body], axis=0)
    return [_constant(_tag(number, 2), present), _varint(size.astype(np.uint64), present), *body]


def frame_sha256(frame: pl.DataFrame, descriptor: Any) -> str:
    digest = FrameDigest(descriptor)
    digest.add_frame(frame)
    return digest.hexdigest()


def record_columns(frame: pl.DataFrame, descriptor: Any) -> pl.DataFrame:
    """``frame``'s columns of ``descriptor``'s fields, in field-number order, as an Arrow export
    carries records: string utf8, double float64, int32 / int64 as such, bool boolean, and no null
    (a null is the field's default, as in a message)."""
    types = {
        FieldDescriptor.CPPTYPE_STRING: (pl.String, ""),
        FieldDescriptor.CPPTYPE_DOUBLE: (pl.Float64, 0.0),
        FieldDescriptor.CPPTYPE_INT32: (pl.Int32, 0),
        FieldDescriptor.CPPTYPE_INT64: (pl.Int64, 0),
        FieldDescriptor.CPPTYPE_BOOL: (pl.Boolean, False),
    }
    columns = []
    for field in sorted(descriptor.fields, key=lambda f: f.number):
        if field.cpp_type not in types or field.is_repeated:
            raise ValueError(f"{field.full_name}: records as columns take strings, doubles, integers and bools only")
        dtype, default = types[field.cpp_type]
        columns.append(pl.col(field.name).cast(dtype).fill_null(default))
    return frame.select(columns)
