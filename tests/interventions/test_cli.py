"""The `quitus interventions` commands against a running server (auth on, token by env)."""

import json

import pytest
from typer.testing import CliRunner

from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.cli import app
from services.interventions.server import build
from tests.conftest import bearer, running_server
from tests.interventions.portfolio_fixture import portfolio_batches
from tests.interventions.test_grpc import lifecycle, send


def test_search_get_quality_rejections(tmp_path):
    with running_server(build, (f"sqlite:///{tmp_path / 'q.db'}", "")) as (channel, tokens):
        stub = pb_grpc.InterventionsServiceStub(channel)
        admin = bearer(tokens.issue("admin"))
        stub.ImportPortfolio(iter(portfolio_batches()), metadata=admin)
        send(stub, admin, lifecycle("T-1") + [lifecycle("T-2", ug="U404")[0]])
        address = channel._channel.target().decode()
        runner = CliRunner()
        env = {"QUITUS_TOKEN": tokens.issue("auditor")}

        found = runner.invoke(
            app, ["interventions", "search", "--text", "lille", "--json", "--address", address], env=env
        )
        assert found.exit_code == 0, found.output
        assert [json.loads(line)["id"] for line in found.output.splitlines()] == ["C1/T-1"]

        # T-1 was requested on 2026-03-02 (portfolio_fixture.T0)
        for period, expected in (
            (["--from", "2026-03-01", "--to", "2026-03-03"], ["C1/T-1"]),
            (["--from", "2026-03-03"], []),
        ):
            found = runner.invoke(app, ["interventions", "search", *period, "--json", "--address", address], env=env)
            assert found.exit_code == 0, found.output
            assert [json.loads(line)["id"] for line in found.output.splitlines()] == expected

        got = runner.invoke(app, ["interventions", "get", "C1/T-1", "--address", address], env=env)
        assert got.exit_code == 0 and json.loads(got.output)["status"] == "STATUS_CLOSED"

        quality = runner.invoke(app, ["interventions", "quality", "--address", address], env=env)
        assert quality.exit_code == 0 and "C1" in quality.output and "85.7%" in quality.output  # 6 passing of 7

        rejections = runner.invoke(app, ["interventions", "rejections", "--address", address], env=env)
        assert rejections.exit_code == 0 and "unknown_unit" in rejections.output

        denied = runner.invoke(app, ["interventions", "search", "--address", address], env={"QUITUS_TOKEN": "qt_no"})
        assert denied.exit_code == 1 and "UNAUTHENTICATED: unknown, revoked or expired token" in denied.output


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["search", "--from", "yesterday"], "--from"),
        (["search", "--to", "2026-13-01"], "--to"),
        (["search", "--from", "2026-03-02", "--to", "2026-03-01"], "--to"),
        (["search", "--status", "finished"], "--status"),
        (["search", "--limit", "-1"], "--limit"),
        (["rejections", "--limit", "-5"], "--limit"),
    ],
)
def test_a_bad_argument_is_a_usage_error_naming_its_option(args, option):
    """No server needed: the argument is refused before any call (exit code 2, no traceback)."""
    result = CliRunner().invoke(app, ["interventions", *args, "--address", "localhost:1"])
    assert result.exit_code == 2, result.output
    assert option in result.output and "Traceback" not in result.output


def test_the_address_comes_from_its_environment_variable():
    """QUITUS_INTERVENTIONS_ADDRESS, as for every service; a status is matched whatever its case."""
    result = CliRunner().invoke(
        app, ["interventions", "search", "--status", "closed"], env={"QUITUS_INTERVENTIONS_ADDRESS": "localhost:1"}
    )
    assert result.exit_code == 1 and "UNAVAILABLE" in result.output
