"""Protobuf <-> domain for the interventions service: messages to the rows and columns the
use cases take, their results back to messages. No logic beyond translation."""

import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import polars as pl

from services.api.quitus.common.v1 import common_pb2
from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.interventions.domain.deadlines import DeadlineReport
from services.interventions.domain.edge import check_batch_size
from services.interventions.domain.events import SENT_SCHEMA, Columns, empty_value
from services.interventions.domain.limits import MAX_ACK_ISSUES
from services.interventions.domain.references import ImportOutcome
from services.interventions.domain.rules import Finding
from services.interventions.errors import InvalidRequest
from services.runtime.errors import InvalidArgument
from services.runtime.summaries import import_summary
from services.runtime.timestamps import from_timestamp, set_timestamp
from services.runtime.validation import check_enum, quote

# The domain's names are the enums' value names without their prefix (the unspecified value
# has none): NATURE_CURATIVE is "CURATIVE", STATUS_RESOLVED "RESOLVED", EVENT_KIND_QUITUS "QUITUS".
KIND_PREFIX = "EVENT_KIND_"
NATURE_PB = cast("dict[str, pb.Nature]", {n.removeprefix("NATURE_"): pb.Nature.Value(n) for n in pb.Nature.keys()[1:]})
NATURES: dict[int, str] = {number: name for name, number in NATURE_PB.items()}
STATUS_PB = cast("dict[str, pb.Status]", {n.removeprefix("STATUS_"): pb.Status.Value(n) for n in pb.Status.keys()[1:]})
STATUS_OF_PB: dict[int, str] = {number: name for name, number in STATUS_PB.items()}
KIND_PB = cast(
    "dict[str, pb.EventKind]", {n.removeprefix(KIND_PREFIX): pb.EventKind.Value(n) for n in pb.EventKind.keys()[1:]}
)
KIND_NAMES: dict[int, str] = {number: name for name, number in KIND_PB.items()}
OUTCOME_PB = cast(
    "dict[str, pb.DeadlineOutcome]",
    {n.removeprefix("DEADLINE_OUTCOME_"): pb.DeadlineOutcome.Value(n) for n in pb.DeadlineOutcome.keys()[1:]},
)
LEVEL_PB = cast(
    "dict[str, pb.DeadlineLevel]",
    {n.removeprefix("DEADLINE_LEVEL_"): pb.DeadlineLevel.Value(n) for n in pb.DeadlineLevel.keys()[1:]},
)


def status_filter(number: int) -> str:
    """A Status filter as the domain's name ("" for none); a number Status does not define is refused."""
    return STATUS_OF_PB[check_enum(number, STATUS_OF_PB, "status")] if number else ""


def sent_events(batch: pb.IngestEventsRequest) -> Columns:
    """The batch's events, column by column (events.SENT_SCHEMA), from whichever form it takes
    (none set: no event)."""
    form = batch.WhichOneof("form")
    if form == "columns":
        check_batch_size(max(len(getattr(batch.columns, f.name)) for f in batch.columns.DESCRIPTOR.fields), "columns")
        return event_columns(batch.columns)
    if form == "arrow_ipc":
        return arrow_columns(batch.arrow_ipc)
    check_batch_size(len(batch.events.events), "events")
    return batch_columns(batch.events.events)


# EventColumns fields named differently from events.SENT_SCHEMA
COLUMN_FIELDS = {"event_us": "event_time_us", "recorded_us": "recorded_at_us"}
# EventKind numbers to names; 0 (not given) is the empty kind
_KIND_OF_NUMBER = {0: "", **KIND_NAMES}


