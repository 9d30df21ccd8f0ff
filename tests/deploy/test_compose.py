"""docker-compose.yml runs what `quitus serve all` runs (services.supervisor), each with a
healthcheck, after the first-start job; and docker-compose parses it (no engine needed)."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from services import supervisor

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_every_process_of_a_deployment_is_a_compose_service_with_a_healthcheck():
    declared = services()
    expected = {*supervisor.GRPC_SERVICES, "relay", *supervisor.NAMEKO_SERVICES}
    assert expected <= set(declared)
    for name in expected:
        assert "healthcheck" in declared[name], f"{name} has no healthcheck"
        assert declared[name]["depends_on"]["setup"] == {"condition": "service_completed_successfully"}, name
    assert declared["report-worker"]["deploy"]["replicas"] == 2


def test_the_nameko_services_run_nameko_on_the_module_serve_all_runs():
    declared = services()
    for name, (module, _) in supervisor.NAMEKO_SERVICES.items():
        entrypoint = declared[name]["entrypoint"]
        assert entrypoint[:2] == ["nameko", "run"] and entrypoint[-1] == module, name
        assert declared[name]["environment"]["PSYCOPG_WAIT_FUNC"] == "wait_select", name


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is not installed")
def test_docker_compose_parses_the_file():
    result = subprocess.run(
        ["docker-compose", "-f", str(COMPOSE), "config", "-q"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
