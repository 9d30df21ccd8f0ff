"""A contractor's data quality under 95 % over the last 30 days raises one alert, from the
interventions service's GetDataQuality called by the nameko alerts subprocess: two unary calls
(the cumulative counts at the window's start and end) through eventlet.tpool, to a real
interventions gRPC server (plain grpcio, started by the test) with a service token.

C1 backfills, ten days ago, 18 valid requests and 2 on a unit that does not exist (refused): 20
received, 18 passing, 90 % < 95 %. C2 sends 1 valid request: 100 %. A second sweep raises nothing
(the episode goes on)."""

from datetime import UTC, datetime, timedelta

import pytest

from services.interventions import convert
from services.interventions.server import build
from services.runtime.principal import EMBEDDED
from services.runtime.settings import Settings
from services.runtime.tokens import token_store_for
from tests.alerts.stack import alerts_stack
from tests.interventions.portfolio_fixture import portfolio_batches, request
from tests.interventions.test_replicas import replica


@pytest.mark.timeout(120)
def test_a_contractor_under_95_percent_over_30_days_raises_one_alert(pg_url, amqp_url, schema_prefix, tmp_path):
    settings = Settings(database_url=pg_url, auth_enabled=True)
    server, port = build(settings, port=0, schema_prefix=schema_prefix)
    server.start()
    tokens = token_store_for(settings, schema_prefix)
    assert tokens is not None
    try:
        service = replica(pg_url, schema_prefix + "interventions")
        received, invalid, _ = convert.portfolio_records(portfolio_batches())
        assert invalid == [] and service.import_portfolio(received).refused == []
        sent = datetime.now(UTC) - timedelta(days=10)
        events = [request("C1", f"Q-{n}", sent) for n in range(18)]
        events += [request("C1", f"Q-BAD-{n}", sent, ug="U404") for n in range(2)]
        events.append(request("C2", "Q-C2", sent, contract="K2", ug="U3"))
        for e in events:
            e.recorded_at.CopyFrom(e.event_time)
        outcome = service.ingest_batch(convert.batch_columns(events), EMBEDDED)
        assert [f.rule for f in outcome.rejected] == ["unknown_unit", "unknown_unit"]
        service.store.engine.dispose()

        env = {
            "QUITUS_ALERTS_QUALITY_CHECK": "1",
            "QUITUS_INTERVENTIONS_ADDRESS": f"localhost:{port}",
            "QUITUS_SERVICE_TOKEN": tokens.issue("service"),
            "QUITUS_ALERTS_QUALITY_EVERY_S": "0",
        }
        with alerts_stack(amqp_url, pg_url, schema_prefix, tmp_path, **env) as stack:
            keys = stack.sweep(datetime.now(UTC).isoformat())
            assert len(keys) == 1 and keys[0].startswith("data_quality/C1/")
            (alert,) = stack.table("alerts")
            assert (alert["kind"], alert["subject"], alert["contractor_id"]) == ("data_quality", "C1", "C1")
            assert "90.0% of its 20 records" in alert["message"]
            assert stack.sweep(datetime.now(UTC).isoformat()) == []
            quality = {q["contractor_id"]: (q["received"], q["share"], q["below_since"] is not None) for q in
                       stack.table("alert_quality")}  # fmt: skip
            assert quality == {"C1": (20, 0.9, True), "C2": (1, 1.0, False)}
    finally:
        server.stop(0)
        tokens.engine.dispose()
