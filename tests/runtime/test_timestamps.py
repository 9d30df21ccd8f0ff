"""Instants and periods between protobuf and Python (services/runtime/timestamps.py)."""

from datetime import UTC, datetime

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from services.api.quitus.common.v1.common_pb2 import Period
from services.runtime.errors import InvalidArgument
from services.runtime.timestamps import from_period, from_timestamp, require_period, to_period, to_timestamp


def test_unset_reads_as_none_and_values_round_trip():
    assert from_timestamp(Timestamp()) is None
    instant = datetime(2025, 3, 1, 6, 30, 0, 123456, tzinfo=UTC)
    assert from_timestamp(to_timestamp(instant)) == instant
    assert to_timestamp(None) == Timestamp()
    # a naive datetime is taken as UTC
    assert from_timestamp(to_timestamp(datetime(2025, 1, 1))) == datetime(2025, 1, 1, tzinfo=UTC)


def test_an_instant_beyond_year_9999_is_a_field_error_not_a_crash():
    with pytest.raises(InvalidArgument) as refused:
        from_timestamp(Timestamp(seconds=2**62), "read_at")
    assert refused.value.field == "read_at"


def test_periods_are_ordered_and_bounds_may_be_open():
    jan, feb = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC)
    assert from_period(to_period(jan, feb)) == (jan, feb)
    assert from_period(to_period(jan, None)) == (jan, None)
    with pytest.raises(InvalidArgument) as reversed_:
        from_period(to_period(feb, jan), "requested")
    assert reversed_.value.field == "requested.end"
    with pytest.raises(InvalidArgument) as empty:
        from_period(to_period(jan, jan))
    assert empty.value.field == "period.end"
    with pytest.raises(InvalidArgument) as open_end:
        require_period(Period(start=to_timestamp(jan)))
    assert open_end.value.field == "period.end"
