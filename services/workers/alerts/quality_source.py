"""The contractors' data quality over a window, from the interventions service (GetDataQuality).

The events carry no rejections (a rejected record is no event), so the quality comes from the
service that judged the records: two unary calls, its cumulative counts at the window's start
and at its end (``as_of``), whose difference is the window's. The service serves an ``as_of`` at
least a minute old: the end is moved back to two minutes before the real clock when later.

Plain grpcio: in the nameko process each call goes through ``eventlet.tpool.execute``
(service.py), and a gRPC error becomes QualityUnavailable, which nameko can carry.
"""

from datetime import UTC, datetime, timedelta

import grpc

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.runtime.client import open_channel
from services.runtime.timestamps import to_timestamp
from services.workers.alerts.domain.quality import Counts

SETTLED = timedelta(minutes=2)


class QualityUnavailable(Exception):
    """The interventions service did not answer GetDataQuality (its status and message)."""


class QualityClient:
    def __init__(self, address: str, token: str, timeout_s: float = 30.0) -> None:
        self.channel = open_channel(address)
        self.stub = pb_grpc.InterventionsServiceStub(self.channel)
        self.metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self.timeout_s = timeout_s

    def counts_at(self, as_of: datetime) -> dict[str, Counts]:
        """Each contractor's cumulative counts of records received by ``as_of``."""
        request = pb.GetDataQualityRequest(as_of=to_timestamp(as_of))
        try:
            reply = self.stub.GetDataQuality(request, metadata=self.metadata, timeout=self.timeout_s)
        except grpc.RpcError as exc:
            raise QualityUnavailable(f"GetDataQuality: {exc.code().name}: {exc.details()}") from None
        return {c.contractor_id: Counts(c.received, c.accepted, c.warned) for c in reply.contractors}

    def window(self, start: datetime, end: datetime) -> dict[str, tuple[Counts | None, Counts]]:
        end = min(end, datetime.now(UTC) - SETTLED)
        after, before = self.counts_at(end), self.counts_at(start)
        return {contractor: (before.get(contractor), counts) for contractor, counts in after.items()}

    def close(self) -> None:
        self.channel.close()
