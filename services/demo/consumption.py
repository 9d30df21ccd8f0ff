"""The consumption part of ``quitus demo``: meters, weather, prices and three years of daily readings
sent through the consumption gRPC service, then what the service makes of them, read back through
gRPC too: refusals with their reasons, anomalies with their evidence, and the monthly export
summed per carrier and year (kWh PCI, estimated share, cost, weather-normalised heating), and the
charge-control export: provisions and recoverable costs per building and charge category.
"""

import re
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import grpc
import polars as pl
from rich.progress import Progress, TaskID

from services.api.quitus.common.v1.common_pb2 import PageRequest
from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.demo import meters as demo_meters
from services.demo import prices as demo_prices
from services.demo import weather as demo_weather
from services.demo.weather import PARIS
from services.runtime.timestamps import to_period

EXAMPLES_PER_KIND = 3
# quoted names and numbers / instants inside a reason: what varies from one record to the next
_VARYING = re.compile(r"'[^']*'|-?\d[\w\-:.+]*|NaN")


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=PARIS)


def _nan_to_none(value: float) -> float | None:
    return None if value != value else value


def load_consumption_demo(
    channel: grpc.Channel,
    buildings: Sequence,
    units: Sequence,
    *,
    seed: int,
    first: date,
    days: int = 1097,
    metadata: tuple = (),
    progress: Progress | None = None,
) -> dict:
    """Send the consumption demo through gRPC and read back what the service found.

    ``buildings`` have ``id, dwellings, heating_system, weather_station`` and ``units`` have
    ``ug_id, building_id, kind`` (the interventions portfolio's messages fit). Readings are daily at
    local midnight for ``days`` days from ``first``; the figures cover ``[first, first + days - 1)``.
    Provisions are sent for the last full year of that window, the charge-control year.
    """
    stub = pb_grpc.ConsumptionServiceStub(channel)
    step = _Steps(progress)
    last = first + timedelta(days=days - 1)
    charge_year = last.year - 1  # the last calendar year the readings can cover whole

    step.begin("Meters, weather, normals, prices and provisions", 1)
    meters = demo_meters.demo_meters(buildings, seed)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    coefficients = demo_meters.gas_coefficients(meters, first, months, seed)
    stub.ImportMeters(iter([pb.ImportMetersRequest(meters=meters, gas_coefficients=coefficients)]), metadata=metadata)
    stations = [b.weather_station or "DEMO" for b in buildings]
    temps = demo_weather.daily_temperatures(stations, first, days, seed)
    weather = demo_weather.degree_day_batches(temps) + [demo_weather.normal_batch(stations, first.year, seed)]
    stub.ImportDegreeDays(iter(weather), metadata=metadata)
    stub.ImportPrices(iter([demo_prices.price_batch(meters, first.year + 1)]), metadata=metadata)
    provisions = _provisions(meters, units)
    sent_provisions = demo_prices.provision_batches(provisions, date(charge_year, 1, 1), 12)
    stub.ImportPrices(iter(sent_provisions), metadata=metadata)
    step.done()

    readings, replacements, injected = demo_meters.demo_readings(
        meters, {b.id: b.dwellings for b in buildings}, temps, first, days, seed
    )
    stub.ImportMeters(iter([pb.ImportMetersRequest(replacements=replacements)]), metadata=metadata)
    batches, sent = demo_meters.reading_batches(readings, seed)
    step.begin("Ingesting readings", sum(len(b.meter_ref) for b in batches))
    totals: Counter = Counter()
    refusals: dict[tuple[str, str], list] = {}
    for ack in stub.IngestReadings(iter(batches), metadata=metadata):
        totals.update(received=ack.received, accepted=ack.accepted, duplicates=ack.duplicates)
        # an ack lists its first 100 refusals; rejected_total counts them all (ListRejections holds them)
        totals.update(rejected=ack.rejected_total, warned=ack.warnings_total)
        for r in ack.rejected:
            refusals.setdefault((r.field, _VARYING.sub("…", r.reason)), []).append((ack.batch_id, r.index, r.reason))
        step.advance(ack.received)
    step.done()

    window = to_period(_midnight(first), _midnight(last))
    step.begin("Detecting anomalies", 1)
    found = dict(stub.DetectAnomalies(pb.DetectAnomaliesRequest(period=window), metadata=metadata).found)
    examples = {kind: _examples(stub, kind, metadata) for kind in sorted(found)}
    step.done()

    step.begin("Monthly export per meter", 1)
    figures = _figures(stub.ExportMonthly(pb.ExportMonthlyRequest(period=window), metadata=metadata))
    step.done()

    step.begin("Charge control: provisions and recoverable costs", 1)
    year = to_period(_midnight(date(charge_year, 1, 1)), _midnight(date(charge_year + 1, 1, 1)))
    charges = _charges(stub.ExportChargeControl(pb.ExportChargeControlRequest(period=year), metadata=metadata))
    step.done()

    return {
        "first": first.isoformat(),
        "last": last.isoformat(),
        "meters": dict(Counter(f"{m.carrier} ({m.unit})" for m in meters)),
        "readings_sent": totals["received"],
        "readings_accepted": totals["accepted"],
        "readings_duplicates": totals["duplicates"],
        "readings_rejected": totals["rejected"],
        "readings_warned": totals["warned"],
        "rejections": [
            {"field": field, "reason": reason, "records": len(hits), "example": hits[0]}
            for (field, reason), hits in sorted(refusals.items(), key=lambda kv: -len(kv[1]))
        ],
        **sent,
        "injected": injected,
        "anomalies": found,
        "anomaly_examples": examples,
        "per_year": _per_year(figures),
        "heating": _heating(figures),
        "charges_year": charge_year,
        "charges": charges,
        # what the table's totals must equal: the provisions sent, the monthly export's recoverable costs
        "charges_check": {
            "provisions_sent_eur": sum(p.amount_eur for b in sent_provisions for p in b.provisions),
            "recoverable_cost_monthly_export_eur": figures.filter(
                pl.col("recoverable") & (pl.col("year") == charge_year)
            )["cost_eur"].sum(),
        },
        "weather": demo_weather.SOURCE,
        "normals": weather[-1].normals[0].ref_period if weather[-1].normals else "",
    }


