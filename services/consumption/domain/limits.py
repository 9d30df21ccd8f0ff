"""The documented limits of what a client may send (proto comments and the README say the same).

Checked at the edge, before anything is written: per record by column for batches (a refused
record names its index, field and reason; the rest of its batch goes on), per field for a
request's own values. They fit the database columns (models.py), which stay a second line.
"""

from datetime import datetime, timedelta

from services.consumption.errors import InvalidReadingRequest
from services.runtime.validation import check_instant, check_text

REF_CHARS = 64  # meter_ref, building_id, unit_id, weather_station, contract_ref, station
SOURCE_CHARS = 200  # sources of coefficients, prices, degree days
BATCH_ID_CHARS = 128
UNIT_CHARS = 16  # unit, kind, basis
REF_PERIOD_CHARS = 32
MAX_RECORDS_PER_BATCH = 100_000  # IngestReadings: a batch with more is refused whole
ACK_ISSUES = 100  # rejected / warnings listed in an ack (the rest: counts, ListRejections)
MAX_FIGURES_PAGE = 20_000  # GetConsumption figures per page (default and maximum)
# records per export message, default and maximum: at most ~500 bytes a monthly figure (texts at
# their limits), so a message stays near 2.5 MB, under the 4 MB a default client takes
MAX_EXPORT_BATCH = 5_000
# records per Arrow IPC batch of an export: a batch of charge-control provisions stays under the 4 MB a
# gRPC client takes by default
MAX_ARROW_BATCH = 20_000
MAX_LIST_ENTRIES = 10_000  # entries of a perimeter's (or a filter's) list
PAYLOAD_TEXT_CHARS = 100  # texts kept in a stored rejection's payload_json

MAX_VALUE = 1e12  # a reading's value, a replacement's indexes
MAX_COEFFICIENT = 100.0  # kWh PCS per m3 (natural gas: about 10 to 12)
MAX_EUR_PER_UNIT = 10_000.0
MAX_EUR = 10_000_000.0  # fixed part per month, a provision
TEMPERATURE = (-90.0, 60.0)  # degrees C
MAX_DJU_DAY = 100.0
MAX_DJU_MONTH = 2000.0
MAX_REGISTER_DIGITS = 15

# the longest period each request may span
MAX_SPAN = {"day": timedelta(days=1100), "month": timedelta(days=366 * 50), "year": timedelta(days=366 * 200)}
ANOMALY_KINDS = ("leak", "night_flow", "spike", "flat_line", "stuck_register", "backwards")


def check_period(start: datetime, end: datetime, granularity: str, field: str = "period") -> None:
    """A requested period within the instant window, ordered, and at most its granularity's span."""
    check_instant(start, f"{field}.start")
    check_instant(end, f"{field}.end")
    if end <= start:
        raise_invalid(f"end {end.isoformat()} is not after start {start.isoformat()}", f"{field}.end")
    span = MAX_SPAN[granularity]
    if end - start > span:
        raise_invalid(f"spans {(end - start).days:,} days, at most {span.days:,} by {granularity}", f"{field}.end")


def check_refs(values: list[str], field: str) -> list[str]:
    """A request's list of references: at most MAX_LIST_ENTRIES, each a valid text."""
    if len(values) > MAX_LIST_ENTRIES:
        raise_invalid(f"holds {len(values):,} entries, at most {MAX_LIST_ENTRIES:,}", field)
    for i, value in enumerate(values):
        check_text(value, f"{field}[{i}]", REF_CHARS)
    return values


def raise_invalid(reason: str, field: str) -> None:
    raise InvalidReadingRequest(reason, field=field)
