"""Exceptions of the reporting service.

ReportingError (QuitusError)
 └── UnknownScenario   no such scenario, or no such version of it   -> NOT_FOUND

Bad input is the runtime's InvalidArgument (raised by the domain's checks), which names the field.
"""

from services.runtime.errors import NotFound, QuitusError


class ReportingError(QuitusError):
    """Base of every reporting-service error."""


class UnknownScenario(ReportingError, NotFound):
    pass
