"""The settle window a cut-off must be older than: the default minute, or the cutoff_settle_s setting."""

from datetime import UTC, datetime, timedelta

import pytest

from services.runtime.cutoff import SETTLED, require_settled
from services.runtime.errors import InvalidArgument
from services.runtime.settings import Settings

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def test_the_default_window_is_a_minute():
    assert require_settled(NOW - timedelta(seconds=61), NOW) == NOW - timedelta(seconds=61)
    with pytest.raises(InvalidArgument) as refused:
        require_settled(NOW - timedelta(seconds=59), NOW, "events")
    assert refused.value.field == "as_of"
    assert "60 s" in refused.value.message and "events" in refused.value.message


def test_a_shorter_window_accepts_what_the_minute_refuses_and_says_its_length():
    five_s_old = NOW - timedelta(seconds=5)
    assert require_settled(five_s_old, NOW, settle=timedelta(seconds=2)) == five_s_old
    with pytest.raises(InvalidArgument) as refused:
        require_settled(five_s_old, NOW, settle=timedelta(seconds=10))
    assert "10 s" in refused.value.message


def test_the_setting_reads_the_environment_and_refuses_a_window_under_half_a_second(monkeypatch):
    assert Settings().cutoff_settle_s == SETTLED.total_seconds()
    monkeypatch.setenv("QUITUS_CUTOFF_SETTLE_S", "2.5")
    assert Settings().cutoff_settle_s == 2.5
    monkeypatch.setenv("QUITUS_CUTOFF_SETTLE_S", "0.1")
    with pytest.raises(ValueError, match="cutoff_settle_s"):
        Settings()
