"""The four services on one database, loaded with a small demo portfolio (three years of
interventions and daily readings, the shipped factor sets, a reference scenario), reporting
pulling from the others over gRPC with its own service token: what the report tests run against."""

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

import grpc
from pydantic import SecretStr
from sqlalchemy import create_engine, text

from services.api.quitus.interventions.v1 import interventions_pb2 as ipb
from services.api.quitus.interventions.v1 import interventions_pb2_grpc as ipb_grpc
from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.api.quitus.reporting.v1 import reporting_pb2_grpc as pb_grpc
from services.consumption import server as consumption_server
from services.demo import contracts as demo_contracts
from services.demo import interventions as demo_interventions
from services.demo import portfolio as demo_portfolio
from services.demo.consumption import load_consumption_demo
from services.factors import cli as factors_cli
from services.factors import server as factors_server
from services.interventions import server as interventions_server
from services.reporting import server as reporting_server
from services.runtime.settings import Settings
from services.runtime.timestamps import to_period
from services.runtime.tokens import token_store_for
from tests.conftest import PG_URL, _need, bearer

FIRST_YEAR, LAST_YEAR = 2023, 2025
# How old a cut-off must be on the stack (the cutoff_settle_s setting): the tests are the only writers
# and wait for each batch, so a short window keeps the rule without a minute's wait per module.
SETTLE_S = 2.0
SCENARIO = "reference_2023"


@dataclass
class Stack:
    channels: dict[str, grpc.Channel]
    reporting: pb_grpc.ReportingServiceStub
    interventions: ipb_grpc.InterventionsServiceStub
    admin: tuple
    token: object  # issue(role) -> metadata, or None with authentication off
    servers: dict
    portfolio: demo_portfolio.Portfolio
    contracting: demo_contracts.Contracting
    settings: Settings
    prefix: str

    def restart(self, name: str) -> None:
        """Start a stopped data service again on its port (the channels reconnect)."""
        build = {"interventions": interventions_server, "consumption": consumption_server, "factors": factors_server}
        _, port = self.servers[name]
        server, _ = build[name].build(self.settings, port=port, schema_prefix=self.prefix)
        server.start()
        self.servers[name] = (server, port)
        time.sleep(3)  # the reporting server's channel retries after its reconnect back-off (1 s, then longer)

    def metadata(self, role: str) -> tuple:
        return bearer(self.token(role)) if self.token else ()


def scenario_content() -> pb.ScenarioContent:
    """The first year as the reference; visits per intervention declared per trade (the demo's
    trades); DESNZ's average diesel van per km."""
    return pb.ScenarioContent(
        name=SCENARIO,
        description="2023, before the preventive plan",
        reference_period=to_period(datetime(2023, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)),
        trades=[
            pb.TradeReference(trade=t, visits_per_intervention=v)
            for t, v in (("multiservice", 1.6), ("heating", 1.8), ("lift", 1.5), ("plumbing", 1.7))
        ],
        road_factor=1.3,
        vehicle_profile="diesel_van",
        vehicle_factor_key="uk_desnz2025.van_diesel.avg.vkm",
        uncertainty_pct=20.0,
    )


@contextmanager
def report_stack(
    database: tuple[str, str], *, auth: bool = True, dwellings: int = 120, seed: int = 7
) -> Iterator[Stack]:
    url, prefix = database
    settings = Settings(database_url=url, auth_enabled=auth, cutoff_settle_s=SETTLE_S)
    tokens = token_store_for(settings, prefix)
    issue = (lambda role: tokens.issue(role)) if tokens else None
    admin = bearer(issue("admin")) if issue else ()
    servers = {
        "interventions": interventions_server.build(settings, port=0, schema_prefix=prefix),
        "consumption": consumption_server.build(settings, port=0, schema_prefix=prefix),
        "factors": factors_server.build(settings, port=0, schema_prefix=prefix),
    }
    for server, _ in servers.values():
        server.start()
    ports = {name: port for name, (_, port) in servers.items()}
    reporting_settings = settings.model_copy(
        update={
            "interventions_address": f"localhost:{ports['interventions']}",
            "consumption_address": f"localhost:{ports['consumption']}",
            "factors_address": f"localhost:{ports['factors']}",
            "service_token": SecretStr(issue("service") if issue else ""),
        }
    )
    servers["reporting"] = reporting_server.build(reporting_settings, port=0, schema_prefix=prefix)
    servers["reporting"][0].start()
    channels = {name: grpc.insecure_channel(f"localhost:{port}") for name, (_, port) in servers.items()}
    try:
        portfolio, contracting = _load(channels, admin, dwellings, seed)
        reporting = pb_grpc.ReportingServiceStub(channels["reporting"])
        reporting.DeclareScenario(pb.DeclareScenarioRequest(content=scenario_content()), metadata=admin)
        yield Stack(
            channels,
            reporting,
            ipb_grpc.InterventionsServiceStub(channels["interventions"]),
            admin,
            issue,
            servers,
            portfolio,
            contracting,
            settings,
            prefix,
        )
    finally:
        for channel in channels.values():
            channel.close()
        for server, _ in servers.values():
            server.stop(0)
        if tokens is not None:
            tokens.engine.dispose()


def _load(channels: dict, admin: tuple, dwellings: int, seed: int):
    factors_cli.publish_directory(channels["factors"], metadata=admin)
    portfolio = demo_portfolio.generate_portfolio(dwellings, seed)
    contracting = demo_contracts.generate_contractors(portfolio, seed)
    stub = ipb_grpc.InterventionsServiceStub(channels["interventions"])
    records = demo_portfolio.records(portfolio) + demo_contracts.records(contracting)
    known_from = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    stub.ImportPortfolio(iter(demo_portfolio.import_requests(records, recorded_at=known_from)), metadata=admin)
    events = demo_interventions.generate_events(
        portfolio, contracting, seed, known_from, datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
    )
    batches = (
        ipb.IngestEventsRequest(batch_id=str(n), events=ipb.EventList(events=events[i : i + 5000]))
        for n, i in enumerate(range(0, len(events), 5000))
    )
    for _ in stub.IngestEvents(batches, metadata=admin):
        pass
    first = date(FIRST_YEAR, 1, 1)
    days = (date(LAST_YEAR + 1, 1, 1) - first).days + 1
    load_consumption_demo(
        channels["consumption"], portfolio.buildings, portfolio.units, seed=seed, first=first, days=days, metadata=admin
    )
    return portfolio, contracting


def csr_request(period: tuple[datetime, datetime], as_of: datetime, **fields) -> pb.GenerateReportRequest:
    defaults = {"factor_set": "ademe_base_carbone@23.6", "vehicle_factor_set": "uk_desnz_2025@1", "scenario": SCENARIO}
    return pb.GenerateReportRequest(
        kind=pb.REPORT_KIND_DECARBONISATION, period=to_period(*period), as_of=as_of, **(defaults | fields)
    )


@contextmanager
def postgres_prefix() -> Iterator[str]:
    """A schema prefix of its own on the test PostgreSQL for a module's stack; its schemas are
    dropped afterwards."""
    _need(PG_URL, 5432, "PostgreSQL")
    prefix = f"t{uuid.uuid4().hex[:10]}_"
    try:
        yield prefix
    finally:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            for schema in conn.execute(
                text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"), {"p": prefix + "%"}
            ).scalars():
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
