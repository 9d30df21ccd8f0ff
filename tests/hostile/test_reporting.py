"""Hostile input to every served RPC of quitus.reporting.v1.ReportingService, on SQLite and
PostgreSQL: a good request, then every one-field mutation of it (tests/hostile/values.py), each
answered within a second by OK or a refusal naming the field, never INTERNAL or UNKNOWN; then
health and a normal call still answer.

The report RPCs run here against a reporting server whose request names a scenario it does not
hold and ids it never stored: every mutation is refused at the edge (INVALID_ARGUMENT naming the
field) or answered NOT_FOUND, quickly; generation itself is tested through a whole stack in
tests/reporting/test_report_service.py."""

from datetime import UTC, datetime

import grpc
import pytest
from pydantic import SecretStr

from services.api.quitus.common.v1.common_pb2 import PageRequest
from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.api.quitus.reporting.v1 import reporting_pb2_grpc as pb_grpc
from services.interventions import server as interventions_server
from services.reporting.server import build
from services.runtime.settings import Settings
from services.runtime.timestamps import to_period, to_timestamp
from services.runtime.tokens import token_store_for
from tests.conftest import bearer, running_server
from tests.hostile.harness import answer_of, field_violations, still_serving
from tests.hostile.values import mutations

COVERED = {
    "ReportingService.DeclareScenario",
    "ReportingService.ListScenarios",
    "ReportingService.GetScenario",
    "ReportingService.GenerateReport",
    "ReportingService.ComputeMetrics",
    "ReportingService.GetReport",
    "ReportingService.ListReports",
    "ReportingService.VerifyReport",
    "ReportingService.DownloadReport",
    "ReportingService.ExportAuditPack",
    "ReportingService.ListPerimeters",
}


def good_content(name: str = "hostile_ref") -> pb.ScenarioContent:
    return pb.ScenarioContent(
        name=name,
        description="Reference 2023\nbefore the plan",
        reference_period=to_period(datetime(2023, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)),
        trades=[pb.TradeReference(trade="plumbing", visits_per_intervention=1.8)],
        road_factor=1.3,
        vehicle_profile="diesel_van",
        vehicle_factor_key="uk_desnz2026.van_diesel.avg.vkm",
        fuel_litres_per_100km=9.0,
        uncertainty_pct=20.0,
    )


@pytest.fixture
def reporting(database):
    with running_server(build, database) as (channel, tokens):
        admin = bearer(tokens.issue("admin"))
        stub = pb_grpc.ReportingServiceStub(channel)
        stub.DeclareScenario(pb.DeclareScenarioRequest(content=good_content()), metadata=admin)
        yield channel, stub, admin


def _run(channel, stub, admin, method: str, good, after=None) -> int:
    call = getattr(stub, method)
    cases = 0
    for mutation in mutations(good):
        code, outcome = answer_of(
            lambda timeout, r=mutation.request: call(r, timeout=timeout, metadata=admin), mutation
        )
        if after:
            after(mutation, code, outcome)
        cases += 1
    still_serving(channel, lambda: call(good, timeout=1, metadata=admin))
    return cases


def test_declare_scenario(reporting):
    """A refused declaration stores nothing; a hostile value that is still valid (say a 0 fuel
    use) makes a new version of the scenario, nothing else."""
    channel, stub, admin = reporting

    def after(mutation, code, outcome) -> None:
        if code == grpc.StatusCode.INVALID_ARGUMENT:
            assert field_violations(outcome)[0].startswith("content."), mutation.path

    assert _run(channel, stub, admin, "DeclareScenario", pb.DeclareScenarioRequest(content=good_content())) > 40
    names = {s.content.name for s in stub.ListScenarios(pb.ListScenariosRequest(), metadata=admin).scenarios}
    assert names == {"hostile_ref"}


def test_list_scenarios(reporting):
    channel, stub, admin = reporting
    good = pb.ListScenariosRequest(name="hostile_ref", page=PageRequest(page_size=10))
    assert _run(channel, stub, admin, "ListScenarios", good) >= 15


