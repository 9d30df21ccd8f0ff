"""Reference scenarios through a real channel (SQLite and PostgreSQL): declared, versioned,
never edited in place, read by staff, declared only by CSR officers, services and admins."""

import hashlib
from datetime import UTC, datetime

import grpc
import pytest

from services.api.quitus.common.v1.common_pb2 import PageRequest
from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.api.quitus.reporting.v1 import reporting_pb2_grpc as pb_grpc
from services.reporting.server import build
from services.runtime.timestamps import to_period
from tests.conftest import bearer, running_server
from tests.hostile.harness import field_violations


def content(**changes) -> pb.ScenarioContent:
    base = pb.ScenarioContent(
        name="reference_2023",
        description="Visits per intervention of 2023, before the first-time-fix plan.",
        reference_period=to_period(datetime(2023, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)),
        trades=[
            pb.TradeReference(trade="plumbing", visits_per_intervention=1.8),
            pb.TradeReference(trade="heating", visits_per_intervention=2.4),
        ],
        road_factor=1.3,
        vehicle_profile="diesel_van",
        vehicle_factor_key="uk_desnz2026.van_diesel.avg.vkm",
        uncertainty_pct=20.0,
    )
    for name, value in changes.items():
        if name == "trades":
            del base.trades[:]
            base.trades.extend(value)
        elif name == "reference_period":
            base.reference_period.CopyFrom(value)
        else:
            setattr(base, name, value)
    return base


@pytest.fixture
def reporting(database):
    with running_server(build, database) as (channel, tokens):
        yield pb_grpc.ReportingServiceStub(channel), tokens


def test_declare_version_and_read_back(reporting):
    stub, tokens = reporting
    csr = bearer(tokens.issue("csr_officer", label="Anne, CSR"))
    first = stub.DeclareScenario(pb.DeclareScenarioRequest(content=content()), metadata=csr)
    assert first.created and first.scenario.version == 1
    assert first.scenario.declared_by == "csr_officer (Anne, CSR)"
    # trades come back in name order; the same declaration in another order is no new version
    assert [t.trade for t in first.scenario.content.trades] == ["heating", "plumbing"]
    again = stub.DeclareScenario(
        pb.DeclareScenarioRequest(content=content(trades=list(reversed(content().trades)))), metadata=csr
    )
    assert not again.created and again.scenario.version == 1
    # a change is a new version; version 1 stays as it was
    second = stub.DeclareScenario(pb.DeclareScenarioRequest(content=content(road_factor=1.4)), metadata=csr)
    assert second.created and second.scenario.version == 2
    old = stub.GetScenario(pb.GetScenarioRequest(name="reference_2023", version=1), metadata=csr).scenario
    assert old.content.road_factor == 1.3 and old.content_sha256 == first.scenario.content_sha256
    latest = stub.GetScenario(pb.GetScenarioRequest(name="reference_2023"), metadata=csr).scenario
    assert latest.version == 2
    listed = stub.ListScenarios(pb.ListScenariosRequest(page=PageRequest(page_size=1)), metadata=csr)
    assert [s.version for s in listed.scenarios] == [2] and listed.next_page_token
    rest = stub.ListScenarios(
        pb.ListScenariosRequest(page=PageRequest(page_token=listed.next_page_token)), metadata=csr
    )
    assert [s.version for s in rest.scenarios] == [1] and not rest.next_page_token


def test_content_sha256_is_recomputed_from_the_received_content(reporting):
    """By the proto's rule alone: SHA-256 of the ScenarioContent message as received, its
    deterministic serialisation preceded by its length (4 bytes, big-endian)."""
    stub, tokens = reporting
    scenario = stub.DeclareScenario(
        pb.DeclareScenarioRequest(content=content()), metadata=bearer(tokens.issue("admin"))
    ).scenario
    data = scenario.content.SerializeToString(deterministic=True)
    assert scenario.content_sha256 == hashlib.sha256(len(data).to_bytes(4, "big") + data).hexdigest()


