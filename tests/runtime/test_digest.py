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
    original, digest_module._CHUNK_ROWS = digest_module._CHUNK_ROWS, 5  # several chunks
    try:
        by_rows = FrameDigest(pb.InterventionFact.DESCRIPTOR)
        by_rows.add_frame(frame.head(7))
        by_rows.add_frame(frame.slice(7))
    finally:
        digest_module._CHUNK_ROWS = original
    assert (by_rows.hexdigest(), by_rows.count) == (by_records, 24)
    swapped = pl.concat([frame.slice(1, 1), frame.head(1), frame.slice(2)])
    other = FrameDigest(pb.InterventionFact.DESCRIPTOR)
    other.add_frame(swapped)
    assert other.hexdigest() != by_records  # the order counts
