"""gRPC adapter of quitus.reporting.v1: each RPC converts its request, calls one use case of
ReportingService and converts the answer back. GenerateReport, GetReport and VerifyReport are
not built yet and answer UNIMPLEMENTED (the generated base class)."""

from typing import Any

import grpc

from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.api.quitus.reporting.v1 import reporting_pb2_grpc as pb_grpc
from services.reporting import convert
from services.reporting.service import ReportingService
from services.runtime.paging import read_page
from services.runtime.principal import ADMINS, STAFF_READERS, Role, current_principal

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["ReportingService"].full_name
_M = f"/{SERVICE_NAME}/"
GENERATORS = ADMINS | {Role.SERVICE, Role.CSR_OFFICER}
METHOD_ACCESS = {
    _M + "GenerateReport": GENERATORS,
    _M + "GetReport": STAFF_READERS,
    _M + "VerifyReport": STAFF_READERS,
    _M + "DeclareScenario": GENERATORS,
    _M + "ListScenarios": STAFF_READERS,
    _M + "GetScenario": STAFF_READERS,
}


class ReportingServicer(pb_grpc.ReportingServiceServicer):
    def __init__(self, service: ReportingService) -> None:
        self.service = service

    def DeclareScenario(self, request: pb.DeclareScenarioRequest, context: Any) -> pb.DeclareScenarioResponse:
        scenario, created = self.service.declare_scenario(convert.content_in(request.content), current_principal())
        return pb.DeclareScenarioResponse(scenario=convert.scenario_out(scenario), created=created)

    def ListScenarios(self, request: pb.ListScenariosRequest, context: Any) -> pb.ListScenariosResponse:
        found, token = self.service.scenarios(request.name, read_page(request.page))
        return pb.ListScenariosResponse(scenarios=[convert.scenario_out(s) for s in found], next_page_token=token)

    def GetScenario(self, request: pb.GetScenarioRequest, context: Any) -> pb.GetScenarioResponse:
        return pb.GetScenarioResponse(
            scenario=convert.scenario_out(self.service.scenario(request.name, request.version))
        )


def add_to_server(servicer: ReportingServicer, server: grpc.Server) -> None:
    pb_grpc.add_ReportingServiceServicer_to_server(servicer, server)
