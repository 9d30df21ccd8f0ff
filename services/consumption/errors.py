"""Exceptions of the consumption service (the gRPC codes come from services.runtime.errors).

ConsumptionError
 └── InvalidReadingRequest  a request field is malformed; names the field   -> INVALID_ARGUMENT

Per-record problems inside an ingest or import batch are *not* exceptions: they are returned as
rejections (index, field, reason), ingest ones are stored, and the rest of the batch is kept.
"""

from services.runtime import errors


class ConsumptionError(errors.QuitusError):
    """Base of every consumption-service error."""


class InvalidReadingRequest(ConsumptionError, errors.InvalidArgument):
    """A request field is malformed; names the field."""
