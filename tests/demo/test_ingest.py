"""Generated events through the real interventions server: the good ones pass every business
check, and the records the server refuses are exactly the ones the generator spoilt."""

from collections import Counter
from datetime import UTC, datetime

import grpc
import pytest

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc
from services.demo import contracts, interventions, portfolio
from services.interventions.server import build
from services.runtime.settings import Settings

START, END = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def stub(database):
    url, prefix = database
    server, port = build(Settings(database_url=url, auth_enabled=False), port=0, schema_prefix=prefix)
    server.start()
    channel = grpc.insecure_channel(f"localhost:{port}")
    yield pb_grpc.InterventionsServiceStub(channel)
    channel.close()
    server.stop(0)


def test_server_refuses_exactly_the_spoilt_records(stub):
    p = portfolio.generate_portfolio(600, 3)
    c = contracts.generate_contractors(p, 3)
    events = interventions.generate_events(p, c, 3, START, END)
    records = portfolio.records(p) + contracts.records(c)
    summary = stub.ImportPortfolio(iter([pb.ImportPortfolioRequest(records=records)])).summary
    assert not summary.rejected
    assert sum(summary.upserted.values()) == len(records)

    sent = list(interventions.batches(events, 2000))
    acks = list(stub.IngestEvents(iter(sent)))
    assert [a.batch_id for a in acks] == [b.batch_id for b in sent]
    rejected, warned, mismatched = Counter(), Counter(), []
    for batch, ack in zip(sent, acks, strict=True):
        for issue in ack.rejected:
            rejected[issue.rule] += 1
            note = batch.events.events[issue.index].note
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
