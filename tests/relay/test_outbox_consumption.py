"""The consumption service announces readings accepted (one event per meter and ingest batch, never
one per reading) and anomalies found (once each), written in the transaction of what they announce.

Meters G1 (gas, heating, building B1) and W1 (cold water, building B1) of
tests/consumption/scenario.py, through a real gRPC channel.
"""

import json
import re
from datetime import date, timedelta
from functools import partial

import pytest
from sqlalchemy import select

from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.consumption import models as m
from services.consumption.server import build
from services.runtime.db import make_engine
from tests.conftest import bearer, running_server
from tests.consumption.conftest import Clock
from tests.consumption.scenario import meters_batch, paris_midnight, readings, send
from tests.consumption.test_anomalies_grpc import detect, index_rows

MIDNIGHT_1_MARCH = paris_midnight(2024, 3, 1)  # 2024-02-29 23:00 UTC
DAY = timedelta(days=1)
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@pytest.fixture
def consumption(database):
    """(stub, admin metadata, outbox reader) of a running consumption server holding G1 and W1."""
    url, prefix = database
    with running_server(partial(build, clock=Clock()), database) as (channel, tokens):
        stub = pb_grpc.ConsumptionServiceStub(channel)
        admin = bearer(tokens.issue("admin"))
        stub.ImportMeters(iter([meters_batch()]), metadata=admin)
        engine = make_engine(url, prefix + "consumption")

        def outbox() -> list[dict]:
            with engine.connect() as conn:
                return [dict(r) for r in conn.execute(select(m.outbox).order_by(m.outbox.c.id)).mappings()]

        yield stub, admin, outbox
        engine.dispose()


def test_readings_are_announced_once_per_meter_and_batch(consumption):
    """Batch b1: G1 at 1, 2 and 3 March, W1 at 1 and 2 March, and a reading of meter X9 (unknown:
    refused). Two events, G1's then W1's (meter_ref order): 3 readings from 1 to 3 March and 2
    from 1 to 2 March, none estimated; occurred_at is each one's last reading. The same batch sent
    again (b1-again) stores nothing: no event. Batch b2: G1 at 3 March again (a duplicate) and 4
    March (new): one event, for G1's one new reading."""
    stub, admin, outbox = consumption
    first = [
        ("G1", MIDNIGHT_1_MARCH, 100.0),
        ("G1", MIDNIGHT_1_MARCH + DAY, 110.0),
        ("G1", MIDNIGHT_1_MARCH + 2 * DAY, 120.0),
        ("W1", MIDNIGHT_1_MARCH, 10.0),
        ("W1", MIDNIGHT_1_MARCH + DAY, 10.5),
        ("X9", MIDNIGHT_1_MARCH, 1.0),
    ]
    (ack,) = send(stub, admin, readings(first, "b1"))
    assert (ack.accepted, len(ack.rejected)) == (5, 1)
    g1, w1 = outbox()
    assert (g1["routing_key"], g1["occurred_at"]) == ("consumption.readings_accepted", MIDNIGHT_1_MARCH + 2 * DAY)
    assert (w1["routing_key"], w1["occurred_at"]) == ("consumption.readings_accepted", MIDNIGHT_1_MARCH + DAY)
    batch_key = g1["message_id"].split("/")[2]
    assert (g1["message_id"], w1["message_id"]) == (
        f"consumption/readings/{batch_key}/G1",
        f"consumption/readings/{batch_key}/W1",
    )
    g1_payload, w1_payload = json.loads(g1["payload_json"]), json.loads(w1["payload_json"])
    assert ISO.match(g1_payload.pop("recorded_at")) and ISO.match(w1_payload.pop("recorded_at"))
    common = {"batch_id": "b1", "building_id": "B1", "unit_id": None}
    assert g1_payload == {
        **common,
        "meter_ref": "G1",
        "carrier": "natural_gas",
        "usage": "heating",
        "readings": 3,
        "estimated": 0,
        "first_read_at": "2024-02-29T23:00:00.000000Z",
        "last_read_at": "2024-03-02T23:00:00.000000Z",
    }
    assert w1_payload == {
        **common,
        "meter_ref": "W1",
        "carrier": "cold_water",
        "usage": "water",
        "readings": 2,
        "estimated": 0,
        "first_read_at": "2024-02-29T23:00:00.000000Z",
        "last_read_at": "2024-03-01T23:00:00.000000Z",
    }

    (again,) = send(stub, admin, readings(first, "b1-again"))
    assert (again.accepted, again.duplicates) == (0, 5)
    assert len(outbox()) == 2

    resent_and_new = [("G1", MIDNIGHT_1_MARCH + 2 * DAY, 120.0), ("G1", MIDNIGHT_1_MARCH + 3 * DAY, 131.0)]
    (ack,) = send(stub, admin, readings(resent_and_new, "b2"))
    assert (ack.accepted, ack.duplicates) == (1, 1)
    *_, latest = outbox()
    assert latest["message_id"].startswith("consumption/readings/") and latest["message_id"].endswith("/G1")
    assert latest["message_id"].split("/")[2] != batch_key
    payload = json.loads(latest["payload_json"])
    assert (payload["batch_id"], payload["readings"]) == ("b2", 1)
    assert payload["first_read_at"] == payload["last_read_at"] == "2024-03-03T23:00:00.000000Z"


