"""The consumption server with meters G1, W1 and a price on G1, once on SQLite and once on PostgreSQL."""

from datetime import UTC, datetime

import pytest

from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.consumption.server import build
from tests.conftest import bearer, running_server
from tests.consumption.scenario import meters_batch, ts


@pytest.fixture
def service(database):
    """(stub, token store, admin metadata) of a running server holding the scenario's meters."""
    with running_server(build, database) as (channel, tokens):
        stub = pb_grpc.ConsumptionStub(channel)
        admin = bearer(tokens.issue("admin"))
        summary = stub.ImportMeters(iter([meters_batch()]), metadata=admin)
        assert summary.upserted["meters"] == 2
        price = pb.Price(
            meter_ref="G1",
            valid_from=ts(datetime(2024, 1, 1, tzinfo=UTC)),
            basis="kWh PCS",
            eur_per_unit=0.10,
            fixed_eur_per_month=10.0,
            source="contract 2024",
        )
        stub.ImportPrices(iter([pb.PriceBatch(prices=[price])]), metadata=admin)
        yield stub, tokens, admin
