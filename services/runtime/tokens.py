"""Bearer tokens, stored as SHA-256 hashes (a token is 32 random bytes, so a plain hash is
enough: there is nothing to brute-force). The clear token is shown once, at issue."""

import hashlib
import secrets
import threading
import time
from datetime import UTC, datetime

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
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Lookups cached at most: unknown tokens are cached too, so a caller spraying random tokens
# must not grow the cache without bound.
CACHE_ENTRIES = 10_000


class TokenStore:
    """Issues, revokes and looks up tokens; lookups are cached briefly (revocation takes
    effect within ``cache_s`` seconds)."""

    def __init__(self, engine: Engine, cache_s: float = 30.0) -> None:
        self.engine = engine
        self.cache_s = cache_s
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._lock = threading.Lock()

    def issue(self, role_text: str, label: str = "") -> str:
        Principal.parse(role_text)  # validates before anything is stored
        token = "qt_" + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                auth_tokens.insert().values(
                    token_hash=hash_token(token), role=role_text, label=label, created_at=datetime.now(UTC)
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
        key = hash_token(token)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit and hit[0] > now:
            return hit[1]
        with self.engine.connect() as conn:
            row = conn.execute(
                select(auth_tokens.c.role, auth_tokens.c.label).where(
                    auth_tokens.c.token_hash == key, auth_tokens.c.revoked_at.is_(None)
                )
            ).first()
        principal = Principal.parse(row.role, row.label) if row else None
        with self._lock:
            self._cache.pop(key, None)
            while len(self._cache) >= CACHE_ENTRIES:
                self._cache.pop(next(iter(self._cache)))  # the oldest entry
            self._cache[key] = (now + self.cache_s, principal)
        return principal


def token_store_for(settings, schema_prefix: str) -> TokenStore | None:
    """The token store a server checks callers against; None (authentication off) only when the
    settings say so, as the embedded default does."""
    if not settings.auth_enabled:
        return None
    engine = make_engine(settings.database_url, schema_prefix + "auth")
    upgrade(engine, "services.runtime")
    return TokenStore(engine)