def event_columns(columns: pb.EventColumns) -> dict[str, pl.Series]:
    """An EventColumns message as events.SENT_SCHEMA columns; an empty column is the field's
    empty value for every event, a column of any other length than the batch's is refused.
    Each column goes straight from the message into a polars series (no list in between)."""
    sent = {name: getattr(columns, COLUMN_FIELDS.get(name, name)) for name in SENT_SCHEMA}
    size = max(len(values) for values in sent.values())
    out = {}
    for name, values in sent.items():
        dtype = pl.Int64 if name == "kind" else SENT_SCHEMA[name]
        if len(values) == size:
            out[name] = pl.Series(name, values, dtype=dtype)
        elif not values:
            out[name] = (
                _empty_column(name, size, dtype) if name != "kind" else pl.repeat(0, size, dtype=pl.Int64, eager=True)
            )
        else:
            field = COLUMN_FIELDS.get(name, name)
            raise InvalidRequest(
                f"columns.{field} has {len(values)} entries for a batch of {size} events", field=f"columns.{field}"
            )
    out["kind"] = _kind_names(out["kind"])
    return out


def _kind_names(numbers: pl.Series) -> pl.Series:
    """EventKind numbers as names; an unknown number stays visible (as its digits) to be refused
    as unknown_kind."""
    return numbers.replace_strict(_KIND_OF_NUMBER, default=numbers.cast(pl.String), return_dtype=pl.String)


def _empty_column(name: str, size: int, dtype: pl.DataType | type[pl.DataType]) -> pl.Series:
    """A field not given for any of ``size`` events."""
    return pl.repeat(empty_value(name), size, dtype=dtype, eager=True).alias(name)


def arrow_columns(data: bytes) -> dict[str, pl.Series]:
    """An Arrow IPC stream (EventBatch.arrow_ipc) as events.SENT_SCHEMA columns."""
    try:
        frame = pl.read_ipc_stream(io.BytesIO(data))
    except Exception as exc:  # polars reports a bad stream with several exception types
        raise InvalidRequest(f"arrow_ipc is not an Arrow IPC stream: {quote(str(exc))}", field="arrow_ipc") from exc
    check_batch_size(frame.height, "arrow_ipc")
    name_of = {COLUMN_FIELDS.get(name, name): name for name in SENT_SCHEMA}
    unknown = [column for column in frame.columns if column not in name_of]
    if unknown:
        raise InvalidRequest(
            f"arrow_ipc has columns that are not EventColumns fields: {', '.join(quote(u) for u in unknown[:5])}",
            field=f"arrow_ipc.{unknown[0]}" if unknown[0].isidentifier() and len(unknown[0]) <= 64 else "arrow_ipc",
        )
    out = {}
    for field, name in name_of.items():
        if field in frame.columns:
            out[name] = _arrow_column(frame[field], name, field)
        else:
            out[name] = _empty_column(name, frame.height, SENT_SCHEMA[name])
    return out


# Fields that are int32 in EventColumns (and in the tables): the Arrow form may not exceed them.
_INT32_FIELDS = ("sequence", "visit_number")


def _arrow_column(values: pl.Series, name: str, field: str) -> pl.Series:
    """One Arrow column as its SENT_SCHEMA type, nulls as the empty value; a type that does not
    convert without loss is refused, naming the column."""
    dtype, wanted = values.dtype, SENT_SCHEMA[name]
    if name == "kind" and dtype.is_integer():
        values = _kind_names(values)
    elif name in ("event_us", "recorded_us") and isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            raise InvalidRequest(f"arrow_ipc.{field} holds timestamps with no time zone", field=f"arrow_ipc.{field}")
        values = values.dt.epoch("us")
    elif not _converts(dtype, wanted):
        raise InvalidRequest(f"arrow_ipc.{field} is {dtype}, expected {wanted}", field=f"arrow_ipc.{field}")
    try:
        values = values.cast(wanted, strict=True)
    except pl.exceptions.InvalidOperationError as exc:
        raise InvalidRequest(f"arrow_ipc.{field}: {quote(str(exc))}", field=f"arrow_ipc.{field}") from exc
    if name == "kind" and wanted == pl.String:
        values = values.str.strip_prefix(KIND_PREFIX)  # the EventKind name, or the domain's
    if (
        name in _INT32_FIELDS
        and values.null_count() < values.len()
        and not (-(2**31) <= cast(int, values.min()) and cast(int, values.max()) < 2**31)
    ):
        raise InvalidRequest(
            f"arrow_ipc.{field} holds a value out of the 32-bit range of EventColumns.{field}",
            field=f"arrow_ipc.{field}",
        )
    return values.fill_null(empty_value(name)).alias(name)


