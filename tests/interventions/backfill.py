"""A service over events backfilled through a real server, each with the instant it was recorded:
the fixture of the tests that look at the interventions as known at past instants."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from services.interventions.server import build
from services.interventions.service import InterventionsService
from services.interventions.store import InterventionStore
from services.runtime.db import make_engine
from tests.conftest import bearer, running_server
from tests.interventions.portfolio_fixture import portfolio_batches, ts
from tests.interventions.test_grpc import send


def recorded(e, at: datetime):
    """The event ``e`` as a backfill recorded at ``at``."""
    e.recorded_at.CopyFrom(ts(at))
    return e


@contextmanager
def backfilled(database, *batches) -> Iterator[tuple[InterventionsService, list]]:
    """(a service on the schema, the ingest acks) once the fixture portfolio is imported and
    ``batches`` are sent as admin, one IngestEvents stream, a batch each."""
    from services.api.quitus.interventions.v1 import interventions_pb2_grpc as pb_grpc

    with running_server(build, database) as (channel, tokens):
        stub = pb_grpc.InterventionsServiceStub(channel)
        admin = bearer(tokens.issue("admin"))
        stub.ImportPortfolio(iter(portfolio_batches()), metadata=admin)
        acks = send(stub, admin, *batches)
    now = datetime.now(UTC)
    url, prefix = database
    engine = make_engine(url, prefix + "interventions")
    try:
        yield InterventionsService(InterventionStore(engine), clock=lambda: now), acks
    finally:
        engine.dispose()
