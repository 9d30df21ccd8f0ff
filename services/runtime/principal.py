"""Who is calling: a principal with a role, available to servicers for the current call."""

from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum

from services.runtime.errors import Unauthenticated


class Role(StrEnum):
    ADMIN = "admin"
    SERVICE = "service"
    CSR_OFFICER = "csr_officer"
    AUDITOR = "auditor"
    CONTRACTOR = "contractor"


@dataclass(frozen=True)
class Principal:
    role: Role
    contractor_id: str | None = None
    label: str = ""

    @classmethod
    def parse(cls, role_text: str, label: str = "") -> "Principal":
        """``admin``, ``auditor``, ... or ``contractor:<id>``."""
        name, _, contractor = role_text.partition(":")
        try:
            role = Role(name)
        except ValueError:
            raise ValueError(f"unknown role {name!r}; one of {', '.join(r.value for r in Role)}") from None
        if (role is Role.CONTRACTOR) != bool(contractor):
            raise ValueError("a contractor role is written contractor:<contractor id>, and only it has an id")
        return cls(role, contractor or None, label)

    def __str__(self) -> str:
        return f"contractor:{self.contractor_id}" if self.role is Role.CONTRACTOR else self.role.value

    def may_see_contractor(self, contractor_id: str) -> bool:
        return self.role is not Role.CONTRACTOR or self.contractor_id == contractor_id


# The embedded default runs without tokens: every call acts as this principal.
EMBEDDED = Principal(Role.ADMIN, label="embedded (authentication off)")

# No default, and cleared after each call (server threads are reused): a call that did not pass
# the authentication interceptor has no principal, and is refused rather than run as anybody.
_current: ContextVar[Principal | None] = ContextVar("quitus_principal")


def current_principal() -> Principal:
    principal = _current.get(None)
    if principal is None:
        raise Unauthenticated("no authenticated caller for this call")
    return principal


def set_current_principal(principal: Principal | None) -> None:
    _current.set(principal)


ALL_ROLES = frozenset(Role)
READERS = ALL_ROLES
WRITERS = frozenset({Role.ADMIN, Role.SERVICE, Role.CONTRACTOR})
ADMINS = frozenset({Role.ADMIN})
STAFF_READERS = frozenset({Role.ADMIN, Role.SERVICE, Role.CSR_OFFICER, Role.AUDITOR})