def test_who_may_declare_and_read(reporting):
    stub, tokens = reporting
    stub.DeclareScenario(pb.DeclareScenarioRequest(content=content()), metadata=bearer(tokens.issue("service")))
    auditor = bearer(tokens.issue("auditor"))
    assert stub.GetScenario(pb.GetScenarioRequest(name="reference_2023"), metadata=auditor).scenario.version == 1
    with pytest.raises(grpc.RpcError) as refused:
        stub.DeclareScenario(pb.DeclareScenarioRequest(content=content(road_factor=2.0)), metadata=auditor)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as contractor:
        stub.ListScenarios(pb.ListScenariosRequest(), metadata=bearer(tokens.issue("contractor:C1")))
    assert contractor.value.code() == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "Reference 2023"}, "content.name"),
        ({"road_factor": 0.9}, "content.road_factor"),
        ({"road_factor": float("nan")}, "content.road_factor"),
        ({"uncertainty_pct": 120.0}, "content.uncertainty_pct"),
        ({"vehicle_factor_key": ""}, "content.vehicle_factor_key"),
        ({"trades": []}, "content.trades"),
        (
            {"trades": [pb.TradeReference(trade="plumbing", visits_per_intervention=0)]},
            "content.trades[0].visits_per_intervention",
        ),
        ({"trades": [pb.TradeReference(trade="a\x00b", visits_per_intervention=1)]}, "content.trades[0].trade"),
        (
            {"trades": [pb.TradeReference(trade="lifts", visits_per_intervention=1)] * 2},
            "content.trades[1].trade",
        ),
        (
            {"reference_period": to_period(datetime(2024, 1, 1, tzinfo=UTC), datetime(2023, 1, 1, tzinfo=UTC))},
            "content.reference_period.end",
        ),
        (
            {"reference_period": to_period(datetime(1850, 1, 1, tzinfo=UTC), datetime(2023, 1, 1, tzinfo=UTC))},
            "content.reference_period.start",
        ),
    ],
)
def test_a_bad_declaration_names_its_field_and_stores_nothing(reporting, changes, field):
    stub, tokens = reporting
    admin = bearer(tokens.issue("admin"))
    with pytest.raises(grpc.RpcError) as refused:
        stub.DeclareScenario(pb.DeclareScenarioRequest(content=content(**changes)), metadata=admin)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(refused.value) == [field]
    assert not stub.ListScenarios(pb.ListScenariosRequest(), metadata=admin).scenarios


def test_an_unknown_scenario_is_not_found(reporting):
    stub, tokens = reporting
    with pytest.raises(grpc.RpcError) as missing:
        stub.GetScenario(pb.GetScenarioRequest(name="nothing_declared"), metadata=bearer(tokens.issue("auditor")))
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


def test_the_cli_declares_and_lists(database):
    from typer.testing import CliRunner

    from services.cli import app

    with running_server(build, database) as (channel, tokens):
        address = channel._channel.target().decode()
        env = {"QUITUS_TOKEN": tokens.issue("csr_officer"), "COLUMNS": "240"}
        args = ["report", "scenario", "declare", "--name", "reference_2023", "--from", "2023-01-01"]
        args += ["--to", "2024-01-01", "--trade", "plumbing=1.8", "--trade", "heating=2.4"]
        args += ["--vehicle-factor", "uk_desnz2026.van_diesel.avg.vkm", "--address", address]
        declared = CliRunner().invoke(app, args, env=env)
        assert declared.exit_code == 0, declared.output
        assert "declared reference_2023 version 1" in declared.output
        again = CliRunner().invoke(app, args, env=env)
        assert "unchanged: identical to reference_2023 version 1" in again.output
        listed = CliRunner().invoke(app, ["report", "scenario", "list", "--address", address], env=env)
        assert listed.exit_code == 0 and "heating 2.4, plumbing 1.8" in listed.output
