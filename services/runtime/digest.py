"""The ``content_sha256`` of an export: one rule for every service, recomputable by any client.

Rule (quoted in the protos): the lowercase hexadecimal SHA-256 of the export's records, in the
order they were sent, each record contributing its protobuf binary serialisation (fields in
field-number order, as every official protobuf library writes them; maps, where any, sorted by
key) preceded by that serialisation's length as an unsigned 32-bit big-endian integer. A client
computes it from the record messages it received, with no knowledge of how they were stored.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
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


# ---- the same rule over a frame, without one message per record ------------------------------
# A frame whose columns are a message's fields (same names; nulls taken as the field's default)
# hashes to what its rows would as messages: each field written as protobuf does (proto3,
# implicit presence: a string empty, an integer 0, a double of bits 0, a bool false are left out;
# -0.0 and NaN are written), in field-number order. The bytes are laid out by numpy, a block of
# rows at a time: no Python object per record.
FRAME_BLOCK_ROWS = 500_000
_WIRE = {"varint": 0, "fixed64": 1, "bytes": 2}


def _key(number: int, wire: str) -> bytes:
    key, out = (number << 3) | _WIRE[wire], bytearray()
    while True:
        byte, key = key & 0x7F, key >> 7
        out.append(byte | (0x80 if key else 0))
        if not key:
            return bytes(out)


def _varint_size(values: np.ndarray) -> np.ndarray:
    size = np.ones(len(values), dtype=np.int64)
    for k in range(1, 10):
        size += values >= np.uint64(1 << (7 * k))
    return size


@dataclass
class _Piece:
    """One field of every row: its key, then a varint, fixed bytes or text."""

    key: bytes
    present: np.ndarray  # bool per row
    varint: np.ndarray | None = None  # uint64 per row (a number, or a text's length)
    fixed: np.ndarray | None = None  # uint8 (rows, width)
    text: np.ndarray | None = None  # uint8, the texts one after the other (lengths in varint)

    def sizes(self) -> np.ndarray:
        size = np.full(len(self.present), len(self.key), dtype=np.int64)
        if self.varint is not None:
            size += _varint_size(self.varint)
        if self.fixed is not None:
            size += self.fixed.shape[1]
        if self.text is not None:
            assert self.varint is not None
            size += self.varint.astype(np.int64)
        return np.where(self.present, size, 0)

    def write(self, out: np.ndarray, at: np.ndarray) -> None:
        rows = np.flatnonzero(self.present)
        pos = at[rows].copy()
        for byte in self.key:
            out[pos] = byte
            pos += 1
        if self.varint is not None:
            value = self.varint[rows]
            size = _varint_size(value)
            for k in range(10):
                going = size > k
                if not going.any():
                    break
                group = (value[going] >> np.uint64(7 * k)) & np.uint64(0x7F)
                more = np.where(size[going] > k + 1, 0x80, 0).astype(np.uint64)
                out[pos[going] + k] = (group | more).astype(np.uint8)
            pos += size
        if self.fixed is not None:
            width = self.fixed.shape[1]
            out[pos[:, None] + np.arange(width)] = self.fixed[rows]
        if self.text is not None and len(self.text):
            assert self.varint is not None
            lengths = self.varint.astype(np.int64)
            starts = np.cumsum(lengths) - lengths  # where each row's text begins in self.text
            taken = lengths[rows]
            within = _within(taken)
            out[np.repeat(pos, taken) + within] = self.text[np.repeat(starts[rows], taken) + within]


def _within(lengths: np.ndarray) -> np.ndarray:
    """0 .. lengths[i] - 1 for every i, one after the other."""
    ends = np.cumsum(lengths)
    return np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - lengths, lengths)


def _piece(field: Any, column: pl.Series) -> _Piece:
    kind = field.cpp_type
    if kind == field.CPPTYPE_STRING:
        text = column.fill_null("").cast(pl.String)
        lengths = text.str.len_bytes().cast(pl.UInt64).to_numpy()
        data = np.frombuffer(text.str.join("").item().encode(), dtype=np.uint8)
        return _Piece(_key(field.number, "bytes"), lengths > 0, varint=lengths, text=data)
    if kind == field.CPPTYPE_DOUBLE:
        values = np.ascontiguousarray(column.fill_null(0.0).cast(pl.Float64).to_numpy(), dtype="<f8")
        bits = values.view(np.uint64)
        return _Piece(_key(field.number, "fixed64"), bits != 0, fixed=values.view(np.uint8).reshape(-1, 8))
    if kind in (field.CPPTYPE_INT32, field.CPPTYPE_INT64):
        # a negative number is written as its 64-bit two's complement (ten bytes)
        bits = np.ascontiguousarray(column.fill_null(0).cast(pl.Int64).to_numpy()).view(np.uint64)
        return _Piece(_key(field.number, "varint"), bits != 0, varint=bits)
    if kind == field.CPPTYPE_BOOL:
        flags = column.fill_null(False).cast(pl.Boolean).to_numpy()
        return _Piece(_key(field.number, "varint"), flags, fixed=np.ones((len(flags), 1), dtype=np.uint8))
    raise ValueError(f"{field.full_name}: a frame digest writes strings, doubles, integers and bools, not this field")


def frame_records(frame: pl.DataFrame, descriptor: Any) -> bytes:
    """What ``frame``'s rows, as ``descriptor`` messages, give the digest: each serialisation
    preceded by its length (4 bytes, big-endian), one after the other."""
    pieces = [_piece(f, frame[f.name]) for f in sorted(descriptor.fields, key=lambda f: f.number)]
    sizes = np.stack([p.sizes() for p in pieces]) if pieces else np.zeros((0, frame.height), dtype=np.int64)
    record = sizes.sum(axis=0)
    row_at = np.cumsum(record + 4) - (record + 4)
    out = np.zeros(int((record + 4).sum()), dtype=np.uint8)
    out[row_at[:, None] + np.arange(4)] = record.astype(">u4").view(np.uint8).reshape(-1, 4)
    at = row_at + 4
    for piece, size in zip(pieces, sizes, strict=True):
        piece.write(out, at)
        at = at + size
    return out.tobytes()


class FrameDigest(RecordDigest):
    """A RecordDigest that also takes whole frames of records (``add_frame``), in blocks."""

    def add_frame(self, frame: pl.DataFrame, descriptor: Any) -> None:
        for offset in range(0, frame.height, FRAME_BLOCK_ROWS):
            self._hash.update(frame_records(frame.slice(offset, FRAME_BLOCK_ROWS), descriptor))
        self.count += frame.height


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
