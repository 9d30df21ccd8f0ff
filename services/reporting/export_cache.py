"""A process's cache of the exports it pulled for a cut-off: the many reports of one monthly run
(the same as_of) pull each export once and share it (issue 15, "a run's exports are pulled once
and shared by its jobs").

An export is keyed by its method and its request as sent, the cut-off and every argument in it
(deterministic serialisation), so only the same question gets the same answer: an export as of
a cut-off never changes (the services refuse a cut-off that is not settled), which is what makes
sharing it sound. An entry is stored only once its content matched the content_sha256 the
service announced (gather checks it before returning); it keeps that digest, and a report built
on it pins the same digest in its manifest as a report that pulled it itself. Frames are never
modified in place (polars operations return new frames), so a shared entry cannot be altered
by one report under another.

Bounded by entries and by the estimated bytes of its frames, least recently used out first;
thread-safe, and one pull per key at a time: a second report asking for an export being pulled
waits for it rather than pulling it again (if the first pull fails, the next asker pulls).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

import polars as pl

DEFAULT_MAX_BYTES = 4_000_000_000
DEFAULT_MAX_ENTRIES = 512


@dataclass(frozen=True, slots=True)
class _Entry:
    value: Any
    sha256: str
    size: int


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


class ExportCache:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._pulls: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.pulls = 0

    def get(self, key: Hashable, pull: Callable[[], tuple[Any, str]]) -> Any:
        """The value cached under ``key``, else ``pull()``'s (value, verified content_sha256),
        kept."""
        with self._lock:
            found = self._hit(key)
            if found is not None:
                return found.value
            pulling = self._pulls.setdefault(key, threading.Lock())
        with pulling:
            with self._lock:
                found = self._hit(key)
                if found is not None:
                    return found.value
            value, sha256 = pull()
            if not sha256:
                raise ValueError(f"an export without its content_sha256 is never cached ({key!r})")
            with self._lock:
                self.pulls += 1
                self._keep(key, _Entry(value, sha256, estimated_bytes(value)))
                self._pulls.pop(key, None)
            return value

    def sha256(self, key: Hashable) -> str | None:
        """The content_sha256 of the export cached under ``key``, if any."""
        with self._lock:
            entry = self._entries.get(key)
            return entry.sha256 if entry else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _hit(self, key: Hashable) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            self.hits += 1
        return entry

    def _keep(self, key: Hashable, entry: _Entry) -> None:
        if entry.size > self.max_bytes:
            return  # larger than the whole cache: served, not kept
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.size
        self._entries[key] = entry
        self._bytes += entry.size
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= evicted.size
