"""Protobuf <-> domain for the reporting service, and the scenarios' content_sha256 (the digest
rule of services/runtime/digest.py over the one ScenarioContent message)."""

from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.reporting.domain.scenarios import Scenario, ScenarioContent, TradeReference
from services.runtime.digest import records_sha256
from services.runtime.timestamps import require_period, to_period, to_timestamp


def content_in(message: pb.ScenarioContent) -> ScenarioContent:
    start, end = require_period(message.reference_period, "content.reference_period")
    return ScenarioContent(
        name=message.name,
        description=message.description,
        reference_start=start,
        reference_end=end,
        trades=tuple(TradeReference(t.trade, t.visits_per_intervention) for t in message.trades),
        road_factor=message.road_factor,
        vehicle_profile=message.vehicle_profile,
        vehicle_factor_key=message.vehicle_factor_key,
        fuel_litres_per_100km=message.fuel_litres_per_100km,
        uncertainty_pct=message.uncertainty_pct,
    )


def content_out(content: ScenarioContent) -> pb.ScenarioContent:
    return pb.ScenarioContent(
        name=content.name,
        description=content.description,
        reference_period=to_period(content.reference_start, content.reference_end),
        trades=[
            pb.TradeReference(trade=t.trade, visits_per_intervention=t.visits_per_intervention) for t in content.trades
        ],
        road_factor=content.road_factor,
        vehicle_profile=content.vehicle_profile,
        vehicle_factor_key=content.vehicle_factor_key,
        fuel_litres_per_100km=content.fuel_litres_per_100km,
        uncertainty_pct=content.uncertainty_pct,
    )


def scenario_out(scenario: Scenario) -> pb.Scenario:
    return pb.Scenario(
        content=content_out(scenario.content),
        version=scenario.version,
        declared_at=to_timestamp(scenario.declared_at),
        declared_by=scenario.declared_by,
        content_sha256=scenario.content_sha256,
    )


def content_sha256(content: ScenarioContent) -> str:
    """As the proto documents it: over the ScenarioContent message a client receives."""
    return records_sha256([content_out(content)])
