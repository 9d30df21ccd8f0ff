"""Use cases of the factors service, between the servicer (protobuf) and the store (SQL)."""

import polars as pl

from services.factors.domain.conversions import parse_conversions
from services.factors.domain.diff import SetDiff, diff_sets
from services.factors.domain.loading import load_units, read_text_csv
from services.factors.domain.resolution import resolve_partial
from services.factors.domain.schema import FactorSet
from services.factors.domain.validation import build_set
from services.factors.errors import UnknownFactor
from services.factors.paths import FACTORS_DIR
from services.factors.store import FactorStore, StoredVersion
from services.runtime.principal import Principal


class FactorsService:
    def __init__(self, store: FactorStore, units: set[str], conversions: pl.DataFrame) -> None:
        self.store = store
        self.units = units
        self.conversions = conversions

    @classmethod
    def from_data_dir(cls, store: FactorStore, factors_dir=FACTORS_DIR) -> "FactorsService":
        """Units and conversions from ``factors/units.csv`` and ``factors/conversions.csv``."""
        units = load_units(factors_dir / "units.csv")
        return cls(store, units, parse_conversions(read_text_csv(factors_dir / "conversions.csv"), units))

    def publish(self, metadata: dict, raw: pl.DataFrame, principal: Principal) -> tuple[StoredVersion, bool]:
        return self.publish_set(build_set(metadata, raw, self.units), principal)

    def publish_set(self, factor_set: FactorSet, principal: Principal) -> tuple[StoredVersion, bool]:
        by = f"{principal} ({principal.label})" if principal.label else str(principal)
        return self.store.publish(factor_set, by)

    def get(self, name: str, version: str = "") -> tuple[StoredVersion, FactorSet]:
        stored = self.store.find(name, version)
        return stored, self.store.load(stored)

    def resolve(
        self, name: str, version: str, activities: pl.DataFrame, partial: bool = False
    ) -> tuple[StoredVersion, pl.DataFrame, list[str]]:
        """(version used, one row per line, descriptions of the activities not found). Without
        ``partial`` a line without a factor raises UnknownFactor naming every one."""
        stored, factor_set = self.get(name, version)
        resolved, missing = resolve_partial(factor_set, self.conversions, activities)
        if missing and not partial:
            raise UnknownFactor(f"'{factor_set.label}'", missing)
        return stored, resolved, missing

    def diff(
        self, old_name: str, old_version: str, new_name: str, new_version: str
    ) -> tuple[StoredVersion, StoredVersion, SetDiff]:
        old_stored, old = self.get(old_name, old_version)
        new_stored, new = self.get(new_name or old_name, new_version)
        return old_stored, new_stored, diff_sets(old, new)
