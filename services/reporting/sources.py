"""What reporting pulls from the other services, turned into polars frames."""

from collections.abc import Iterable

import polars as pl

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.interventions.facts import FACT_COLUMNS

_TIMES = ("requested_at", "first_visit_at", "resolved_at", "closed_at")


def _time(ts) -> int | None:
    return ts.seconds * 1_000_000 + ts.nanos // 1000 if (ts.seconds or ts.nanos) else None


def facts_frame(batches: Iterable[pb.ExportBatch]) -> tuple[pl.DataFrame, str]:
    """(facts, content_sha256 from the service) from an ExportInterventions stream."""
    columns: dict[str, list] = {c: [] for c in FACT_COLUMNS}
    digest, total = "", -1
    for batch in batches:
        for f in batch.facts:
            for name in (
                "id",
                "contractor_id",
                "contract_id",
                "service_code",
                "trade",
                "criticality",
                "building_id",
                "ug_id",
                "visits",
                "first_time_fix",
                "cost_eur",
                "has_quitus",
                "recoverable_share",
            ):
                columns[name].append(getattr(f, name))
            columns["nature"].append(pb.Nature.Name(f.nature))
            columns["status"].append(pb.Status.Name(f.status).removesuffix("_STATUS"))
            columns["intervene_deadline"].append(pb.DeadlineOutcome.Name(f.intervene_deadline))
            columns["repair_deadline"].append(pb.DeadlineOutcome.Name(f.repair_deadline))
            for name in _TIMES:
                columns[name].append(_time(getattr(f, name)))
        if batch.done:
            digest, total = batch.content_sha256, batch.total
    if not digest:
        raise RuntimeError("the export stream ended without its closing message: incomplete input")
    if total != len(columns["id"]):
        raise RuntimeError(
            f"the export announced {total} interventions and sent {len(columns['id'])}: incomplete input"
        )
    frame = (
        pl.DataFrame(columns)
        .with_columns([pl.col(c).cast(pl.Datetime("us", "UTC")) for c in _TIMES])
        .select(FACT_COLUMNS)
    )
    return frame, digest
