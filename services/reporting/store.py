"""The reporting service's tables: scenario versions, inserted only."""

import json
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import Engine, func, select

from services.reporting.domain.scenarios import Scenario, ScenarioContent, TradeReference
from services.reporting.models import scenarios


def _content_json(content: ScenarioContent) -> str:
    data = asdict(content)
    data["reference_start"] = content.reference_start.isoformat()
    data["reference_end"] = content.reference_end.isoformat()
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _scenario(row: dict) -> Scenario:
    data = json.loads(row["content_json"])
    content = ScenarioContent(
        **{
            **data,
            "reference_start": datetime.fromisoformat(data["reference_start"]),
            "reference_end": datetime.fromisoformat(data["reference_end"]),
            "trades": tuple(TradeReference(**t) for t in data["trades"]),
        }
    )
    return Scenario(content, row["version"], row["declared_at"], row["declared_by"], row["content_sha256"])


class ReportingStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def latest_scenario(self, name: str) -> Scenario | None:
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(scenarios).where(scenarios.c.name == name).order_by(scenarios.c.version.desc()).limit(1)
                )
                .mappings()
                .first()
            )
        return _scenario(dict(row)) if row else None

    def scenario(self, name: str, version: int) -> Scenario | None:
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(scenarios).where(scenarios.c.name == name, scenarios.c.version == version))
                .mappings()
                .first()
            )
        return _scenario(dict(row)) if row else None

    def insert_scenario(self, scenario: Scenario) -> None:
        """Fails on a (name, version) already stored: a concurrent declaration won the version."""
        with self.engine.begin() as conn:
            conn.execute(
                scenarios.insert().values(
                    name=scenario.content.name,
                    version=scenario.version,
                    content_sha256=scenario.content_sha256,
                    content_json=_content_json(scenario.content),
                    declared_at=scenario.declared_at,
                    declared_by=scenario.declared_by,
                )
            )

    def scenarios(self, name: str, after_id: int, limit: int) -> list[tuple[int, Scenario]]:
        """(id, scenario) newest first, ids below ``after_id`` (0: from the newest)."""
        query = select(scenarios).order_by(scenarios.c.id.desc()).limit(limit)
        if name:
            query = query.where(scenarios.c.name == name)
        if after_id:
            query = query.where(scenarios.c.id < after_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [(row["id"], _scenario(dict(row))) for row in rows]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(scenarios)).scalar_one())