def test_an_anomaly_is_announced_when_found_and_not_when_found_again(consumption):
    """G1 in January 2024: 10 m3 a day for 20 days, frozen for 14 days, then 150 in one day, then
    10 a day (tests/consumption/test_anomalies_grpc.py): one stuck register 21 January -
    5 February (Paris midnights: 20 January 23:00 UTC - 4 February 23:00 UTC), expected and
    observed 150. Detecting over the same days again finds it again and announces nothing."""
    stub, admin, outbox = consumption
    first, end = date(2024, 1, 1), date(2024, 2, 10)
    send(stub, admin, readings(index_rows(first, [10.0] * 20 + [0.0] * 14 + [150.0] + [10.0] * 5)))
    assert detect(stub, admin, first, end) == {"stuck_register": 1}
    announced = [r for r in outbox() if r["routing_key"].startswith("consumption.anomaly_found")]
    assert [(r["message_id"], r["routing_key"], r["occurred_at"]) for r in announced] == [
        (
            "consumption/anomaly/G1/stuck_register/2024-01-20T23:00:00.000000Z",
            "consumption.anomaly_found.stuck_register",
            paris_midnight(2024, 1, 21),
        )
    ]
    payload = json.loads(announced[0]["payload_json"])
    assert ISO.match(payload.pop("detected_at"))
    detail = payload.pop("detail")
    assert detail
    assert payload == {
        "meter_ref": "G1",
        "building_id": "B1",
        "unit_id": None,
        "carrier": "natural_gas",
        "usage": "heating",
        "kind": "stuck_register",
        "window_start": "2024-01-20T23:00:00.000000Z",
        "window_end": "2024-02-04T23:00:00.000000Z",
        "expected": pytest.approx(150.0),
        "observed": pytest.approx(150.0),
    }
    assert detect(stub, admin, first, end) == {"stuck_register": 1}
    assert len([r for r in outbox() if r["routing_key"].startswith("consumption.anomaly_found")]) == 1


def test_a_batch_refused_whole_announces_nothing(consumption):
    """A batch whose columns differ in length cannot be read: refused whole, no event."""
    stub, admin, outbox = consumption
    bad = readings([("G1", MIDNIGHT_1_MARCH, 100.0), ("G1", MIDNIGHT_1_MARCH + DAY, 110.0)], "short")
    del bad.value[-1]
    (ack,) = send(stub, admin, bad)
    assert (ack.refused_field, ack.accepted) == ("value", 0)
    assert outbox() == []