class _Steps:
    """One progress line per step when a rich Progress is given; silent otherwise."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.task: TaskID | None = None
        self.total = 0

    def begin(self, description: str, total: int) -> None:
        self.total = total
        if self.progress is not None:
            self.task = self.progress.add_task(description, total=total)

    def advance(self, n: int) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task, n)

    def done(self) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, completed=self.total)


def _provisions(meters: list[pb.Meter], units: Sequence) -> list[tuple[str, str, tuple[str, ...]]]:
    """Each dwelling pays provisions for the recoverable categories its building has meters for."""
    categories: dict[str, set[str]] = {}
    for m in meters:
        if m.recoverable and m.charge_category in demo_prices.PROVISIONS:
            categories.setdefault(m.building_id, set()).add(m.charge_category)
    return [
        (u.ug_id, u.building_id, tuple(sorted(categories.get(u.building_id, ()))))
        for u in units
        if u.kind == "dwelling" and categories.get(u.building_id)
    ]


def _examples(stub: pb_grpc.ConsumptionServiceStub, kind: str, metadata: tuple) -> list[dict]:
    page = stub.ListAnomalies(
        pb.ListAnomaliesRequest(kind=kind, page=PageRequest(page_size=EXAMPLES_PER_KIND)), metadata=metadata
    )
    return [
        {
            "meter_ref": a.meter_ref,
            "building_id": a.building_id,
            "from": a.window_start.ToDatetime(tzinfo=PARIS).date().isoformat(),
            "to": a.window_end.ToDatetime(tzinfo=PARIS).date().isoformat(),
            "expected": _nan_to_none(a.expected),
            "observed": _nan_to_none(a.observed),
            "detail": a.detail,
        }
        for a in page.anomalies
    ]


def _figures(batches) -> pl.DataFrame:
    rows = [
        (
            f.month_start.ToDatetime(tzinfo=PARIS).year,
            f.carrier,
            f.unit,
            f.usage,
            f.charge_category,
            f.recoverable,
            f.quantity,
            f.estimated_share * f.quantity,
            _nan_to_none(f.kwh_pci),
            _nan_to_none(f.heating_normalised_kwh),
            _nan_to_none(f.cost_eur),
        )
        for b in batches
        for f in b.figures
    ]
    schema = {
        "year": pl.Int32,
        "carrier": pl.String,
        "unit": pl.String,
        "usage": pl.String,
        "charge_category": pl.String,
        "recoverable": pl.Boolean,
        "quantity": pl.Float64,
        "estimated": pl.Float64,
        "kwh_pci": pl.Float64,
        "normalised": pl.Float64,
        "cost_eur": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _per_year(figures: pl.DataFrame) -> list[dict]:
    """Per carrier and year: quantity, kWh PCI (None unless every month converts), estimated share, cost."""
    return (
        figures.group_by("carrier", "unit", "year")
        .agg(
            quantity=pl.col("quantity").sum(),
            kwh_pci=pl.when(pl.col("kwh_pci").null_count() == 0).then(pl.col("kwh_pci").sum()),
            estimated_share=pl.col("estimated").sum() / pl.col("quantity").sum(),
            cost_eur=pl.col("cost_eur").sum(),
        )
        .sort("carrier", "year")
        .to_dicts()
    )


def _heating(figures: pl.DataFrame) -> list[dict]:
    """Heating meters per year: kWh PCI as metered and weather-normalised (months that have both)."""
    both = figures.filter(pl.col("normalised").is_not_null() & pl.col("kwh_pci").is_not_null())
    return (
        both.group_by("year")
        .agg(kwh_pci=pl.col("kwh_pci").sum(), normalised_kwh=pl.col("normalised").sum(), meters=pl.len())
        .sort("year")
        .to_dicts()
    )


def _charges(batches) -> list[dict]:
    """Per charge category, from the service's charge-control export: dwellings paying provisions,
    provisions and recoverable costs (per building, summed), and the buildings whose costs exceed
    their provisions."""
    totals: list[tuple[str, str, float, float]] = []
    dwellings: dict[str, set[str]] = {}
    for b in batches:
        totals += [(t.building_id, t.charge_category, t.provisions_eur, t.recoverable_cost_eur) for t in b.totals]
        for p in b.provisions:
            dwellings.setdefault(p.charge_category, set()).add(p.unit_id)
    frame = pl.DataFrame(
        totals, schema=["building_id", "category", "provisions_eur", "recoverable_cost_eur"], orient="row"
    )
    per_category = (
        frame.group_by("category")
        .agg(
            pl.col("provisions_eur", "recoverable_cost_eur").sum(),
            buildings_short=(pl.col("recoverable_cost_eur") > pl.col("provisions_eur")).sum(),
            buildings=pl.len(),
        )
        .sort("category")
    )
    return [{**r, "dwellings": len(dwellings.get(r["category"], ()))} for r in per_category.to_dicts()]
