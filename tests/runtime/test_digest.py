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


def test_a_frame_digests_as_the_records_its_rows_stand_for():
    """FrameDigest (the Arrow form of an export) gives the RecordDigest of the messages: texts
    empty, multi-byte and long (a 2-byte length), enums by name, a negative int32 (a 10-byte
    varint), -0.0 (written: its bits are not 0), infinity, timestamps unset, before 1970 and with
    microseconds, false and true, across a chunk boundary."""
    from datetime import UTC, datetime

    import polars as pl

    from services.api.quitus.interventions.v1 import interventions_pb2 as pb
    from services.reporting.sources import RecordCollector
    from services.runtime import digest as digest_module
    from services.runtime.digest import FrameDigest

    texts = ["", "C1/T-1", "é€𝄞", "x" * 200]
    instants = [None, datetime(1900, 1, 1, tzinfo=UTC), datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)]
    facts = []
    for i in range(24):
        fact = pb.InterventionFact(
            id=texts[i % 4],
            ug_id=texts[(i + 1) % 4],
            nature=i % 3,
            status=(0, 3, 5)[i % 3],
            visits=(0, 1, -1, 2**31 - 1)[i % 4],
            first_time_fix=bool(i % 2),
            cost_eur=(0.0, -0.0, 1.5, float("inf"))[i % 4],
            repair_deadline=(0, 2, 4)[i % 3],
        )
        for name, instant in (("requested_at", instants[i % 3]), ("closed_at", instants[(i + 2) % 3])):
            if instant is not None:
                getattr(fact, name).FromDatetime(instant)
        facts.append(fact)
    collected = RecordCollector(pb.InterventionFact.DESCRIPTOR)
    for fact in facts:
        collected.add(fact)
    frame = collected.unchecked_frame()
    assert frame.filter(pl.col("requested_at").is_null()).height == 8  # unset stays null
    by_records = records_sha256(facts)
    original, digest_module._CHUNK_BYTES = digest_module._CHUNK_BYTES, 1  # a chunk a row
    try:
        by_rows = FrameDigest(pb.InterventionFact.DESCRIPTOR)
        by_rows.add_frame(frame.head(7))
        by_rows.add_frame(frame.slice(7))
    finally:
        digest_module._CHUNK_BYTES = original
    assert (by_rows.hexdigest(), by_rows.count) == (by_records, 24)
    swapped = pl.concat([frame.slice(1, 1), frame.head(1), frame.slice(2)])
    other = FrameDigest(pb.InterventionFact.DESCRIPTOR)
    other.add_frame(swapped)
    assert other.hexdigest() != by_records  # the order counts


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
    byte (serialised), including over several blocks and for an empty frame."""
    from services.runtime import digest as module
    from services.runtime.digest import FrameDigest

    for seed in range(5):
        frame, messages, descriptor = _frame_and_messages(seed, 400)
        expected = b"".join(
            len(m.SerializeToString(deterministic=True)).to_bytes(4, "big") + m.SerializeToString(deterministic=True)
            for m in messages
        )
        assert FrameDigest(descriptor).serialised(frame) == expected
        frames = FrameDigest(descriptor)
        frames.add_frame(frame)
        assert frames.hexdigest() == records_sha256(messages) and frames.count == 400
    blocks, module._CHUNK_BYTES = module._CHUNK_BYTES, 3000  # chunks of a few rows
    try:
        in_blocks = FrameDigest(descriptor)
        in_blocks.add_frame(frame)
    finally:
        module._CHUNK_BYTES = blocks
    assert in_blocks.hexdigest() == records_sha256(messages)
    empty = FrameDigest(descriptor)
    empty.add_frame(frame.clear())
    assert empty.hexdigest() == records_sha256([]) and empty.count == 0


def test_a_frame_digest_refuses_a_field_it_cannot_write():
    import polars as pl
    import pytest

    from services.api.quitus.consumption.v1 import consumption_pb2 as pb
    from services.runtime.digest import FrameDigest

    with pytest.raises(TypeError, match="period"):
        frame = pl.DataFrame({f.name: [None] for f in pb.ExportMonthlyRequest.DESCRIPTOR.fields})
        FrameDigest().add_frame(frame, pb.ExportMonthlyRequest.DESCRIPTOR)  # a Period sub-message


def _scalar_message():
    """A message type made here: a float, an unsigned 64-bit integer, a text and a timestamp at
    field numbers that take one, two and three bytes of tag, and a sint32 (zigzag)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2

    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(
        descriptor_pb2.FileDescriptorProto.FromString(timestamp_pb2.DESCRIPTOR.serialized_pb).SerializeToString()
    )
    file = descriptor_pb2.FileDescriptorProto(
        name="digest_probe.proto", package="probe", syntax="proto3", dependency=["google/protobuf/timestamp.proto"]
    )
    message = file.message_type.add(name="Probe")
    kinds = descriptor_pb2.FieldDescriptorProto
    for name, number, kind in (
        ("ratio", 1, kinds.TYPE_FLOAT),
        ("count", 20, kinds.TYPE_UINT64),
        ("label", 3000, kinds.TYPE_STRING),
        ("at", 5, kinds.TYPE_MESSAGE),
    ):
        field = message.field.add(name=name, number=number, type=kind, label=kinds.LABEL_OPTIONAL)
        if kind == kinds.TYPE_MESSAGE:
            field.type_name = ".google.protobuf.Timestamp"
    zigzag = file.message_type.add(name="Zigzag")
    zigzag.field.add(name="delta", number=1, type=kinds.TYPE_SINT32, label=kinds.LABEL_OPTIONAL)
    pool.Add(file)
    probe = message_factory.GetMessageClass(pool.FindMessageTypeByName("probe.Probe"))
    return probe, pool.FindMessageTypeByName("probe.Zigzag")


def test_floats_large_unsigned_and_long_tags_digest_as_messages():
    """A float field (4 bytes, -0.0 written, 0.0 not), a uint64 above 2**63 (a 10-byte varint),
    a field number needing a 3-byte tag, and a timestamp with only nanos: FrameDigest gives the
    messages' own bytes. A zigzag field, which a plain varint would get wrong, is refused."""
    from datetime import UTC, datetime

    import polars as pl
    import pytest

    from services.runtime.digest import FrameDigest

    probe, zigzag = _scalar_message()
    rows = [
        (0.0, 0, "", None),
        (-0.0, 2**64 - 1, "é", datetime(1970, 1, 1, 0, 0, 0, 5, tzinfo=UTC)),
        (1.25, 2**63 + 7, "x" * 300, datetime(2025, 6, 1, tzinfo=UTC)),
        (float("nan"), 1, "a", datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    ]
    frame = pl.DataFrame(
        rows,
        schema={"ratio": pl.Float32, "count": pl.UInt64, "label": pl.String, "at": pl.Datetime("us", "UTC")},
        orient="row",
    )
    messages = []
    for ratio, count, label, at in rows:
        message = probe(ratio=ratio, count=count, label=label)
        if at is not None:
            message.at.FromDatetime(at)
        messages.append(message)
    assert FrameDigest(probe.DESCRIPTOR).serialised(frame) == b"".join(
        len(m.SerializeToString(deterministic=True)).to_bytes(4, "big") + m.SerializeToString(deterministic=True)
        for m in messages
    )
    with pytest.raises(TypeError, match="zigzag"):
        FrameDigest(zigzag).serialised(pl.DataFrame({"delta": [-1]}))
