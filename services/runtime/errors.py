"""Exceptions shared by every service.

QuitusError
 ├── InvalidArgument     bad input; names the field and the reason   -> INVALID_ARGUMENT
 ├── NotFound            a record asked for does not exist            -> NOT_FOUND
 ├── AlreadyExists       a conflicting record is already stored      -> ALREADY_EXISTS
 ├── FailedPrecondition  the request is valid but the state forbids it -> FAILED_PRECONDITION
 ├── PermissionDenied    the caller's role does not allow it          -> PERMISSION_DENIED
 ├── Unauthenticated     no or unknown token                          -> UNAUTHENTICATED
 ├── ResourceExhausted   the caller holds too much of the server      -> RESOURCE_EXHAUSTED
 └── Unavailable         a service this call needs did not answer     -> UNAVAILABLE

Each service derives its own base (e.g. ``InterventionsError``) and combines it with one of
these, so the gRPC status comes from one table in ``interceptors.py``.
"""


class QuitusError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidArgument(QuitusError):
    pass


class NotFound(QuitusError):
    pass


class AlreadyExists(QuitusError):
    pass


class FailedPrecondition(QuitusError):
    pass


class PermissionDenied(QuitusError):
    pass


class Unauthenticated(QuitusError):
    pass


class ResourceExhausted(QuitusError):
    pass


class Unavailable(QuitusError):
    pass
