"""``quitus runs list|show`` on runs recorded in PostgreSQL, and ``quitus`` starting without
nameko or eventlet."""

import subprocess
import sys
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from services.cli import app
from services.workers.runs_store import NewJob, RunRecord, open_store
from services.workers.settings import get_worker_settings

NOW = datetime(2025, 11, 1, 6, tzinfo=UTC)


@pytest.fixture
def recorded(pg_url, schema_prefix, monkeypatch):
    """October: 3 jobs, one done, one parked, one queued; September: 1 job done."""
    monkeypatch.setenv("QUITUS_DATABASE_URL", pg_url)
    monkeypatch.setenv("QUITUS_SCHEMA_PREFIX", schema_prefix)
    get_worker_settings.cache_clear()
    store = open_store(pg_url, schema_prefix)
    for month, as_of, keys in (
        ("2025-09", datetime(2025, 9, 30, 22, tzinfo=UTC), ["csr/month/portfolio"]),
        ("2025-10", datetime(2025, 10, 31, 23, tzinfo=UTC), ["csr/month/portfolio", "csr/month/territory/T1", "x"]),
    ):
        store.record_run(
            RunRecord(month, as_of, NOW, "scheduler-1", "ab" * 32, 1, 2, 3),
            [NewJob(k, "DECARBONISATION", "{}") for k in keys],
        )
    first, oct_done, oct_parked, _ = (j.id for j in store.jobs())
    store.finish(first, "csr-2025-09-aaaa", 6, True, NOW)
    store.finish(oct_done, "csr-2025-10-bbbb", 6, True, NOW)
    store.park(oct_parked, "reporting answered GenerateReport with NOT_FOUND: no scenario 'x'", NOW)
    yield store
    store.dispose()
    get_worker_settings.cache_clear()


def test_runs_list_counts_each_runs_jobs_by_state(recorded):
    result = CliRunner().invoke(app, ["runs", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "2025-" in line]
    assert [line.split("│")[1].strip() for line in lines] == ["2025-10", "2025-09"]  # newest first
    october = [cell.strip() for cell in lines[0].split("│")[1:-1]]
    assert october[4:] == ["3", "1", "0", "1", "1"]  # jobs, queued, running, done, parked
    newest = CliRunner().invoke(app, ["runs", "list", "--limit", "1"], env={"COLUMNS": "200"})
    assert "2025-10" in newest.output and "2025-09" not in newest.output


def test_runs_show_lists_the_jobs_and_fails_on_a_parked_one(recorded):
    result = CliRunner().invoke(app, ["runs", "show", "2025-10"], env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert "csr-2025-10-bbbb" in result.output and "no scenario 'x'" in result.output
    assert "2 residences" in result.output
    ok = CliRunner().invoke(app, ["runs", "show", "2025-09"], env={"COLUMNS": "250"})
    assert ok.exit_code == 0 and "csr-2025-09-aaaa" in ok.output


@pytest.mark.parametrize("month, code", [("2024-01", 1), ("2025-13", 2), ("october", 2)])
def test_runs_show_of_no_run_or_no_month(recorded, month, code):
    assert CliRunner().invoke(app, ["runs", "show", month]).exit_code == code


def test_quitus_starts_without_nameko_or_eventlet():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, services.cli; print(sorted({'nameko', 'eventlet'} & set(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"
