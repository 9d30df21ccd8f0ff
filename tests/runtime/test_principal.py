"""Who is calling: nobody, unless the authentication interceptor said so for this call."""

import contextvars

import pytest

from services.runtime.errors import Unauthenticated
from services.runtime.principal import Principal, Role, current_principal, set_current_principal


def test_no_principal_is_refused_rather_than_defaulted():
    with pytest.raises(Unauthenticated):
        contextvars.Context().run(current_principal)


def test_a_cleared_principal_is_refused():
    def call():
        set_current_principal(Principal(Role.AUDITOR))
        assert current_principal().role is Role.AUDITOR
        set_current_principal(None)  # what the interceptor does when the call ends
        current_principal()

    with pytest.raises(Unauthenticated):
        contextvars.Context().run(call)
