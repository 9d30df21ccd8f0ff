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

from services.runtime.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    QuitusError,
)


class FactorsError(QuitusError):
    """Base of every factors-service error."""


class InvalidFactorSet(FactorsError, InvalidArgument):
    """A factor set fails validation. ``problems`` holds one line per problem, each naming the
    set, the row and key, and the field."""

    def __init__(self, set_label: str, problems: list[str]) -> None:
        shown = "\n  ".join(problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"factor set {set_label} is invalid ({len(problems)} problems):\n  {shown}{more}")
        self.problems = problems


class InvalidActivity(FactorsError, InvalidArgument):
    """An activity line cannot be resolved as written (missing or malformed field)."""


class UnknownFactor(FactorsError, NotFound):
    """No factor of the set matches one or more of the activities asked. ``missing`` lists
    one description per distinct activity not found."""

    def __init__(self, set_label: str, missing: list[str]) -> None:
        shown = "\n  ".join(missing[:50])
        more = f"\n  ... and {len(missing) - 50} more" if len(missing) > 50 else ""
        super().__init__(f"no factor in {set_label} for {len(missing)} activities asked:\n  {shown}{more}")
        self.missing = missing


class UnknownSet(FactorsError, NotFound):
    """The set, or the pinned version of it, is not published."""


class VersionConflict(FactorsError, AlreadyExists):
    """A version label is already published with a different content_sha256."""


class AmbiguousFactor(FactorsError, FailedPrecondition):
    """Two factors match one activity with the same precedence."""


class CorruptedSet(FactorsError):
    """A stored version no longer matches its content_sha256 (an internal error)."""
