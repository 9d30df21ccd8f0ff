"""gRPC adapter of quitus.factors.v1.FactorsService: converts each request (convert.py), calls one
use case of FactorsService, converts the result back. Also who may call each method."""

import grpc

from services.api.quitus.factors.v1 import factors_pb2 as pb
from services.api.quitus.factors.v1 import factors_pb2_grpc as pb_grpc
from services.factors import convert
from services.factors.service import FactorsService
from services.runtime.paging import read_page
from services.runtime.principal import ADMINS, READERS, current_principal

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["FactorsService"].full_name
_M = f"/{SERVICE_NAME}/"
METHOD_ACCESS = {
    _M + "Publish": ADMINS,
    _M + "ListSets": READERS,
    _M + "GetSet": READERS,
    _M + "Resolve": READERS,
    _M + "Diff": READERS,
}
add_to_server = pb_grpc.add_FactorsServiceServicer_to_server


class FactorsServicer(pb_grpc.FactorsServiceServicer):
    def __init__(self, service: FactorsService) -> None:
        self.service = service

    def Publish(self, request: pb.PublishRequest, context: grpc.ServicerContext) -> pb.PublishResponse:
        stored, created = self.service.publish(
            convert.metadata_in(request.metadata), convert.factors_in(request.factors), current_principal()
        )
        return pb.PublishResponse(version=convert.version_out(stored), created=created)

    def ListSets(self, request: pb.ListSetsRequest, context: grpc.ServicerContext) -> pb.ListSetsResponse:
        versions, token = self.service.versions(request.name, read_page(request.page))
        return pb.ListSetsResponse(versions=[convert.version_out(v) for v in versions], next_page_token=token)

    def GetSet(self, request: pb.GetSetRequest, context: grpc.ServicerContext) -> pb.GetSetResponse:
        stored, factor_set = self.service.get(request.name, request.version)
        return pb.GetSetResponse(version=convert.version_out(stored), factors=convert.factors_out(factor_set.factors))

    def Resolve(self, request: pb.ResolveRequest, context: grpc.ServicerContext) -> pb.ResolveResponse:
        stored, found, unresolved = self.service.resolve(
            request.set_name,
            request.version,
            convert.activities_in(request.activities),
            request.partial,
            fallback=convert.fallback_in(request.fallback_rule),
        )
        return convert.resolve_out(stored, found, unresolved)

    def Diff(self, request: pb.DiffRequest, context: grpc.ServicerContext) -> pb.DiffResponse:
        old, new, d = self.service.diff(request.old_name, request.old_version, request.new_name, request.new_version)
        return convert.diff_out(old, new, d)
