"""Instants and periods between protobuf and Python, the one way every service converts them.

An unset ``google.protobuf.Timestamp`` (0 s, 0 ns) means "not given" and reads as ``None``.
Instants are timezone-aware UTC datetimes on the Python side, microsecond precision.
"""

from datetime import UTC, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp

from services.api.quitus.common.v1 import common_pb2
from services.runtime.errors import InvalidArgument

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Python's datetime spans years 1 to 9999; a Timestamp outside it cannot be a real instant here.
_FIRST = datetime(1, 1, 1, tzinfo=UTC)
_LAST = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def from_timestamp(ts: Timestamp, field: str = "") -> datetime | None:
    """The instant of ``ts``, or None when it is unset. ``field`` names it in the error raised
    when the instant lies outside the years 1 to 9999."""
    if not ts.seconds and not ts.nanos:
        return None
    try:
        return EPOCH + timedelta(seconds=ts.seconds, microseconds=ts.nanos // 1000)
    except OverflowError:
        raise InvalidArgument(f"instant of {ts.seconds} s since 1970 is out of range", field=field or None) from None


def set_timestamp(ts: Timestamp, value: datetime | None) -> None:
    """Write ``value`` into ``ts`` (left unset for None); a naive datetime is taken as UTC."""
    if value is not None:
        ts.FromDatetime(value if value.tzinfo else value.replace(tzinfo=UTC))


def to_timestamp(value: datetime | None) -> Timestamp:
    ts = Timestamp()
    set_timestamp(ts, value)
    return ts


def from_period(p: common_pb2.Period, field: str = "period") -> tuple[datetime | None, datetime | None]:
    """``[start, end)``, each None when not given; a period whose end is not after its start is refused."""
    start = from_timestamp(p.start, f"{field}.start")
    end = from_timestamp(p.end, f"{field}.end")
    if start is not None and end is not None and end <= start:
        raise InvalidArgument(f"end {end.isoformat()} is not after start {start.isoformat()}", field=f"{field}.end")
    return start, end


def require_period(p: common_pb2.Period, field: str = "period") -> tuple[datetime, datetime]:
    """A period with both bounds given."""
    start, end = from_period(p, field)
    if start is None:
        raise InvalidArgument("start is required", field=f"{field}.start")
    if end is None:
        raise InvalidArgument("end is required", field=f"{field}.end")
    return start, end


def to_period(start: datetime | None, end: datetime | None) -> common_pb2.Period:
    return common_pb2.Period(start=to_timestamp(start), end=to_timestamp(end))
