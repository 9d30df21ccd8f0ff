"""gRPC servicer of quitus.factors.v1: protobuf in, use case, protobuf out."""

import polars as pl

from services.api.quitus.factors.v1 import factors_pb2 as pb
from services.api.quitus.factors.v1 import factors_pb2_grpc as pb_grpc
from services.factors import convert
from services.factors.domain.resolution import SIGNATURE, describe
from services.factors.service import FactorsService
from services.runtime.principal import ADMINS, READERS, current_principal

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["Factors"].full_name
_M = f"/{SERVICE_NAME}/"
METHOD_ACCESS = {
    _M + "Publish": ADMINS,
    _M + "ListSets": READERS,
    _M + "GetSet": READERS,
    _M + "Resolve": READERS,
    _M + "Diff": READERS,
}
add_to_server = pb_grpc.add_FactorsServicer_to_server


class FactorsServicer(pb_grpc.FactorsServicer):
    def __init__(self, service: FactorsService) -> None:
        self.service = service

    def Publish(self, request, context):
        stored, created = self.service.publish(
            convert.metadata_in(request.metadata), convert.factors_in(request.factors), current_principal()
        )
        return pb.PublishResponse(version=convert.version_out(stored), created=created)

    def ListSets(self, request, context):
        return pb.ListSetsResponse(versions=[convert.version_out(v) for v in self.service.store.versions(request.name)])

    def GetSet(self, request, context):
        stored, factor_set = self.service.get(request.name, request.version)
        return pb.GetSetResponse(
            version=convert.version_out(stored),
            factors=[convert.factor_out(r) for r in factor_set.factors.iter_rows(named=True)],
        )

    def Resolve(self, request, context):
        stored, lines, _ = self.service.resolve(
            request.set_name, request.version, convert.activities_in(request.activities), request.partial
        )
        found = lines.filter(pl.col("factor_key").is_not_null())
        response = pb.ResolveResponse(
            version=convert.version_out(stored),
            resolutions=[convert.resolution_out(r) for r in found.iter_rows(named=True)],
        )
        for row in lines.filter(pl.col("factor_key").is_null()).select("line", "ref", *SIGNATURE).iter_rows(named=True):
            response.unresolved.add(
                index=row["line"],
                ref=row["ref"] or "",
                reason=f"no factor in {stored.name}@{stored.version} for ({describe(row)})",
            )
        return response

    def Diff(self, request, context):
        old, new, d = self.service.diff(request.old_name, request.old_version, request.new_name, request.new_version)
        return pb.DiffResponse(
            old=convert.version_out(old),
            new=convert.version_out(new),
            identical=d.identical,
            added=[convert.factor_out(r) for r in d.added.iter_rows(named=True)],
            removed=[convert.factor_out(r) for r in d.removed.iter_rows(named=True)],
            changed=[
                pb.FieldChange(key=c.key, valid_from=c.valid_from, field=c.field, old_value=c.old, new_value=c.new)
                for c in d.changed
            ],
            metadata_changed=[
                pb.FieldChange(field=c.field, old_value=c.old, new_value=c.new) for c in d.metadata_changed
            ],
        )
