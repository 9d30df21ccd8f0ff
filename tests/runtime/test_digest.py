"""The content_sha256 rule (services/runtime/digest.py), checked against the rule's wording."""

import hashlib

from services.api.quitus.common.v1.common_pb2 import RecordIssue
from services.runtime.digest import RecordDigest, records_sha256


def test_digest_follows_the_documented_rule():
    records = [RecordIssue(index=0, rule="a"), RecordIssue(), RecordIssue(index=2, reason="é")]
    expected = hashlib.sha256()
    for record in records:
        data = record.SerializeToString(deterministic=True)
        expected.update(len(data).to_bytes(4, "big") + data)
    assert records_sha256(records) == expected.hexdigest()


def test_record_boundaries_count():
    """Without the length prefix, ("ab", "c") and ("a", "bc") would hash alike."""
    one = [RecordIssue(rule="ab"), RecordIssue(rule="c")]
    other = [RecordIssue(rule="a"), RecordIssue(rule="bc")]
    assert records_sha256(one) != records_sha256(other)
    digest = RecordDigest()
    digest.add_all(one)
    assert digest.count == 2


def _frame_and_messages(seed: int, rows: int):
    """Random ChargeTotal rows with every edge a serialisation has: empty and null strings (left
    out), multibyte and long text (a length of two varint bytes), 0.0 (left out), -0.0, NaN,
    infinities and subnormals (written), negative int32 (ten bytes), bools."""
    import random

    import polars as pl

    from services.api.quitus.consumption.v1 import consumption_pb2 as pb

    pick = random.Random(seed)
    texts = ["", None, "B1", "é€", "x" * 130, "cold_water", "日本"]
    doubles = [0.0, -0.0, float("nan"), float("inf"), -float("inf"), 5e-324, 1.5, -2.25, 1e300, None]
    ints = [0, 1, -1, 127, 128, 300, 2**31 - 1, -(2**31), None]
    data = [
        (
            pick.choice(texts),
            pick.choice(texts),
            pick.choice(doubles),
            pick.choice(doubles),
            pick.choice(doubles),
            pick.choice(ints),
            pick.choice([True, False, None]),
        )
        for _ in range(rows)
    ]
    frame = pl.DataFrame(
        data,
        schema={
            "building_id": pl.String,
            "charge_category": pl.String,
            "provisions_eur": pl.Float64,
            "recoverable_cost_eur": pl.Float64,
            "balance_eur": pl.Float64,
            "unpriced_meter_months": pl.Int32,
            "costs_computed": pl.Boolean,
        },
        orient="row",
    )
    messages = [pb.ChargeTotal(**{k: v for k, v in r.items() if v is not None}) for r in frame.iter_rows(named=True)]
    return frame, messages, pb.ChargeTotal.DESCRIPTOR


def test_a_frame_hashes_as_its_rows_would_as_messages():
    """FrameDigest.add_frame gives what RecordDigest gives the same rows as messages, byte for
    byte (frame_records), including over several blocks and for an empty frame."""
    from services.runtime import digest as module
    from services.runtime.digest import FrameDigest, frame_records

    for seed in range(5):
        frame, messages, descriptor = _frame_and_messages(seed, 400)
        expected = b"".join(
            len(m.SerializeToString(deterministic=True)).to_bytes(4, "big") + m.SerializeToString(deterministic=True)
            for m in messages
        )
        assert frame_records(frame, descriptor) == expected
        frames = FrameDigest()
        frames.add_frame(frame, descriptor)
        assert frames.hexdigest() == records_sha256(messages) and frames.count == 400
    blocks, module.FRAME_BLOCK_ROWS = module.FRAME_BLOCK_ROWS, 7
    try:
        in_blocks = FrameDigest()
        in_blocks.add_frame(frame, descriptor)
    finally:
        module.FRAME_BLOCK_ROWS = blocks
    assert in_blocks.hexdigest() == records_sha256(messages)
    empty = FrameDigest()
    empty.add_frame(frame.clear(), descriptor)
    assert empty.hexdigest() == records_sha256([]) and empty.count == 0


def test_a_frame_digest_refuses_a_field_it_cannot_write():
    import polars as pl
    import pytest

    from services.api.quitus.consumption.v1 import consumption_pb2 as pb
    from services.runtime.digest import FrameDigest

    with pytest.raises(ValueError, match="window_start"):
        frame = pl.DataFrame({f.name: [None] for f in pb.Anomaly.DESCRIPTOR.fields})
        FrameDigest().add_frame(frame, pb.Anomaly.DESCRIPTOR)  # a Timestamp field
