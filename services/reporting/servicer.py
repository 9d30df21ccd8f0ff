"""gRPC adapter of quitus.reporting.v1: each RPC converts its request, calls one use case of
ReportingService and converts the answer back."""

from collections.abc import Iterator
from typing import Any

import grpc

from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.api.quitus.reporting.v1 import reporting_pb2_grpc as pb_grpc
from services.reporting import convert
from services.reporting.service import ReportingService
from services.runtime.errors import InvalidArgument
from services.runtime.paging import read_page
from services.runtime.principal import ADMINS, STAFF_READERS, Role, current_principal
from services.runtime.timestamps import from_timestamp

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["ReportingService"].full_name
_M = f"/{SERVICE_NAME}/"
GENERATORS = ADMINS | {Role.SERVICE, Role.CSR_OFFICER}
METHOD_ACCESS = {
    _M + "GenerateReport": GENERATORS,
    _M + "GetReport": STAFF_READERS,
    _M + "VerifyReport": STAFF_READERS,
    _M + "ListReports": STAFF_READERS,
    _M + "DownloadReport": STAFF_READERS,
    _M + "ExportAuditPack": STAFF_READERS,
    _M + "ComputeMetrics": GENERATORS,
    _M + "DeclareScenario": GENERATORS,
    _M + "ListScenarios": STAFF_READERS,
    _M + "GetScenario": STAFF_READERS,
    _M + "ListPerimeters": STAFF_READERS,
}


class ReportingServicer(pb_grpc.ReportingServiceServicer):
    def __init__(self, service: ReportingService) -> None:
        self.service = service

    def DeclareScenario(self, request: pb.DeclareScenarioRequest, context: Any) -> pb.DeclareScenarioResponse:
        trades_as_of = None
        if request.trades_from_reference:
            trades_as_of = from_timestamp(request.as_of, "as_of")
            if trades_as_of is None:
                raise InvalidArgument("is required when the trades are taken from the reference", field="as_of")
        scenario, created = self.service.declare_scenario(
            convert.content_in(request.content), current_principal(), trades_as_of
        )
        return pb.DeclareScenarioResponse(scenario=convert.scenario_out(scenario), created=created)

    def ListScenarios(self, request: pb.ListScenariosRequest, context: Any) -> pb.ListScenariosResponse:
        found, token = self.service.scenarios(request.name, read_page(request.page))
        return pb.ListScenariosResponse(scenarios=[convert.scenario_out(s) for s in found], next_page_token=token)

    def GetScenario(self, request: pb.GetScenarioRequest, context: Any) -> pb.GetScenarioResponse:
        return pb.GetScenarioResponse(
            scenario=convert.scenario_out(self.service.scenario(request.name, request.version))
        )

    def GenerateReport(self, request: pb.GenerateReportRequest, context: Any) -> pb.GenerateReportResponse:
        run, created = self.service.generate(convert.request_in(request), current_principal())
        return pb.GenerateReportResponse(run=convert.run_out(run), created=created)

    def ComputeMetrics(self, request: pb.ComputeMetricsRequest, context: Any) -> pb.ComputeMetricsResponse:
        figures_csv, manifest = self.service.compute_metrics(convert.request_in(request.request))
        return pb.ComputeMetricsResponse(
            figures=convert.figures_out(figures_csv), manifest=convert.manifest_out(manifest)
        )

    def GetReport(self, request: pb.GetReportRequest, context: Any) -> pb.GetReportResponse:
        return pb.GetReportResponse(run=convert.run_out(self.service.report(request.id)))

    def ListReports(self, request: pb.ListReportsRequest, context: Any) -> pb.ListReportsResponse:
        runs, token = self.service.reports(convert.kind_in(request.kind, required=False), read_page(request.page))
        return pb.ListReportsResponse(runs=[convert.run_out(r) for r in runs], next_page_token=token)

    def VerifyReport(self, request: pb.VerifyReportRequest, context: Any) -> pb.VerifyReportResponse:
        run, rerun, changes, same_pdf = self.service.verify(request.id, from_timestamp(request.as_of, "as_of"))
        return pb.VerifyReportResponse(
            same_figures=run.manifest.figures_sha256 == rerun.figures_sha256,
            original=convert.manifest_out(run.manifest),
            rerun=convert.manifest_out(rerun),
            changed_inputs=convert.changes_out(changes),
            same_pdf=same_pdf,
        )

    def ListPerimeters(self, request: pb.ListPerimetersRequest, context: Any) -> pb.ListPerimetersResponse:
        as_of = from_timestamp(request.as_of, "as_of")
        if as_of is None:
            raise InvalidArgument("is required", field="as_of")
        return convert.perimeters_out(*self.service.perimeters(as_of))

    def DownloadReport(self, request: pb.DownloadReportRequest, context: Any) -> Iterator[pb.DownloadReportResponse]:
        for data, name, total, digest in self.service.file_chunks(request.id, "pdf"):
            yield pb.DownloadReportResponse(
                chunk=pb.FileChunk(data=data, file_name=name, total_bytes=total, sha256=digest)
            )

    def ExportAuditPack(self, request: pb.ExportAuditPackRequest, context: Any) -> Iterator[pb.ExportAuditPackResponse]:
        for data, name, total, digest in self.service.file_chunks(request.id, "pack"):
            yield pb.ExportAuditPackResponse(
                chunk=pb.FileChunk(data=data, file_name=name, total_bytes=total, sha256=digest)
            )


def add_to_server(servicer: ReportingServicer, server: grpc.Server) -> None:
    pb_grpc.add_ReportingServiceServicer_to_server(servicer, server)
