"""Bearer tokens, stored as SHA-256 hashes (a token is 32 random bytes, so a plain hash is
enough: there is nothing to brute-force). The clear token is shown once, at issue.

A token may expire (``expires_at``); a revoked or expired token stops working on every replica
within ``REVALIDATE_S`` (each replica re-reads a cached token after that long)."""

import hashlib
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Column, Engine, MetaData, String, Table, select, update

from services.runtime.db import UTCDateTime, make_engine
from services.runtime.migrate import upgrade
from services.runtime.principal import Principal

metadata = MetaData()

auth_tokens = Table(
    "auth_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("role", String(80), nullable=False),
    Column("label", String(200), nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("expires_at", UTCDateTime, nullable=True),
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Lookups cached at most: unknown tokens are cached too, so a caller spraying random tokens
# must not grow the cache without bound.
CACHE_ENTRIES = 10_000
# How long a replica trusts a lookup: the delay before a revocation made elsewhere takes effect.
REVALIDATE_S = 1.0


class TokenStore:
    """Issues, revokes and looks up tokens; lookups are cached briefly (revocation takes
    effect within ``cache_s`` seconds)."""

    def __init__(self, engine: Engine, cache_s: float = REVALIDATE_S) -> None:
        self.engine = engine
        self.cache_s = cache_s
        # token hash -> (monotonic time the entry is good until, principal or None, expiry or None)
        self._cache: dict[str, tuple[float, Principal | None, datetime | None]] = {}
        self._lock = threading.Lock()

    def issue(self, role_text: str, label: str = "", expires_in: timedelta | None = None) -> str:
        """A new token for ``role_text``; with ``expires_in``, refused once that long has passed."""
        Principal.parse(role_text)  # validates before anything is stored
        if expires_in is not None and expires_in <= timedelta(0):
            raise ValueError(f"expiry must be in the future, got {expires_in}")
        token = "qt_" + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(
                auth_tokens.insert().values(
                    token_hash=hash_token(token),
                    role=role_text,
                    label=label,
                    created_at=now,
                    expires_at=None if expires_in is None else now + expires_in,
                )
            )
        return token

    def revoke(self, token: str) -> bool:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(auth_tokens)
                .where(auth_tokens.c.token_hash == hash_token(token), auth_tokens.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            ).rowcount
        with self._lock:
            self._cache.clear()
        return bool(done)

    def lookup(self, token: str) -> Principal | None:
        """The token's principal; None for a token unknown, revoked or expired."""
        key = hash_token(token)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit and hit[0] > now:
            return _unless_expired(hit[1], hit[2])
        with self.engine.connect() as conn:
            row = conn.execute(
                select(auth_tokens.c.role, auth_tokens.c.label, auth_tokens.c.expires_at).where(
                    auth_tokens.c.token_hash == key, auth_tokens.c.revoked_at.is_(None)
                )
            ).first()
        principal = _stored_principal(row.role, row.label) if row else None
        expires_at = row.expires_at if row else None
        with self._lock:
            self._cache.pop(key, None)
            while len(self._cache) >= CACHE_ENTRIES:
                self._cache.pop(next(iter(self._cache)))  # the oldest entry
            self._cache[key] = (now + self.cache_s, principal, expires_at)
        return _unless_expired(principal, expires_at)


def _stored_principal(role_text: str, label: str) -> Principal | None:
    """A stored role that no longer parses (edited by hand, or a role since removed) authenticates
    nobody: the caller gets UNAUTHENTICATED, not an internal error."""
    try:
        return Principal.parse(role_text, label)
    except ValueError:
        return None


def _unless_expired(principal: Principal | None, expires_at: datetime | None) -> Principal | None:
    if expires_at is not None and datetime.now(UTC) >= expires_at:
        return None
    return principal


def token_store_for(settings: Any, schema_prefix: str) -> TokenStore | None:
    """The token store a server checks callers against; None (authentication off) only when the
    settings say so, as the embedded default does."""
    if not settings.auth_enabled:
        return None
    engine = make_engine(settings.database_url, schema_prefix + "auth")
    upgrade(engine, "services.runtime")
    return TokenStore(engine)
