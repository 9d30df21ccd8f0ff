"""ListPerimeters: what a monthly run reports on, read from the portfolio export as of a cut-off
(tests/reporting/stack.py, 120 dwellings: one territory, one residence of three buildings, five
contractors; the portfolio recorded from 2023-01-01)."""

from datetime import UTC, datetime, timedelta

import grpc
import pytest

from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.runtime.timestamps import to_timestamp
from tests.conftest import PG_URL
from tests.hostile.harness import field_violations
from tests.reporting.stack import postgres_prefix, report_stack


@pytest.fixture(scope="module")
def stack():
    with postgres_prefix() as prefix, report_stack((PG_URL, prefix), auth=True) as s:
        yield s


def perimeters(stack, as_of: datetime, role: str = "service") -> pb.ListPerimetersResponse:
    return stack.reporting.ListPerimeters(
        pb.ListPerimetersRequest(as_of=to_timestamp(as_of)), metadata=stack.metadata(role)
    )


def test_the_portfolio_as_of_a_month_end(stack):
    reply = perimeters(stack, datetime(2025, 10, 31, 23, tzinfo=UTC))
    portfolio = stack.portfolio
    assert [(t.id, t.name) for t in reply.territories] == [(t.id, t.name) for t in portfolio.territories]
    assert [(r.id, r.name, r.territory_id) for r in reply.residences] == sorted(
        (r.id, r.name, r.territory_id) for r in portfolio.residences
    )
    assert [c.id for c in reply.contractors] == sorted(c.id for c in stack.contracting.contractors)
    assert len(reply.contractors) == 5 and all(c.name for c in reply.contractors)
    assert reply.portfolio.source == "interventions.ExportPortfolio"
    assert reply.portfolio.records > 120 and len(reply.portfolio.content_sha256) == 64


def test_before_the_portfolio_was_recorded_there_is_nothing(stack):
    reply = perimeters(stack, datetime(2022, 12, 31, tzinfo=UTC))
    assert (list(reply.territories), list(reply.residences), list(reply.contractors)) == ([], [], [])
    assert reply.portfolio.records == 0


@pytest.mark.parametrize(
    # a cut-off still ahead is not settled whatever the window (the stack's is stack.SETTLE_S); taken
    # when the test runs, not when it is collected (minutes earlier in a whole suite)
    "ahead",
    [None, timedelta(minutes=5)],
    ids=["missing", "not settled"],
)
def test_a_cut_off_missing_or_still_open_is_refused_naming_as_of(stack, ahead):
    request = pb.ListPerimetersRequest(as_of=to_timestamp(datetime.now(UTC) + ahead) if ahead else None)
    with pytest.raises(grpc.RpcError) as refused:
        stack.reporting.ListPerimeters(request, metadata=stack.metadata("service"))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(refused.value) == ["as_of"]


def test_a_contractor_may_not_list_the_portfolio(stack):
    contractor = stack.contracting.contractors[0].id
    with pytest.raises(grpc.RpcError) as refused:
        perimeters(stack, datetime(2025, 10, 31, 23, tzinfo=UTC), role=f"contractor:{contractor}")
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
