"""What publishing a set version means, whatever the store: same name, version and content
content_sha256 as a stored version = nothing to do; same name and version with another content_sha256 = a conflict
(nothing is edited in place: publish under a new version label); otherwise a new version."""

from enum import Enum

from services.factors.domain.schema import FactorSet
from services.factors.errors import VersionConflict


class Outcome(Enum):
    NEW = "new"
    UNCHANGED = "unchanged"


def decide(stored_sha256_of_version: str | None, candidate: FactorSet) -> Outcome:
    """``stored_sha256_of_version``: the content_sha256 already stored under the candidate's
    name and version label, or None when that version is not published yet."""
    if stored_sha256_of_version is None:
        return Outcome.NEW
    if stored_sha256_of_version == candidate.content_sha256:
        return Outcome.UNCHANGED
    raise VersionConflict(
        f"{candidate.label} is already published with content {stored_sha256_of_version}; the new content "
        f"({candidate.content_sha256}) must be published under a new version label",
        field="version",
    )
