"""What publishing a set version means, whatever the store: same name, version and content
hash as a stored version = nothing to do; same name and version with another hash = a conflict
(nothing is edited in place: publish under a new version label); otherwise a new version."""

from enum import Enum

from services.factors.domain.schema import FactorSet
from services.factors.errors import VersionConflict


class Outcome(Enum):
    NEW = "new"
    UNCHANGED = "unchanged"


def decide(stored_hash_of_version: str | None, candidate: FactorSet) -> Outcome:
    """``stored_hash_of_version``: the content hash already stored under the candidate's name
    and version label, or None when that version is not published yet."""
    if stored_hash_of_version is None:
        return Outcome.NEW
    if stored_hash_of_version == candidate.content_hash:
        return Outcome.UNCHANGED
    raise VersionConflict(
        f"{candidate.label} is already published with content {stored_hash_of_version}; the new content "
        f"({candidate.content_hash}) must be published under a new version label",
        field="version",
    )
