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
# serialisation with polars expressions (as hexadecimal text, one column), so that neither the
# service nor a client builds a message per record. Only flat messages are covered: scalar
# fields (string, bool, double, float, integers, enums) and google.protobuf.Timestamp fields.
# A row stands for its record thus: a text column for a string field (null: empty), the enum
# value's name without the enum's prefix for an enum field (STATUS_RESOLVED: "RESOLVED"), a
# UTC Datetime for a Timestamp field (null: unset), numbers and booleans as they are (null: 0,
# false).

# Two hexadecimal digits per byte value; a byte past a varint's end maps to two NUL bytes, which
# numpy drops from the end of a fixed-width bytes value (hence varints of any length at once).
_HEX = np.array([f"{i:02x}".encode() for i in range(256)] + [b""], dtype="S2")
_PAST_END = 256
_CHUNK_ROWS = 100_000


def _hex_text(digits: np.ndarray) -> pl.Series:
    """Rows of two-digit codes (an n x width array of _HEX indices) as one hex text per row."""
    width = digits.shape[1]
    joined = np.ascontiguousarray(_HEX[digits]).view(f"S{2 * width}").ravel()
    return pl.Series(joined, dtype=pl.Binary).cast(pl.String)


def _varint(values: np.ndarray) -> pl.Series:
    """The base-128 varint of each value (uint64), in hex."""
    values = values.astype(np.uint64, copy=False)
    width = max(1, (int(values.max()).bit_length() + 6) // 7) if values.size else 1
    digits = np.empty((values.size, width), dtype=np.int64)
    for k in range(width):
        rest = values >> np.uint64(7 * k)
        group = (rest & np.uint64(0x7F)) | np.where(rest >= 128, np.uint64(0x80), np.uint64(0))
        digits[:, k] = np.where((rest != 0) | (k == 0), group.astype(np.int64), _PAST_END)
    return _hex_text(digits)


def _little_endian(bits: np.ndarray, size: int) -> pl.Series:
    """Each value's ``size`` low bytes, least significant first, in hex."""
    shifts = np.arange(size, dtype=np.uint64) * np.uint64(8)
    return _hex_text(((bits.astype(np.uint64)[:, None] >> shifts) & np.uint64(0xFF)).astype(np.int64))


def _tag(number: int, wire: int) -> str:
    key, out = (number << 3) | wire, []
    while True:
        out.append(key & 0x7F | (0x80 if key >> 7 else 0))
        key >>= 7
        if not key:
            return bytes(out).hex()


def _as_u64(series: pl.Series) -> np.ndarray:
    """Integers as the unsigned 64-bit value protobuf writes (a negative int32 or int64 as its
    two's complement on 64 bits)."""
    return series.cast(pl.Int64).fill_null(0).to_numpy().view(np.uint64)


def _joined(*parts: pl.Series) -> pl.Series:
    """The texts of ``parts`` joined row by row."""
    return pl.select(pl.concat_str([pl.lit(part) for part in parts])).to_series()


def _if(present: pl.Series | np.ndarray, tag: str, encoded: pl.Series) -> pl.Series:
    """``tag`` and ``encoded`` where present, else nothing."""
    return pl.select(
        pl.when(pl.lit(pl.Series(present, dtype=pl.Boolean))).then(tag + pl.lit(encoded)).otherwise(pl.lit(""))
    ).to_series()


class FrameDigest:
    """The RecordDigest of the records a frame's rows stand for (see above), batch after batch."""

    def __init__(self, descriptor: Any) -> None:
        self._fields = sorted(descriptor.fields, key=lambda f: f.number)
        self._hash = hashlib.sha256()
        self.count = 0

    def add_frame(self, frame: pl.DataFrame) -> None:
        for offset in range(0, frame.height, _CHUNK_ROWS):
            chunk = frame.slice(offset, _CHUNK_ROWS)
            records = self.records_hex(chunk)
            sizes = records.str.len_bytes().cast(pl.UInt32).to_numpy() // 2
            prefixed = pl.select(pl.concat_str(pl.lit(_little_endian(sizes.byteswap(), 4)), pl.lit(records)))
            self._hash.update(bytes.fromhex(prefixed.to_series().str.join("").item() or ""))
            self.count += chunk.height

    def hexdigest(self) -> str:
        return self._hash.hexdigest()

    def records_hex(self, frame: pl.DataFrame) -> pl.Series:
        """Each row's record serialisation, in hex."""
        parts = [self._field(field, frame[field.name]) for field in self._fields]
        return (
            pl.select(pl.concat_str([pl.lit(p) for p in parts])).to_series()
            if parts
            else pl.Series([""] * frame.height)
        )

    def _field(self, field: Any, column: pl.Series) -> pl.Series:
        number = field.number
        if field.message_type is not None:
            if field.message_type.full_name != "google.protobuf.Timestamp":
                raise TypeError(f"{field.full_name}: only Timestamp sub-messages are digested from columns")
            return _timestamp(number, column)
        if field.enum_type is not None:
            prefix = field.enum_type.values_by_number[0].name.removesuffix("UNSPECIFIED")
            numbers = {v.name.removeprefix(prefix): v.number for v in field.enum_type.values}
            values = _as_u64(column.replace_strict(numbers, default=0, return_dtype=pl.Int64))
            return _if(values != 0, _tag(number, 0), _varint(values))
        cpp = field.cpp_type
        if cpp == field.CPPTYPE_STRING:
            text = column.fill_null("")
            size = text.str.len_bytes().to_numpy()
            return _if(
                size != 0,
                _tag(number, 2),
                pl.select(pl.concat_str(pl.lit(_varint(size)), pl.lit(text).str.encode("hex"))).to_series(),
            )
        if cpp == field.CPPTYPE_BOOL:
            return _if(column.fill_null(False).to_numpy(), _tag(number, 0), pl.Series(["01"] * column.len()))
        if cpp in (field.CPPTYPE_DOUBLE, field.CPPTYPE_FLOAT):
            double = cpp == field.CPPTYPE_DOUBLE
            values = column.cast(pl.Float64 if double else pl.Float32).fill_null(0.0).to_numpy()
            bits = values.view(np.uint64 if double else np.uint32)
            # proto3 writes a number unless all its bits are 0 (so -0.0 is written)
            return _if(bits != 0, _tag(number, 1 if double else 5), _little_endian(bits, 8 if double else 4))
        values = _as_u64(column)
        return _if(values != 0, _tag(number, 0), _varint(values))


def _timestamp(number: int, column: pl.Series) -> pl.Series:
    """A Timestamp field: unset when null, else seconds (field 1) and nanos (field 2) as varints
    (each left out when 0), the sub-message preceded by its length."""
    micros = column.cast(pl.Datetime("us", "UTC")).dt.epoch("us")
    seconds = _as_u64(micros // 1_000_000)
    nanos = _as_u64((micros % 1_000_000) * 1000)
    body = pl.select(
        pl.concat_str(pl.lit(_if(seconds != 0, "08", _varint(seconds))), pl.lit(_if(nanos != 0, "10", _varint(nanos))))
    ).to_series()
    sized = pl.select(pl.concat_str(pl.lit(_varint(body.str.len_bytes().to_numpy() // 2)), pl.lit(body))).to_series()
    return _if(micros.is_not_null().to_numpy(), _tag(number, 2), sized)


def frame_sha256(frame: pl.DataFrame, descriptor: Any) -> str:
    digest = FrameDigest(descriptor)
    digest.add_frame(frame)
    return digest.hexdigest()
