"""Exceptions of the factors service.

FactorsError (QuitusError)
 ├── InvalidFactorSet   a set fails validation; lists every problem  -> INVALID_ARGUMENT
 ├── InvalidActivity    an activity to resolve is malformed          -> INVALID_ARGUMENT
 ├── UnknownFactor      no factor matches one or more activities     -> NOT_FOUND
 ├── UnknownSet         no such set, or no such version of it        -> NOT_FOUND
 ├── VersionConflict    a version label already holds other content  -> ALREADY_EXISTS
 ├── AmbiguousFactor    two factors match one activity equally well  -> FAILED_PRECONDITION
 └── CorruptedSet       stored factors no longer match their hash    -> INTERNAL

The gRPC status comes from the runtime's single table (services/runtime/interceptors.py).
"""

from collections.abc import Sequence

from services.runtime.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    QuitusError,
)


class FactorsError(QuitusError):
    """Base of every factors-service error."""


# How many problems (or activities not found) an error message shows, and how long each line
# may be: a status message travels in the call's trailing metadata (8 KB by default), so it
# stays short whatever was sent. The exception keeps every problem for local callers.
SHOWN = 3
LINE_CHARS = 250


def _lines(items: list[str]) -> str:
    shown = "\n  ".join(i if len(i) <= LINE_CHARS else i[: LINE_CHARS - 1] + "…" for i in items[:SHOWN])
    more = f"\n  ... and {len(items) - SHOWN:,} more" if len(items) > SHOWN else ""
    return shown + more


class InvalidFactorSet(FactorsError, InvalidArgument):
    """A factor set fails validation. ``problems`` holds one line per problem, each naming the
    set, the row and key, and the field; ``fields`` the path of each in a PublishRequest
    (``metadata.name``, ``factors[3].unit``); the first is the error's ``field``."""

    def __init__(self, set_label: str, problems: Sequence[str | tuple[str, str]]) -> None:
        pairs = [("", p) if isinstance(p, str) else p for p in problems]
        self.fields = [f for f, _ in pairs]
        self.problems = [p for _, p in pairs]
        super().__init__(
            f"factor set {set_label} is invalid ({len(pairs):,} problems):\n  {_lines(self.problems)}",
            field=next((f for f in self.fields if f), None),
        )


class InvalidActivity(FactorsError, InvalidArgument):
    """An activity line cannot be resolved as written (missing or malformed field)."""


class UnknownFactor(FactorsError, NotFound):
    """No factor of the set matches one or more of the activities asked. ``missing`` lists
    one description per distinct activity not found."""

    def __init__(self, set_label: str, missing: list[str]) -> None:
        super().__init__(f"no factor in {set_label} for {len(missing):,} activities asked:\n  {_lines(missing)}")
        self.missing = missing


class UnknownSet(FactorsError, NotFound):
    """The set, or the pinned version of it, is not published."""


class VersionConflict(FactorsError, AlreadyExists):
    """A version label is already published with a different content_sha256."""


class AmbiguousFactor(FactorsError, FailedPrecondition):
    """Two factors match one activity with the same precedence."""


class CorruptedSet(FactorsError):
    """A stored version no longer matches its content_sha256 (an internal error)."""