def _converts(dtype: pl.DataType, wanted: type[pl.DataType]) -> bool:
    if wanted == pl.String:
        return dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum)
    if wanted == pl.Int64:
        return dtype.is_integer()
    return dtype.is_numeric()


def to_event_columns(columns: dict[str, list]) -> pb.EventColumns:
    """events.SENT_SCHEMA columns as an EventColumns message (the inverse of event_columns);
    a column whose every value is empty is left out."""
    message = pb.EventColumns()
    for name, values in columns.items():
        if name == "kind":
            values = [KIND_PB[k] if k in KIND_PB else int(k) if k.isdigit() else 0 for k in values]
        if any(v != empty_value(name) for v in values):
            getattr(message, COLUMN_FIELDS.get(name, name)).extend(values)
    return message


def batch_columns(events: Iterable[pb.InterventionEvent]) -> dict[str, list]:
    """A batch of InterventionEvent messages, column by column (events.SENT_SCHEMA), read in
    one pass over the messages."""
    kind_name = [KIND_NAMES.get(k, "") for k in range(max(KIND_NAMES) + 1)]
    rows = [
        (
            e.contractor_id,
            e.external_ref,
            e.sequence,
            kind_name[e.kind] if 0 <= e.kind < len(kind_name) else str(e.kind),
            (t := e.event_time).seconds * 1_000_000 + t.nanos // 1000,
            (r := e.recorded_at).seconds * 1_000_000 + r.nanos // 1000,
            e.contract_id,
            e.service_code,
            e.ug_id,
            e.building_id,
            e.equipment_id,
            e.criticality,
            e.description,
            e.visit_number,
            e.quitus_document,
            e.quitus_signed_by,
            e.cost_eur,
            e.note,
        )
        for e in events
    ]
    columns = zip(*rows, strict=True) if rows else [[] for _ in SENT_SCHEMA]
    out = {name: list(values) for name, values in zip(SENT_SCHEMA, columns, strict=True)}
    for name in ("event_us", "recorded_us"):  # a Timestamp may hold more microseconds than int64
        values = out[name]
        if values and (min(values) < _INT64_MIN or max(values) > _INT64_MAX):
            out[name] = [min(max(v, _INT64_MIN), _INT64_MAX) for v in values]  # refused at the edge
    return out


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def issue(f: Finding) -> common_pb2.RecordIssue:
    return common_pb2.RecordIssue(index=f.index, rule=f.rule, field=f.field, reason=f.reason, record_key=f.record_key)


# Characters of a batch_id echoed in its ack
BATCH_ID_CHARS = 64


def ack(
    batch_id: str, received: int, accepted: int, duplicates: int, rejected: list[Finding], warnings: list[Finding]
) -> pb.IngestEventsResponse:
    """The ack of a batch: counts, the first MAX_ACK_ISSUES rejections and warnings, the number
    of the others."""
    return pb.IngestEventsResponse(
        batch_id=batch_id[:BATCH_ID_CHARS],
        received=received,
        accepted=accepted,
        duplicates=duplicates,
        rejected=[issue(f) for f in rejected[:MAX_ACK_ISSUES]],
        warnings=[issue(w) for w in warnings[:MAX_ACK_ISSUES]],
        more_rejected=max(len(rejected) - MAX_ACK_ISSUES, 0),
        more_warnings=max(len(warnings) - MAX_ACK_ISSUES, 0),
    )


def refused_ack(batch_id: str, error: InvalidArgument) -> pb.IngestEventsResponse:
    """The ack of a batch refused whole (it could not be read): nothing of it was stored."""
    return pb.IngestEventsResponse(
        batch_id=batch_id[:BATCH_ID_CHARS],
        refused_whole=True,
        refusal=common_pb2.RecordIssue(rule="batch_refused", field=error.field or "", reason=error.message),
    )


