"""A bad argument to any `quitus` command is a usage error: exit code 2, a message naming the
option, never a traceback, and no call made (the address given is unreachable anyway). A
command added without a case here makes test_every_command_has_a_case fail."""

import pytest
import typer.main
from typer.testing import CliRunner

from services.cli import app

NOWHERE = ["--address", "localhost:1"]

CASES = {
    "serve": (["serve", "billing"], "SERVICE"),
    "demo": (["demo", "--dwellings", "5"], "--dwellings"),
    "setup": (["setup", "--service-token-file", "/"], "--service-token-file"),
    "tokens issue": (["tokens", "issue", "--role", "auditor", "--expires", "3y"], "--expires"),
    "tokens revoke": (["tokens", "revoke", "hunter2"], "TOKEN"),
    "interventions search": (["interventions", "search", "--from", "yesterday", *NOWHERE], "--from"),
    "interventions get": (["interventions", "get", "T-1", "--address", "localhost"], "--address"),
    "interventions quality": (["interventions", "quality", "--address", "nowhere:port"], "--address"),
    "interventions rejections": (["interventions", "rejections", "--limit", "-5", *NOWHERE], "--limit"),
    "factors list": (["factors", "list", "--address", ":50053"], "--address"),
    "factors show": (["factors", "show", "ademe_base_carbone", "--address", "localhost:70000"], "--address"),
    "factors diff": (["factors", "diff", "a@1", "b@1", "--address", "localhost:0"], "--address"),
    "factors publish": (["factors", "publish", "/no/such/folder", *NOWHERE], "DIRECTORY"),
    "factors resolve": (["factors", "resolve", "ademe_base_carbone", "--date", "31/12/2025", *NOWHERE], "--date"),
    "consumption consumption": (
        ["consumption", "consumption", "2025-01-01", "2025-02-01", "--granularity", "week", *NOWHERE],
        "--granularity",
    ),
    "consumption anomalies": (["consumption", "anomalies", "--address", "localhost:-1"], "--address"),
    "report scenario declare": (
        [
            "report",
            "scenario",
            "declare",
            "--name",
            "ref",
            "--from",
            "2023-01-01",
            "--to",
            "2024-01-01",
            "--vehicle-factor",
            "k",
            "--trade",
            "plumbing",
            *NOWHERE,
        ],
        "--trade",
    ),
    "report scenario list": (["report", "scenario", "list", "--address", "localhost"], "--address"),
    "report csr": (
        ["report", "csr", "--period", "2025-13", "--as-of", "2026-01-15", "--scenario", "s", *NOWHERE],
        "--period",
    ),
    "report verify": (["report", "verify", "csr-2025-x", "--as-of", "yesterday", *NOWHERE], "--as-of"),
    "report pack": (["report", "pack", "csr-2025-x", "-o", "out.zip", "--address", "nowhere"], "--address"),
    "report download": (["report", "download", "csr-2025-x", "-o", "r.pdf", "--address", "::"], "--address"),
    "report list": (["report", "list", "--address", "localhost:0x"], "--address"),
    "report scorecard": (["report", "scorecard", "--period", "2025-Q5", "--as-of", "2026-01-15", *NOWHERE], "--period"),
    "report charges": (["report", "charges", "--year", "2025", "--as-of", "2026-01-15", *NOWHERE], "--residence"),
    "consumption rejections": (["consumption", "rejections", "--address", "localhost:http"], "--address"),
    "relay": (["relay", "--amqp-url", "http://guest:hunter2@rabbit/"], "--amqp-url"),
    "runs list": (["runs", "list", "--limit", "0"], "--limit"),
    "runs show": (["runs", "show", "2025-13"], "RUN"),
    "alerts list": (["alerts", "list", "--state", "sent"], "--state"),
}


def _commands(command, path=()):
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield " ".join(path)


def test_every_command_has_a_case():
    assert sorted(_commands(typer.main.get_command(app))) == sorted(CASES)


@pytest.mark.parametrize("command", sorted(CASES))
def test_a_bad_argument_is_a_usage_error(command, tmp_path, monkeypatch):
    monkeypatch.setenv("QUITUS_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("COLUMNS", "240")  # one line per message in the error panel
    args, option = CASES[command]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert option.lower() in result.output.lower()
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
