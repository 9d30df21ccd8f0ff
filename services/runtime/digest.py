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
# serialisation with numpy, column by column (tags, varints, fixed-width numbers, texts copied
# from one buffer per column), so that neither the service nor a client builds a message per
# record. Only flat messages are covered: scalar fields (string, bool, double, float, integers,
# enums) and google.protobuf.Timestamp fields. A row stands for its record thus: a text column
# for a string field (null: empty), the enum value's name without the enum's prefix for an enum
# field (STATUS_RESOLVED: "RESOLVED"), a UTC Datetime for a Timestamp field (null: unset),
# numbers and booleans as they are (null: 0, false).

_CHUNK_ROWS = 200_000

# A piece of every row: an n x width byte matrix of which each row uses its first ``used`` bytes.
Piece = tuple[np.ndarray, np.ndarray]


def _constant(data: bytes, present: np.ndarray) -> Piece:
    """``data`` on the rows where ``present``, nothing elsewhere."""
    matrix = np.broadcast_to(np.frombuffer(data, dtype=np.uint8), (present.size, len(data)))
    return matrix, np.where(present, len(data), 0)


def _varint(values: np.ndarray, present: np.ndarray | None = None) -> Piece:
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


def _joined(pieces: list[Piece]) -> Piece:
    """The pieces one after the other in each row."""
    rows = pieces[0][0].shape[0]
    matrix = np.zeros((rows, sum(m.shape[1] for m, _ in pieces)), dtype=np.uint8)
    offset = np.zeros(rows, dtype=np.int64)
    every = np.arange(rows)
    for part, used in pieces:
        for k in range(part.shape[1]):
            kept = every[used > k]
            matrix[kept, offset[kept] + k] = part[kept, k]
        offset += used
    return matrix, offset


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
        for offset in range(0, frame.height, _CHUNK_ROWS):
            chunk = frame.slice(offset, _CHUNK_ROWS)
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
        # Per row, segments in order: the length, then each field's head (tag, length or value)
        # and, for a text, its bytes (copied from the column's buffer).
        heads: list[Piece] = []
        texts: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # segment index -> (bytes, sizes)
        for field in self._fields(descriptor):
            head, text = self._field(field, frame[field.name])
            heads.append(head)
            if text is not None:
                texts[len(heads) - 1] = text
        sizes = np.zeros((rows, 1 + 2 * len(heads)), dtype=np.int64)
        for i, (_, used) in enumerate(heads):
            sizes[:, 1 + 2 * i] = used
        for i, (_, text_sizes) in texts.items():
            sizes[:, 2 + 2 * i] = text_sizes
        sizes[:, 0] = 4
        record = sizes[:, 1:].sum(axis=1)
        starts = np.cumsum(sizes, axis=1) - sizes + (np.cumsum(4 + record) - (4 + record))[:, None]
        out = np.zeros(int((4 + record).sum()), dtype=np.uint8)
        prefix = record.astype(">u4").view(np.uint8).reshape(rows, 4)
        out[starts[:, 0, None] + np.arange(4)] = prefix
        every = np.arange(rows)
        for i, (matrix, used) in enumerate(heads):
            start = starts[:, 1 + 2 * i]
            for k in range(matrix.shape[1]):
                kept = every[used > k]
                out[start[kept] + k] = matrix[kept, k]
        for i, (data, text_sizes) in texts.items():
            first = np.cumsum(text_sizes) - text_sizes  # where each row's text starts in ``data``
            out[np.repeat(starts[:, 2 + 2 * i] - first, text_sizes) + np.arange(data.size)] = data
        return out.tobytes()

    def _field(self, field: Any, column: pl.Series) -> tuple[Piece, tuple[np.ndarray, np.ndarray] | None]:
        number, rows = field.number, column.len()
        if field.message_type is not None:
            if field.message_type.full_name != "google.protobuf.Timestamp":
                raise TypeError(f"{field.full_name}: only Timestamp sub-messages are digested from columns")
            return _timestamp(number, column), None
        if field.enum_type is not None:
            prefix = field.enum_type.values_by_number[0].name.removesuffix("UNSPECIFIED")
            numbers = {v.name.removeprefix(prefix): v.number for v in field.enum_type.values}
            values = _as_u64(column.replace_strict(numbers, default=0, return_dtype=pl.Int64))
            return _joined([_constant(_tag(number, 0), values != 0), _varint(values, values != 0)]), None
        cpp = field.cpp_type
        if cpp == field.CPPTYPE_STRING:
            text = column.cast(pl.String).fill_null("")
            sizes = text.str.len_bytes().cast(pl.Int64).to_numpy()
            data = np.frombuffer(text.str.join("").item().encode(), dtype=np.uint8) if rows else np.zeros(0, np.uint8)
            head = _joined([_constant(_tag(number, 2), sizes != 0), _varint(sizes.astype(np.uint64), sizes != 0)])
            return head, (data, sizes)
        if cpp == field.CPPTYPE_BOOL:
            return _constant(_tag(number, 0) + b"\x01", column.fill_null(False).to_numpy().astype(bool)), None
        if cpp in (field.CPPTYPE_DOUBLE, field.CPPTYPE_FLOAT):
            double = cpp == field.CPPTYPE_DOUBLE
            values = np.ascontiguousarray(column.cast(pl.Float64 if double else pl.Float32).fill_null(0.0).to_numpy())
            size = 8 if double else 4
            little = values.astype("<f8" if double else "<f4").view(np.uint8).reshape(rows, size)
            # proto3 writes a number unless all its bits are 0 (so -0.0 is written)
            present = np.asarray(little.any(axis=1))
            return _joined(
                [_constant(_tag(number, 1 if double else 5), present), (little, np.where(present, size, 0))]
            ), None
        values = _as_u64(column)
        return _joined([_constant(_tag(number, 0), values != 0), _varint(values, values != 0)]), None


def _timestamp(number: int, column: pl.Series) -> Piece:
    """A Timestamp field: unset when null, else seconds (field 1) and nanos (field 2) as varints
    (each left out when 0), the sub-message preceded by its length."""
    micros = column.cast(pl.Datetime("us", "UTC")).dt.epoch("us")
    present = micros.is_not_null().to_numpy()
    seconds = _as_u64(micros // 1_000_000)
    nanos = _as_u64((micros % 1_000_000) * 1000)
    body = _joined(
        [
            _constant(b"\x08", seconds != 0),
            _varint(seconds, seconds != 0),
            _constant(b"\x10", nanos != 0),
            _varint(nanos, nanos != 0),
        ]
    )
    size = _varint(body[1].astype(np.uint64), present)
    return _joined([_constant(_tag(number, 2), present), size, (body[0], np.where(present, body[1], 0))])


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
