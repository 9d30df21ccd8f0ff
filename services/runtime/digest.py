"""The ``content_sha256`` of an export: one rule for every service, recomputable by any client.

Rule (quoted in the protos): the lowercase hexadecimal SHA-256 of the export's records, in the
order they were sent, each record contributing its protobuf binary serialisation (fields in
field-number order, as every official protobuf library writes them; maps, where any, sorted by
key) preceded by that serialisation's length as an unsigned 32-bit big-endian integer. A client
computes it from the record messages it received, with no knowledge of how they were stored.
"""

import hashlib
from collections.abc import Iterable

from google.protobuf.message import Message


class RecordDigest:
    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0

    def add(self, record: Message) -> None:
        data = record.SerializeToString(deterministic=True)
        self._hash.update(len(data).to_bytes(4, "big"))
        self._hash.update(data)
        self.count += 1

    def add_all(self, records: Iterable[Message]) -> None:
        for record in records:
            self.add(record)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def records_sha256(records: Iterable[Message]) -> str:
    digest = RecordDigest()
    digest.add_all(records)
    return digest.hexdigest()
