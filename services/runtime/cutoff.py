"""Cut-offs: the instant an export is computed as known at.

A record's recorded_at is taken when its batch starts; the batch commits a little later. A
cut-off at least SETTLED old sees every record recorded before it, so the same request with the
same as_of gives the same figures later.
"""

from datetime import datetime, timedelta

from services.runtime.errors import InvalidArgument

SETTLED = timedelta(minutes=1)  # the default of the cutoff_settle_s setting


def require_settled(as_of: datetime, now: datetime, what: str = "records", settle: timedelta = SETTLED) -> datetime:
    """``as_of`` itself, or InvalidArgument (field ``as_of``) if it is not at least ``settle`` old."""
    if as_of > now - settle:
        raise InvalidArgument(
            f"as_of must be at least {settle.total_seconds():g} s in the past: {what} recorded just "
            "before it may still be committing, and would change this export",
            field="as_of",
        )
    return as_of
