"""Generated events through the real interventions server: the good ones pass every business
check, the records the server refuses are exactly the ones the generator spoilt, and three years
loaded as a backfill are known as of the instants the generator recorded them at."""

from collections import Counter
from datetime import UTC, datetime

import grpc
import pytest

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.demo import contracts, interventions, portfolio
from services.interventions.server import build
from services.runtime.settings import Settings
from services.runtime.timestamps import to_period, to_timestamp

START, END = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
BATCH = 2000


@pytest.fixture
def stub(database):
    url, prefix = database
    server, port = build(Settings(database_url=url, auth_enabled=False), port=0, schema_prefix=prefix)
    server.start()
    channel = grpc.insecure_channel(f"localhost:{port}")
    yield pb_grpc.InterventionsServiceStub(channel)
    channel.close()
    server.stop(0)


@pytest.mark.parametrize("form", ["messages", "arrow"])
def test_server_refuses_exactly_the_spoilt_records(stub, form):
    p = portfolio.generate_portfolio(600, 3)
    c = contracts.generate_contractors(p, 3)
    events = interventions.generate_events(p, c, 3, START, END)
    records = portfolio.records(p) + contracts.records(c)
    summary = stub.ImportPortfolio(iter([pb.ImportPortfolioRequest(records=records)])).summary
    assert not summary.rejected
    assert sum(summary.upserted.values()) == len(records)

    sent = list(interventions.batches(events, BATCH) if form == "messages" else events.arrow_batches(BATCH))
    acks = list(stub.IngestEvents(iter(sent)))
    assert [a.batch_id for a in acks] == [b.batch_id for b in sent]
    notes = [e.note for e in events]
    rejected, warned, mismatched = Counter(), Counter(), []
    for n, ack in enumerate(acks):
        assert not ack.more_rejected and not ack.more_warnings
        for issue in ack.rejected:
            rejected[issue.rule] += 1
            note = notes[n * BATCH + issue.index]
            if note != interventions.BAD_NOTE + issue.rule:
                mismatched.append((issue.record_key, issue.rule, issue.reason, note))
        for issue in ack.warnings:
            warned[issue.rule] += 1
    injected, warnings, duplicates = interventions.expected_issues(events)

    assert not mismatched, mismatched[:5]
    assert 0 < sum(injected.values())
    assert 0.5 * sum(injected.values()) <= sum(rejected.values()) <= 1.5 * sum(injected.values())
    assert rejected == injected
    assert warned["closed_without_quitus"] > 0 and warned == warnings
    assert duplicates > 0 and sum(a.duplicates for a in acks) == duplicates
    assert sum(a.accepted for a in acks) == len(events) - sum(injected.values()) - duplicates


def test_a_backfill_of_three_years_is_known_as_of_its_recorded_instants(stub):
    """2023-2025 sent as the demo sends them: the portfolio recorded at 1 January 2023, each event
    at the recorded_at the generator set (within a day of its happening, in its year). As of 15
    January 2026 the export of 2023-2025 holds the interventions of all three years; as of 15
    January 2025, only those requested by the cut-off: every one of 2023 and 2024 (the same ids),
    a fortnight of 2025, some still open then and closed later. Data quality as of 15 January
    2025 counts exactly the records the generator dated by then: the good ones accepted, the
    spoilt ones rejected, whatever the day they reached the server."""
    first = datetime(2023, 1, 1, tzinfo=UTC)
    p = portfolio.generate_portfolio(300, 4)
    c = contracts.generate_contractors(p, 4)
    events = interventions.generate_events(p, c, 4, first, END)
    records = portfolio.records(p) + contracts.records(c)
    stub.ImportPortfolio(iter(portfolio.import_requests(records, recorded_at=first)))
    assert sum(a.received for a in stub.IngestEvents(events.arrow_batches(20_000))) == len(events)

    def export(as_of: datetime) -> dict[str, tuple[datetime, int]]:
        request = pb.ExportInterventionsRequest(as_of=to_timestamp(as_of), requested=to_period(first, END))
        facts = [f for batch in stub.ExportInterventions(request) for f in batch.facts]
        return {f.id: (f.requested_at.ToDatetime(UTC), f.status) for f in facts}

    cut_off = datetime(2025, 1, 15, tzinfo=UTC)
    later, then = export(datetime(2026, 1, 15, tzinfo=UTC)), export(cut_off)
    assert {at.year for at, _ in later.values()} == {2023, 2024, 2025}
    assert max(at for at, _ in then.values()) <= cut_off
    assert set(then) == {i for i, (at, _) in later.items() if at <= cut_off}
    assert {i for i, (at, _) in then.items() if at.year < 2025} == {i for i, (at, _) in later.items() if at.year < 2025}
    assert any(then[i][1] != later[i][1] for i in then)

    good, bad, seen = 0, 0, set()
    for e in events:
        key = (e.contractor_id, e.external_ref, e.sequence)
        if e.recorded_at.ToDatetime(UTC) <= cut_off and key not in seen:
            seen.add(key)
            bad += e.note.startswith(interventions.BAD_NOTE)
            good += not e.note.startswith(interventions.BAD_NOTE)
    quality = stub.GetDataQuality(pb.GetDataQualityRequest(as_of=to_timestamp(cut_off))).contractors
    assert 0 < bad < good
    assert (sum(q.accepted for q in quality), sum(q.rejected for q in quality)) == (good, bad)
