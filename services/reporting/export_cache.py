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
thread-safe, and one pull per key at a time (services.runtime.bounded_cache).
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from services.runtime.bounded_cache import BoundedCache, estimated_bytes

__all__ = ["ExportCache", "estimated_bytes"]

DEFAULT_MAX_BYTES = 4_000_000_000
DEFAULT_MAX_ENTRIES = 512


@dataclass(frozen=True, slots=True)
class _Entry:
    value: Any
    sha256: str


class ExportCache:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self._kept = BoundedCache(max_bytes, max_entries)

    def get(self, key: Hashable, pull: Callable[[], tuple[Any, str]]) -> Any:
        """The value cached under ``key``, else ``pull()``'s (value, verified content_sha256),
        kept."""

        def entry() -> _Entry:
            value, sha256 = pull()
            if not sha256:
                raise ValueError(f"an export without its content_sha256 is never cached ({key!r})")
            return _Entry(value, sha256)

        return self._kept.get(key, entry).value

    def sha256(self, key: Hashable) -> str | None:
        """The content_sha256 of the export cached under ``key``, if any."""
        found = self._kept.peek(key)
        return found.sha256 if found else None

    @property
    def hits(self) -> int:
        return self._kept.hits

    @property
    def pulls(self) -> int:
        return self._kept.loads

    def __len__(self) -> int:
        return len(self._kept)
