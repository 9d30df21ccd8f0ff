"""gRPC adapter of quitus.consumption.v1: each RPC converts its request (``convert``), calls one
use case of ``ConsumptionService`` and converts the answer back; exports also carry their
``content_sha256`` (``services.runtime.digest``) over the records sent."""

from collections.abc import Iterator
from typing import Any

from services.api.quitus.common.v1 import common_pb2
from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.consumption import convert
from services.consumption.service import ConsumptionService
from services.runtime.arrow import arrow_ipc
from services.runtime.digest import FrameDigest, RecordDigest
from services.runtime.paging import read_page
from services.runtime.principal import ADMINS, STAFF_READERS, Role
from services.runtime.timestamps import from_timestamp, require_period, to_timestamp

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["ConsumptionService"].full_name
_M = f"/{SERVICE_NAME}/"
LOADERS = ADMINS | {Role.SERVICE}
METHOD_ACCESS = {
    _M + "ImportMeters": LOADERS,
    _M + "IngestReadings": LOADERS,
    _M + "ImportDegreeDays": LOADERS,
    _M + "ImportPrices": LOADERS,
    _M + "GetConsumption": STAFF_READERS,
    _M + "DetectAnomalies": LOADERS,
    _M + "ListAnomalies": STAFF_READERS,
    _M + "ListRejections": STAFF_READERS,
    _M + "ExportMonthly": STAFF_READERS,
    _M + "ExportChargeControl": STAFF_READERS,
}
add_to_server = pb_grpc.add_ConsumptionServiceServicer_to_server


class ConsumptionServicer(pb_grpc.ConsumptionServiceServicer):
    def __init__(self, service: ConsumptionService) -> None:
        self.service = service

    def ImportMeters(self, request_iterator: Iterator[pb.ImportMetersRequest], context: Any) -> pb.ImportMetersResponse:
        summary = self.service.import_meters(convert.meter_batch_in(b) for b in request_iterator)
        return pb.ImportMetersResponse(summary=convert.summary_out(summary))

    def IngestReadings(
        self, request_iterator: Iterator[pb.IngestReadingsRequest], context: Any
    ) -> Iterator[pb.IngestReadingsResponse]:
        acks = self.service.ingest_stream(convert.readings_in(b) for b in request_iterator)
        for ack in acks:
            yield convert.ack_out(ack)

    def ImportDegreeDays(
        self, request_iterator: Iterator[pb.ImportDegreeDaysRequest], context: Any
    ) -> pb.ImportDegreeDaysResponse:
        summary = self.service.import_degree_days(convert.degree_day_batch_in(b) for b in request_iterator)
        return pb.ImportDegreeDaysResponse(summary=convert.summary_out(summary))

    def ImportPrices(self, request_iterator: Iterator[pb.ImportPricesRequest], context: Any) -> pb.ImportPricesResponse:
        summary = self.service.import_prices(convert.price_batch_in(b) for b in request_iterator)
        return pb.ImportPricesResponse(summary=convert.summary_out(summary))

    def GetConsumption(self, request: pb.GetConsumptionRequest, context: Any) -> pb.GetConsumptionResponse:
        start, end = require_period(request.period)
        p = request.perimeter
        figures, totals, token = self.service.get_consumption(
            start,
            end,
            convert.granularity_in(request.granularity),
            from_timestamp(request.as_of, "as_of"),
            list(p.building_ids),
            list(p.meter_refs),
            list(p.carriers),
            request.figures_page_size,
            request.figures_page_token,
        )
        response = convert.consumption_out(figures, totals)
        response.next_page_token = token
        return response

    def DetectAnomalies(self, request: pb.DetectAnomaliesRequest, context: Any) -> pb.DetectAnomaliesResponse:
        start, end = require_period(request.period)
        return pb.DetectAnomaliesResponse(found=self.service.detect_anomalies(start, end))

    def ListAnomalies(self, request: pb.ListAnomaliesRequest, context: Any) -> pb.ListAnomaliesResponse:
        rows, token = self.service.list_anomalies(request.kind, request.building_id, read_page(request.page))
        return pb.ListAnomaliesResponse(anomalies=[convert.anomaly_out(r) for r in rows], next_page_token=token)

    def ListRejections(self, request: pb.ListRejectionsRequest, context: Any) -> pb.ListRejectionsResponse:
        rows, token = self.service.list_rejections(read_page(request.page))
        return pb.ListRejectionsResponse(rejections=[convert.rejection_out(r) for r in rows], next_page_token=token)

    def ExportMonthly(self, request: pb.ExportMonthlyRequest, context: Any) -> Iterator[pb.ExportMonthlyResponse]:
        start, end = require_period(request.period)
        given = from_timestamp(request.as_of, "as_of")
        parts = self.service.export_monthly(start, end, given, request.batch_size)
        arrow = request.form == common_pb2.EXPORT_FORM_ARROW_IPC
        # The same digest in both forms: over the records, or over the rows standing for them.
        digest: RecordDigest | FrameDigest = FrameDigest(pb.MonthlyFigure.DESCRIPTOR) if arrow else RecordDigest()
        for i, part in enumerate(parts):
            if isinstance(digest, FrameDigest):
                columns = convert.monthly_columns(part)
                digest.add_frame(columns)
                out = pb.ExportMonthlyResponse(arrow_ipc=arrow_ipc(columns))
            else:
                figures = convert.monthly_out(part)
                digest.add_all(figures)
                out = pb.ExportMonthlyResponse(figures=figures)
            # a live export (no as_of) names no cut-off: the same figures cannot be asked for again
            if given is not None:
                out.as_of.CopyFrom(to_timestamp(given))
            if i == len(parts) - 1:
                out.content_sha256 = digest.hexdigest()
            yield out

    def ExportChargeControl(
        self, request: pb.ExportChargeControlRequest, context: Any
    ) -> Iterator[pb.ExportChargeControlResponse]:
        start, end = require_period(request.period)
        given = from_timestamp(request.as_of, "as_of")
        parts = self.service.export_charge_control(
            start,
            end,
            given,
            list(request.building_ids),
            list(request.unit_ids),
            request.batch_size,
            arrow=request.arrow_ipc,
        )
        # the digest of the records as messages, computed from their columns (one rule for both forms)
        digest = FrameDigest()
        for i, (name, part) in enumerate(parts):
            digest.add_frame(part, convert.CHARGE_CONTROL_RECORDS[name].DESCRIPTOR)
            out = pb.ExportChargeControlResponse()
            if given is not None:
                out.as_of.CopyFrom(to_timestamp(given))
            if request.arrow_ipc:
                out.list, out.arrow_ipc = name, convert.charge_control_arrow(name, part)
            else:
                getattr(out, name).extend(convert.charge_control_out(name, part))
            if i == len(parts) - 1:
                out.content_sha256 = digest.hexdigest()
            yield out
        if not parts:
            out = pb.ExportChargeControlResponse(content_sha256=digest.hexdigest())
            if given is not None:
                out.as_of.CopyFrom(to_timestamp(given))
            yield out
