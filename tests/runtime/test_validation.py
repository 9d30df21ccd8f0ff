"""Edge checks shared by every service (services/runtime/validation.py), on values worked out by
hand."""

import math
from datetime import UTC, datetime

import polars as pl
import pytest

from services.runtime.errors import InvalidArgument
from services.runtime.validation import (
    check_enum,
    check_instant,
    check_number,
    check_text,
    enum_reasons,
    first_reasons,
    instant_reasons,
    number_reasons,
    quote,
    text_reasons,
)


def test_quote_cuts_long_values_and_says_how_long():
    assert quote("C01") == "'C01'"
    assert quote("x" * 1_000_000) == "'" + "x" * 40 + "'… (1,000,000 characters)"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("x" * 65, "is 65 characters long, at most 64 allowed"),
        ("C01\x00", "holds a NUL character"),
        ("a\x1bb", "holds a control character"),
        ("a\nb", "holds a control character"),
    ],
)
def test_a_bad_text_is_refused_naming_the_field(value, reason):
    with pytest.raises(InvalidArgument) as refused:
        check_text(value, "external_ref", 64)
    assert (refused.value.field, refused.value.message) == ("external_ref", reason)


def test_texts_that_pass():
    assert check_text("x" * 64, "f", 64) == "x" * 64
    assert check_text("line one\nline two\ttab", "note", 200, multiline=True)
    assert check_text("Saint-Étienne 🏠", "city", 64)
    with pytest.raises(InvalidArgument, match="is required"):
        check_text("", "id", 64, required=True)


def test_numbers_instants_and_enums():
    assert check_number(12.5, "cost_eur", low=0) == 12.5
    for bad in (math.nan, math.inf, -math.inf, -0.01):
        with pytest.raises(InvalidArgument):
            check_number(bad, "cost_eur", low=0)
    assert check_instant(None, "at") is None
    assert check_instant(datetime(2025, 1, 1, tzinfo=UTC), "at")
    for bad in (datetime(1899, 12, 31, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC)):
        with pytest.raises(InvalidArgument):
            check_instant(bad, "at")
    assert check_enum(0, {1, 2}, "status") == 0
    with pytest.raises(InvalidArgument, match="42 is not a value"):
        check_enum(42, {1, 2}, "status")
    with pytest.raises(InvalidArgument):
        check_enum(0, {1, 2}, "kind", allow_unset=False)


def test_first_reasons_names_the_first_failing_field_of_each_record():
    """Four records, worked by hand: 0 is fine; 1 has a bad ref AND a NaN cost (the ref, checked
    first, is reported); 2 has an instant in year 1; 3 has an unknown kind 42."""
    frame = pl.DataFrame(
        {
            "ref": ["T-1", "T\x00", "T-3", "T-4"],
            "cost": [1.0, math.nan, 2.0, None],
            "at_us": [1_735_689_600_000_000, None, -62_135_596_800_000_000, 0],
            "kind": [1, 2, 1, 42],
        }
    )
    refused = first_reasons(
        frame,
        {
            "ref": text_reasons(pl.col("ref"), 64, required=True),
            "cost": number_reasons(pl.col("cost"), low=0),
            "at": instant_reasons(pl.col("at_us")),
            "kind": enum_reasons(pl.col("kind"), {1, 2}),
        },
    )
    assert refused.rows() == [
        (1, "ref", "holds a NUL character"),
        (2, "at", "is outside 1900-2200"),
        (3, "kind", "is not a value this contract defines"),
    ]


def test_a_batch_of_good_records_has_no_reasons():
    frame = pl.DataFrame({"ref": ["a", "b"]})
    assert first_reasons(frame, {"ref": text_reasons(pl.col("ref"), 5)}).height == 0
    assert first_reasons(frame.clear(), {"ref": text_reasons(pl.col("ref"), 5)}).height == 0
