"""``quitus factors ...`` against a real server (SQLite, authentication off)."""

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from services.factors.cli import app
from services.factors.server import build
from services.runtime.settings import Settings
from tests.factors.conftest import FACTORS_DIR, custom_metadata, custom_row

runner = CliRunner()


@pytest.fixture
def address(tmp_path):
    server, port = build(Settings(database_url=f"sqlite:///{tmp_path / 'q.db'}", auth_enabled=False), port=0)
    server.start()
    yield f"localhost:{port}"
    server.stop(0)


def cli(*args: str):
    return runner.invoke(app, [*args], env={"COLUMNS": "250"})


def write_set(folder, rows, **metadata):
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text(json.dumps(custom_metadata(**metadata)))
    pl.DataFrame(rows).write_csv(folder / "factors.csv")


def test_publish_list_show_resolve_diff(address, tmp_path):
    published = cli("publish", str(FACTORS_DIR), "--address", address)
    assert published.exit_code == 0, published.output
    assert published.output.count(": published") == 5
    again = cli("publish", str(FACTORS_DIR / "fr_dpe" / "2021"), "--address", address)
    assert "fr_dpe@2021: already published (no change)" in again.output

    listed = cli("list", "--address", address)
    assert "ademe_base_carbone" in listed.output and "uk_desnz_2026" in listed.output

    shown = cli("show", "fr_fedene_district_heating@2022", "--address", address)
    assert "fr_fedene.district_heating.national_avg.kwh" in shown.output and "UNCONFIRMED" in shown.output

    # 10,000 kWh PCS x 0.215 (ADEME ID 37133) = 2,150 kgCO2e.
    resolved = cli(
        "resolve",
        "ademe_base_carbone@23.6",
        "--carrier",
        "natural_gas",
        "--unit",
        "kWh PCS",
        "--date",
        "2024-06-01",
        "--quantity",
        "10000",
        "--json",
        "--address",
        address,
    )
    assert resolved.exit_code == 0, resolved.output
    line = json.loads(resolved.output.strip().splitlines()[-1])
    assert (line["factorKey"], line["kgco2e"]) == ("fr_bc.natural_gas.mix2022.total.kwh_pcs", 2150.0)

    missing = cli(
        "resolve",
        "ademe_base_carbone",
        "--carrier",
        "electricity",
        "--unit",
        "kWh",
        "--date",
        "2025-06-01",
        "--address",
        address,
    )
    assert missing.exit_code == 1 and "NOT_FOUND" in missing.output and "date=2025-06-01" in missing.output
    # The same year 2025 with --fallback: ADEME mix 2024 (ID 43642) 0.0519, flagged, its end named;
    # 1,000 kWh x 0.0519 = 51.9 kgCO2e.
    fallback_args = [
        "resolve",
        "ademe_base_carbone",
        "--carrier",
        "electricity",
        "--unit",
        "kWh",
        "--date",
        "2025-01-01",
        "--date-to",
        "2026-01-01",
        "--quantity",
        "1000",
        "--fallback",
        "--json",
        "--address",
        address,
    ]
    fallback = cli(*fallback_args)
    assert fallback.exit_code == 0, fallback.output
    line = json.loads(fallback.output.strip().splitlines()[-1])
    assert (line["factorKey"], line["kgco2e"], line["fallback"]) == ("fr_bc.electricity.mix2024.total.kwh", 51.9, True)
    assert "ended on 2025-01-01" in line["fallbackReason"]
    args = [a for a in fallback_args if a != "--json"]
    table = cli(*args)
    assert table.exit_code == 0 and "FALLBACK" in table.output and "ended on 2025-01-01" in table.output

    write_set(tmp_path / "a" / "2024", [custom_row()], version="2024")
    write_set(tmp_path / "a" / "2025", [custom_row(kgco2e_per_unit="0.12")], version="2025")
    assert cli("publish", str(tmp_path / "a"), "--address", address).exit_code == 0
    diffed = cli("diff", "bailleur_dh@2024", "bailleur_dh@2025", "--address", address)
    assert "~ dh.network_a [2023-01-01] kgco2e_per_unit: '0.1' -> '0.12'" in diffed.output


def test_publish_of_a_bad_set_names_row_key_and_field(address, tmp_path):
    write_set(tmp_path / "bad", [custom_row(kgco2e_per_unit="-3")])
    result = cli("publish", str(tmp_path / "bad"), "--address", address)
    assert result.exit_code == 2
    assert "row 1 (key 'dh.network_a'): kgco2e_per_unit: must be non-negative" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("resolve", "fr_dpe", "--carrier", "natural_gas", "--unit", "kWh", "--date", "01/06/2024"),
        ("resolve", "fr_dpe", "--carrier", "natural_gas", "--unit", "kWh"),
        ("resolve", "fr_dpe", "--file", "/nonexistent/activities.csv"),
        ("publish", "/nonexistent/folder"),
    ],
)
def test_bad_arguments_are_usage_errors(args):
    result = cli(*args, "--address", "localhost:1")
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # a usage message, not an exception escaping
    assert "Usage:" in result.output


def test_a_value_that_is_not_a_number_is_a_usage_error_naming_row_and_field(tmp_path):
    write_set(tmp_path / "bad", [custom_row(kgco2e_per_unit="n/a")])
    result = cli("publish", str(tmp_path / "bad"), "--address", "localhost:1")
    assert result.exit_code == 2
    assert "row 1 (key 'dh.network_a'): kgco2e_per_unit: not a number" in result.output


def test_the_address_comes_from_quitus_factors_address(address):
    result = runner.invoke(app, ["list"], env={"COLUMNS": "250", "QUITUS_FACTORS_ADDRESS": address})
    assert result.exit_code == 0, result.output
