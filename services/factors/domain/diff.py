"""Differences between two versions of a factor set (or two sets): factors added, removed,
and changed field by field with old and new values. A factor is identified by its key and
the start of its validity."""

from dataclasses import dataclass, field

import polars as pl

from services.factors.domain.schema import FACTOR_COLUMNS, FactorSet

IDENTITY = ["key", "valid_from"]
COMPARED = [c for c in FACTOR_COLUMNS if c not in IDENTITY]


@dataclass(frozen=True)
class Change:
    key: str
    valid_from: str
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class SetDiff:
    old_sha256: str
    new_sha256: str
    added: pl.DataFrame
    removed: pl.DataFrame
    changed: list[Change] = field(default_factory=list)
    metadata_changed: list[Change] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return self.old_sha256 == self.new_sha256


def _text(value: object) -> str:
    return "" if value is None else str(value)


def diff_sets(old: FactorSet, new: FactorSet) -> SetDiff:
    a, b = old.factors, new.factors
    added = b.join(a.select(IDENTITY), on=IDENTITY, how="anti").sort(IDENTITY)
    removed = a.join(b.select(IDENTITY), on=IDENTITY, how="anti").sort(IDENTITY)
    both = a.join(b, on=IDENTITY, how="inner", suffix="_new").sort(IDENTITY)
    changed = []
    for column in COMPARED:
        differs = both.filter(pl.col(column).ne_missing(pl.col(f"{column}_new")))
        for row in differs.select(*IDENTITY, column, f"{column}_new").iter_rows():
            key, valid_from, old_value, new_value = row
            changed.append(Change(key, str(valid_from), column, _text(old_value), _text(new_value)))
    changed.sort(key=lambda c: (c.key, c.valid_from, COMPARED.index(c.field)))
    meta_fields = sorted(set(old.metadata) | set(new.metadata))
    metadata_changed = [
        Change("", "", f, _text(old.metadata.get(f)), _text(new.metadata.get(f)))
        for f in meta_fields
        if old.metadata.get(f) != new.metadata.get(f)
    ]
    return SetDiff(old.content_sha256, new.content_sha256, added, removed, changed, metadata_changed)
