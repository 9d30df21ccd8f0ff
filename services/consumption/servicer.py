"""gRPC servicer of quitus.consumption.v1: protobuf in, use case, protobuf out."""

import math
from collections.abc import Iterator
from datetime import UTC, date, datetime

import polars as pl
from google.protobuf.timestamp_pb2 import Timestamp

from services.api.quitus.common.v1 import common_pb2
from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.consumption.conversions import to_kwh
from services.consumption.degree_days import dju_costic, dju_meteo
from services.consumption.errors import InvalidReadingRequest
from services.consumption.service import ConsumptionService, batch_size, chunks
from services.consumption.vocab import CARRIER_UNITS, CHARGE_CATEGORIES, READING_KINDS, USAGES
from services.runtime.principal import ADMINS, STAFF_READERS, Role

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["Consumption"].full_name
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
GRANULARITY = {pb.GRANULARITY_UNSPECIFIED: "month", pb.DAY: "day", pb.MONTH: "month", pb.YEAR: "year"}
TS = pl.Datetime("us", "UTC")


def add_to_server(servicer, server) -> None:
    pb_grpc.add_ConsumptionServicer_to_server(servicer, server)


def to_datetime(ts: Timestamp) -> datetime | None:
    if not ts.seconds and not ts.nanos:
        return None
    return ts.ToDatetime(tzinfo=UTC)


def _ts(value: datetime | None) -> Timestamp:
    ts = Timestamp()
    if value is not None:
        ts.FromDatetime(value)
    return ts


