"""Use cases of the consumption service: imports, ingest, consumption per period, anomalies,
listings and exports.

Takes plain Python values and frames (the gRPC adapter converts protobuf to and from them), applies
the rules of ``domain`` and reads and writes through ``store``.
"""

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from services.consumption.domain import anomalies as anomaly_rules
from services.consumption.domain.conversions import CONVERSION_SCHEMA, coefficient_changes, day_split_pcs, to_kwh
from services.consumption.domain.costs import meter_prices, monthly_costs
from services.consumption.domain.degree_days import SUMMER_MONTHS, monthly_dju, normalise_heating, reference_summer
from services.consumption.domain.degree_days import normals as compute_normals
from services.consumption.domain.figures import carrier_totals, in_perimeter
from services.consumption.domain.imports import (
    DegreeDayBatch,
    ImportSummary,
    MeterBatch,
    PriceBatch,
    check_gas_coefficients,
    check_meters,
    check_normals,
    check_provisions,
    check_replacements,
    price_rows,
    ready_made_dju_days,
    temperature_days,
)
from services.consumption.domain.limits import (
    ACK_ISSUES,
    ANOMALY_KINDS,
    MAX_ARROW_BATCH,
    MAX_EXPORT_BATCH,
    MAX_FIGURES_PAGE,
    REF_CHARS,
    SOURCE_CHARS,
    check_period,
    check_refs,
)
from services.consumption.domain.outbox_events import anomalies_found, readings_accepted
from services.consumption.domain.periods import PARIS, TIME_ZONE, clipped_bounds, period_bounds
from services.consumption.domain.registers import reading_intervals
from services.consumption.domain.rollup import consumption_per_period
from services.consumption.domain.validation import (
    REJECT_SCHEMA,
    Ack,
    ReadingBatch,
    backwards_warnings,
    payloads,
    record_keys,
    validate_readings,
)
from services.consumption.domain.vocab import HEATING_USAGES, WATER_CARRIERS
from services.consumption.errors import InvalidReadingRequest
from services.consumption.store import PROVISION_SCHEMA, ConsumptionStore
from services.runtime.cutoff import SETTLED, require_settled
from services.runtime.db import retry_write_conflicts
from services.runtime.errors import InvalidArgument
from services.runtime.paging import Page, decode_token, encode_token, next_token
from services.runtime.validation import check_instant, check_text, quote

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Readings this far outside a requested period are read too, so its edges are interpolated
# between real readings; a reading gap longer than this at an edge leaves the edge uncovered.
EDGE_MARGIN = timedelta(days=62)
# Index readings this far outside a period are read for every meter, and the rest of the margin
# only for the meters with fewer than EDGE_READINGS readings on a side (``_readings_around``).
NEAR_MARGIN = timedelta(days=10)
EDGE_READINGS = 6


def to_us(value: datetime) -> int:
    return (value - EPOCH) // timedelta(microseconds=1)


def default_conversions_path() -> Path:
    return Path(__file__).resolve().parents[2] / "factors" / "conversions.csv"


def load_conversions(path: Path) -> pl.DataFrame:
    """Read a conversions CSV (``factors/conversions.csv``) into the frame ``to_kwh`` expects."""
    return pl.read_csv(path).select(list(CONVERSION_SCHEMA)).cast(CONVERSION_SCHEMA)


