"""Exceptions of the reporting service.

ReportingError (QuitusError)
 ├── UnknownScenario    no such scenario, or no such version of it          -> NOT_FOUND
 ├── UnknownReport      no stored run with this id                          -> NOT_FOUND
 ├── SourceUnavailable  a data service did not answer or was busy           -> UNAVAILABLE
 ├── SourceFailed       a data service refused or sent an incomplete export -> FAILED_PRECONDITION
 └── NotBuilt           a report kind not built yet                         -> FAILED_PRECONDITION

Bad input is the runtime's InvalidArgument (raised by the domain's checks), which names the field.
"""

from services.runtime.errors import FailedPrecondition, NotFound, QuitusError, Unavailable


class ReportingError(QuitusError):
    """Base of every reporting-service error."""


class UnknownScenario(ReportingError, NotFound):
    pass


class UnknownReport(ReportingError, NotFound):
    pass


class SourceUnavailable(ReportingError, Unavailable):
    pass


class SourceFailed(ReportingError, FailedPrecondition):
    pass


class NotBuilt(ReportingError, FailedPrecondition):
    pass
