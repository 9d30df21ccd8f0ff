"""gRPC adapter of quitus.interventions.v1: each RPC converts its request (convert.py), calls one
use case of InterventionsService with the caller's principal, and converts the result back.
The export's content_sha256 is computed here, over the very messages sent."""

from collections.abc import Iterator
from functools import partial

import grpc

from services.api.quitus.common.v1 import common_pb2
from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.interventions import convert
from services.interventions.service import FactsExport, InterventionsService, PortfolioExport
from services.runtime.arrow import arrow_ipc
from services.runtime.digest import FrameDigest, RecordDigest
from services.runtime.errors import InvalidArgument
from services.runtime.paging import read_page
from services.runtime.principal import ADMINS, READERS, STAFF_READERS, WRITERS, Role, current_principal
from services.runtime.timestamps import from_period, from_timestamp

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["InterventionsService"].full_name
_M = f"/{SERVICE_NAME}/"
METHOD_ACCESS = {
    _M + "ImportPortfolio": ADMINS | {Role.SERVICE},
    _M + "IngestEvents": WRITERS,
    _M + "GetIntervention": READERS,
    _M + "SearchInterventions": READERS,
    _M + "GetDeadlineStatus": READERS,
    _M + "GetDataQuality": READERS,
    _M + "ListRejections": READERS,
    _M + "GetTopUnits": STAFF_READERS,
    _M + "ExportInterventions": STAFF_READERS,
    _M + "ExportPortfolio": STAFF_READERS,
}
# A message of ExportPortfolio stops before its records pass this many bytes (clients take 4 MB).
EXPORT_MESSAGE_BYTES = 2_000_000


class InterventionsServicer(pb_grpc.InterventionsServiceServicer):
    def __init__(self, service: InterventionsService) -> None:
        self.service = service

    def ImportPortfolio(self, request_iterator, context):
        received, invalid, recorded_at = convert.portfolio_records(request_iterator)
        return convert.import_response(self.service.import_portfolio(received, recorded_at), invalid)

    def IngestEvents(self, request_iterator, context) -> Iterator[pb.IngestEventsResponse]:
        principal = current_principal()
        for batch in request_iterator:
            try:
                columns = convert.sent_events(batch)
            except InvalidArgument as refusal:  # a batch that cannot be read: refused whole, the stream goes on
                yield convert.refused_ack(batch.batch_id, refusal)
                continue
            outcome = self.service.ingest_batch(columns, principal)
            yield convert.ack(
                batch.batch_id,
                received=len(columns["kind"]),
                accepted=outcome.accepted.height,
                duplicates=outcome.duplicates,
                rejected=outcome.rejected,
                warnings=outcome.warnings,
            )

    def GetIntervention(self, request, context):
        row, events = self.service.get(request.id, current_principal())
        return pb.GetInterventionResponse(intervention=convert.intervention(row, events))

    def SearchInterventions(self, request, context):
        start, end = from_period(request.requested, "requested")
        rows, token = self.service.search(
            current_principal(),
            read_page(request.page),
            ug_id=request.ug_id,
            address_text=request.address_text,
            building_id=request.building_id,
            contractor_id=request.contractor_id,
            status=convert.status_filter(request.status),
            requested_from=start,
            requested_to=end,
        )
        return pb.SearchInterventionsResponse(
            interventions=[convert.intervention(r) for r in rows], next_page_token=token
        )

    def GetDeadlineStatus(self, request, context):
        report = self.service.deadline_status(
            current_principal(),
            at=from_timestamp(request.at, "at"),
            contractor_id=request.contractor_id,
            alerts_only=request.alerts_only,
            limit=request.limit,
        )
        return convert.deadline_response(report)

    def GetDataQuality(self, request, context):
        target, contractors = self.service.data_quality(
            current_principal(),
            contractor_id=request.contractor_id,
            target=request.target,
            as_of=from_timestamp(request.as_of, "as_of"),
        )
        return convert.quality_response(target, contractors)

    def ListRejections(self, request, context):
        rows, token = self.service.rejections(
            current_principal(), read_page(request.page), contractor_id=request.contractor_id, rule=request.rule
        )
        return convert.rejections_response(rows, token)

    def GetTopUnits(self, request, context):
        start, end = from_period(request.requested, "requested")
        rows = self.service.top_units(
            requested_from=start, requested_to=end, contractor_id=request.contractor_id, limit=request.limit
        )
        return convert.top_units_response(rows)

    def ExportInterventions(self, request, context) -> Iterator[pb.ExportInterventionsResponse]:
        start, end = from_period(request.requested, "requested")
        export = self.service.export(
            as_of=from_timestamp(request.as_of, "as_of"),
            requested_from=start,
            requested_to=end,
            contractor_ids=request.contractor_ids,
            territory_ids=request.territory_ids,
            building_ids=request.building_ids,
            batch_size=request.batch_size,
        )
        if request.form == common_pb2.EXPORT_FORM_ARROW_IPC:
            # The messages of a kept export are made once (the form reports read; 500,000 facts'
            # record messages would take far more memory) and never altered after.
            yield from export.encoded(request.form, partial(_arrow_facts, export))
        else:
            yield from _record_facts(export)

    def ExportPortfolio(self, request, context) -> Iterator[pb.ExportPortfolioResponse]:
        export = self.service.export_portfolio(
            as_of=from_timestamp(request.as_of, "as_of"), batch_size=request.batch_size
        )
        # the same messages for every export of a kept portfolio: made once, never altered after
        yield from export.encoded(partial(_portfolio_messages, export))


