"""Every RPC of every service has hostile-input cases: a new RPC without them fails here. Each
tests/hostile/test_<service>.py lists the RPCs it covers in COVERED, and those not built yet in
NOT_SERVED (where its own test checks that they answer UNIMPLEMENTED)."""

import importlib
import pkgutil

import services.api.quitus as api

SERVING = ["interventions", "consumption", "factors", "reporting"]


def _rpcs(service: str) -> set[str]:
    found = set()
    for module in pkgutil.walk_packages(api.__path__, api.__name__ + "."):
        if module.name.endswith("_pb2") and f".{service}." in module.name:
            for svc in importlib.import_module(module.name).DESCRIPTOR.services_by_name.values():
                found |= {f"{svc.name}.{m.name}" for m in svc.methods}
    return found


def test_every_rpc_of_every_service_has_hostile_cases():
    for service in SERVING:
        cases = importlib.import_module(f"tests.hostile.test_{service}")
        named = set(cases.COVERED) | set(getattr(cases, "NOT_SERVED", ()))
        covered = {".".join(name.split(".")[-2:]) for name in named}  # "Service.Method", package or not
        assert _rpcs(service) - covered == set(), service
