"""ExportInterventions in the Arrow form (quitus.common.v1.ExportForm): the same facts as the
record messages, and the same content_sha256, through a real channel."""

import io

import polars as pl

from services.api.quitus.common.v1.common_pb2 import EXPORT_FORM_ARROW_IPC, Period
from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.reporting.sources import facts_frame, facts_frame_arrow
from tests.conftest import bearer
from tests.interventions.portfolio_fixture import T0, event, request, ts
from tests.interventions.test_grpc import H, lifecycle, send, service  # noqa: F401 (fixture)


def test_the_arrow_form_holds_the_facts_of_the_records_and_their_digest(service):  # noqa: F811
    """Three tickets (a closed lifecycle, an open one on a building's common parts: no unit, one
    cancelled), two facts a message: two Arrow messages then the closing one."""
    stub, tokens, _ = service
    admin = bearer(tokens.issue("admin"))
    events = [
        *lifecycle("T-1"),
        request("C1", "T-2", T0 + H, ug="", building_id="B3"),
        request("C1", "T-3", T0 + 2 * H),
        event("C1", "T-3", 2, "CANCELLED", T0 + 3 * H),
    ]
    for e in events:  # a backfill: recorded when they happened
        e.recorded_at.CopyFrom(e.event_time)
    assert [a.accepted for a in send(stub, admin, events)] == [len(events)]
    asked = pb.ExportInterventionsRequest(
        as_of=ts(T0 + 240 * H), requested=Period(start=ts(T0 - 24 * H), end=ts(T0 + 24 * H)), batch_size=2
    )
    records = list(stub.ExportInterventions(asked, metadata=admin))
    arrow_request = pb.ExportInterventionsRequest(form=EXPORT_FORM_ARROW_IPC)
    arrow_request.MergeFrom(asked)
    arrow = list(stub.ExportInterventions(arrow_request, metadata=admin))

    assert [bool(m.arrow_ipc) for m in arrow] == [True, True, False] and not any(m.facts for m in arrow)
    assert arrow[-1].content_sha256 == records[-1].content_sha256 and arrow[-1].total == 3
    assert arrow[-1].caveats == records[-1].caveats
    first = pl.read_ipc_stream(io.BytesIO(arrow[0].arrow_ipc))
    assert first.columns == [f.name for f in pb.InterventionFact.DESCRIPTOR.fields]
    assert first["status"].to_list() == ["CLOSED", "OPEN"] and first["nature"].to_list() == ["CURATIVE"] * 2
    from_records, sha = facts_frame(records)
    from_arrow, sha_arrow = facts_frame_arrow(arrow)
    assert sha_arrow == sha
    assert from_arrow.equals(from_records)
    assert from_arrow.filter(pl.col("id") == "C1/T-2")["ug_id"].to_list() == [""]  # as the record says it
