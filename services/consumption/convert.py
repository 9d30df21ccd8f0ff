"""Protobuf <-> the values and frames the use cases take and give (quitus.consumption.v1).

Only shapes change here: a malformed message (a date that is not one, columns of unequal lengths,
an unknown enum value) is refused with INVALID_ARGUMENT naming its field; business checks are the
domain's.
"""

import io
import math
from collections.abc import Sequence
from typing import Any

import polars as pl
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from services.api.quitus.common.v1 import common_pb2
from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.consumption.domain.imports import DegreeDayBatch, ImportSummary, MeterBatch, PriceBatch
from services.consumption.domain.limits import BATCH_ID_CHARS
from services.consumption.domain.validation import Ack, ReadingBatch, whole_batch_problem
from services.consumption.errors import InvalidReadingRequest
from services.runtime.digest import record_columns
from services.runtime.summaries import import_summary
from services.runtime.timestamps import to_timestamp

TS = pl.Datetime("us", "UTC")
GRANULARITY: dict[int, str] = {
    pb.GRANULARITY_UNSPECIFIED: "month",
    pb.GRANULARITY_DAY: "day",
    pb.GRANULARITY_MONTH: "month",
    pb.GRANULARITY_YEAR: "year",
}


def _num(value: float | None) -> float:
    return math.nan if value is None else float(value)


def granularity_in(value: int) -> str:
    if value not in GRANULARITY:
        raise InvalidReadingRequest(f"unknown granularity {value}", field="granularity")
    return GRANULARITY[value]


# ---- imports ---------------------------------------------------------------------------------
def meter_in(meter: pb.Meter) -> dict[str, Any]:
    return {
        "meter_ref": meter.meter_ref,
        "building_id": meter.building_id,
        "unit_id": meter.unit_id or None,
        "carrier": meter.carrier,
        "unit": meter.unit,
        "usage": meter.usage,
        "recoverable": meter.recoverable,
        "charge_category": meter.charge_category,
        "register_digits": meter.register_digits or None,
        "reading_kind": meter.reading_kind,
        "weather_station": meter.weather_station or None,
        "contract_ref": meter.contract_ref or None,
    }


