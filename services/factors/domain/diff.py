"""Differences between two versions of a factor set (or two sets): factors added, removed,
and changed field by field with old and new values. A factor is identified by its key and
the start of its validity."""

from dataclasses import dataclass, field, replace

import polars as pl

from services.factors.domain.schema import FACTOR_COLUMNS, FactorSet

IDENTITY = ["key", "valid_from"]
# A Diff reply carries at most this many bytes of texts (factors added or removed, changes),
# each entry counted with a fixed overhead: it stays well under a client's 4 MB. What does not
# fit is counted, not sent (``truncated``); GetSet of each version gives the whole of both.
DIFF_MAX_BYTES = 2_000_000
ENTRY_OVERHEAD = 100
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
    # How many factors were added or removed, how many field changes there are, in all (the
    # lists may hold fewer when ``truncated``).
    added_count: int = -1
    removed_count: int = -1
    changed_count: int = -1
    truncated: bool = False

    def __post_init__(self) -> None:
        for name, items in (("added", self.added), ("removed", self.removed), ("changed", self.changed)):
            if getattr(self, f"{name}_count") < 0:
                object.__setattr__(self, f"{name}_count", len(items))

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


def _factor_sizes(factors: pl.DataFrame) -> pl.Series:
    texts = [pl.col(c).cast(pl.String).str.len_bytes().fill_null(0) for c in factors.columns]
    return factors.select((pl.sum_horizontal(texts) + ENTRY_OVERHEAD).alias("size")).to_series()


def bounded(d: SetDiff, budget: int = DIFF_MAX_BYTES) -> SetDiff:
    """``d`` with its lists cut (added, then removed, then changed) so that their texts fit
    ``budget`` bytes; the counts keep the totals and ``truncated`` says whether anything was cut."""
    left = budget
    kept = {}
    for name in ("added", "removed"):
        frame: pl.DataFrame = getattr(d, name)
        fits = int((_factor_sizes(frame).cum_sum() <= left).sum()) if frame.height else 0
        kept[name] = frame.head(fits)
        left -= int(_factor_sizes(kept[name]).sum()) if fits else 0
    changes = []
    for change in d.changed:
        size = ENTRY_OVERHEAD + sum(len(t.encode("utf-8")) for t in (change.key, change.old, change.new))
        if size > left:
            break
        changes.append(change)
        left -= size
    truncated = kept["added"].height < d.added.height or kept["removed"].height < d.removed.height
    truncated = truncated or len(changes) < len(d.changed)
    if not truncated:
        return d
    return replace(
        d,
        added=kept["added"],
        removed=kept["removed"],
        changed=changes,
        added_count=d.added_count,
        removed_count=d.removed_count,
        changed_count=d.changed_count,
        truncated=True,
    )