def portfolio_records(
    batches: Iterable[pb.ImportPortfolioRequest],
) -> tuple[list[tuple[int, str, dict]], list[common_pb2.RecordIssue], datetime | None]:
    """(position in the stream, kind, row) of every record of an import stream, the issues of
    the records that do not convert (rule invalid_record), and the stream's recorded_at (its
    first batch's; a later batch setting another is refused, field recorded_at)."""
    received: list[tuple[int, str, dict]] = []
    invalid: list[common_pb2.RecordIssue] = []
    position = 0
    recorded_at: datetime | None = None
    for number, batch in enumerate(batches):
        if number == 0:
            recorded_at = from_timestamp(batch.recorded_at, "recorded_at")
        elif batch.HasField("recorded_at") and from_timestamp(batch.recorded_at, "recorded_at") != recorded_at:
            raise InvalidRequest(
                "recorded_at differs from the first batch's: one import, one recording instant", field="recorded_at"
            )
        for rec in batch.records:
            try:
                kind, row = portfolio_record(rec)
            except InvalidArgument as exc:
                invalid.append(
                    common_pb2.RecordIssue(
                        index=position, rule="invalid_record", field=exc.field or "", reason=exc.message
                    )
                )
            else:
                received.append((position, kind, row))
            position += 1
    return received, invalid, recorded_at


def import_response(outcome: ImportOutcome, invalid: list[common_pb2.RecordIssue]) -> pb.ImportPortfolioResponse:
    issues = [*invalid]
    issues += [
        common_pb2.RecordIssue(index=position, rule="invalid_field", field=field, reason=reason)
        for position, _kind, field, reason in outcome.invalid
    ]
    issues += [
        common_pb2.RecordIssue(index=position, rule="unknown_reference", field=field, reason=reason)
        for position, _kind, field, reason in outcome.refused
    ]
    return pb.ImportPortfolioResponse(summary=import_summary(dict(outcome.upserted), issues))


# Fields set by ExportPortfolio only, ignored on import.
EXPORT_ONLY = {"building": ("territory_id",)}


def portfolio_record(rec: pb.PortfolioRecord) -> tuple[str, dict]:
    """(kind, row) for a plain record; contracts are flattened by contract()."""
    kind = rec.WhichOneof("record")
    if kind is None:
        raise InvalidRequest("empty portfolio record", field="record")
    msg = getattr(rec, kind)
    if kind == "contract":
        return kind, contract(msg)
    row = {f.name: getattr(msg, f.name) for f in msg.DESCRIPTOR.fields if f.name not in EXPORT_ONLY.get(kind, ())}
    key = "ug_id" if kind == "unit" else "id"
    if not row[key]:
        raise InvalidRequest(f"{kind} without {key}", field=f"{kind}.{key}")
    return kind, row


def contract(c: pb.Contract) -> dict:
    if not c.id or not c.contractor_id:
        raise InvalidRequest(f"contract {quote(c.id)} needs id and contractor_id", field="contract.contractor_id")
    starts = from_timestamp(c.starts_at, "contract.starts_at")
    ends = from_timestamp(c.ends_at, "contract.ends_at")
    if starts is None or ends is None or ends <= starts:
        raise InvalidRequest(
            f"contract {quote(c.id)}: starts_at and ends_at required, ends after starts", field="contract.ends_at"
        )
    if not 0 <= c.recoverable_share <= 1:
        raise InvalidRequest(
            f"contract {quote(c.id)}: recoverable_share must be within 0..1", field="contract.recoverable_share"
        )
    codes, deadlines = [], []
    for sc in c.service_codes:
        if sc.nature not in NATURES:
            raise InvalidRequest(
                f"contract {quote(c.id)}: service code {quote(sc.code)} has no nature", field="service_codes.nature"
            )
        codes.append(
            {"code": sc.code, "trade": sc.trade, "nature": NATURES[sc.nature], "unit_price_eur": sc.unit_price_eur}
        )
        deadlines += [
            {
                "code": sc.code,
                "criticality": d.criticality,
                "intervene_hours": d.intervene_hours,
                "repair_hours": d.repair_hours,
            }
            for d in sc.deadlines
        ]
    perimeter = (
        [{"scope_kind": "territory", "scope_id": t} for t in c.territory_ids]
        + [{"scope_kind": "residence", "scope_id": r} for r in c.residence_ids]
        + [{"scope_kind": "building", "scope_id": b} for b in c.building_ids]
    )
    return {
        "id": c.id,
        "contractor_id": c.contractor_id,
        "reference": c.reference,
        "starts_at": starts,
        "ends_at": ends,
        "recoverable_share": c.recoverable_share,
        "perimeter": perimeter,
        "trades": [{"trade": t} for t in sorted(set(c.trades))],
        "codes": codes,
        "deadlines": deadlines,
        "plans": [
            {"service_code": p.service_code, "equipment_kind": p.equipment_kind, "interval_days": p.interval_days}
            for p in c.preventive_plans
        ],
    }


