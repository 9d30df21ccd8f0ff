"""How many rows a reading asks for: 0 means the call's default, a negative count is refused."""

from services.interventions.errors import InvalidRequest


def limit_or_default(requested: int, default: int, field: str) -> int:
    if requested < 0:
        raise InvalidRequest(f"{field} must be >= 0, got {requested}", field=field)
    return requested or default


# Events per IngestEvents batch: more is refused whole, before any work.
MAX_BATCH_EVENTS = 100_000
# Issues listed in one ack (rejections, warnings each); the others are counted.
MAX_ACK_ISSUES = 1000


def capped(requested: int, default: int, maximum: int, field: str) -> int:
    """``limit_or_default``, served as at most ``maximum``."""
    return min(limit_or_default(requested, default, field), maximum)
