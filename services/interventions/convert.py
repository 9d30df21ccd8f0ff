"""Protobuf <-> domain for the interventions service. No logic beyond translation."""

import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import polars as pl
from google.protobuf.timestamp_pb2 import Timestamp

from services.api.quitus.common.v1 import common_pb2
from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.interventions.errors import InvalidRequest
from services.interventions.events import SENT_SCHEMA, empty_value

NATURES = {pb.PREVENTIVE: "PREVENTIVE", pb.CURATIVE: "CURATIVE", pb.DIAGNOSTIC: "DIAGNOSTIC"}
NATURE_PB = {v: k for k, v in NATURES.items()}
STATUS_PB = {
    "OPEN": pb.OPEN,
    "SCHEDULED": pb.SCHEDULED,
    "IN_PROGRESS": pb.IN_PROGRESS,
    "ON_HOLD": pb.ON_HOLD,
    "RESOLVED": pb.RESOLVED_STATUS,
    "CLOSED": pb.CLOSED_STATUS,
    "CANCELLED": pb.CANCELLED_STATUS,
}
STATUS_OF_PB = {v: k for k, v in STATUS_PB.items()}
KIND_NAMES = {v: k for k, v in pb.EventKind.items() if v}
OUTCOME_PB = {"NO_DEADLINE": pb.NO_DEADLINE, "MET": pb.MET, "MISSED": pb.MISSED, "PENDING": pb.PENDING}
LEVEL_PB = {"ON_TRACK": pb.ON_TRACK, "ALERT_90": pb.ALERT_90, "BREACHED": pb.BREACHED}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_datetime(ts: Timestamp) -> datetime | None:
    """An unset timestamp (0 s, 0 ns) means "not given"."""
    if not ts.seconds and not ts.nanos:
        return None
    return EPOCH + timedelta(seconds=ts.seconds, microseconds=ts.nanos // 1000)


def set_ts(ts: Timestamp, value: datetime | None) -> None:
    if value is not None:
        ts.FromDatetime(value)


def period(p: common_pb2.Period) -> tuple[datetime | None, datetime | None]:
    return to_datetime(p.start), to_datetime(p.end)


def sent_events(batch: pb.EventBatch) -> dict[str, Sequence]:
    """The batch's events, column by column (events.SENT_SCHEMA), from whichever form it takes."""
    forms = [
        name
        for name, given in (
            ("events", bool(batch.events)),
            ("columns", batch.HasField("columns")),
            ("arrow_ipc", bool(batch.arrow_ipc)),
        )
        if given
    ]
    if len(forms) > 1:
        raise InvalidRequest(f"batch {batch.batch_id!r} holds {' and '.join(forms)}; send one form", field=forms[1])
    if forms == ["columns"]:
        return event_columns(batch.columns)
    if forms == ["arrow_ipc"]:
        return arrow_columns(batch.arrow_ipc)
    return batch_columns(batch.events)


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
            out[name] = _empty_column(name, size, dtype)
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


def _empty_column(name: str, size: int, dtype: pl.DataType) -> pl.Series:
    """A field not given for any of ``size`` events."""
    return pl.repeat(empty_value(name), size, dtype=dtype, eager=True).alias(name)


def arrow_columns(data: bytes) -> dict[str, pl.Series]:
    """An Arrow IPC stream (EventBatch.arrow_ipc) as events.SENT_SCHEMA columns."""
    try:
        frame = pl.read_ipc_stream(io.BytesIO(data))
    except Exception as exc:  # polars reports a bad stream with several exception types
        raise InvalidRequest(f"arrow_ipc is not an Arrow IPC stream: {exc}", field="arrow_ipc") from exc
    name_of = {COLUMN_FIELDS.get(name, name): name for name in SENT_SCHEMA}
    unknown = [column for column in frame.columns if column not in name_of]
    if unknown:
        raise InvalidRequest(
            f"arrow_ipc has columns that are not EventColumns fields: {', '.join(unknown)}",
            field=f"arrow_ipc.{unknown[0]}",
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
        raise InvalidRequest(f"arrow_ipc.{field}: {exc}", field=f"arrow_ipc.{field}") from exc
    if (
        name in _INT32_FIELDS
        and values.null_count() < values.len()
        and not (-(2**31) <= values.min() and values.max() < 2**31)
    ):
        raise InvalidRequest(
            f"arrow_ipc.{field} holds a value out of the 32-bit range of EventColumns.{field}",
            field=f"arrow_ipc.{field}",
        )
    return values.fill_null(empty_value(name)).alias(name)


def _converts(dtype: pl.DataType, wanted: pl.DataType) -> bool:
    if wanted == pl.String:
        return dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum)
    if wanted == pl.Int64:
        return dtype.is_integer()
    return dtype.is_numeric()


def to_event_columns(columns: dict[str, list]) -> pb.EventColumns:
    """events.SENT_SCHEMA columns as an EventColumns message (the inverse of event_columns);
    a column whose every value is empty is left out."""
    kinds = pb.EventKind.keys()
    message = pb.EventColumns()
    for name, values in columns.items():
        if name == "kind":
            values = [pb.EventKind.Value(k) if k in kinds else int(k) if k.isdigit() else 0 for k in values]
        if any(v != empty_value(name) for v in values):
            getattr(message, COLUMN_FIELDS.get(name, name)).extend(values)
    return message


def batch_columns(events) -> dict[str, list]:
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
    return {name: list(values) for name, values in zip(SENT_SCHEMA, columns, strict=True)}


def issue(f) -> common_pb2.RecordIssue:
    return common_pb2.RecordIssue(index=f.index, rule=f.rule, field=f.field, reason=f.reason, record_key=f.record_key)


def portfolio_record(rec: pb.PortfolioRecord) -> tuple[str, dict]:
    """(kind, row) for a plain record; contracts are flattened by contract()."""
    kind = rec.WhichOneof("record")
    if kind is None:
        raise InvalidRequest("empty portfolio record", field="record")
    msg = getattr(rec, kind)
    if kind == "contract":
        return kind, contract(msg)
    row = {f.name: getattr(msg, f.name) for f in msg.DESCRIPTOR.fields}
    key = "ug_id" if kind == "unit" else "id"
    if not row[key]:
        raise InvalidRequest(f"{kind} without {key}", field=f"{kind}.{key}")
    return kind, row


def contract(c: pb.Contract) -> dict:
    if not c.id or not c.contractor_id:
        raise InvalidRequest(f"contract {c.id!r} needs id and contractor_id", field="contract.contractor_id")
    starts, ends = to_datetime(c.starts_at), to_datetime(c.ends_at)
    if starts is None or ends is None or ends <= starts:
        raise InvalidRequest(
            f"contract {c.id}: starts_at and ends_at required, ends after starts", field="contract.ends_at"
        )
    if not 0 <= c.recoverable_share <= 1:
        raise InvalidRequest(
            f"contract {c.id}: recoverable_share must be within 0..1", field="contract.recoverable_share"
        )
    codes, deadlines = [], []
    for sc in c.service_codes:
        if sc.nature not in NATURES:
            raise InvalidRequest(f"contract {c.id}: service code {sc.code} has no nature", field="service_codes.nature")
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


def intervention(row: dict, events: list[dict] | None = None) -> pb.Intervention:
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
        address=", ".join(x for x in (row.get("address"), row.get("city")) if x),
        status=STATUS_PB[row["status"]],
        visits=row["visits"],
        cost_eur=row["cost_eur"],
        description=row["description"],
    )
    for name in ("requested_at", "first_visit_at", "resolved_at", "closed_at"):
        set_ts(getattr(msg, name), row[name])
    for e in events or []:
        t = msg.timeline.add(
            sequence=e["sequence"],
            kind=pb.EventKind.Value(e["kind"]),
            visit_number=e["visit_number"],
            note=e["note"],
            quitus_document=e["quitus_document"],
            quitus_signed_by=e["quitus_signed_by"],
            cost_eur=e["cost_eur"],
            warnings=[w for w in e["warnings"].split(",") if w],
        )
        set_ts(t.event_time, e["event_time"])
        set_ts(t.recorded_at, e["recorded_at"])
    return msg


def fact(row: dict) -> pb.InterventionFact:
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
        set_ts(getattr(msg, name), row[name])
    return msg
