"""`quitus consumption ...`: a bad argument is a usage error (exit 2) naming it, never a traceback."""

import pytest
from typer.testing import CliRunner

from services.consumption.cli import app

# an address where nothing listens: the arguments are refused before any call
NOWHERE = ["--address", "127.0.0.1:9"]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["consumption", "2024-01-01", "2024-02-01", "--granularity", "week"], "--granularity"),
        (["consumption", "not-a-date", "2024-02-01"], "START"),
        (["consumption", "2024-01-01", "2024-13-01"], "END"),
    ],
)
def test_a_bad_argument_is_a_usage_error(args, named):
    result = CliRunner().invoke(app, [*args, *NOWHERE])
    assert result.exit_code == 2, result.output
    assert named in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["consumption", "anomalies", "rejections"])
def test_every_command_takes_the_address_and_the_token(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "--address" in result.output and "--token" in result.output
