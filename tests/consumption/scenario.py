"""Shared pieces of the consumption gRPC tests: the meters, a reading batch builder, timestamps.

Meter G1: natural gas in m3, 5-digit register, heating, station S1, 11.1 kWh PCS/m3 from 2024
(so with PCS/PCI = 1.11 from factors/conversions.csv, 1 m3 = 10 kWh PCI: handy by hand).
Meter W1: cold water in m3, no register size.
"""

from datetime import UTC, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp

from services.api.quitus.common.v1.common_pb2 import Period
from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.consumption.domain.periods import PARIS

MARCH = datetime(2024, 2, 29, 23, tzinfo=UTC)  # 1 March 2024 00:00 in Paris
DAY = timedelta(days=1)


def us(t: datetime) -> int:
    return int(t.timestamp() * 1_000_000)


def ts(t: datetime) -> Timestamp:
    x = Timestamp()
    x.FromDatetime(t)
    return x


def paris_midnight(year: int, month: int, day: int = 1) -> datetime:
    """Local midnight in Paris as a UTC instant (UTC+1 in winter, UTC+2 from the last Sunday of March)."""
    return datetime(year, month, day, tzinfo=PARIS).astimezone(UTC)


def period(start: datetime, end: datetime) -> Period:
    return Period(start=ts(start), end=ts(end))


def march() -> Period:
    return period(MARCH, datetime(2024, 3, 31, 22, tzinfo=UTC))


def meters_batch() -> pb.ImportMetersRequest:
    return pb.ImportMetersRequest(
        meters=[
            pb.Meter(
                meter_ref="G1",
                building_id="B1",
                carrier="natural_gas",
                unit="m3",
                usage="heating",
                recoverable=True,
                charge_category="heating_energy",
                register_digits=5,
                reading_kind="index",
                weather_station="S1",
            ),
            pb.Meter(
                meter_ref="W1",
                building_id="B1",
                carrier="cold_water",
                unit="m3",
                usage="water",
                recoverable=True,
                charge_category="cold_water",
                reading_kind="index",
            ),
        ],
        gas_coefficients=[
            pb.GasCoefficient(
                meter_ref="G1",
                valid_from=ts(datetime(2023, 1, 1, tzinfo=UTC)),
                kwh_pcs_per_m3=11.1,
                source="supplier bill",
            )
        ],
    )


def readings(rows, batch_id="b1") -> pb.IngestReadingsRequest:
    """Index readings from ``(meter_ref, read_at, value[, unit])`` rows (unit m3 by default)."""
    return pb.IngestReadingsRequest(
        batch_id=batch_id,
        meter_ref=[r[0] for r in rows],
        kind=["index"] * len(rows),
        read_at_us=[us(r[1]) for r in rows],
        value=[r[2] for r in rows],
        unit=[r[3] if len(r) > 3 else "m3" for r in rows],
    )


def send(stub, metadata, *batches):
    return list(stub.IngestReadings(iter(batches), metadata=metadata))


def g1_figures(batches) -> list:
    return [f for b in batches for f in b.figures if f.meter_ref == "G1"]
