"""Exceptions of the consumption service (the gRPC codes come from services.runtime.errors).

ConsumptionError
 ├── InvalidReadingRequest  a request field is malformed; names the field   -> INVALID_ARGUMENT
 ├── MeterNotFound          no meter has that reference                     -> NOT_FOUND
 ├── ConflictingRecord      a different record is already stored            -> ALREADY_EXISTS
 └── MissingConversion      a figure needs a coefficient nobody supplied    -> FAILED_PRECONDITION

Per-record problems inside an ingest batch are *not* exceptions: they are returned as
rejections (index, field, reason) and stored, and the rest of the batch is kept.
"""

from services.runtime import errors


class ConsumptionError(errors.QuitusError):
    """Base of every consumption-service error."""


class InvalidReadingRequest(ConsumptionError, errors.InvalidArgument):
    """A request field is malformed; names the field."""


class MeterNotFound(ConsumptionError, errors.NotFound):
    """No meter has that reference."""


class ConflictingRecord(ConsumptionError, errors.AlreadyExists):
    """A record with the same identity but different content is already stored."""


class MissingConversion(ConsumptionError, errors.FailedPrecondition):
    """A conversion coefficient (with its source) is needed but was not supplied."""