def test_get_scenario(reporting):
    channel, stub, admin = reporting
    assert _run(channel, stub, admin, "GetScenario", pb.GetScenarioRequest(name="hostile_ref", version=1)) >= 9


def good_report_request() -> pb.GenerateReportRequest:
    """Valid in every field; its scenario is not declared, so it is answered NOT_FOUND."""
    return pb.GenerateReportRequest(
        kind=pb.REPORT_KIND_DECARBONISATION,
        period=to_period(datetime(2024, 12, 31, 23, tzinfo=UTC), datetime(2025, 12, 31, 23, tzinfo=UTC)),
        perimeter=pb.Perimeter(territory_ids=["T1"], contractor_ids=["C1"], trades=["plumbing"]),
        as_of=to_timestamp(datetime(2026, 1, 15, tzinfo=UTC)),
        factor_set="ademe_base_carbone@23.6",
        vehicle_factor_set="uk_desnz_2025@1",
        scenario="not_declared",
        lang="en",
    )


def _scenario_call(stub, admin):
    return lambda: stub.GetScenario(pb.GetScenarioRequest(name="hostile_ref"), timeout=1, metadata=admin)


def _run_report(channel, stub, admin, method: str, good) -> int:
    """As _run, the normal call afterwards being a scenario read (the good request is NOT_FOUND).
    A streamed answer is read whole."""
    call = getattr(stub, method)
    streamed = method in ("DownloadReport", "ExportAuditPack")
    cases = 0
    for mutation in mutations(good):
        answer_of(
            lambda timeout, r=mutation.request: (
                list(call(r, timeout=timeout, metadata=admin)) if streamed else call(r, timeout=timeout, metadata=admin)
            ),
            mutation,
        )
        cases += 1
    still_serving(channel, _scenario_call(stub, admin))
    return cases


@pytest.mark.parametrize("method", ["GenerateReport", "ComputeMetrics"])
def test_report_requests(reporting, method):
    channel, stub, admin = reporting
    good = good_report_request()
    request = good if method == "GenerateReport" else pb.ComputeMetricsRequest(request=good)
    assert _run_report(channel, stub, admin, method, request) > 40
    assert list(stub.ListReports(pb.ListReportsRequest(), metadata=admin).runs) == []


@pytest.mark.parametrize(
    "method, good",
    [
        ("GetReport", pb.GetReportRequest(id="csr-2025-0123456789abcdef")),
        ("VerifyReport", pb.VerifyReportRequest(id="csr-2025-0123456789abcdef")),
        ("DownloadReport", pb.DownloadReportRequest(id="csr-2025-0123456789abcdef")),
        ("ExportAuditPack", pb.ExportAuditPackRequest(id="csr-2025-0123456789abcdef")),
        ("ListReports", pb.ListReportsRequest(kind=pb.REPORT_KIND_DECARBONISATION, page=PageRequest(page_size=5))),
    ],
)
def test_report_reads(reporting, method, good):
    channel, stub, admin = reporting
    assert _run_report(channel, stub, admin, method, good) >= 4


def test_list_perimeters(database):
    """Against a reporting server pulling from a (empty) interventions service of its own: a
    cut-off it accepts is answered OK, with empty lists."""
    url, prefix = database
    settings = Settings(database_url=url, auth_enabled=True)
    tokens = token_store_for(settings, prefix)
    assert tokens is not None
    interventions, port = interventions_server.build(settings, port=0, schema_prefix=prefix)
    interventions.start()
    pulling = settings.model_copy(
        update={"interventions_address": f"localhost:{port}", "service_token": SecretStr(tokens.issue("service"))}
    )
    try:
        with running_server(lambda _s, port, schema_prefix: build(pulling, port, schema_prefix), database) as (
            channel,
            _,
        ):
            stub = pb_grpc.ReportingServiceStub(channel)
            admin = bearer(tokens.issue("admin"))
            good = pb.ListPerimetersRequest(as_of=to_timestamp(datetime(2026, 1, 15, tzinfo=UTC)))
            assert _run(channel, stub, admin, "ListPerimeters", good) >= 4
    finally:
        interventions.stop(0)
        tokens.engine.dispose()
