"""Use cases of the factors service, between the gRPC adapter and the store: publish, list, get,
resolve and diff set versions. No protobuf or grpc here; the content_sha256 rule is given at
construction (it is defined over the API's messages)."""

import polars as pl

from services.factors.domain.conversions import parse_conversions
from services.factors.domain.diff import SetDiff, diff_sets
from services.factors.domain.resolution import Unresolved, resolve_partial, split_resolved
from services.factors.domain.schema import ContentDigest, FactorSet, Metadata, PublishedVersion, parse_units
from services.factors.domain.validation import build_set
from services.factors.errors import CorruptedSet, UnknownFactor
from services.factors.store import FactorStore
from services.runtime.principal import Principal


class FactorsService:
    def __init__(
        self, store: FactorStore, units: set[str], conversions: pl.DataFrame, content_sha256: ContentDigest
    ) -> None:
        self.store = store
        self.units = units
        self.conversions = conversions
        self.content_sha256 = content_sha256
        self._sets: dict[int, FactorSet] = {}  # immutable once published and checked: safe to keep

    @classmethod
    def from_tables(
        cls, store: FactorStore, units: pl.DataFrame, conversions: pl.DataFrame, content_sha256: ContentDigest
    ) -> "FactorsService":
        """From the units and conversions tables as read (text columns)."""
        known = parse_units(units)
        return cls(store, known, parse_conversions(conversions, known), content_sha256)

    def publish(self, metadata: Metadata, raw: pl.DataFrame, principal: Principal) -> tuple[PublishedVersion, bool]:
        """Validate and store; (the version, created): not created when the same content is there."""
        factor_set = build_set(metadata, raw, self.units, self.content_sha256)
        by = f"{principal} ({principal.label})" if principal.label else str(principal)
        return self.store.publish(factor_set, by)

    def versions(self, name: str = "") -> list[PublishedVersion]:
        return self.store.versions(name)

    def get(self, name: str, version: str = "") -> tuple[PublishedVersion, FactorSet]:
        """The pinned (or latest) version with its factors, checked against its content_sha256."""
        stored = self.store.find(name, version)
        cached = self._sets.get(stored.sequence)
        if cached is not None:
            return stored, cached
        factors = self.store.factors(stored)
        if self.content_sha256(stored.metadata, factors) != stored.content_sha256:
            raise CorruptedSet(f"{stored.label}: stored factors no longer match {stored.content_sha256}")
        factor_set = FactorSet(stored.metadata, factors, stored.content_sha256)
        self._sets[stored.sequence] = factor_set
        return stored, factor_set

    def resolve(
        self, name: str, version: str, activities: pl.DataFrame, partial: bool = False
    ) -> tuple[PublishedVersion, pl.DataFrame, list[Unresolved]]:
        """(version used, the lines resolved, the lines not resolved with their reason). Without
        ``partial`` a line without a factor raises UnknownFactor naming every one."""
        stored, factor_set = self.get(name, version)
        resolved, missing = resolve_partial(factor_set, self.conversions, activities)
        if missing and not partial:
            raise UnknownFactor(f"'{factor_set.label}'", missing)
        found, unresolved = split_resolved(resolved, factor_set.label)
        return stored, found, unresolved

    def diff(
        self, old_name: str, old_version: str, new_name: str, new_version: str
    ) -> tuple[PublishedVersion, PublishedVersion, SetDiff]:
        old_stored, old = self.get(old_name, old_version)
        new_stored, new = self.get(new_name or old_name, new_version)
        return old_stored, new_stored, diff_sets(old, new)
