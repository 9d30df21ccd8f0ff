"""Per-record checks: each bad record named with its field and reason, the rest kept."""

from datetime import UTC, datetime

import polars as pl

from services.consumption.domain.validation import validate_readings

NOW = datetime(2024, 6, 1, tzinfo=UTC)
METERS = pl.DataFrame(
    {"meter_ref": ["G1", "B1"], "meter_id": [1, 2], "unit": ["m3", "m3"], "reading_kind": ["index", "consumption"]}
)


def d(day: int) -> datetime:
    return datetime(2024, 5, day, tzinfo=UTC)


def us(t: datetime | None) -> int | None:
    return None if t is None else int(t.timestamp() * 1_000_000)


def batch(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        [(i, ref, kind, us(at), us(start), *rest) for i, (ref, kind, at, start, *rest) in enumerate(rows)],
        schema=["index", "meter_ref", "kind", "read_at_us", "period_start_us", "value", "unit", "estimated"],
        orient="row",
    )


def test_bad_records_are_rejected_one_by_one_and_the_rest_kept():
    b = batch(
        [
            ("G1", "index", d(1), None, 100.0, "m3", False),  # 0 good
            ("G1", "index", d(2), None, -5.0, "m3", False),  # 1 negative index
            ("XX", "index", d(2), None, 5.0, "m3", False),  # 2 unknown meter
            ("G1", "index", d(3), None, 110.0, "kWh", False),  # 3 unit mismatch
            ("G1", "index", d(4), None, float("nan"), "m3", False),  # 4 NaN
            ("G1", "index", d(3), None, 120.0, "m3", False),  # 5 good: order inside a batch does not matter
            ("B1", "consumption", d(5), d(6), 3.0, "m3", False),  # 6 period_start after read_at
            ("B1", "consumption", d(9), d(1), 3.0, "m3", False),  # 7 good
            ("B1", "index", d(10), None, 3.0, "m3", False),  # 8 B1 is read by consumption
        ]
    )
    good, rejects = validate_readings(b, METERS, NOW)
    assert good["index"].to_list() == [0, 5, 7]
    assert rejects.select("index", "field").rows() == [
        (1, "value"),
        (2, "meter_ref"),
        (3, "unit"),
        (4, "value"),
        (6, "period_start"),
        (8, "kind"),
    ]
    reasons = dict(rejects.select("index", "reason").rows())
    assert reasons[1] == "negative index -5.0"
    assert reasons[2] == "unknown meter 'XX'"
    assert reasons[3] == "unit 'kWh' does not match meter 'G1' (in 'm3')"
    assert reasons[4] == "value must be a finite number"
    assert reasons[6] == "period_start 2024-05-06T00:00:00Z is not before read_at 2024-05-05T00:00:00Z"
    assert reasons[8] == "meter 'B1' is read as 'consumption', not 'index'"


def test_duplicates_inside_a_batch():
    b = batch(
        [
            ("G1", "index", d(1), None, 100.0, "m3", False),
            ("G1", "index", d(1), None, 100.0, "m3", False),  # identical: collapses
            ("G1", "index", d(1), None, 101.0, "m3", False),  # conflicting
        ]
    )
    good, rejects = validate_readings(b, METERS, NOW)
    assert good["index"].to_list() == [0]
    assert rejects.rows() == [(2, "value", "conflicts with record 0 of this batch (same meter, kind and read_at)")]


def test_future_reading_is_refused():
    good, rejects = validate_readings(
        batch([("G1", "index", datetime(2025, 1, 1, tzinfo=UTC), None, 1.0, "m3", False)]), METERS, NOW
    )
    assert good.height == 0
    assert rejects["field"].to_list() == ["read_at"]