class ConsumptionService:
    def __init__(
        self,
        store: ConsumptionStore,
        conversions_path: Path | None = None,
        clock: Callable[[], datetime] | None = None,
        settle: timedelta = SETTLED,
    ) -> None:
        self.store = store
        self.settle = settle  # how old an as_of must be (services.runtime.cutoff)
        self.conversions_path = conversions_path or default_conversions_path()
        self.clock = clock or (lambda: datetime.now(UTC))  # the recorded_at of what is stored; tests set it
        self._meters: pl.DataFrame | None = None
        self._lock = threading.Lock()

    # ---- meters ----------------------------------------------------------------------------
    def meters(self, refresh: bool = False) -> pl.DataFrame:
        with self._lock:
            if self._meters is None or refresh:
                self._meters = self.store.meters()
            return self._meters

    # ---- imports ---------------------------------------------------------------------------
    def import_meters(self, batches: Iterable[MeterBatch]) -> ImportSummary:
        """Meters upserted by ``meter_ref`` (refused ones named by their place among the stream's
        meters), then the stream's replacements and gas coefficients kept as versions (refused ones
        named by their place among the stream's replacements, coefficients)."""
        summary = ImportSummary()
        now = self.clock()
        replacements: list[pl.DataFrame] = []
        coefficients: list[pl.DataFrame] = []
        position = 0
        for batch in batches:
            rows, bad = check_meters(batch.meters, position)
            summary.refuse_frame(bad, keys=[m["meter_ref"] for m in batch.meters], first=position)
            position += len(batch.meters)
            summary.add("meters", self.store.upsert_meters(rows, now))
            replacements.append(batch.replacements)
            coefficients.append(batch.gas_coefficients)
        ids = self.meters(refresh=True).select("meter_ref", "meter_id")
        replaced = pl.concat(replacements) if replacements else None
        if replaced is not None and replaced.height:
            replacement_rows, bad = check_replacements(replaced, ids, 0)
            summary.refuse_frame(bad)
            summary.add("replacements", self.store.add_replacements(replacement_rows, now))
        coefficient = pl.concat(coefficients) if coefficients else None
        if coefficient is not None and coefficient.height:
            coefficient_rows, bad = check_gas_coefficients(coefficient, ids, 0)
            summary.refuse_frame(bad)
            summary.add("gas_coefficients", self.store.add_gas_coefficients(coefficient_rows, now))
        return summary

    def import_degree_days(self, batches: Iterable[DegreeDayBatch]) -> ImportSummary:
        """Daily temperatures (DJU computed with both methods), ready-made DJU and normals, kept
        as versions recorded when their batch arrives. A refused record's index is its place among
        the stream's records of its list."""
        summary = ImportSummary()
        seen = {"temperatures": 0, "dju": 0, "normals": 0}
        for batch in batches:
            now = self.clock()  # recorded when its batch arrives, as prices are
            check_text(batch.source, "source", SOURCE_CHARS)
            source = batch.source or "unspecified"
            if batch.temperatures is not None:
                days, bad = temperature_days(batch.temperatures, source, seen["temperatures"])
                seen["temperatures"] += batch.temperatures.height
                summary.refuse_frame(bad)
                summary.add("temperature_days", self.store.add_weather(days, now))
            if batch.dju is not None:
                days, bad = ready_made_dju_days(batch.dju, source, seen["dju"])
                seen["dju"] += batch.dju.height
                summary.refuse_frame(bad)
                summary.add("dju_days", self.store.add_weather(days, now))
            if batch.normals is not None:
                good, bad = check_normals(batch.normals, seen["normals"])
                seen["normals"] += batch.normals.height
                summary.refuse_frame(bad)
                summary.add("normals", self.store.add_normals(good, now))
        return summary

    def import_prices(self, batches: Iterable[PriceBatch]) -> ImportSummary:
        """Prices and provisions, kept as versions recorded when their batch arrives."""
        summary = ImportSummary()
        # a rejection's index is the record's place in the whole stream: among its prices for a
        # price, among its provisions for a provision (the rule says which)
        prices_seen = provisions_seen = 0
        for batch in batches:
            # recorded when its batch arrives, as readings are: a stream may last longer than the
            # minute an as_of cut-off must be old
            now = self.clock()
            if batch.prices.height:
                rows, bad = price_rows(batch.prices, prices_seen)
                summary.refuse_frame(bad)
                summary.add("prices", self.store.add_prices(rows, now))
            prices_seen += batch.prices.height
            if batch.provisions is not None:
                indexed = batch.provisions.select(
                    pl.int_range(provisions_seen, provisions_seen + batch.provisions.height, dtype=pl.Int64).alias(
                        "index"
                    ),
                    pl.all(),
                )
                provisions_seen += batch.provisions.height
                good, bad = check_provisions(indexed)
                summary.refuse_frame(bad)
                summary.add("provisions", self.store.add_provisions(good, now))
        return summary

    # ---- readings --------------------------------------------------------------------------
    def ingest_stream(self, batches: Iterable[ReadingBatch]) -> Iterator[Ack]:
        """One ack per batch, as each batch is stored (see ``ingest``); a batch refused whole is
        answered by an ack saying so, and the stream goes on."""
        for batch in batches:
            if batch.records is None:
                empty = pl.DataFrame(schema={**REJECT_SCHEMA, "key": pl.String})
                yield Ack(batch.batch_id, batch.received, 0, 0, empty, empty, refused=batch.refused)
            else:
                yield self.ingest(batch.batch_id, batch.records)

    def ingest(self, batch_id: str, batch: pl.DataFrame) -> Ack:
        """Validate, store what is new, refuse conflicts, keep every rejection with its reason, warn
        of backwards indexes. ``batch``: ``validation.BATCH_SCHEMA``."""
        now = self.clock()
        meters = self.meters()
        if batch.join(meters, on="meter_ref", how="anti").height:
            meters = self.meters(refresh=True)
        good, rejects = validate_readings(batch, meters, now)
        fresh = good.select(
            "index",
            "meter_id",
            "kind",
            read_at_us=pl.col("read_at").dt.epoch("us"),
            period_start_us=pl.col("period_start").dt.epoch("us"),
            value="value",
            estimated="estimated",
            recorded_at_us=pl.lit(to_us(now), dtype=pl.Int64),
        )
        warned: list[pl.DataFrame] = []

        def classify(existing: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
            """``existing``: the stored readings of the batch's meters in its span, and the last
            stored index reading of each before it."""
            both = fresh.join(
                existing.select("meter_id", "kind", "read_at_us", "value", "estimated", "period_start_us"),
                on=["meter_id", "kind", "read_at_us"],
                how="left",
                suffix="_stored",
            )
            stored = pl.col("value_stored").is_not_null()
            same = (
                (pl.col("value") == pl.col("value_stored"))
                & (pl.col("estimated") == pl.col("estimated_stored"))
                & pl.col("period_start_us").eq_missing(pl.col("period_start_us_stored"))
            )
            conflicts = both.filter(stored & ~same).select(
                "index",
                field=pl.lit("value"),
                reason=pl.format(
                    "conflicts with the stored reading of this meter at this instant (stored value {}, sent {})",
                    "value_stored",
                    "value",
                ),
            )
            new = both.filter(~stored)
            warned.append(
                backwards_warnings(
                    new,
                    existing,
                    meters,
                    lambda: self.store.replacements(now),
                )
            )
            return new, conflicts

        def announce(stored: pl.DataFrame) -> pl.DataFrame:
            return readings_accepted(stored, meters, batch_id, uuid.uuid4().hex, now)

        accepted, conflicts = retry_write_conflicts(lambda: self.store.store_batch(fresh, classify, announce))
        rejected = pl.concat([rejects, conflicts.cast(rejects.schema)]).sort("index")
        self.store.add_rejections(batch_id, rejected, payloads(batch, rejected["index"]), now)
        rejected_ids = rejected["index"].n_unique()
        issued = pl.concat([rejected["index"], (warned[-1] if warned else rejected)["index"]])
        keys = record_keys(batch.filter(pl.col("index").is_in(issued.implode())))
        warnings = warned[-1] if warned else pl.DataFrame(schema=REJECT_SCHEMA)

        def keyed(issues: pl.DataFrame) -> pl.DataFrame:
            return (
                issues.head(ACK_ISSUES)
                .join(keys, on="index", how="left", maintain_order="left")
                .with_columns(pl.col("key").fill_null(""))
            )

        return Ack(
            batch_id,
            batch.height,
            accepted,
            batch.height - accepted - rejected_ids,
            keyed(rejected),
            keyed(warnings),
            rejected_total=rejected_ids,
            warnings_total=warnings.height,
        )

    # ---- consumption -----------------------------------------------------------------------
    def get_consumption(
        self,
        start: datetime,
        end: datetime,
        granularity: str,
        as_of: datetime | None,
        building_ids: list[str],
        meter_refs: list[str],
        carriers: list[str],
        page_size: int = 0,
        page_token: str = "",
    ) -> tuple[pl.DataFrame, pl.DataFrame, str]:
        """A page of the figures per meter and period of a perimeter (each non-empty list narrows
        it), the periods cut to [start, end) (a year asked over [January, March) is that part of it,
        never the whole year), sorted by meter_ref and period, the totals of the whole perimeter per carrier and unit
        (``figures.carrier_totals``) and the next page's token ("" on the last page)."""
        check_period(start, end, granularity)
        for name, values in (("building_ids", building_ids), ("meter_refs", meter_refs), ("carriers", carriers)):
            check_refs(values, f"perimeter.{name}")
        size = figures_page_size(page_size)
        try:
            offset = Page(size, decode_token(page_token)).after_int()
        except InvalidArgument as bad:
            raise InvalidReadingRequest(bad.message, field="figures_page_token") from None
        cut = self.cut_off(as_of)
        # a period covering civil periods in part gives those parts, not the whole civil periods
        per, _, _ = self.consumption(start, end, granularity, cut, clip=True)
        meters = in_perimeter(self.meters(), building_ids, meter_refs, carriers)
        per = per.join(meters.select("meter_id"), on="meter_id")
        per = self.to_kwh(per, meters, cut).join(
            meters.select("meter_id", "meter_ref", "carrier", "unit"), on="meter_id"
        )
        per = per.sort("meter_ref", "period_start")
        token = encode_token(offset + size) if per.height > offset + size else ""
        return per.slice(offset, size), carrier_totals(per), token

    def consumption(
        self,
        start: datetime,
        end: datetime,
        granularity: str,
        as_of: datetime,
        only: tuple[str, tuple[str, ...]] | None = None,
        meter_ids: list[int] | None = None,
        clip: bool = False,
    ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        """Per meter and period over [start, end) as known at ``as_of`` -> (periods, events, anomalies).

        ``only = ("usage" | "carrier", values)`` and ``meter_ids`` restrict the figures to those meters
        (None: every meter). ``clip``: the periods are the civil periods cut to [start, end)
        (``periods.clipped_bounds``: a year asked over [January, March) is that part of the year);
        otherwise the whole civil periods starting in [start, end)."""
        if end <= start:
            raise InvalidReadingRequest("period.end must be after period.start", field="period")
        settled = as_of <= self.clock() - self.settle  # else a live view: what it reads may still grow
        if clip:
            bounds = clipped_bounds(start, end, granularity)
        else:
            bounds = period_bounds(start, end - timedelta(microseconds=1), granularity)
        index, bills = self._readings_around(start, end, bounds, to_us(as_of), only, meter_ids, settled)
        per, events, anomalies = consumption_per_period(
            index.drop("period_start"),
            bills,
            bounds,
            self.meters().select("meter_id", "register_digits"),
            self.store.replacements(as_of),
        )
        inside = (pl.col("period_start") >= start) & (pl.col("period_start") < end)
        return per.filter(inside), events, anomalies

    def _readings_around(
        self,
        start: datetime,
        end: datetime,
        bounds: pl.Series,
        cut: int,
        only: tuple[str, tuple[str, ...]] | None,
        meter_ids: list[int] | None,
        settled: bool,
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(index readings, period readings) the figures of the periods ``bounds`` over [start,
        end) rest on: those up to EDGE_MARGIN outside [start, end), so that its edges are
        interpolated between real readings.

        Index readings are read up to NEAR_MARGIN outside the periods (whole civil periods may
        reach beyond [start, end)) first, and further out only for the meters with fewer than
        EDGE_READINGS readings on a side of them: what a period's figures take
        from beyond its edges is the last readings before it and the first after it (the
        interpolation, and the register rules looking a few readings back and ahead), so the
        figures are those of the whole margin. A month of daily readings then reads about 50
        days per meter instead of 155 (every row read is a row PostgreSQL writes out and the
        service converts); period readings (an invoice covers a month or more) are read with
        the whole margin."""
        lo, hi = to_us(start - EDGE_MARGIN), to_us(end + EDGE_MARGIN)
        first, last = bounds.min(), bounds.max()
        assert isinstance(first, datetime) and isinstance(last, datetime)
        near_lo, near_hi = max(lo, to_us(first - NEAR_MARGIN)), min(hi, to_us(last + NEAR_MARGIN))
        windows = {"index": (near_lo, near_hi), "consumption": (lo, hi)}
        read = self.store.readings_by_kind(windows, cut, only, meter_ids, settled)
        index = read["index"]
        # every meter asked, as stored now: one imported through another replica is counted too
        asked = pl.DataFrame({"meter_id": self.store.meter_ids(only, meter_ids)}, schema={"meter_id": pl.Int64})
        sides = index.group_by("meter_id").agg(
            before=(pl.col("read_at") < first).sum(), after=(pl.col("read_at") >= last).sum()
        )
        counted = asked.join(sides, on="meter_id", how="left").fill_null(0)
        far = []
        for side, (first, last) in (("before", (lo, near_lo - 1)), ("after", (near_hi + 1, hi))):
            short = counted.filter(pl.col(side) < EDGE_READINGS)["meter_id"].to_list()
            if short:
                far.append(self.store.readings("index", first, last, cut, meter_ids=short, settled=settled))
        if far:
            index = pl.concat([index, *far]).sort("meter_id", "read_at")
        return index, read["consumption"]

    def cut_off(self, as_of: datetime | None) -> datetime:
        """The instant figures are computed as known at: ``as_of``, which must be settled (the
        runtime's rule, ``services.runtime.cutoff``), or now for a live view (None), which a later
        request may not reproduce."""
        now = self.clock()
        if as_of is None:
            return now
        check_instant(as_of, "as_of")
        try:
            return require_settled(as_of, now, "readings, prices and other records", self.settle)
        except InvalidArgument as unsettled:
            hint = f"{unsettled.message} (leave it unset for a live view)"
            raise InvalidReadingRequest(hint, field="as_of") from None

    def to_kwh(self, per: pl.DataFrame, meters: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
        """``conversions.to_kwh`` with the gas coefficients known at ``as_of``; a period inside
        which a coefficient takes over is split by day (each day at its own coefficient)."""
        gas = self.store.gas_coefficients(as_of)
        split = coefficient_changes(per, gas)
        split_pcs = None
        if split.height:
            first, last = split["period_start"].min(), split["period_end"].max()
            assert isinstance(first, datetime) and isinstance(last, datetime)
            days, _, _ = self.consumption(
                first, last, "day", as_of, meter_ids=split["meter_id"].unique().to_list(), clip=True
            )
            split_pcs = day_split_pcs(split, days, gas)
        return to_kwh(per, meters, self.conversions(), gas, split_pcs)

    def conversions(self) -> pl.DataFrame:
        if self.conversions_path.exists():
            return load_conversions(self.conversions_path)
        return pl.DataFrame(schema=CONVERSION_SCHEMA)

    def monthly(self, start: datetime, end: datetime, as_of: datetime) -> pl.DataFrame:
        """Monthly figures per meter: quantity, kWh PCS/PCI, estimated share, normalised heating, cost."""
        per, _, _ = self.consumption(start, end, "month", as_of)
        meters = self.meters()
        figures = self.to_kwh(per, meters, as_of)
        figures = monthly_costs(figures, self._meter_prices(meters, as_of))
        normalised = self._normalised(figures, meters, as_of)
        figures = figures.join(normalised, on=["meter_id", "period_start"], how="left")
        figures = figures.join(meters, on="meter_id", how="left").sort("meter_id", "period_start")
        # every figure says how its normalised heating was obtained, or why it has none
        heating = pl.col("usage").is_in(HEATING_USAGES)
        return figures.with_columns(
            normalisation=pl.when(~heating)
            .then(pl.format("not a heating meter (usage {})", pl.col("usage").fill_null("unknown")))
            .when(pl.col("weather_station").is_null() | (pl.col("weather_station") == ""))
            .then(pl.lit("no weather station for this meter"))
            .when(pl.col("kwh_pci").is_null())
            .then(pl.lit("no kWh PCI for this month (see conversion): nothing to normalise"))
            .when(pl.col("normalisation").is_null())
            .then(pl.format("no degree days for station {} as of the cut-off", "weather_station"))
            .otherwise(pl.col("normalisation"))
        )

    # ---- listings --------------------------------------------------------------------------
    def list_anomalies(self, kind: str, building_id: str, page: Page) -> tuple[list[dict[str, Any]], str]:
        """A page of stored anomalies (``kind`` and ``building_id`` narrow them when given), each
        with its meter's ``meter_ref`` and ``building_id``, and the next page's token. An unknown
        kind is refused, never taken as "every kind"."""
        check_text(building_id, "building_id", REF_CHARS)
        if kind:
            check_text(kind, "kind", 32)
            if kind not in ANOMALY_KINDS:
                raise InvalidReadingRequest(f"{quote(kind)} is not one of {', '.join(ANOMALY_KINDS)}", field="kind")
        meters = self.meters()
        ids = None
        if building_id:
            ids = meters.filter(pl.col("building_id") == building_id)["meter_id"].to_list()
        offset = page.after_int()
        rows = self.store.anomalies(kind, ids, offset, page.size + 1)
        token = encode_token(offset + page.size) if len(rows) > page.size else ""
        refs = dict(meters.select("meter_id", "meter_ref").iter_rows())
        buildings = dict(meters.select("meter_id", "building_id").iter_rows())
        out = [
            {**r, "meter_ref": refs.get(r["meter_id"], ""), "building_id": buildings.get(r["meter_id"], "")}
            for r in rows[: page.size]
        ]
        return out, token

    def list_rejections(self, page: Page) -> tuple[list[dict[str, Any]], str]:
        """A page of rejected readings in the order stored, and the next page's token."""
        rows = self.store.rejections(page.after_int(), page.size + 1)
        return next_token(rows, page.size, "id")

    # ---- exports ---------------------------------------------------------------------------
    def export_monthly(
        self, start: datetime, end: datetime, as_of: datetime | None, requested_batch_size: int
    ) -> list[pl.DataFrame]:
        """Monthly figures (see ``monthly``) as known at ``as_of`` (None: now), in pieces of at most
        the batch size; at least one piece (empty when there is no figure)."""
        check_period(start, end, "month")
        size = batch_size(requested_batch_size)
        figures = self.monthly(start, end, self.cut_off(as_of))
        return list(chunks(figures, size)) or [figures]

    def export_charge_control(
        self,
        start: datetime,
        end: datetime,
        as_of: datetime | None,
        building_ids: list[str],
        unit_ids: list[str],
        requested_batch_size: int,
        arrow: bool = False,
    ) -> list[tuple[str, pl.DataFrame]]:
        """``(list name, piece)``: the totals, then the costs, then the provisions of
        ``charge_control``, each cut in pieces of at most the batch size (none for an empty list);
        ``arrow``: pieces for Arrow IPC batches, larger (MAX_ARROW_BATCH)."""
        check_period(start, end, "month")
        check_refs(building_ids, "building_ids")
        check_refs(unit_ids, "unit_ids")
        size = batch_size(requested_batch_size)
        if arrow:
            size = min(requested_batch_size or MAX_ARROW_BATCH, MAX_ARROW_BATCH)
        provisions, costs, totals = self.charge_control(start, end, self.cut_off(as_of), building_ids, unit_ids)
        lists = (("totals", totals), ("costs", costs), ("provisions", provisions))
        return [(name, part) for name, frame in lists for part in chunks(frame, size)]

    # ---- charge control --------------------------------------------------------------------
    def charge_control(
        self, start: datetime, end: datetime, as_of: datetime, building_ids: list[str], unit_ids: list[str]
    ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        """Provisions, recoverable costs and their totals for the months starting in [start, end), as
        known at ``as_of`` -> (provisions per unit, month and category; costs per building, month and
        category; totals per building and category). Months are labelled ``YYYY-MM`` (civil, Paris).

        Costs are those of the buildings listed (every building when neither list is given, none when
        only units are: costs are per building, not per dwelling). When units are listed, the totals
        hold their provisions only: cost and balance NaN, ``costs_computed`` false."""
        if end <= start:
            raise InvalidReadingRequest("period.end must be after period.start", field="period")
        months = _month_starts(start, end)
        if months.is_empty():  # a period shorter than a month, not starting on one
            provisions = pl.DataFrame(schema=PROVISION_SCHEMA).drop("recorded_at")
        else:
            first, last = months.sort()[0], months.sort()[-1]
            provisions = self.store.provisions(first, last, as_of, unit_ids, building_ids)
        provisions = provisions.with_columns(
            pl.col("building_id").fill_null(""), month=pl.col("month").dt.strftime("%Y-%m")
        )
        costs = self._recoverable_costs(start, end, as_of, building_ids, bool(unit_ids) and not building_ids)
        key = ["building_id", "charge_category"]
        provided = provisions.group_by(key).agg(provisions_eur=pl.col("amount_eur").sum())
        if unit_ids:
            # the provisions cover the listed dwellings, the costs whole buildings (or none): no cost
            # or balance over the dwellings can be given, so none is (NaN, costs_computed false)
            totals = provided.with_columns(
                recoverable_cost_eur=pl.lit(float("nan")),
                balance_eur=pl.lit(float("nan")),
                unpriced_meter_months=pl.lit(0, dtype=pl.Int32),
                costs_computed=pl.lit(False),
            ).sort(key)
            return provisions, costs, totals
        totals = (
            provided.join(
                costs.group_by(key).agg(
                    recoverable_cost_eur=pl.col("cost_eur").sum(), unpriced_meter_months=pl.col("unpriced_meters").sum()
                ),
                on=key,
                how="full",
                coalesce=True,
            )
            .with_columns(pl.col("provisions_eur", "recoverable_cost_eur").fill_null(0.0))
            .with_columns(
                balance_eur=pl.col("provisions_eur") - pl.col("recoverable_cost_eur"),
                unpriced_meter_months=pl.col("unpriced_meter_months").fill_null(0),
                costs_computed=pl.lit(True),
            )
            .sort(key)
        )
        return provisions, costs, totals

    def _recoverable_costs(
        self, start: datetime, end: datetime, as_of: datetime, building_ids: list[str], none: bool
    ) -> pl.DataFrame:
        """Costs of recoverable meters per building, month and charge category (see ``monthly``)."""
        meters = self.meters().filter(pl.col("recoverable"))
        if building_ids:
            meters = meters.filter(pl.col("building_id").is_in(building_ids))
        if none:
            meters = meters.clear()
        per, _, _ = self.consumption(start, end, "month", as_of, meter_ids=meters["meter_id"].to_list())
        figures = self.to_kwh(per, meters, as_of)
        figures = monthly_costs(figures, self._meter_prices(meters, as_of)).join(
            meters.select("meter_id", "building_id", "charge_category"), on="meter_id"
        )
        cost = pl.col("cost_eur").fill_null(0.0)
        return (
            figures.with_columns(
                month=pl.col("period_start").dt.convert_time_zone(TIME_ZONE).dt.strftime("%Y-%m"),
            )
            .group_by("building_id", "month", "charge_category")
            .agg(
                cost_eur=cost.sum(),
                meters=pl.len().cast(pl.Int32),
                unpriced_meters=pl.col("cost_eur").null_count().cast(pl.Int32),
                weighted=(cost * pl.col("estimated_share")).sum(),
            )
            .with_columns(
                # weighted by cost: quantities of one category may be in different units; a cell with
                # no cost (every meter unpriced) has nothing to weight by, so no share (NaN), not 0
                estimated_share=pl.when(pl.col("cost_eur") != 0)
                .then(pl.col("weighted") / pl.col("cost_eur"))
                .otherwise(float("nan"))
            )
            .drop("weighted")
            .sort("building_id", "month", "charge_category")
        )

    def _meter_prices(self, meters: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
        return meter_prices(self.store.prices(as_of), meters)

    def _summers(self, first: int, last: int, as_of: datetime, meters: pl.DataFrame) -> pl.DataFrame:
        """kWh PCI per heating meter and month of the summers (June to August) of years first..last.

        Each summer is computed on its own, as known at ``as_of``, so its figures do not depend on
        the export window that asked for it (see ``degree_days`` for which summer a month takes).
        At a settled cut-off, with a readings cache, each summer's consumption is kept there: the
        three monthly exports of a month's report take four summers between them, a year's the
        same ones, and each was read anew (a third of a month's export)."""
        cache = self.store.readings_cache
        settled = as_of <= self.clock() - self.settle
        heating = meters.filter(pl.col("usage").is_in(HEATING_USAGES)).select("meter_id", "register_digits")
        # what a summer's figures rest on besides the readings and replacements as of the cut-off
        registers = tuple(heating.sort("meter_id").iter_rows())

        def summer(year: int) -> pl.DataFrame:
            june = datetime(year, SUMMER_MONTHS[0], 1, tzinfo=PARIS).astimezone(UTC)
            september = datetime(year, SUMMER_MONTHS[-1] + 1, 1, tzinfo=PARIS).astimezone(UTC)
            per, _, _ = self.consumption(june, september, "month", as_of, ("usage", HEATING_USAGES))
            return per

        parts = [
            cache.get(("summer", to_us(as_of), year, registers), partial(summer, year))
            if settled and cache is not None
            else summer(year)
            for year in range(first, last + 1)
        ]
        return self.to_kwh(pl.concat(parts), meters, as_of)

    def _normalised(self, figures: pl.DataFrame, meters: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
        """Weather-normalised kWh per heating meter and month (the meter stands for its building).

        C_base of a month comes from its reference summer (``degree_days``: the summer preceding
        its heating season, or the next one when the meter has none), loaded whatever the window."""
        heating = meters.filter(pl.col("usage").is_in(HEATING_USAGES) & pl.col("weather_station").is_not_null())
        weather = self.store.weather(as_of)
        empty = pl.DataFrame(
            schema={
                "meter_id": pl.Int64,
                "period_start": figures.schema["period_start"],
                "heating_normalised_kwh": pl.Float64,
                "normalisation": pl.String,
            }
        )
        if heating.is_empty() or weather.is_empty():
            return empty
        monthly = monthly_dju(weather)
        ref = self.store.normals(as_of)
        if ref.is_empty():
            first_year, last_year = monthly.select(
                pl.col("month").dt.year().min().alias("first"), pl.col("month").dt.year().max().alias("last")
            ).row(0)
            ref = compute_normals(monthly, first_year, last_year)

        def local_months(frame: pl.DataFrame) -> pl.DataFrame:
            return (
                frame.join(heating.select("meter_id", "weather_station"), on="meter_id")
                .select(
                    building_id="meter_id",
                    station="weather_station",
                    period_start="period_start",
                    month=pl.col("period_start").dt.convert_time_zone(TIME_ZONE).dt.date(),
                    kwh="kwh_pci",
                    span="span",
                )
                .filter(pl.col("kwh").is_not_null())
            )

        c = local_months(figures)
        if c.is_empty():
            return empty
        first, last = c.select(
            reference_summer(pl.col("month")).min().alias("first"),
            reference_summer(pl.col("month")).max().alias("last"),
        ).row(0)
        summers = local_months(self._summers(first, last + 1, as_of, meters))
        out = normalise_heating(c, monthly, ref, summers)
        return out.select(
            meter_id="building_id", period_start="period_start", heating_normalised_kwh="c_norm", normalisation="reason"
        )

    # ---- anomalies -------------------------------------------------------------------------
    def detect_anomalies(self, start: datetime, end: datetime) -> dict[str, int]:
        check_period(start, end, "day")
        now = self.clock()
        daily, _, backwards = self.consumption(start, end, "day", now)
        meters = self.meters().select("meter_id", "carrier", "usage", "weather_station")
        found = pl.concat(
            [
                anomaly_rules.daily_anomalies(daily.join(meters, on="meter_id"), self._season_weather(start, end, now)),
                backwards.filter((pl.col("window_start") >= start) & (pl.col("window_start") < end)),
                self._night_flow(start, end, now),
            ]
        ).unique(["meter_id", "kind", "window_start"], keep="first")
        everything = self.meters()
        self.store.replace_anomalies(
            found.with_columns(detected_at=pl.lit(now)),
            start,
            end,
            lambda new: anomalies_found(new.drop("detected_at"), everything, now),
        )
        counts = found.group_by("kind").len()
        return {k: int(n) for k, n in counts.iter_rows()}

    def _season_weather(self, start: datetime, end: datetime, now: datetime) -> pl.DataFrame:
        """Daily DJU of the stations over [start, end) and the week before it: what the heating season
        of heating-only meters is read from (``heating_season``)."""
        first = (start - timedelta(days=7)).astimezone(PARIS).date()
        last = end.astimezone(PARIS).date()
        return self.store.weather(now).filter(pl.col("day").is_between(first, last))

    def _night_flow(self, start: datetime, end: datetime, now: datetime) -> pl.DataFrame:
        """Night flow on the sub-daily intervals between consecutive index readings of water meters.

        The intervals are those of the corrected register (``registers.reading_intervals``): one
        across a replacement counts what both registers measured, one across a rollover what went
        through; one resting on an estimate (either side of a misread, a backwards drop, a reading
        flagged estimated) is left out, so it neither makes nor breaks a flowing night by itself."""
        water = self.store.readings("index", to_us(start), to_us(end), to_us(now), ("carrier", WATER_CARRIERS))
        intervals = reading_intervals(
            water, self.meters().select("meter_id", "register_digits"), self.store.replacements(now)
        )
        observed = intervals.filter(~pl.col("estimated") & ((pl.col("end") - pl.col("start")) < timedelta(days=1)))
        return anomaly_rules.night_flow(observed, TIME_ZONE)


def _month_starts(start: datetime, end: datetime) -> pl.Series:
    """First days (local dates) of the civil months whose local midnight lies in [start, end)."""
    bounds = period_bounds(start, end - timedelta(microseconds=1), "month")
    inside = bounds.filter((bounds >= start) & (bounds < end))
    return inside.dt.convert_time_zone(TIME_ZONE).dt.date()


def figures_page_size(requested: int) -> int:
    if requested < 0:
        raise InvalidReadingRequest(
            f"must be >= 0 (0 for {MAX_FIGURES_PAGE:,}), got {requested}", field="figures_page_size"
        )
    return min(requested or MAX_FIGURES_PAGE, MAX_FIGURES_PAGE)


def batch_size(requested: int) -> int:
    if requested < 0:
        raise InvalidReadingRequest("batch_size must be >= 0", field="batch_size")
    return min(requested or MAX_EXPORT_BATCH, MAX_EXPORT_BATCH)


def chunks(frame: pl.DataFrame, size: int) -> Iterator[pl.DataFrame]:
    for offset in range(0, frame.height, size):
        yield frame.slice(offset, size)
