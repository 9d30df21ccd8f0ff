"""The reporting service's tables: scenario versions and report runs, inserted only."""

import json
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from services.reporting.domain.runs import Run, manifest_from_json, manifest_to_json, request_from_json
from services.reporting.domain.scenarios import Scenario, ScenarioContent, TradeReference
from services.reporting.models import runs, scenarios


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

    # ------------------------------------------------------------------ runs

    def run(self, run_id: str, *, with_files: bool = True) -> Run | None:
        columns = [*runs.c] if with_files else _WITHOUT_FILES
        with self.engine.connect() as conn:
            row = conn.execute(select(*columns, _PDF_SIZE).where(runs.c.id == run_id)).mappings().first()
        return _run(dict(row)) if row else None

    def insert_run(self, run: Run) -> bool:
        """True when stored; False when a run with this id was already there (the same request,
        generated concurrently: content-addressed, so the stored one is as good)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    runs.insert().values(
                        id=run.id,
                        kind=run.request.kind,
                        request_json=run.request.canonical_json(),
                        manifest_json=manifest_to_json(run.manifest),
                        figures_csv=run.figures_csv,
                        pdf=run.pdf,
                        pdf_sha256=run.pdf_sha256,
                        pages=run.pages,
                        pack=run.pack,
                        pack_sha256=run.pack_sha256,
                        generated_at=run.generated_at,
                        generated_by=run.generated_by,
                    )
                )
        except IntegrityError:
            if self.run(run.id, with_files=False) is None:
                raise
            return False
        return True

    def runs(self, kind: str, after_seq: int, limit: int) -> list[tuple[int, Run]]:
        """(seq, run without its files) newest first, seq below ``after_seq`` (0: from the newest)."""
        query = select(*_WITHOUT_FILES, _PDF_SIZE).order_by(runs.c.seq.desc()).limit(limit)
        if kind:
            query = query.where(runs.c.kind == kind)
        if after_seq:
            query = query.where(runs.c.seq < after_seq)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [(row["seq"], _run(dict(row))) for row in rows]


_WITHOUT_FILES = [c for c in runs.c if c.name not in ("pdf", "pack")]
_PDF_SIZE = func.length(runs.c.pdf).label("pdf_size")


def _run(row: dict) -> Run:
    return Run(
        id=row["id"],
        request=request_from_json(row["request_json"]),
        manifest=manifest_from_json(row["manifest_json"]),
        figures_csv=row["figures_csv"],
        pdf=bytes(row.get("pdf") or b""),
        pdf_sha256=row["pdf_sha256"],
        pdf_size=row["pdf_size"],
        pages=row["pages"],
        pack=bytes(row.get("pack") or b""),
        pack_sha256=row["pack_sha256"],
        generated_at=row["generated_at"],
        generated_by=row["generated_by"],
    )
