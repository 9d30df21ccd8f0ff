"""A process's cache of values that never change once made (exports or readings as of a settled
cut-off), shared by its threads: bounded by entries and by the estimated bytes of its frames,
least recently used out first; one load per key at a time, so that a second caller asking for a
value being loaded waits for it rather than loading it again (if the first load fails, the next
caller loads). Frames are never modified in place (polars operations return new frames), so a
shared value cannot be altered by one caller under another."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import fields, is_dataclass
from typing import Any

import polars as pl


def estimated_bytes(value: Any, seen: set[int] | None = None) -> int:
    """About how much memory ``value`` holds: its frames' estimated sizes, whatever holds them
    (tuples, lists, dicts, dataclasses), each frame once however many hold it (the 692 slices of
    a charge-control pull all hold the one portfolio), plus a little for the rest."""
    seen = set() if seen is None else seen
    if isinstance(value, pl.DataFrame):
        if id(value) in seen:
            return 0
        seen.add(id(value))
        return int(value.estimated_size())
    if isinstance(value, tuple | list):
        return sum(estimated_bytes(v, seen) for v in value)
    if isinstance(value, dict):
        return sum(estimated_bytes(v, seen) for v in value.values()) + 64 * len(value)
    if is_dataclass(value) and not isinstance(value, type):
        return sum(estimated_bytes(getattr(value, f.name), seen) for f in fields(value))
    return 64


class BoundedCache:
    def __init__(self, max_bytes: int, max_entries: int) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()  # key -> (value, bytes)
        self._bytes = 0
        self._lock = threading.Lock()
        self._loads: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.loads = 0

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        """The value kept under ``key``, else ``load()``'s, kept."""
        with self._lock:
            if (found := self._hit(key)) is not None:
                return found
            loading = self._loads.setdefault(key, threading.Lock())
        with loading:
            with self._lock:
                if (found := self._hit(key)) is not None:
                    return found
            value = load()
            with self._lock:
                self.loads += 1
                self._keep(key, value, estimated_bytes(value))
                self._loads.pop(key, None)
            return value

    def peek(self, key: Hashable) -> Any:
        """The value kept under ``key`` or None, as recently used as before."""
        with self._lock:
            found = self._entries.get(key)
            return found[0] if found else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _hit(self, key: Hashable) -> Any:
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return found[0]

    def _keep(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_bytes:
            return  # larger than the whole cache: served, not kept
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        self._entries[key] = (value, size)
        self._bytes += size
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self._bytes -= evicted
