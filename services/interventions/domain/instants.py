"""Instants as integer microseconds since the Unix epoch (UTC) on the ingest path: cheap to
compare, to carry in polars columns and to COPY, unlike Python datetimes."""

from datetime import UTC, datetime, timedelta
from typing import overload

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


@overload
def to_us(value: datetime) -> int: ...
@overload
def to_us(value: None) -> None: ...
@overload
def to_us(value: datetime | None) -> int | None: ...
def to_us(value: datetime | None) -> int | None:
    return None if value is None else (value - EPOCH) // _US
