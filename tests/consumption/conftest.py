"""The consumption server with meters G1, W1 and a price on G1, once on SQLite and once on PostgreSQL."""

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.consumption.server import build
from tests.conftest import bearer, running_server
from tests.consumption.scenario import meters_batch, ts


class Clock:
    """The server's clock, ten minutes behind real time until a test moves it on: what the fixture and
    a test record is "minutes ago", so a settled cut-off between two sends needs no waiting."""

    def __init__(self) -> None:
        self.shift = -timedelta(minutes=10)

    def advance(self, by: timedelta) -> None:
        assert self.shift + by <= timedelta(0), "the server's clock may not run ahead of real time"
        self.shift += by

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.shift


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(database, clock):
    """(stub, token store, admin metadata) of a running server holding the scenario's meters."""
    with running_server(partial(build, clock=clock), database) as (channel, tokens):
        stub = pb_grpc.ConsumptionServiceStub(channel)
        admin = bearer(tokens.issue("admin"))
        summary = stub.ImportMeters(iter([meters_batch()]), metadata=admin).summary
        assert summary.upserted["meters"] == 2
        price = pb.Price(
            meter_ref="G1",
            valid_from=ts(datetime(2024, 1, 1, tzinfo=UTC)),
            basis="kWh PCS",
            eur_per_unit=0.10,
            fixed_eur_per_month=10.0,
            source="contract 2024",
        )
        stub.ImportPrices(iter([pb.ImportPricesRequest(prices=[price])]), metadata=admin)
        yield stub, tokens, admin