def _arrow_facts(export: FactsExport) -> Iterator[pb.ExportInterventionsResponse]:
    """The facts as Arrow IPC batches, then the last message. The same digest as the record
    form, over the records the rows stand for, without a message per record; hashed batch by
    batch as each is sent: the client hashes one while this prepares the next."""
    frame_digest = FrameDigest(pb.InterventionFact.DESCRIPTOR)
    for chunk in export.batches():
        columns = convert.facts_columns(chunk)
        frame_digest.add_frame(columns)
        yield pb.ExportInterventionsResponse(arrow_ipc=arrow_ipc(columns))
    yield _last_facts_message(export, frame_digest.hexdigest())


def _record_facts(export: FactsExport) -> Iterator[pb.ExportInterventionsResponse]:
    """The facts as InterventionFact records, then the last message."""
    digest = RecordDigest()  # the content_sha256 rule of the proto, over the facts as sent
    for chunk in export.batches():
        facts = [convert.fact(r) for r in chunk.iter_rows(named=True)]
        digest.add_all(facts)
        yield pb.ExportInterventionsResponse(facts=facts)
    yield _last_facts_message(export, digest.hexdigest())


def _last_facts_message(export: FactsExport, sha256: str) -> pb.ExportInterventionsResponse:
    return pb.ExportInterventionsResponse(
        done=True, total=export.facts.height, content_sha256=sha256, caveats=pb.ExportCaveats(**export.caveats())
    )


def _portfolio_messages(export: PortfolioExport) -> Iterator[pb.ExportPortfolioResponse]:
    """The export's records in messages of at most its batch size (and EXPORT_MESSAGE_BYTES), then
    the last message with the counts and the content_sha256 the proto defines."""
    digest = RecordDigest()  # the content_sha256 rule of the proto, over the records as sent
    counts: dict[str, int] = {}
    batch: list[pb.PortfolioRecord] = []
    size = 0
    for kind, row in export.rows():
        record = convert.portfolio_export_record(kind, row)
        record_size = record.ByteSize()
        if batch and (len(batch) >= export.batch_size or size + record_size > EXPORT_MESSAGE_BYTES):
            yield pb.ExportPortfolioResponse(records=batch)
            batch, size = [], 0
        digest.add(record)
        counts[kind] = counts.get(kind, 0) + 1
        batch.append(record)
        size += record_size
    if batch:
        yield pb.ExportPortfolioResponse(records=batch)
    yield pb.ExportPortfolioResponse(done=True, total=digest.count, counts=counts, content_sha256=digest.hexdigest())


def add_to_server(servicer: InterventionsServicer, server: grpc.Server) -> None:
    pb_grpc.add_InterventionsServiceServicer_to_server(servicer, server)