def _us(ts: Timestamp) -> int | None:
    """A Timestamp as epoch microseconds (None when unset), held within int64: the domain judges
    whether it is an instant it takes."""
    if not ts.seconds and not ts.nanos:
        return None
    return max(-(2**63), min(2**63 - 1, ts.seconds * 1_000_000 + ts.nanos // 1000))


def meter_batch_in(batch: pb.ImportMetersRequest) -> MeterBatch:
    return MeterBatch(
        meters=[meter_in(m) for m in batch.meters],
        replacements=pl.DataFrame(
            {
                "meter_ref": [r.meter_ref for r in batch.replacements],
                "replaced_at_us": [_us(r.replaced_at) for r in batch.replacements],
                "old_last_index": [r.old_last_index for r in batch.replacements],
                "new_first_index": [r.new_first_index for r in batch.replacements],
            },
            schema={
                "meter_ref": pl.String,
                "replaced_at_us": pl.Int64,
                "old_last_index": pl.Float64,
                "new_first_index": pl.Float64,
            },
        ),
        gas_coefficients=pl.DataFrame(
            {
                "meter_ref": [c.meter_ref for c in batch.gas_coefficients],
                "valid_from_us": [_us(c.valid_from) for c in batch.gas_coefficients],
                "kwh_pcs_per_m3": [c.kwh_pcs_per_m3 for c in batch.gas_coefficients],
                "source": [c.source for c in batch.gas_coefficients],
            },
            schema={
                "meter_ref": pl.String,
                "valid_from_us": pl.Int64,
                "kwh_pcs_per_m3": pl.Float64,
                "source": pl.String,
            },
        ),
    )


def degree_day_batch_in(batch: pb.ImportDegreeDaysRequest) -> DegreeDayBatch:
    temperatures = dju = normals = None
    if batch.temperatures:
        temperatures = pl.DataFrame(
            [(x.station, x.day, x.tn, x.tx) for x in batch.temperatures],
            schema={"station": pl.String, "day": pl.String, "tn": pl.Float64, "tx": pl.Float64},
            orient="row",
        )
    if batch.dju:
        dju = pl.DataFrame(
            [(x.station, x.day, x.dju) for x in batch.dju],
            schema={"station": pl.String, "day": pl.String, "dju": pl.Float64},
            orient="row",
        )
    if batch.normals:
        normals = pl.DataFrame(
            [(x.station, x.month_of_year, x.dju_ref, x.ref_period) for x in batch.normals],
            schema={"station": pl.String, "month_of_year": pl.Int64, "dju_ref": pl.Float64, "ref_period": pl.String},
            orient="row",
        )
    return DegreeDayBatch(batch.source, temperatures, dju, normals)


def provisions_in(provisions: Sequence[pb.Provision]) -> pl.DataFrame:
    """``unit_id, text, charge_category, amount_eur, building_id`` (``text``: the month as sent)."""
    return pl.DataFrame(
        {
            "unit_id": [x.unit_id for x in provisions],
            "text": [x.month for x in provisions],
            "charge_category": [x.charge_category for x in provisions],
            "amount_eur": [x.amount_eur for x in provisions],
            "building_id": [x.building_id for x in provisions],
        },
        schema_overrides={c: pl.String for c in ("unit_id", "text", "charge_category", "building_id")},
    )


def price_batch_in(batch: pb.ImportPricesRequest) -> PriceBatch:
    prices = pl.DataFrame(
        {
            "meter_ref": [p.meter_ref for p in batch.prices],
            "contract_ref": [p.contract_ref for p in batch.prices],
            "valid_from_us": [_us(p.valid_from) for p in batch.prices],
            "basis": [p.basis for p in batch.prices],
            "eur_per_unit": [p.eur_per_unit for p in batch.prices],
            "fixed_eur_per_month": [p.fixed_eur_per_month for p in batch.prices],
            "source": [p.source for p in batch.prices],
        },
        schema={
            "meter_ref": pl.String,
            "contract_ref": pl.String,
            "valid_from_us": pl.Int64,
            "basis": pl.String,
            "eur_per_unit": pl.Float64,
            "fixed_eur_per_month": pl.Float64,
            "source": pl.String,
        },
    )
    return PriceBatch(prices, provisions_in(batch.provisions) if batch.provisions else None)


def summary_out(summary: ImportSummary) -> common_pb2.ImportSummary:
    return import_summary(
        dict(summary.upserted),
        (
            common_pb2.RecordIssue(index=i.index, rule=i.rule, field=i.field, reason=i.reason, record_key=i.record_key)
            for i in summary.rejected
        ),
    )


# ---- readings --------------------------------------------------------------------------------
def readings_in(batch: pb.IngestReadingsRequest) -> ReadingBatch:
    """The columnar batch as a frame (``validation.BATCH_SCHEMA``), or refused whole when it cannot
    be read record by record (``validation.whole_batch_problem``: nothing is built from it then)."""
    lengths = {
        "meter_ref": len(batch.meter_ref),
        "kind": len(batch.kind),
        "read_at_us": len(batch.read_at_us),
        "period_start_us": len(batch.period_start_us),
        "value": len(batch.value),
        "unit": len(batch.unit),
        "estimated": len(batch.estimated),
    }
    batch_id = batch.batch_id[:BATCH_ID_CHARS]
    received = max(lengths.values())
    refused = whole_batch_problem(batch.batch_id, lengths, {"period_start_us", "estimated"})
    if refused:
        return ReadingBatch(batch_id, received, None, refused)
    n = lengths["meter_ref"]
    frame = pl.DataFrame(
        {
            "index": pl.int_range(n, eager=True, dtype=pl.Int64),
            "meter_ref": pl.Series(list(batch.meter_ref), dtype=pl.String),
            "kind": pl.Series(list(batch.kind), dtype=pl.String),
            "read_at_us": pl.Series(list(batch.read_at_us), dtype=pl.Int64),
            "period_start_us": pl.Series(list(batch.period_start_us) or [0] * n, dtype=pl.Int64).replace(0, None),
            "value": pl.Series(list(batch.value), dtype=pl.Float64),
            "unit": pl.Series(list(batch.unit), dtype=pl.String),
            "estimated": pl.Series(list(batch.estimated) or [False] * n, dtype=pl.Boolean),
        }
    )
    return ReadingBatch(batch_id, n, frame)


def _issues(frame: pl.DataFrame, rule: str | None) -> list[common_pb2.RecordIssue]:
    return [
        common_pb2.RecordIssue(index=index, rule=rule or "invalid_reading", field=field, reason=reason, record_key=key)
        for index, field, reason, key in frame.select("index", "field", "reason", "key").iter_rows()
    ]


def ack_out(ack: Ack) -> pb.IngestReadingsResponse:
    out = pb.IngestReadingsResponse(
        batch_id=ack.batch_id,
        received=ack.received,
        accepted=ack.accepted,
        duplicates=ack.duplicates,
        rejected=_issues(ack.rejected, "invalid_reading"),
        warnings=_issues(ack.warnings, "backwards_index"),
        rejected_total=ack.rejected_total,
        warnings_total=ack.warnings_total,
    )
    if ack.refused:
        out.refused_whole = True
        out.refused_field, out.refused_reason = ack.refused
    return out


# ---- figures ---------------------------------------------------------------------------------
def consumption_out(figures: pl.DataFrame, totals: pl.DataFrame) -> pb.GetConsumptionResponse:
    response = pb.GetConsumptionResponse()
    for r in figures.iter_rows(named=True):
        response.figures.add(
            meter_ref=r["meter_ref"],
            period_start=to_timestamp(r["period_start"]),
            period_end=to_timestamp(r["period_end"]),
            quantity=r["quantity"],
            unit=r["unit"],
            kwh_pci=_num(r["kwh_pci"]),
            estimated_share=r["estimated_share"],
            coverage=r["coverage"],
            carrier=r["carrier"],
            conversion=r["conversion"] or "",
        )
    for r in totals.iter_rows(named=True):
        response.totals.add(
            carrier=r["carrier"],
            unit=r["unit"],
            quantity=r["quantity"],
            kwh_pci=_num(r["kwh_pci"]),
            estimated_share=r["estimated_share"],
            energy=r["energy"],
            figures_without_kwh=r["figures_without_kwh"],
        )
    return response


def anomaly_out(r: dict[str, Any]) -> pb.Anomaly:
    return pb.Anomaly(
        meter_ref=r["meter_ref"],
        building_id=r["building_id"],
        kind=r["kind"],
        window_start=to_timestamp(r["window_start"]),
        window_end=to_timestamp(r["window_end"]),
        expected=_num(r["expected"]),
        observed=_num(r["observed"]),
        detail=r["detail"],
        detected_at=to_timestamp(r["detected_at"]),
    )


def rejection_out(r: dict[str, Any]) -> pb.Rejection:
    return pb.Rejection(
        id=r["id"],
        batch_id=r["batch_id"],
        index=r["record_index"],
        field=r["field"],
        reason=r["reason"],
        payload_json=r["payload_json"],
        received_at=to_timestamp(r["received_at"]),
    )


def monthly_out(figures: pl.DataFrame) -> list[pb.MonthlyFigure]:
    return [
        pb.MonthlyFigure(
            meter_ref=r["meter_ref"],
            building_id=r["building_id"],
            unit_id=r["unit_id"] or "",
            carrier=r["carrier"],
            usage=r["usage"],
            charge_category=r["charge_category"],
            recoverable=r["recoverable"],
            month_start=to_timestamp(r["period_start"]),
            quantity=r["quantity"],
            unit=r["unit"],
            kwh_pcs=_num(r["kwh_pcs"]),
            kwh_pci=_num(r["kwh_pci"]),
            estimated_share=r["estimated_share"],
            coverage=r["coverage"],
            heating_normalised_kwh=_num(r["heating_normalised_kwh"]),
            cost_eur=_num(r["cost_eur"]),
            conversion=r["conversion"] or "",
            normalisation=r["normalisation"] or "",
        )
        for r in figures.iter_rows(named=True)
    ]


CHARGE_CONTROL_RECORDS: dict[str, type[Message]] = {
    "totals": pb.ChargeTotal,
    "costs": pb.RecoverableCost,
    "provisions": pb.Provision,
}


def charge_control_out(name: str, part: pl.DataFrame) -> list[Message]:
    """One piece of a charge-control list as the messages of that list (``name``: totals, costs or
    provisions), their fields taken from the columns of the same names."""
    message = CHARGE_CONTROL_RECORDS[name]
    columns = [f.name for f in message.DESCRIPTOR.fields]
    return [message(**r) for r in part.select(columns).iter_rows(named=True)]


# MonthlyFigure's fields from the figures frame (monthly_out's columns): the Arrow form
# (quitus.common.v1.ExportForm) sends these columns, named as the fields, in the message's order.
_NAN_WHEN_NULL = ("kwh_pcs", "kwh_pci", "heating_normalised_kwh", "cost_eur")


def monthly_columns(figures: pl.DataFrame) -> pl.DataFrame:
    """The figures as the Arrow form's columns: what monthly_out writes in each message."""
    columns = []
    for field in pb.MonthlyFigure.DESCRIPTOR.fields:
        source = "period_start" if field.name == "month_start" else field.name
        column = pl.col(source)
        if field.message_type is not None:
            columns.append(column.cast(pl.Datetime("us", "UTC")).alias(field.name))
        elif field.type == field.TYPE_DOUBLE:
            number = column.cast(pl.Float64)
            columns.append((number.fill_null(math.nan) if field.name in _NAN_WHEN_NULL else number).alias(field.name))
        elif field.type == field.TYPE_BOOL:
            columns.append(column.cast(pl.Boolean).alias(field.name))
        else:
            columns.append(column.cast(pl.String).fill_null("").alias(field.name))
    return figures.select(columns)


def charge_control_arrow(name: str, part: pl.DataFrame) -> bytes:
    """One piece of a charge-control list as one Arrow IPC stream (ExportChargeControlResponse.arrow_ipc):
    one column per field of the list's message (services.runtime.digest.record_columns)."""
    sink = io.BytesIO()
    record_columns(part, CHARGE_CONTROL_RECORDS[name].DESCRIPTOR).write_ipc_stream(sink)
    return sink.getvalue()
