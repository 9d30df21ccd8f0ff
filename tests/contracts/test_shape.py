"""Every service folder has the same parts, and its gRPC adapter reaches data only through its
use cases. The import contracts (pyproject.toml, run by `make check`) catch an adapter importing
a store; this catches one reaching it through an attribute (``self.service.store.search``)."""

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "services"
DATA_SERVICES = ["interventions", "consumption", "factors", "reporting"]
PARTS = [
    "domain/__init__.py",
    "service.py",
    "store.py",
    "servicer.py",
    "convert.py",
    "server.py",
    "cli.py",
    "errors.py",
]


@pytest.mark.parametrize("service", DATA_SERVICES)
def test_every_service_has_the_same_parts(service):
    missing = [part for part in PARTS if not (SERVICES / service / part).is_file()]
    assert missing == []


def _reaches_storage(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    return [
        f"{path.name}:{node.lineno} .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in {"store", "engine", "connect", "begin"}
    ]


@pytest.mark.parametrize("service", DATA_SERVICES)
def test_the_adapter_never_reaches_a_store(service):
    adapter = [SERVICES / service / "servicer.py", SERVICES / service / "convert.py"]
    assert [hit for path in adapter for hit in _reaches_storage(path)] == []


def test_the_check_sees_a_store_reached_through_an_attribute(tmp_path):
    servicer = tmp_path / "servicer.py"
    servicer.write_text("def search(self, request, context):\n    return self.service.store.search(request)\n")
    assert _reaches_storage(servicer) == ["servicer.py:2 .store"]
