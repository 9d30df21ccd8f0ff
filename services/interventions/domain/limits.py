"""How many rows a reading asks for: 0 means the call's default, a negative count is refused."""

from services.interventions.errors import InvalidRequest


def limit_or_default(requested: int, default: int, field: str) -> int:
    if requested < 0:
        raise InvalidRequest(f"{field} must be >= 0, got {requested}", field=field)
    return requested or default