def _num(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _period(p: common_pb2.Period) -> tuple[datetime, datetime]:
    start, end = to_datetime(p.start), to_datetime(p.end)
    if start is None or end is None:
        raise InvalidReadingRequest("period.start and period.end are required", field="period")
    return start, end


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidReadingRequest(f"{text!r} is not a YYYY-MM-DD date", field=field) from None


def meter_issue(meter: pb.Meter) -> tuple[str, str] | None:
    """(field, reason) of the first problem of a meter record, or None."""
    if not meter.meter_ref:
        return "meter_ref", "meter reference is missing"
    if not meter.building_id:
        return "building_id", f"meter '{meter.meter_ref}' has no building"
    if meter.carrier not in CARRIER_UNITS:
        return "carrier", f"unknown carrier '{meter.carrier}'"
    if meter.unit not in CARRIER_UNITS[meter.carrier]:
        return (
            "unit",
            f"unit '{meter.unit}' is not one of {', '.join(CARRIER_UNITS[meter.carrier])} for {meter.carrier}",
        )
    if meter.usage not in USAGES:
        return "usage", f"unknown usage '{meter.usage}'"
    if meter.charge_category not in CHARGE_CATEGORIES:
        return "charge_category", f"unknown charge category '{meter.charge_category}'"
    if meter.reading_kind not in READING_KINDS:
        return "reading_kind", f"reading_kind must be index or consumption, not '{meter.reading_kind}'"
    if not 0 <= meter.register_digits <= 15:
        return "register_digits", "register_digits must be between 0 and 15"
    return None


class ConsumptionServicer(pb_grpc.ConsumptionServicer):
    def __init__(self, service: ConsumptionService) -> None:
        self.service = service

    def ImportMeters(self, request_iterator, context):
        summary = pb.ImportSummary()
        now = self.service.clock()
        replacements, coefficients, position = [], [], 0
        for batch in request_iterator:
            rows = []
            for meter in batch.meters:
                issue = meter_issue(meter)
                if issue:
                    summary.rejected.add(
                        index=position,
                        rule="invalid_meter",
                        field=issue[0],
                        reason=issue[1],
                        record_key=meter.meter_ref,
                    )
                else:
                    rows.append(
                        {
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
                    )
                position += 1
            summary.upserted["meters"] += self.service.store.upsert_meters(rows, now)
            replacements += [
                (r.meter_ref, to_datetime(r.replaced_at), r.old_last_index, r.new_first_index)
                for r in batch.replacements
            ]
            coefficients += [
                (c.meter_ref, to_datetime(c.valid_from), c.kwh_pcs_per_m3, c.source) for c in batch.gas_coefficients
            ]
        ids = self.service.meters(refresh=True).select("meter_ref", "meter_id")
        if replacements:
            f = pl.DataFrame(
                replacements, schema=["meter_ref", "replaced_at", "old_last_index", "new_first_index"], orient="row"
            ).join(ids, on="meter_ref")
            summary.upserted["replacements"] = self.service.store.add_replacements(
                f.select("meter_id", "replaced_at", "old_last_index", "new_first_index"), now
            )
        if coefficients:
            f = pl.DataFrame(
                coefficients, schema=["meter_ref", "valid_from", "kwh_pcs_per_m3", "source"], orient="row"
            ).join(ids, on="meter_ref")
            summary.upserted["gas_coefficients"] = self.service.store.add_gas_coefficients(
                f.select("meter_id", "valid_from", "kwh_pcs_per_m3", "source"), now
            )
        return summary

    def IngestReadings(self, request_iterator, context) -> Iterator[pb.ReadingAck]:
        for batch in request_iterator:
            frame = _batch_frame(batch)
            ack = self.service.ingest(batch.batch_id, frame)
            # the record's own key: meter_ref@read_at (ISO, UTC), so a sender finds it without counting
            keyed = ack.rejected.join(
                frame.select(
                    "index",
                    key=pl.format(
                        "{}@{}", pl.col("meter_ref").fill_null(""), pl.col("read_at").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
                    ),
                ),
                on="index",
                how="left",
                maintain_order="left",
            )
            yield pb.ReadingAck(
                batch_id=batch.batch_id,
                received=ack.received,
                accepted=ack.accepted,
                duplicates=ack.duplicates,
                rejected=[
                    common_pb2.RecordIssue(
                        index=index, rule="invalid_reading", field=field, reason=reason, record_key=key or ""
                    )
                    for index, field, reason, key in keyed.select("index", "field", "reason", "key").iter_rows()
                ],
            )

    def ImportDegreeDays(self, request_iterator, context):
        summary = pb.ImportSummary()
        seen = 0  # temperatures before this batch: a rejection's index is its place among the stream's
        for batch in request_iterator:
            now = self.service.clock()  # recorded when its batch arrives, as prices are
            source = batch.source or "unspecified"
            if batch.temperatures:
                t = pl.DataFrame(
                    [(x.station, _day(x.day, "temperatures.day"), x.tn, x.tx) for x in batch.temperatures],
                    schema=["station", "day", "tn", "tx"],
                    orient="row",
                ).with_row_index(offset=seen)
                seen += t.height
                bad = t.filter(pl.col("tn") > pl.col("tx"))
                for i in bad["index"].to_list():
                    summary.rejected.add(
                        index=i, rule="invalid_temperature", field="temperatures.tn", reason="tn above tx"
                    )
                t = t.filter(pl.col("tn") <= pl.col("tx")).drop("index")
                rows = t.with_columns(
                    dju_meteo=dju_meteo(pl.col("tn"), pl.col("tx")),
                    dju_costic=dju_costic(pl.col("tn"), pl.col("tx")),
                    source=pl.lit(source),
                )
                summary.upserted["temperature_days"] += self.service.store.add_weather(rows, now)
            if batch.dju:
                d = pl.DataFrame(
                    [(x.station, _day(x.day, "dju.day"), x.dju) for x in batch.dju],
                    schema=["station", "day", "dju"],
                    orient="row",
                )
                rows = d.select(
                    "station",
                    "day",
                    tn=pl.lit(None, pl.Float64),
                    tx=pl.lit(None, pl.Float64),
                    dju_meteo="dju",
                    dju_costic="dju",
                    source=pl.lit(source + " (ready-made DJU)"),
                )
                summary.upserted["dju_days"] += self.service.store.add_weather(rows, now)
            if batch.normals:
                n = pl.DataFrame(
                    [(x.station, x.month_of_year, x.dju_ref, x.ref_period) for x in batch.normals],
                    schema=["station", "month_of_year", "dju_ref", "ref_period"],
                    orient="row",
                )
                summary.upserted["normals"] += self.service.store.add_normals(n, now)
        return summary

    def ImportPrices(self, request_iterator, context):
        summary = pb.ImportSummary()
        # a rejection's index is the record's place in the whole stream: among its prices for a
        # price, among its provisions for a provision (the rule says which)
        prices_seen = provisions_seen = 0
        for batch in request_iterator:
            # recorded when its batch arrives, as readings are: a stream may last longer than the
            # minute an as_of cut-off must be old
            now = self.service.clock()
            rows = []
            for i, p in enumerate(batch.prices, start=prices_seen):
                if bool(p.meter_ref) == bool(p.contract_ref):
                    summary.rejected.add(
                        index=i,
                        rule="invalid_price",
                        field="meter_ref",
                        reason="a price names exactly one of meter_ref and contract_ref",
                    )
                    continue
                if to_datetime(p.valid_from) is None:
                    summary.rejected.add(index=i, rule="invalid_price", field="valid_from", reason="valid_from missing")
                    continue
                rows.append(
                    (
                        f"meter:{p.meter_ref}" if p.meter_ref else f"contract:{p.contract_ref}",
                        to_datetime(p.valid_from),
                        p.basis,
                        p.eur_per_unit,
                        p.fixed_eur_per_month,
                        p.source or "unspecified",
                    )
                )
            if rows:
                columns = ["target", "valid_from", "basis", "eur_per_unit", "fixed_eur_per_month", "source"]
                summary.upserted["prices"] += self.service.store.add_prices(
                    pl.DataFrame(rows, orient="row", schema=columns), now
                )
            prices_seen += len(batch.prices)
            if batch.provisions:
                good, bad = _provisions(batch.provisions, provisions_seen)
                provisions_seen += len(batch.provisions)
                for index, rule, field, reason in bad.iter_rows():
                    summary.rejected.add(index=index, rule=rule, field=field, reason=reason)
                summary.upserted["provisions"] += self.service.store.add_provisions(good, now)
        return summary

    def GetConsumption(self, request, context):
        start, end = _period(request.period)
        as_of = self.service.cut_off(to_datetime(request.as_of))
        per, _, _ = self.service.consumption(start, end, GRANULARITY[request.granularity], as_of)
        meters = self.service.meters()
        p = request.perimeter
        if p.building_ids:
            meters = meters.filter(pl.col("building_id").is_in(list(p.building_ids)))
        if p.meter_refs:
            meters = meters.filter(pl.col("meter_ref").is_in(list(p.meter_refs)))
        if p.carriers:
            meters = meters.filter(pl.col("carrier").is_in(list(p.carriers)))
        per = per.join(meters.select("meter_id"), on="meter_id")
        per = to_kwh(per, meters, self.service.conversions(), self.service.store.gas_coefficients(as_of)).join(
            meters.select("meter_id", "meter_ref", "carrier", "unit"), on="meter_id"
        )
        response = pb.ConsumptionResponse()
        for r in per.sort("meter_ref", "period_start").iter_rows(named=True):
            response.figures.add(
                meter_ref=r["meter_ref"],
                period_start=_ts(r["period_start"]),
                period_end=_ts(r["period_end"]),
                quantity=r["quantity"],
                unit=r["unit"],
                kwh_pci=_num(r["kwh_pci"]),
                estimated_share=r["estimated_share"],
                coverage=r["coverage"],
                carrier=r["carrier"],
            )
        totals = (
            per.group_by("carrier", "unit")
            .agg(
                quantity=pl.col("quantity").sum(),
                kwh_pci=pl.col("kwh_pci").sum(),
                est=pl.col("estimated_quantity").sum(),
            )
            .sort("carrier", "unit")
        )
        for r in totals.iter_rows(named=True):
            response.totals.add(
                carrier=r["carrier"],
                unit=r["unit"],
                quantity=r["quantity"],
                kwh_pci=r["kwh_pci"],
                estimated_share=r["est"] / r["quantity"] if r["quantity"] else 0.0,
            )
        return response

    def DetectAnomalies(self, request, context):
        start, end = _period(request.period)
        return pb.DetectAnomaliesResponse(found=self.service.detect_anomalies(start, end))

    def ListAnomalies(self, request, context):
        meters = self.service.meters()
        ids = None
        if request.building_id:
            ids = meters.filter(pl.col("building_id") == request.building_id)["meter_id"].to_list()
        size = min(request.page.page_size or 100, 1000)
        token = request.page.page_token
        if token and not token.isdigit():
            raise InvalidReadingRequest("page_token is not one this service gave", field="page.page_token")
        offset = int(token or 0)
        rows = self.service.store.anomalies(request.kind, ids, offset, size + 1)
        refs = dict(meters.select("meter_id", "meter_ref").iter_rows())
        buildings = dict(meters.select("meter_id", "building_id").iter_rows())
        response = pb.ListAnomaliesResponse(next_page_token=str(offset + size) if len(rows) > size else "")
        for r in rows[:size]:
            response.anomalies.add(
                meter_ref=refs.get(r["meter_id"], ""),
                building_id=buildings.get(r["meter_id"], ""),
                kind=r["kind"],
                window_start=_ts(r["window_start"]),
                window_end=_ts(r["window_end"]),
                expected=_num(r["expected"]),
                observed=_num(r["observed"]),
                detail=r["detail"],
                detected_at=_ts(r["detected_at"]),
            )
        return response

    def ListRejections(self, request, context):
        size = min(request.page.page_size or 100, 1000)
        token = request.page.page_token
        if token and not token.isdigit():
            raise InvalidReadingRequest("page_token is not one this service gave", field="page.page_token")
        rows = self.service.store.rejections(int(token or 0), size + 1)
        response = pb.ListRejectionsResponse(next_page_token=str(rows[size - 1]["id"]) if len(rows) > size else "")
        for r in rows[:size]:
            response.rejections.add(
                id=r["id"],
                batch_id=r["batch_id"],
                index=r["record_index"],
                field=r["field"],
                reason=r["reason"],
                payload_json=r["payload_json"],
                received_at=_ts(r["received_at"]),
            )
        return response

    def ExportMonthly(self, request, context) -> Iterator[pb.MonthlyBatch]:
        start, end = _period(request.period)
        given = to_datetime(request.as_of)
        as_of = self.service.cut_off(given)
        size = batch_size(request.batch_size)
        figures = self.service.monthly(start, end, as_of)
        for part in chunks(figures, size):
            # a live export (no as_of) names no cut-off: the same figures cannot be asked for again
            out = pb.MonthlyBatch(as_of=_ts(given)) if given else pb.MonthlyBatch()
            for r in part.iter_rows(named=True):
                out.figures.add(
                    meter_ref=r["meter_ref"],
                    building_id=r["building_id"],
                    unit_id=r["unit_id"] or "",
                    carrier=r["carrier"],
                    usage=r["usage"],
                    charge_category=r["charge_category"],
                    recoverable=r["recoverable"],
                    month_start=_ts(r["period_start"]),
                    quantity=r["quantity"],
                    unit=r["unit"],
                    kwh_pcs=_num(r["kwh_pcs"]),
                    kwh_pci=_num(r["kwh_pci"]),
                    estimated_share=r["estimated_share"],
                    coverage=r["coverage"],
                    heating_normalised_kwh=_num(r["heating_normalised_kwh"]),
                    cost_eur=_num(r["cost_eur"]),
                    conversion=r["conversion"] or "",
                )
            yield out

    def ExportChargeControl(self, request, context) -> Iterator[pb.ChargeControlBatch]:
        start, end = _period(request.period)
        given = to_datetime(request.as_of)
        as_of = self.service.cut_off(given)
        size = batch_size(request.batch_size)
        provisions, costs, totals = self.service.charge_control(
            start, end, as_of, list(request.building_ids), list(request.unit_ids)
        )
        lists = (
            ("totals", pb.ChargeTotal, totals),
            ("costs", pb.RecoverableCost, costs),
            ("provisions", pb.Provision, provisions),
        )
        sent = False
        for field, message, frame in lists:
            for part in chunks(frame.select([f.name for f in message.DESCRIPTOR.fields]), size):
                out = pb.ChargeControlBatch(as_of=_ts(given)) if given else pb.ChargeControlBatch()
                getattr(out, field).extend([message(**r) for r in part.iter_rows(named=True)])
                sent = True
                yield out
        if not sent:
            yield pb.ChargeControlBatch(as_of=_ts(given)) if given else pb.ChargeControlBatch()


def _batch_frame(batch: pb.ReadingBatch) -> pl.DataFrame:
    """The columnar batch as a frame; every column must have one value per record."""
    n = len(batch.meter_ref)
    columns = {"kind": batch.kind, "read_at_us": batch.read_at_us, "value": batch.value, "unit": batch.unit}
    for name, values in columns.items():
        if len(values) != n:
            raise InvalidReadingRequest(
                f"batch {batch.batch_id!r}: {len(values)} values for {n} meter_ref entries", field=name
            )
    for name, values in {"period_start_us": batch.period_start_us, "estimated": batch.estimated}.items():
        if len(values) not in (0, n):
            raise InvalidReadingRequest(
                f"batch {batch.batch_id!r}: {len(values)} values for {n} meter_ref entries", field=name
            )
    return pl.DataFrame(
        {
            "index": pl.int_range(n, eager=True, dtype=pl.Int64),
            "meter_ref": pl.Series(list(batch.meter_ref), dtype=pl.String),
            "kind": pl.Series(list(batch.kind), dtype=pl.String),
            "read_at": pl.Series(list(batch.read_at_us), dtype=pl.Int64).cast(TS),
            "period_start": pl.Series(list(batch.period_start_us) or [0] * n, dtype=pl.Int64).replace(0, None).cast(TS),
            "value": pl.Series(list(batch.value), dtype=pl.Float64),
            "unit": pl.Series(list(batch.unit), dtype=pl.String),
            "estimated": pl.Series(list(batch.estimated) or [False] * n, dtype=pl.Boolean),
        }
    )


def _provisions(provisions, first: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Provisions as a frame -> (good rows, rejections ``index, rule, field, reason``), checked by
    column; ``index`` counts from ``first``, the number of provisions sent before these.

    Among the valid records, a later one with the key (unit, month, category) of an earlier one is
    taken once if identical, refused (rule ``conflicting_provision``, naming the earlier) if not:
    one batch holds one amount per key. A later batch of the stream may revise it (a new version)."""
    f = pl.DataFrame(
        {
            "index": pl.int_range(first, first + len(provisions), eager=True, dtype=pl.Int64),
            "unit_id": [x.unit_id for x in provisions],
            "text": [x.month for x in provisions],
            "charge_category": [x.charge_category for x in provisions],
            "amount_eur": [x.amount_eur for x in provisions],
            "building_id": [x.building_id for x in provisions],
        },
        schema_overrides={c: pl.String for c in ("unit_id", "text", "charge_category", "building_id")},
    ).with_columns(month=(pl.col("text") + "-01").str.to_date("%Y-%m-%d", strict=False))
    checks = [
        (pl.col("unit_id") == "", "provisions.unit_id", pl.lit("unit_id is missing")),
        (pl.col("building_id") == "", "provisions.building_id", pl.lit("building_id is missing")),
        (pl.col("month").is_null(), "provisions.month", pl.format("'{}' is not a YYYY-MM month", "text")),
        (
            ~pl.col("charge_category").is_in(CHARGE_CATEGORIES),
            "provisions.charge_category",
            pl.format("unknown charge category '{}'", "charge_category"),
        ),
        (
            ~pl.col("amount_eur").is_finite(),
            "provisions.amount_eur",
            pl.format("amount_eur {} is not a finite number", "amount_eur"),
        ),
    ]
    bad = pl.concat(
        [
            f.filter(cond).select("index", rule=pl.lit("invalid_provision"), field=pl.lit(field), reason=reason)
            for cond, field, reason in checks
        ]
    )
    valid = f.filter(~pl.col("index").is_in(bad["index"].implode()))
    key = ["unit_id", "month", "charge_category"]
    earliest = valid.group_by(key).agg(pl.all().sort_by("index").first().name.prefix("first_"))
    later = valid.join(earliest, on=key).filter(pl.col("index") != pl.col("first_index"))
    other_amount = pl.col("amount_eur") != pl.col("first_amount_eur")
    amount = pl.format("amount_eur {} conflicts with {}", "amount_eur", "first_amount_eur")
    building = pl.format("building_id '{}' conflicts with '{}'", "building_id", "first_building_id")
    where = pl.format(
        " in record #{} for the same unit, month and category ({}, {}, {})",
        "first_index",
        "unit_id",
        "text",
        "charge_category",
    )
    conflicts = later.filter(other_amount | (pl.col("building_id") != pl.col("first_building_id"))).select(
        "index",
        rule=pl.lit("conflicting_provision"),
        field=pl.when(other_amount).then(pl.lit("provisions.amount_eur")).otherwise(pl.lit("provisions.building_id")),
        reason=pl.when(other_amount).then(amount).otherwise(building) + where,
    )
    good = valid.join(earliest.select(index="first_index"), on="index").sort("index")
    rows = good.select("unit_id", "month", "charge_category", "amount_eur", "building_id")
    return rows, pl.concat([bad, conflicts]).sort("index")