def intervention(row: dict[str, Any], events: list[dict[str, Any]] | None = None) -> pb.Intervention:
    msg = pb.Intervention(
        id=row["id"],
        contractor_id=row["contractor_id"],
        external_ref=row["external_ref"],
        contract_id=row["contract_id"],
        service_code=row["service_code"],
        trade=row["trade"],
        nature=NATURE_PB[row["nature"]],
        criticality=row["criticality"],
        building_id=row["building_id"],
        ug_id=row["ug_id"] or "",
        equipment_id=row["equipment_id"] or "",
        address=row["address"],
        status=STATUS_PB[row["status"]],
        visits=row["visits"],
        cost_eur=row["cost_eur"],
        description=row["description"],
        description_truncated=row.get("description_truncated", False),
    )
    for name in ("requested_at", "first_visit_at", "resolved_at", "closed_at"):
        set_timestamp(getattr(msg, name), row[name])
    for e in events or []:
        t = msg.timeline.add(
            sequence=e["sequence"],
            kind=KIND_PB[e["kind"]],
            visit_number=e["visit_number"],
            note=e["note"],
            quitus_document=e["quitus_document"],
            quitus_signed_by=e["quitus_signed_by"],
            cost_eur=e["cost_eur"],
            warnings=[w for w in e["warnings"].split(",") if w],
        )
        set_timestamp(t.event_time, e["event_time"])
        set_timestamp(t.recorded_at, e["recorded_at"])
    return msg


def fact(row: dict[str, Any]) -> pb.InterventionFact:
    msg = pb.InterventionFact(
        id=row["id"],
        contractor_id=row["contractor_id"],
        contract_id=row["contract_id"],
        service_code=row["service_code"],
        trade=row["trade"],
        nature=NATURE_PB[row["nature"]],
        criticality=row["criticality"],
        building_id=row["building_id"],
        ug_id=row["ug_id"] or "",
        status=STATUS_PB[row["status"]],
        visits=row["visits"],
        first_time_fix=row["first_time_fix"],
        intervene_deadline=OUTCOME_PB[row["intervene_deadline"]],
        repair_deadline=OUTCOME_PB[row["repair_deadline"]],
        cost_eur=row["cost_eur"],
        has_quitus=row["has_quitus"],
        recoverable_share=row["recoverable_share"],
    )
    for name in ("requested_at", "first_visit_at", "resolved_at", "closed_at"):
        set_timestamp(getattr(msg, name), row[name])
    return msg


# Portfolio rows (domain.portfolio_export) as the fields of their messages: the row's keys are
# the stored columns, named as the message's fields.
_PLAIN_MESSAGES = {
    "organisation": pb.Organisation,
    "territory": pb.Territory,
    "residence": pb.Residence,
    "building": pb.Building,
    "unit": pb.Unit,
    "equipment": pb.Equipment,
    "contractor": pb.Contractor,
    "contractor_base": pb.ContractorBase,
}


