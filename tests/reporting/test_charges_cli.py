"""``quitus report charges``: its perimeter is named one way only (--residence, --building or
--all); any other combination is a usage error (exit code 2, naming the options, no call made:
the addresses given are unreachable anyway). The --all run itself is in test_report_service.py."""

import pytest
from typer.testing import CliRunner

from services.cli import app

BASE = ["report", "charges", "--year", "2025", "--as-of", "2026-01-15", "--address", "localhost:1"]
NOWHERE = ["--interventions-address", "localhost:1"]


@pytest.mark.parametrize(
    "perimeter",
    [
        [],
        ["--residence", "R1", "--all"],
        ["--building", "B1", "--all"],
        ["--residence", "R1", "--building", "B1"],
        ["--residence", "R1", "--building", "B1", "--all"],
    ],
    ids=["none", "residence+all", "building+all", "residence+building", "all three"],
)
def test_the_perimeter_is_named_one_way(perimeter, monkeypatch):
    monkeypatch.setenv("COLUMNS", "240")
    result = CliRunner().invoke(app, [*BASE, *perimeter, *NOWHERE])
    assert result.exit_code == 2, result.output
    assert "--residence / --building / --all" in result.output
    assert "Traceback" not in result.output


def test_a_bad_interventions_address_is_a_usage_error(monkeypatch):
    monkeypatch.setenv("COLUMNS", "240")
    result = CliRunner().invoke(app, [*BASE, "--all", "--interventions-address", "nowhere"])
    assert result.exit_code == 2, result.output
    assert "--interventions-address" in result.output


def test_all_with_no_service_is_an_error_not_a_traceback(monkeypatch):
    """--all asks the interventions service for the residences first: unreachable, exit 1."""
    monkeypatch.setenv("COLUMNS", "240")
    result = CliRunner().invoke(app, [*BASE, "--all", *NOWHERE])
    assert result.exit_code == 1, result.output
    assert "UNAVAILABLE" in result.output
