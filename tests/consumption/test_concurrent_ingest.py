"""Two batches carrying the same reading at once, on PostgreSQL: neither sees the other's uncommitted
row when it classifies, so the second's COPY meets a unique violation. Seen before as INTERNAL
(duplicate key); the batch is now run again and the reading counted once, as a duplicate the second
time."""

import threading
import time
from datetime import UTC, datetime
from functools import partial

from sqlalchemy import create_engine, text

from services.api.quitus.consumption.v1 import consumption_pb2_grpc as pb_grpc
from services.consumption.server import build
from tests.conftest import bearer, running_server
from tests.consumption.scenario import MARCH, meters_batch, readings, send, us


def test_a_reading_committed_by_another_batch_meanwhile_is_a_duplicate_not_an_error(pg_url, schema_prefix):
    with running_server(partial(build), (pg_url, schema_prefix)) as (channel, tokens):
        stub = pb_grpc.ConsumptionServiceStub(channel)
        admin = bearer(tokens.issue("admin"))
        stub.ImportMeters(iter([meters_batch()]), metadata=admin)
        engine = create_engine(pg_url)
        schema = f"{schema_prefix}consumption"
        try:
            with engine.connect() as conn:
                meter_id = conn.execute(
                    text(f"SELECT id FROM \"{schema}\".meter_meter WHERE meter_ref = 'G1'")
                ).scalar_one()
            with engine.connect() as other:
                held = other.begin()  # another batch's transaction: its row is written, not yet committed
                other.execute(
                    text(
                        f'INSERT INTO "{schema}".meter_reading (meter_id, kind, read_at_us, value, estimated, '
                        "recorded_at_us) VALUES (:m, 'index', :t, 120.0, false, :r)"
                    ),
                    {"m": meter_id, "t": us(MARCH), "r": us(datetime.now(UTC))},
                )
                answers: list = []
                sender = threading.Thread(
                    target=lambda: answers.extend(send(stub, admin, readings([("G1", MARCH, 120.0)], "b2")))
                )
                sender.start()
                time.sleep(1.0)  # the batch classifies (sees nothing stored) and waits on the held key
                held.commit()
                sender.join(timeout=30)
            assert answers, "the batch got no answer"
            ack = answers[0]
            assert ack.accepted == 0 and ack.duplicates == 1 and not ack.rejected
            with engine.connect() as conn:
                stored = conn.execute(
                    text(f'SELECT count(*) FROM "{schema}".meter_reading WHERE meter_id = :m'), {"m": meter_id}
                ).scalar_one()
            assert stored == 1
        finally:
            engine.dispose()