def portfolio_export_record(kind: str, row: dict[str, Any]) -> pb.PortfolioRecord:
    """One exported record, in the PortfolioRecord ImportPortfolio takes."""
    if kind != "contract":
        return pb.PortfolioRecord(**{kind: _PLAIN_MESSAGES[kind](**row)})
    msg = pb.Contract(
        id=row["id"],
        contractor_id=row["contractor_id"],
        reference=row["reference"],
        territory_ids=row["territory_ids"],
        residence_ids=row["residence_ids"],
        building_ids=row["building_ids"],
        trades=row["trades"],
        recoverable_share=row["recoverable_share"],
        service_codes=[
            pb.ServiceCode(
                code=c["code"],
                trade=c["trade"],
                nature=NATURE_PB[c["nature"]],
                unit_price_eur=c["unit_price_eur"],
                deadlines=[
                    pb.Deadline(
                        criticality=d["criticality"],
                        intervene_hours=d["intervene_hours"],
                        repair_hours=d["repair_hours"],
                    )
                    for d in c["deadlines"]
                ],
            )
            for c in row["codes"]
        ],
        preventive_plans=[
            pb.PreventivePlan(
                service_code=p["service_code"], equipment_kind=p["equipment_kind"], interval_days=p["interval_days"]
            )
            for p in row["plans"]
        ],
    )
    set_timestamp(msg.starts_at, row["starts_at"])
    set_timestamp(msg.ends_at, row["ends_at"])
    return pb.PortfolioRecord(contract=msg)


def deadline_response(report: DeadlineReport) -> pb.GetDeadlineStatusResponse:
    response = pb.GetDeadlineStatusResponse(
        on_track=report.on_track, alert_90=report.alert_90, breached=report.breached
    )
    for row in report.lines:
        response.lines.add(
            intervention_id=row["id"],
            contractor_id=row["contractor_id"],
            building_id=row["building_id"],
            ug_id=row["ug_id"] or "",
            kind=row["kind"],
            allowed_hours=row["allowed_hours"],
            elapsed_hours=row["elapsed_hours"],
            used_share=row["used_share"],
            level=LEVEL_PB[row["level"]],
        )
    return response


def quality_response(target: float, contractors: list[dict[str, Any]]) -> pb.GetDataQualityResponse:
    return pb.GetDataQualityResponse(target=target, contractors=[pb.ContractorQuality(**q) for q in contractors])


def rejections_response(rows: list[dict[str, Any]], next_page_token: str) -> pb.ListRejectionsResponse:
    response = pb.ListRejectionsResponse(next_page_token=next_page_token)
    for r in rows:
        msg = response.rejections.add(
            id=r["id"],
            contractor_id=r["contractor_id"],
            record_key=r["record_key"],
            rule=r["rule"],
            field=r["field"],
            reason=r["reason"],
            payload_json=r["payload_json"],
        )
        set_timestamp(msg.received_at, r["received_at"])
    return response


def top_units_response(rows: list[dict[str, Any]]) -> pb.GetTopUnitsResponse:
    return pb.GetTopUnitsResponse(
        units=[
            pb.UnitCount(
                ug_id=r["ug_id"], building_id=r["building_id"], address=r["address"], curative_interventions=r["n"]
            )
            for r in rows
        ]
    )


# The facts frame's columns (domain.facts.FACT_COLUMNS) are InterventionFact's fields, enums by
# their names without prefix: the Arrow form sends them as they are, in the message's order.
FACT_ARROW_SCHEMA = {
    f.name: (
        pl.Datetime("us", "UTC")
        if f.message_type is not None
        else pl.Int32
        if f.type == f.TYPE_INT32
        else pl.Float64
        if f.type == f.TYPE_DOUBLE
        else pl.Boolean
        if f.type == f.TYPE_BOOL
        else pl.String
    )
    for f in pb.InterventionFact.DESCRIPTOR.fields
}


def facts_columns(facts: pl.DataFrame) -> pl.DataFrame:
    """The facts as the Arrow form's columns (quitus.common.v1.ExportForm)."""
    return facts.select([pl.col(name).cast(dtype) for name, dtype in FACT_ARROW_SCHEMA.items()])
