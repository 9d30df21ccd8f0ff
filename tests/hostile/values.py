"""The shared table of hostile values, and the mutation of one field of a request at a time.

Each value is one a real client may send, by mistake or not: empty, huge, NUL and control
characters, the edges of every integer width, non-finite floats, instants at the ends of what
a Timestamp holds, enum numbers the contract does not define.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

F = FieldDescriptor

STRINGS = {
    "empty": "",
    "1MB": "x" * 1_000_000,
    "NUL": "C01\x00DROP",
    "control": "a\x07\x1b[2Jb",
    "bidi": "\u202eevil",
    "like wildcards": "%_\\",
}
INT32 = {"-1": -1, "int32 max": 2**31 - 1, "int32 min": -(2**31)}
INT64 = {**INT32, "int64 max": 2**63 - 1, "int64 min": -(2**63)}
UINT = {"uint32 max": 2**32 - 1}
FLOATS = {"NaN": math.nan, "+inf": math.inf, "-inf": -math.inf, "-0.0": -0.0, "1e308": 1e308}
ENUMS = {"unknown 42": 42, "unknown 99": 99, "negative": -1}
# seconds since 1970 of: year 1, year 9999, and far beyond anything datetime holds
TIMESTAMP_SECONDS = {
    "year 1": -62135596800,
    "year 9999": 253402300799,
    "2^62 s": 2**62,
    "-2^62 s": -(2**62),
}

_INTEGERS = {
    F.TYPE_INT32: INT32,
    F.TYPE_SINT32: INT32,
    F.TYPE_SFIXED32: INT32,
    F.TYPE_INT64: INT64,
    F.TYPE_SINT64: INT64,
    F.TYPE_SFIXED64: INT64,
    F.TYPE_UINT32: UINT,
    F.TYPE_FIXED32: UINT,
    F.TYPE_UINT64: {"uint64 max": 2**64 - 1},
    F.TYPE_FIXED64: {"uint64 max": 2**64 - 1},
}


def values_for(field: FieldDescriptor) -> dict[str, Any]:
    if field.type == F.TYPE_STRING:
        return STRINGS
    if field.type == F.TYPE_BYTES:
        return {"garbage bytes": b"\x00\xff\xfe garbage", "1MB": b"\x00" * 1_000_000}
    if field.type in (F.TYPE_DOUBLE, F.TYPE_FLOAT):
        return FLOATS
    if field.type == F.TYPE_ENUM:
        return ENUMS
    return _INTEGERS.get(field.type, {})


@dataclass(frozen=True)
class Mutation:
    path: str  # e.g. "records[0].building.address"
    label: str  # which hostile value
    request: Message


def mutations(good: Message) -> Iterator[Mutation]:
    """Copies of ``good``, each with one field (scalar, at any depth, in the first element of a
    list) set to one hostile value. Fields left unset in ``good`` are set too, one at a time."""
    yield from _walk(good, good, [])


def _walk(root: Message, message: Message, trail: list[tuple[str, int | None]]) -> Iterator[Mutation]:
    for field in message.DESCRIPTOR.fields:
        here = [*trail, (field.name, 0 if _is_repeated(field) else None)]
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            continue
        if field.message_type is not None and field.message_type.full_name == "google.protobuf.Timestamp":
            for label, seconds in TIMESTAMP_SECONDS.items():
                yield _mutated(root, here + [("seconds", None)], seconds, label)
            continue
        if field.message_type is not None:
            child = _child(message, field)
            if child is not None and len(trail) < 4:
                yield from _walk(root, child, here)
            continue
        for label, value in values_for(field).items():
            yield _mutated(root, here, value, label)


def _is_repeated(field: FieldDescriptor) -> bool:
    return bool(field.is_repeated)


def _child(message: Message, field: FieldDescriptor) -> Message | None:
    if _is_repeated(field):
        items = getattr(message, field.name)
        return items[0] if len(items) else None
    return getattr(message, field.name)


def _mutated(root: Message, path: list[tuple[str, int | None]], value: Any, label: str) -> Mutation:
    copy = type(root)()
    copy.CopyFrom(root)
    target: Any = copy
    for name, index in path[:-1]:
        container = getattr(target, name)
        if index is None:
            target = container
        else:
            target = container[0] if len(container) else container.add()
    name, index = path[-1]
    if index is None:
        setattr(target, name, value)
    else:
        items = getattr(target, name)
        if len(items):
            items[0] = value
        else:
            items.append(value)
    shown = ".".join(n if i is None else f"{n}[{i}]" for n, i in path)
    return Mutation(shown, label, copy)
