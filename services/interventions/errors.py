"""Exceptions of the interventions service (see services.runtime.errors for the codes)."""

from services.runtime import errors


class InterventionsError(errors.QuitusError):
    """Base of every interventions-service error."""


class InterventionNotFound(InterventionsError, errors.NotFound):
    """No intervention has that id (or the caller may not see it)."""


class InvalidRequest(InterventionsError, errors.InvalidArgument):
    """A request field is malformed; names the field."""


class ForeignRecord(InterventionsError, errors.PermissionDenied):
    """A contractor asked for another contractor's records."""
