"""Tokens are stored hashed, resolve to their principal, and stop working once revoked."""

import pytest
from sqlalchemy import select

from services.runtime.db import make_engine
from services.runtime.migrate import upgrade
from services.runtime.principal import Principal, Role
from services.runtime.tokens import TokenStore, auth_tokens, hash_token


@pytest.fixture
def store(database):
    url, prefix = database
    engine = make_engine(url, prefix + "auth")
    upgrade(engine, "services.runtime")
    upgrade(engine, "services.runtime")  # migrating twice is harmless
    yield TokenStore(engine, cache_s=0)
    engine.dispose()


def test_issue_lookup_revoke(store):
    token = store.issue("contractor:C7", label="their ERP")
    assert store.lookup(token) == Principal(Role.CONTRACTOR, "C7", "their ERP")
    with store.engine.connect() as conn:
        stored = conn.execute(select(auth_tokens.c.token_hash)).scalars().all()
    assert stored == [hash_token(token)] and token not in stored[0]
    assert store.revoke(token) and store.lookup(token) is None
    assert not store.revoke(token)


def test_unknown_token_is_none(store):
    assert store.lookup("qt_nothing") is None


@pytest.mark.parametrize("role", ["root", "contractor", "auditor:C1"])
def test_bad_roles_are_refused_before_anything_is_stored(store, role):
    with pytest.raises(ValueError):
        store.issue(role)
    with store.engine.connect() as conn:
        assert conn.execute(select(auth_tokens)).all() == []


def test_the_lookup_cache_stays_bounded_under_random_tokens(store, monkeypatch):
    from services.runtime import tokens

    monkeypatch.setattr(tokens, "CACHE_ENTRIES", 3)
    store.cache_s = 60
    good = store.issue("auditor")
    assert store.lookup(good) == Principal(Role.AUDITOR)
    for n in range(10):
        assert store.lookup(f"qt_random{n}") is None
    assert len(store._cache) == 3
    assert hash_token(good) not in store._cache  # the oldest went first; a lookup still finds it
    assert store.lookup(good) == Principal(Role.AUDITOR)


def test_an_expired_token_is_refused(store):
    from datetime import timedelta

    lasting = store.issue("auditor", expires_in=timedelta(days=90))
    assert store.lookup(lasting) == Principal(Role.AUDITOR)
    brief = store.issue("auditor", expires_in=timedelta(microseconds=1))
    assert store.lookup(brief) is None
    with pytest.raises(ValueError):
        store.issue("auditor", expires_in=timedelta(0))


def test_a_revocation_elsewhere_takes_effect_within_a_second(database):
    """Two replicas, each with its own cache at the default revalidation delay: a token revoked
    through one is refused by the other once that delay has passed."""
    import time

    from services.runtime.tokens import REVALIDATE_S

    url, prefix = database
    engine = make_engine(url, prefix + "auth")
    upgrade(engine, "services.runtime")
    one, other = TokenStore(engine), TokenStore(engine)
    assert other.cache_s == REVALIDATE_S <= 1.0
    token = one.issue("service")
    assert other.lookup(token) == Principal(Role.SERVICE)
    assert one.revoke(token)
    time.sleep(REVALIDATE_S + 0.05)
    assert other.lookup(token) is None
    engine.dispose()


@pytest.mark.parametrize(("text", "days"), [("90d", 90), ("12h", 0.5), ("30m", 30 / 1440)])
def test_expiry_durations(text, days):
    from datetime import timedelta

    from services.cli import parse_duration

    assert parse_duration(text) == timedelta(days=days)
