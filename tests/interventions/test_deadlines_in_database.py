"""GetDeadlineStatus computed in the database (issue 12, "Bounded reads"): at a present or
future instant the lines and the counts per level come from the stored ticket states in SQL,
with the page's limit; they must equal what the replay of the tickets' histories gives
(domain.deadlines over domain.facts), on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest

from services.interventions.domain.deadlines import deadline_report
from services.interventions.server import build
from services.interventions.service import InterventionsService
from services.interventions.store import InterventionStore
from services.runtime.db import make_engine
from services.runtime.principal import Principal, Role
from tests.conftest import bearer, running_server
from tests.interventions.portfolio_fixture import T0, event, portfolio_batches, request
from tests.interventions.test_grpc import lifecycle, send

H = timedelta(hours=1)
ADMIN = Principal(Role.ADMIN, "admin")


@pytest.fixture
def stored(database):
    """An InterventionsService on a database holding tickets in every open status and closed ones."""
    from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc

    now = datetime.now(UTC)
    with running_server(build, database) as (channel, tokens):
        stub = pb_grpc.InterventionsServiceStub(channel)
        admin = bearer(tokens.issue("admin"))
        stub.ImportPortfolio(iter(portfolio_batches()), metadata=admin)
        recent = now - 20 * H  # 20 h of a 24 h deadline: ALERT_90 is at 21.6 h, so ON_TRACK to intervene
        send(
            stub,
            admin,
            [
                *lifecycle("T-CLOSED"),
                request("C1", "T-OPEN", T0),
                request("C1", "T-RECENT", recent),
                request("C1", "T-URGENT", now - 3.8 * H, criticality="urgent"),  # 95 % of 4 h
                request("C1", "T-VISIT", T0 + H),
                event("C1", "T-VISIT", 2, "VISIT_STARTED", T0 + 2 * H, visit_number=1),
                request("C2", "T-C2", recent, ug="U3", contract="K2"),
            ],
        )
    now = datetime.now(UTC)  # after the events were recorded
    url, prefix = database
    engine = make_engine(url, prefix + "interventions")
    yield InterventionsService(InterventionStore(engine), clock=lambda: now), now
    engine.dispose()


@pytest.mark.parametrize("contractor", ["", "C1"])
@pytest.mark.parametrize("alerts_only", [False, True])
@pytest.mark.parametrize("limit", [1, 3, 100])
def test_lines_and_counts_computed_in_the_database_equal_the_replay(stored, contractor, alerts_only, limit):
    service, now = stored
    at = now
    in_database = service.deadline_status(ADMIN, at=at, contractor_id=contractor, alerts_only=alerts_only, limit=limit)
    replayed = deadline_report(service._deadline_lines(at, contractor), alerts_only=alerts_only, limit=limit)
    assert (in_database.on_track, in_database.alert_90, in_database.breached) == (
        replayed.on_track,
        replayed.alert_90,
        replayed.breached,
    )
    assert [(r["id"], r["kind"], r["level"]) for r in in_database.lines] == [
        (r["id"], r["kind"], r["level"]) for r in replayed.lines
    ]
    for got, want in zip(in_database.lines, replayed.lines, strict=True):
        assert got["used_share"] == pytest.approx(want["used_share"], rel=1e-6)
        assert got["elapsed_hours"] == pytest.approx(want["elapsed_hours"], abs=1e-3)
    assert min(in_database.breached, in_database.alert_90, in_database.on_track) >= 1  # the cases are all there
