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
