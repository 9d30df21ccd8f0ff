"""Derived facts of interventions from their event log, as known at a cut-off (pure polars).

Given the tickets (static attributes with their contractual deadlines) and their events, keep
the events recorded at or before ``as_of`` and derive per intervention: status (the same
precedence as lifecycle.status_of), visits (= trips), first visit, resolution, closure,
first-time fix, and whether each deadline was met, missed or is still pending at ``as_of``.

Exports take the same answer from the tickets' stored states where those hold at the cut-off
(facts_at): the log is replayed only for tickets with events recorded after it.
"""

from datetime import datetime

import polars as pl

FACT_COLUMNS = [
    "id",
    "contractor_id",
    "contract_id",
    "service_code",
    "trade",
    "nature",
    "criticality",
    "building_id",
    "ug_id",
    "status",
    "requested_at",
    "first_visit_at",
    "resolved_at",
    "closed_at",
    "visits",
    "first_time_fix",
    "intervene_deadline",
    "repair_deadline",
    "cost_eur",
    "has_quitus",
    "recoverable_share",
]


def _first(kind: str) -> pl.Expr:
    return pl.col("event_time").filter(pl.col("kind") == kind).min()


def _count(kind: str) -> pl.Expr:
    return (pl.col("kind") == kind).sum()


def _outcome(done_at: pl.Expr, hours: str, as_of: datetime) -> pl.Expr:
    """MET or MISSED once done. A ticket cancelled, or closed without the work done, stops the
    clock: a deadline already passed then stays MISSED, one still running is NO_DEADLINE (closing
    is not repairing). Otherwise PENDING until the deadline passes at ``as_of``."""
    allowed = pl.duration(microseconds=(pl.col(hours) * 3_600_000_000).cast(pl.Int64))
    deadline = pl.col("requested_at") + allowed
    stopped_at = pl.coalesce("cancelled_at", "closed_at")
    return (
        pl.when(pl.col(hours).is_null())
        .then(pl.lit("NO_DEADLINE"))
        .when(done_at.is_not_null() & (done_at <= deadline))
        .then(pl.lit("MET"))
        .when(done_at.is_not_null())
        .then(pl.lit("MISSED"))
        .when(stopped_at > deadline)
        .then(pl.lit("MISSED"))
        .when(stopped_at.is_not_null())
        .then(pl.lit("NO_DEADLINE"))
        .when(pl.lit(as_of) > deadline)
        .then(pl.lit("MISSED"))
        .otherwise(pl.lit("PENDING"))
    )


# Intervened: at the first visit, or at resolution for work resolved with no visit (preventive
# checks done remotely). Repaired: at resolution only.
INTERVENED_AT = pl.coalesce("first_visit_at", "resolved_at")
REPAIRED_AT = pl.col("resolved_at")


def derive_facts(tickets: pl.DataFrame, events: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """One row per intervention requested (and recorded) by ``as_of``, ordered by id."""
    known = events.filter(pl.col("recorded_at") <= as_of)
    last_hold = (
        known.filter(pl.col("kind").is_in(["SUSPENDED", "RESUMED"]))
        .sort("sequence")
        .group_by("intervention_id")
        .agg(pl.col("kind").last().alias("last_hold_kind"))
    )
    per_ticket = known.group_by("intervention_id").agg(
        _count("REQUESTED").alias("requested_n"),
        _count("VISIT_STARTED").alias("visits"),
        _first("VISIT_STARTED").alias("first_visit_at"),
        _first("RESOLVED").alias("resolved_at"),
        _first("CLOSED").alias("closed_at"),
        _first("CANCELLED").alias("cancelled_at"),
        (_count("QUITUS") > 0).alias("has_quitus"),
        (pl.col("kind").is_in(["PLANNED", "REPLANNED"]).sum() > 0).alias("planned"),
        pl.col("cost_eur").filter(pl.col("kind") == "RESOLVED").sum().alias("cost_eur"),
    )
    states = (
        tickets.join(per_ticket, left_on="id", right_on="intervention_id", how="inner")
        .filter(pl.col("requested_n") > 0)
        .join(last_hold, left_on="id", right_on="intervention_id", how="left")
        .with_columns((pl.col("last_hold_kind") == "SUSPENDED").fill_null(False).alias("on_hold"))
    )
    return _facts_of(states, as_of)


def settled_at(as_of: datetime) -> pl.Expr:
    """A stored ticket's state is the ticket as known at ``as_of``: none of its events was
    recorded after it (an unknown last_recorded_at, before revision 0011 filled it in, is not)."""
    return (pl.col("last_recorded_at") <= as_of).fill_null(False)


def facts_at(tickets: pl.DataFrame, late_events: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """derive_facts' answer from the tickets' stored states (lifecycle.TicketState: the ticket
    columns, STATE_COLUMNS and last_recorded_at) where they hold at ``as_of``: a ticket none of
    whose events was recorded after ``as_of`` was then as it is now. The others' facts are
    derived from ``late_events``, their events (those recorded by ``as_of`` suffice)."""
    settled = settled_at(as_of)
    from_states = _facts_of(tickets.filter(settled), as_of)
    late = tickets.filter(~settled)
    if late.height == 0:
        return from_states
    replayed = derive_facts(late.drop([*STATE_COLUMNS, "last_recorded_at"]), late_events, as_of)
    return pl.concat([from_states, replayed]).sort("id")


# What facts are made of beside the ticket's fixed attributes: a stored state's columns, and what
# derive_facts aggregates from the events.
STATE_COLUMNS = [
    "visits",
    "first_visit_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
    "has_quitus",
    "planned",
    "on_hold",
    "cost_eur",
]


def _facts_of(states: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """FACT_COLUMNS of tickets with their STATE_COLUMNS, ordered by id."""
    facts = states.with_columns(
        pl.col("visits").cast(pl.Int32),
        pl.when(pl.col("cancelled_at").is_not_null())
        .then(pl.lit("CANCELLED"))
        .when(pl.col("closed_at").is_not_null())
        .then(pl.lit("CLOSED"))
        .when(pl.col("resolved_at").is_not_null())
        .then(pl.lit("RESOLVED"))
        .when(pl.col("on_hold"))
        .then(pl.lit("ON_HOLD"))
        .when(pl.col("visits") > 0)
        .then(pl.lit("IN_PROGRESS"))
        .when(pl.col("planned"))
        .then(pl.lit("SCHEDULED"))
        .otherwise(pl.lit("OPEN"))
        .alias("status"),
        (pl.col("resolved_at").is_not_null() & (pl.col("visits") == 1)).alias("first_time_fix"),
    ).with_columns(
        _outcome(INTERVENED_AT, "intervene_hours", as_of).alias("intervene_deadline"),
        _outcome(REPAIRED_AT, "repair_hours", as_of).alias("repair_deadline"),
    )
    return facts.select(FACT_COLUMNS).sort("id")


def caveats(facts: pl.DataFrame) -> dict[str, int]:
    """What a report on these facts leaves out or cannot settle yet, counted (ExportCaveats):
    cancelled interventions, interventions with a deadline still PENDING (either one; counted
    once), and closures with no quitus recorded (accepted with a warning)."""
    pending = (pl.col("intervene_deadline") == "PENDING") | (pl.col("repair_deadline") == "PENDING")
    counts = facts.select(
        (pl.col("status") == "CANCELLED").sum().alias("cancelled"),
        pending.sum().alias("pending_deadlines"),
        ((pl.col("status") == "CLOSED") & ~pl.col("has_quitus")).sum().alias("closed_without_quitus"),
    )
    return {name: int(counts[name][0] or 0) for name in counts.columns}
