"""Where each open intervention stands against its contractual deadlines (pure polars).

For an intervention open at ``at``: the time to intervene runs until the first visit, the time
to repair until resolution. used_share = elapsed / allowed; an alert fires at 90 % and a
breach at 100 %. Hours are calendar hours, as the demo contracts state them.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from services.interventions.domain.lifecycle import OPEN_STATUSES

ALERT_SHARE = 0.9


def deadline_lines(tickets: pl.DataFrame, facts: pl.DataFrame, at: datetime) -> pl.DataFrame:
    """One row per (open intervention, running deadline), worst first."""
    open_facts = facts.filter(pl.col("status").is_in(OPEN_STATUSES)).join(
        tickets.select("id", "intervene_hours", "repair_hours"), on="id"
    )
    elapsed_h = (pl.lit(at) - pl.col("requested_at")).dt.total_microseconds() / 3_600_000_000
    intervene = open_facts.filter(
        pl.col("first_visit_at").is_null() & pl.col("intervene_hours").is_not_null()
    ).with_columns(pl.lit("intervene").alias("kind"), pl.col("intervene_hours").alias("allowed_hours"))
    repair = open_facts.filter(pl.col("repair_hours").is_not_null()).with_columns(
        pl.lit("repair").alias("kind"), pl.col("repair_hours").alias("allowed_hours")
    )
    lines = pl.concat([intervene, repair]).with_columns(elapsed_h.alias("elapsed_hours"))
    lines = lines.with_columns((pl.col("elapsed_hours") / pl.col("allowed_hours")).alias("used_share"))
    return (
        lines.with_columns(
            pl.when(pl.col("used_share") >= 1)
            .then(pl.lit("BREACHED"))
            .when(pl.col("used_share") >= ALERT_SHARE)
            .then(pl.lit("ALERT_90"))
            .otherwise(pl.lit("ON_TRACK"))
            .alias("level")
        )
        .select(
            "id",
            "contractor_id",
            "building_id",
            "ug_id",
            "kind",
            "allowed_hours",
            "elapsed_hours",
            "used_share",
            "level",
        )
        .sort(["used_share", "id", "kind"], descending=[True, False, False])
    )


@dataclass(frozen=True, slots=True)
class DeadlineReport:
    """The lines to show (worst first) and the count of every running deadline per level,
    whatever the lines kept."""

    lines: list[dict[str, Any]]
    on_track: int
    alert_90: int
    breached: int


def deadline_report(lines: pl.DataFrame, *, alerts_only: bool, limit: int) -> DeadlineReport:
    """``lines`` (from deadline_lines) counted per level, then cut to the alerts (ALERT_90 and
    BREACHED) when ``alerts_only``, and to the first ``limit``."""
    count = {row["level"]: row["count"] for row in lines["level"].value_counts().iter_rows(named=True)}
    if alerts_only:
        lines = lines.filter(pl.col("level") != "ON_TRACK")
    return DeadlineReport(
        lines=lines.head(limit).to_dicts(),
        on_track=count.get("ON_TRACK", 0),
        alert_90=count.get("ALERT_90", 0),
        breached=count.get("BREACHED", 0),
    )
