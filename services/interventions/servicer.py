"""gRPC servicer of quitus.interventions.v1: protobuf in, use case, protobuf out."""

from collections.abc import Iterator

import grpc

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.interventions import convert
from services.interventions.errors import InvalidRequest
from services.interventions.service import InterventionsService, facts_digest
from services.runtime.cutoff import require_settled
from services.runtime.principal import ADMINS, READERS, STAFF_READERS, WRITERS, Role, current_principal

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["Interventions"].full_name
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
}
MAX_PAGE = 1000


def _page_size(requested: int) -> int:
    return min(_count(requested, "page.page_size") or 100, MAX_PAGE)


def _count(value: int, field: str) -> int:
    """A size or limit: 0 means the default."""
    if value < 0:
        raise InvalidRequest(f"{field} must be >= 0, got {value}", field=field)
    return value


class InterventionsServicer(pb_grpc.InterventionsServicer):
    def __init__(self, service: InterventionsService) -> None:
        self.service = service

    def ImportPortfolio(self, request_iterator, context):
        records: dict[str, list[dict]] = {}
        contracts: list[dict] = []
        summary = pb.ImportSummary()
        position = 0
        positions: dict[int, int] = {}  # id() of each row -> its place in the stream
        for batch in request_iterator:
            for rec in batch.records:
                try:
                    kind, row = convert.portfolio_record(rec)
                except InvalidRequest as exc:
                    summary.rejected.add(
                        index=position, rule="invalid_record", field=exc.field or "", reason=exc.message
                    )
                else:
                    (contracts.append(row) if kind == "contract" else records.setdefault(kind, []).append(row))
                    positions[id(row)] = position
                    summary.upserted[kind] += 1
                position += 1
        for kind, row, field, reason in self.service.import_portfolio(records, contracts):
            summary.rejected.add(
                index=positions[id(row)], rule="unknown_reference", field=f"{kind}.{field}", reason=reason
            )
            summary.upserted[kind] -= 1
        return summary

    def IngestEvents(self, request_iterator, context) -> Iterator[pb.BatchAck]:
        principal = current_principal()
        for batch in request_iterator:
            columns = convert.sent_events(batch)
            outcome = self.service.ingest_batch(columns, principal)
            yield pb.BatchAck(
                batch_id=batch.batch_id,
                received=len(columns["kind"]),
                accepted=outcome.accepted.height,
                duplicates=outcome.duplicates,
                rejected=[convert.issue(f) for f in outcome.rejected],
                warnings=[convert.issue(w) for w in outcome.warnings],
            )

    def GetIntervention(self, request, context):
        row, events = self.service.get(request.id, current_principal())
        return convert.intervention(row, events)

    def SearchInterventions(self, request, context):
        contractor = self.service.scope_contractor(request.contractor_id, current_principal())
        limit = _page_size(request.page.page_size)
        start, end = convert.period(request.requested)
        status = convert.STATUS_OF_PB.get(request.status, "") if request.status else ""
        rows = self.service.store.search(
            ug_id=request.ug_id,
            address_text=request.address_text,
            building_id=request.building_id,
            contractor_id=contractor,
            status=status,
            requested_from=start,
            requested_to=end,
            after_id=request.page.page_token,
            limit=limit + 1,
        )
        page, more = rows[:limit], len(rows) > limit
        return pb.SearchResponse(
            interventions=[convert.intervention(r) for r in page], next_page_token=page[-1]["id"] if more else ""
        )

    def GetDeadlineStatus(self, request, context):
        contractor = self.service.scope_contractor(request.contractor_id, current_principal())
        lines = self.service.deadline_status(convert.to_datetime(request.at), contractor)
        counts = lines["level"].value_counts()
        count = {row["level"]: row["count"] for row in counts.iter_rows(named=True)}
        if request.alerts_only:
            lines = lines.filter(lines["level"] != "ON_TRACK")
        response = pb.DeadlineStatusResponse(
            on_track=count.get("ON_TRACK", 0), alert_90=count.get("ALERT_90", 0), breached=count.get("BREACHED", 0)
        )
        for row in lines.head(_count(request.limit, "limit") or 1000).iter_rows(named=True):
            response.lines.add(
                intervention_id=row["id"],
                contractor_id=row["contractor_id"],
                building_id=row["building_id"],
                ug_id=row["ug_id"] or "",
                kind=row["kind"],
                allowed_hours=row["allowed_hours"],
                elapsed_hours=row["elapsed_hours"],
                used_share=row["used_share"],
                level=convert.LEVEL_PB[row["level"]],
            )
        return response

    def GetDataQuality(self, request, context):
        contractor = self.service.scope_contractor(request.contractor_id, current_principal())
        target = request.target or 0.95
        if not 0 < target <= 1:
            raise InvalidRequest(f"target is a share within (0, 1], got {target}", field="target")
        return pb.DataQualityResponse(
            target=target,
            contractors=[pb.ContractorQuality(**q) for q in self.service.data_quality(contractor, target)],
        )

    def ListRejections(self, request, context):
        contractor = self.service.scope_contractor(request.contractor_id, current_principal())
        limit = _page_size(request.page.page_size)
        token = request.page.page_token
        if token and not token.isdigit():
            raise InvalidRequest("page_token is not one this service gave", field="page.page_token")
        rows = self.service.store.rejections(
            contractor_id=contractor, rule=request.rule, after_id=int(token or 0), limit=limit + 1
        )
        page, more = rows[:limit], len(rows) > limit
        response = pb.ListRejectionsResponse(next_page_token=str(page[-1]["id"]) if more else "")
        for r in page:
            msg = response.rejections.add(
                id=r["id"],
                contractor_id=r["contractor_id"],
                record_key=r["record_key"],
                rule=r["rule"],
                field=r["field"],
                reason=r["reason"],
                payload_json=r["payload_json"],
            )
            convert.set_ts(msg.received_at, r["received_at"])
        return response

    def GetTopUnits(self, request, context):
        start, end = convert.period(request.requested)
        rows = self.service.store.top_units(
            requested_from=start,
            requested_to=end,
            contractor_id=request.contractor_id,
            limit=_count(request.limit, "limit") or 10,
        )
        return pb.TopUnitsResponse(
            units=[
                pb.UnitCount(
                    ug_id=r["ug_id"],
                    building_id=r["building_id"],
                    address=", ".join(x for x in (r["address"], r["city"]) if x),
                    curative_interventions=r["n"],
                )
                for r in rows
            ]
        )

    def ExportInterventions(self, request, context) -> Iterator[pb.ExportBatch]:
        as_of = convert.to_datetime(request.as_of)
        if as_of is None:
            raise InvalidRequest("as_of is required: an export is always as known at a cut-off", field="as_of")
        require_settled(as_of, self.service.clock(), "events")
        size = _count(request.batch_size, "batch_size") or 5000
        buildings = list(request.building_ids)
        if request.territory_ids:
            buildings += self.service.buildings_in(list(request.territory_ids))
        if request.territory_ids and not buildings:
            raise InvalidRequest("no building in the territories given", field="territory_ids")
        start, end = convert.period(request.requested)
        facts = self.service.facts(
            as_of=as_of,
            requested_from=start,
            requested_to=end,
            contractor_ids=list(request.contractor_ids),
            building_ids=buildings,
        )
        for offset in range(0, facts.height, size):
            yield pb.ExportBatch(facts=[convert.fact(r) for r in facts.slice(offset, size).iter_rows(named=True)])
        yield pb.ExportBatch(done=True, total=facts.height, content_sha256=facts_digest(facts))


def add_to_server(servicer: InterventionsServicer, server: grpc.Server) -> None:
    pb_grpc.add_InterventionsServicer_to_server(servicer, server)
