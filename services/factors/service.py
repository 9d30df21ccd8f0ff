"""Use cases of the factors service, between the gRPC adapter and the store: publish, list, get,
resolve and diff set versions. No protobuf or grpc here; the content_sha256 rule is given at
construction (it is defined over the API's messages)."""

import polars as pl

from services.factors.domain.conversions import parse_conversions
from services.factors.domain.diff import SetDiff, bounded, diff_sets
from services.factors.domain.resolution import Unresolved, check_activities, resolve_partial, split_resolved
from services.factors.domain.schema import ContentDigest, FactorSet, Metadata, PublishedVersion, parse_units
from services.factors.domain.validation import build_set, check_set_name, check_version_label
from services.factors.errors import CorruptedSet, UnknownFactor
from services.factors.store import FactorStore
from services.runtime.paging import Page, next_token
from services.runtime.principal import Principal

# ListSets: versions per page (a version's metadata holds at most 32,000 bytes of text).
MAX_VERSIONS_PAGE = 50


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

    def versions(self, name: str = "", page: Page | None = None) -> tuple[list[PublishedVersion], str]:
        """One page of versions, oldest first, and the token of the next page ("" when last)."""
        check_set_name(name, "name", required=False)
        page = page or Page(MAX_VERSIONS_PAGE, None)
        size = min(page.size, MAX_VERSIONS_PAGE)
        rows = self.store.versions(name, after=page.after_int(), limit=size + 1)
        found, token = next_token([{"sequence": v.sequence, "version": v} for v in rows], size, "sequence")
        return [r["version"] for r in found], token

    def get(
        self, name: str, version: str = "", *, name_field: str = "name", version_field: str = "version"
    ) -> tuple[PublishedVersion, FactorSet]:
        """The pinned (or latest) version with its factors, checked against its content_sha256."""
        check_set_name(name, name_field)
        check_version_label(version, version_field)
        stored = self.store.find(name, version, name_field=name_field, version_field=version_field)
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
        self, name: str, version: str, activities: pl.DataFrame, partial: bool = False, *, fallback: bool = False
    ) -> tuple[PublishedVersion, pl.DataFrame, list[Unresolved]]:
        """(version used, the lines resolved, the lines not resolved with their reason). Without
        ``partial`` a line without a factor raises UnknownFactor naming every one. With
        ``fallback`` a day without a valid factor takes the latest expired one, flagged (the rule
        is in services.factors.domain.resolution)."""
        check_activities(activities)
        stored, factor_set = self.get(name, version, name_field="set_name")
        resolved, missing = resolve_partial(factor_set, self.conversions, activities, fallback=fallback)
        if missing and not partial:
            raise UnknownFactor(f"'{factor_set.label}'", missing)
        found, unresolved = split_resolved(resolved, factor_set.label)
        return stored, found, unresolved

    def diff(
        self, old_name: str, old_version: str, new_name: str, new_version: str
    ) -> tuple[PublishedVersion, PublishedVersion, SetDiff]:
        old_stored, old = self.get(old_name, old_version, name_field="old_name", version_field="old_version")
        check_set_name(new_name, "new_name", required=False)
        new_stored, new = self.get(
            new_name or old_name,
            new_version,
            name_field="new_name" if new_name else "old_name",
            version_field="new_version",
        )
        return old_stored, new_stored, bounded(diff_sets(old, new))
