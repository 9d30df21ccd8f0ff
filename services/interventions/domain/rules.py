"""Business checks on incoming events. Each check is a named rule; a record that breaks a
rejecting rule is refused with the rule, the field and a reason naming the record, and the
rest of its batch goes on. ``closed_without_quitus`` only warns.

Two passes over a batch (a polars frame, see events.py):
1. the checks that need no ticket state (fields, references, perimeter, clocks) as polars
   expressions over the whole batch, joined to the portfolio index; the first rule broken,
   in the order of RECORD_CHECKS, is the one reported;
2. the ticket life cycle (requested before anything else, visits that start before they end,
   nothing after closure...) as one loop over the surviving events, in batch order, against
   the stored state of each ticket.
Pure code: the caller supplies the index, the stored states, the fingerprints of stored
events that may be re-sent, and the clock.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import polars as pl

from services.interventions.domain.events import KINDS
from services.interventions.domain.instants import to_us
from services.interventions.domain.lifecycle import TicketState
from services.interventions.domain.portfolio import IndexFrames, PortfolioIndex
from services.runtime.principal import Principal, Role

# Clocks of contractors' systems drift; an event this far ahead of ours is still accepted.
FUTURE_TOLERANCE = timedelta(minutes=5)

RULES = {
    "missing_field": "a required field is empty",
    "unknown_kind": "the event kind is not one of the known kinds",
    "foreign_contractor": "a contractor wrote another contractor's tickets",
    "unknown_contractor": "the contractor is not in the portfolio",
    "event_in_future": "the event happened after the time it was received",
    "recorded_before_event": "the event was recorded before it happened",
    "invalid_value": "a numeric field is out of range",
    "conflicting_resend": "a record with the same key and different content is already stored",
    "unknown_contract": "the contract is not known",
    "contract_of_other_contractor": "the contract belongs to another contractor",
    "contract_not_in_force": "the intervention was requested outside the contract's dates",
    "unknown_service_code": "the service code is not in the contract",
    "unknown_criticality": "the contract sets no deadline for this criticality",
    "unknown_unit": "the UG id is not in the portfolio",
    "unknown_building": "the building is not in the portfolio",
    "unknown_equipment": "the equipment is not in the portfolio",
    "unit_building_mismatch": "the unit or equipment is not in the building given",
    "contract_not_covering_building": "the building is outside the contract's perimeter",
    "contract_not_covering_trade": "the service code's trade is not in the contract",
    "already_requested": "the intervention was already requested",
    "unknown_intervention": "the event refers to an intervention never requested",
    "event_before_request": "the event happened before the intervention was requested",
    "event_after_closure": "the intervention is already closed or cancelled",
    "visit_already_open": "a visit starts while the previous one has not ended",
    "visit_end_without_start": "a visit ends that never started",
    "visit_end_before_start": "a visit ends before it starts",
    "already_resolved": "the intervention is already resolved",
    "curative_resolved_without_visit": "a curative intervention is resolved with no visit",
    "closed_without_quitus": "(warning) the intervention is closed with no quitus recorded",
}


@dataclass(frozen=True, slots=True)
class Finding:
    index: int
    rule: str
    field: str
    reason: str
    record_key: str


@dataclass(slots=True)
class BatchOutcome:
    accepted: pl.DataFrame  # the batch's accepted rows, with recorded_us and warnings
    rejected: list[Finding]
    rejected_rows: pl.DataFrame  # the rejected records as sent (for the rejection log)
    warnings: list[Finding]
    duplicates: int
    touched: dict[str, TicketState] = field(default_factory=dict)  # states to write back
    created: frozenset[str] = frozenset()  # tickets this batch requested


def reaches_settled_past(accepted: pl.DataFrame, now: datetime, settle: timedelta) -> bool:
    """Whether a batch's accepted events include one recorded at or before ``now - settle``: a
    backfill into what a settled cut-off already covers (live events are recorded now). Only
    such a batch changes the event log as known at a settled cut-off."""
    if accepted.is_empty():
        return False
    return int(accepted["recorded"].min()) <= to_us(now - settle)  # type: ignore[arg-type]


def _text(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.String).fill_null("")


def _record_checks(principal: Principal, now_us: int) -> list[tuple[pl.Expr, str, str, pl.Expr]]:
    """(broken-when, rule, field, reason) in the order they are tried."""
    c, key = pl.col, pl.col("record_key")
    req = c("kind") == "REQUESTED"
    tolerance = int(FUTURE_TOLERANCE / timedelta(microseconds=1))
    foreign = (c("contractor_id") != principal.contractor_id) if principal.role is Role.CONTRACTOR else pl.lit(False)
    building_given = c("building_id") != ""
    equipment_home = pl.when(building_given).then(c("building_id")).otherwise(c("unit_building"))
    return [
        (c("contractor_id") == "", "missing_field", "contractor_id", pl.format("{}: contractor_id is required", key)),
        (c("external_ref") == "", "missing_field", "external_ref", pl.format("{}: external_ref is required", key)),
        (c("sequence") <= 0, "missing_field", "sequence", pl.format("{}: sequence must be 1 or more", key)),
        (c("kind") == "", "missing_field", "kind", pl.format("{}: kind is required", key)),
        (~c("kind").is_in(KINDS), "unknown_kind", "kind", pl.format("{}: unknown kind {}", key, "kind")),
        (c("event_us").is_null(), "missing_field", "event_time", pl.format("{}: event_time is required", key)),
        (
            foreign,
            "foreign_contractor",
            "contractor_id",
            pl.format("{}: {} may not write tickets of {}", key, pl.lit(str(principal)), "contractor_id"),
        ),
        (
            c("contractor_known").is_null(),
            "unknown_contractor",
            "contractor_id",
            pl.format("{}: contractor {} is not in the portfolio", key, "contractor_id"),
        ),
        (
            c("recorded") > now_us + tolerance,
            "event_in_future",
            "recorded_at",
            pl.format("{}: recorded_at is in the future", key),
        ),
        (
            c("event_us") > now_us + tolerance,
            "event_in_future",
            "event_time",
            pl.format("{}: event_time is after its reception", key),
        ),
        (
            c("event_us") > c("recorded") + tolerance,
            "recorded_before_event",
            "recorded_at",
            pl.format("{}: recorded before it happened", key),
        ),
        (
            c("cost_eur").is_nan() | (c("cost_eur") < 0),
            "invalid_value",
            "cost_eur",
            pl.format("{}: cost_eur must be a number >= 0", key),
        ),
        (
            c("stored_fingerprint").is_not_null(),
            "conflicting_resend",
            "sequence",
            pl.format("{}: this sequence is already stored with different content", key),
        ),
        (req & (c("contract_id") == ""), "missing_field", "contract_id", pl.format("{}: contract_id is required", key)),
        (
            req & (c("service_code") == ""),
            "missing_field",
            "service_code",
            pl.format("{}: service_code is required", key),
        ),
        (req & (c("criticality") == ""), "missing_field", "criticality", pl.format("{}: criticality is required", key)),
        (
            req & (c("ug_id") == "") & ~building_given & (c("equipment_id") == ""),
            "missing_field",
            "ug_id",
            pl.format("{}: one of ug_id, building_id or equipment_id is required", key),
        ),
        (
            req & c("contract_contractor").is_null(),
            "unknown_contract",
            "contract_id",
            pl.format("{}: contract {} is not known", key, "contract_id"),
        ),
        (
            req & (c("contract_contractor") != c("contractor_id")),
            "contract_of_other_contractor",
            "contract_id",
            pl.format("{}: contract {} belongs to {}", key, "contract_id", "contract_contractor"),
        ),
        (
            req & ((c("event_us") < c("starts_us")) | (c("event_us") >= c("ends_us"))),
            "contract_not_in_force",
            "event_time",
            pl.format("{}: requested outside the dates of contract {}", key, "contract_id"),
        ),
        (
            req & c("trade").is_null(),
            "unknown_service_code",
            "service_code",
            pl.format("{}: service code {} is not in contract {}", key, "service_code", "contract_id"),
        ),
        (
            req & c("has_deadline").is_null(),
            "unknown_criticality",
            "criticality",
            pl.format(
                "{}: contract {} sets no deadline for {} at criticality {}",
                key,
                "contract_id",
                "service_code",
                "criticality",
            ),
        ),
        (
            req & (c("ug_id") != "") & c("unit_building").is_null(),
            "unknown_unit",
            "ug_id",
            pl.format("{}: UG {} is not in the portfolio", key, "ug_id"),
        ),
        (
            req & building_given & c("building_known").is_null(),
            "unknown_building",
            "building_id",
            pl.format("{}: building {} is not in the portfolio", key, "building_id"),
        ),
        (
            req & building_given & (c("unit_building") != c("building_id")),
            "unit_building_mismatch",
            "building_id",
            pl.format("{}: UG {} is in building {}, not {}", key, "ug_id", "unit_building", "building_id"),
        ),
        (
            req & (c("equipment_id") != "") & c("equipment_building").is_null(),
            "unknown_equipment",
            "equipment_id",
            pl.format("{}: equipment {} is not in the portfolio", key, "equipment_id"),
        ),
        (
            req & (c("equipment_id") != "") & (c("equipment_building") != equipment_home),
            "unit_building_mismatch",
            "equipment_id",
            pl.format(
                "{}: equipment {} is in building {}, not {}", key, "equipment_id", "equipment_building", equipment_home
            ),
        ),
        (
            req & c("covered").is_null(),
            "contract_not_covering_building",
            "building_id",
            pl.format("{}: building {} is outside the perimeter of contract {}", key, "building", "contract_id"),
        ),
        (
            req & ~c("code_in_trades"),
            "contract_not_covering_trade",
            "service_code",
            pl.format("{}: trade {} of {} is not in contract {}", key, "trade", "service_code", "contract_id"),
        ),
        (
            c("kind").is_in(["VISIT_STARTED", "VISIT_ENDED"]) & (c("visit_number") <= 0),
            "missing_field",
            "visit_number",
            pl.format("{}: visit_number must be 1 or more", key),
        ),
        (
            (c("kind") == "QUITUS") & (c("quitus_document") == ""),
            "missing_field",
            "quitus_document",
            pl.format("{}: quitus_document is required", key),
        ),
    ]


def _with_references(
    batch: pl.DataFrame,
    index: PortfolioIndex,
    frames: IndexFrames,
    stored: dict[tuple[str, int], str],
    principal: Principal,
    now_us: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the batch joined to the index with its first broken rule, the reasons of the rows that broke one).

    Contracts and service codes (a few hundred rows) are joined; units, buildings, equipment and
    perimeters (growing with the portfolio) are looked up in the index's dicts, which costs a
    batch nothing like a hash join against a hundred thousand units."""
    stored_frame = pl.DataFrame(
        [(i, s, fp) for (i, s), fp in stored.items()],
        orient="row",
        schema={"intervention_id": pl.String, "sequence": pl.Int64, "stored_fp": pl.String},
    )
    backfill = principal.role in (Role.ADMIN, Role.SERVICE)
    recorded = pl.coalesce(pl.col("recorded_us"), pl.lit(now_us)) if backfill else pl.lit(now_us)
    # Where a request is located: only REQUESTED records carry a place (every rule on it is
    # REQUESTED-only), so the other records skip the lookups and join nulls.
    asked = batch.filter(pl.col("kind") == "REQUESTED")
    units = [index.units.get(u) for u in asked["ug_id"]]
    equipment = [index.equipment.get(e) for e in asked["equipment_id"]]
    known_buildings = [True if b in index.buildings else None for b in asked["building_id"]]
    located = [u or (b or None) or e for u, b, e in zip(units, asked["building_id"], equipment, strict=True)]
    contracts = index.contracts
    covered = [
        True if c in contracts and b in contracts[c].buildings else None
        for c, b in zip(asked["contract_id"], located, strict=True)
    ]
    places = pl.DataFrame(
        {
            "index": asked["index"],
            "unit_building": pl.Series(units, dtype=pl.String),
            "equipment_building": pl.Series(equipment, dtype=pl.String),
            "building_known": pl.Series(known_buildings, dtype=pl.Boolean),
            "building": pl.Series(located, dtype=pl.String),
            "covered": pl.Series(covered, dtype=pl.Boolean),
        }
    )
    joined = (
        batch.with_columns(recorded.cast(pl.Int64).alias("recorded"))
        .join(places, on="index", how="left")
        .join(stored_frame, on=["intervention_id", "sequence"], how="left")
        .join(frames.contractors.with_columns(pl.lit(True).alias("contractor_known")), on="contractor_id", how="left")
        .join(frames.contracts, on="contract_id", how="left")
        .join(frames.codes, on=["contract_id", "service_code"], how="left")
        .join(
            frames.deadlines.with_columns(pl.lit(True).alias("has_deadline")),
            on=["contract_id", "service_code", "criticality"],
            how="left",
        )
        .with_columns(
            (pl.col("stored_fp") == pl.col("fingerprint")).fill_null(False).alias("stored_duplicate"),
            pl.when(pl.col("stored_fp") != pl.col("fingerprint")).then(pl.col("stored_fp")).alias("stored_fingerprint"),
        )
    )
    checks = _record_checks(principal, now_us)
    # The first broken rule as a number over the whole batch (cheap); its text only for the few rows that broke one.
    first = pl.coalesce(
        [pl.when(broken.fill_null(False)).then(pl.lit(i, pl.Int16)) for i, (broken, *_) in enumerate(checks)]
    )
    # An identical re-send is ignored, whatever the portfolio says today, but only once the record
    # itself holds up: a contractor re-sending another's stored record is refused, not told "duplicate".
    intrinsic = next(i for i, (_, rule, *_) in enumerate(checks) if rule == "conflicting_resend")
    joined = (
        joined.with_columns(first.alias("first_rule"))
        .with_columns(
            (pl.col("stored_duplicate") & (pl.col("first_rule").is_null() | (pl.col("first_rule") > intrinsic))).alias(
                "stored_duplicate"
            ),
        )
        .with_columns(
            pl.when(pl.col("stored_duplicate")).then(None).otherwise(pl.col("first_rule")).alias("broken_rule"),
        )
        .drop("first_rule")
        .sort("index")
    )
    failing = joined.filter(pl.col("broken_rule").is_not_null())
    reasons = failing.select(
        "index",
        "record_key",
        pl.coalesce(
            [
                pl.when(pl.col("broken_rule") == i).then(pl.struct(rule=pl.lit(rule), field=pl.lit(fld), reason=reason))
                for i, (_, rule, fld, reason) in enumerate(checks)
            ]
        ).alias("broken"),
    )
    return joined, reasons


def check_batch(
    batch: pl.DataFrame,
    *,
    index: PortfolioIndex,
    frames: IndexFrames,
    states: dict[str, TicketState],
    stored_fingerprints: dict[tuple[str, int], str],
    principal: Principal,
    now: datetime,
) -> BatchOutcome:
    """Check a batch (events.batch_frame) in order; ``states`` is updated in place."""
    checked, reasons = _with_references(batch, index, frames, stored_fingerprints, principal, to_us(now))
    rejected = [Finding(i, b["rule"], b["field"], b["reason"], key) for i, key, b in reasons.iter_rows()]
    duplicates = int(checked["stored_duplicate"].sum())
    candidates = checked.filter(pl.col("broken_rule").is_null() & ~pl.col("stored_duplicate"))
    accepted: list[int] = []
    warnings: list[Finding] = []
    seen: dict[str, str] = {}  # record key -> fingerprint, of the events accepted in this batch
    touched: dict[str, TicketState] = {}
    requested = {
        row[0]: row[1:]
        for row in candidates.filter(pl.col("kind") == "REQUESTED")
        .select(
            "index",
            "contractor_id",
            "external_ref",
            "contract_id",
            "service_code",
            "trade",
            "nature",
            "criticality",
            "building",
            "ug_id",
            "equipment_id",
            "description",
        )
        .iter_rows()
    }
    columns = (
        "index",
        "intervention_id",
        "record_key",
        "sequence",
        "kind",
        "event_us",
        "visit_number",
        "cost_eur",
        "fingerprint",
        "recorded",
    )
    # Column lists zipped: cheaper than iter_rows. The record key stands for (ticket, sequence).
    for row, ticket_id, record_key, sequence, kind, at, visit_number, cost, fingerprint, recorded_at in zip(
        *(candidates[c].to_list() for c in columns), strict=True
    ):
        known = seen.get(record_key)
        if known == fingerprint:
            duplicates += 1
            continue
        if known is not None:
            rejected.append(
                Finding(
                    row,
                    "conflicting_resend",
                    "sequence",
                    f"{record_key}: sent twice in the batch with different content",
                    record_key,
                )
            )
            continue
        state = states.get(ticket_id)
        broken = _lifecycle_rule(kind, at, visit_number, state, record_key)
        if broken:
            rejected.append(Finding(row, *broken, record_key))
            continue
        if kind == "REQUESTED":
            (contractor, ref, contract, code, trade, nature, criticality, building, ug, equipment, text) = requested[
                row
            ]
            terms = index.contracts[contract]
            intervene_hours, repair_hours = terms.codes[code].deadlines[criticality]
            state = TicketState(
                ticket_id,
                contractor,
                ref,
                contract,
                code,
                trade,
                nature,
                criticality,
                building,
                ug or None,
                equipment or None,
                text,
                at,
                intervene_hours=intervene_hours,
                repair_hours=repair_hours,
                recoverable_share=terms.recoverable_share,
            )
            states[ticket_id] = state
        assert state is not None  # _lifecycle_rule refuses any event but REQUESTED of an unknown ticket
        if kind == "CLOSED" and not state.has_quitus:
            warnings.append(
                Finding(
                    row,
                    "closed_without_quitus",
                    "kind",
                    f"{record_key}: {ticket_id} closed with no quitus event",
                    record_key,
                )
            )
        state.apply(kind, at, sequence, visit_number, cost, recorded_at)
        seen[record_key] = fingerprint
        accepted.append(row)
        touched[ticket_id] = state
    for state in touched.values():
        state.refresh_status()
    warned = {w.index: w.rule for w in warnings}
    accepted_rows = checked.filter(pl.col("index").is_in(_positions(accepted))).with_columns(
        pl.col("index").replace_strict(warned, default="", return_dtype=pl.String).alias("warnings")
    )
    rejected.sort(key=lambda f: f.index)
    rejected_rows = batch.filter(pl.col("index").is_in(_positions([f.index for f in rejected])))
    created = frozenset(accepted_rows.filter(pl.col("kind") == "REQUESTED")["intervention_id"])
    return BatchOutcome(accepted_rows, rejected, rejected_rows, warnings, duplicates, touched, created)


def _positions(indices: list[int]) -> pl.Series:
    """Record positions as one list value, for ``is_in``."""
    return pl.Series(indices, dtype=pl.Int32).implode()


def _lifecycle_rule(
    kind: str, at: int, visit_number: int, state: TicketState | None, record_key: str
) -> tuple[str, str, str] | None:
    """(rule, field, reason) of the first life-cycle rule the event breaks, or None."""
    if kind == "REQUESTED":
        if state is not None:
            return "already_requested", "kind", f"{record_key}: the intervention was already requested"
        return None
    if state is None:
        return "unknown_intervention", "external_ref", f"{record_key}: the intervention was never requested"
    # The tenant's quitus often comes after closure; it is the only event that may.
    if state.final and not (kind == "QUITUS" and state.cancelled_at is None):
        done = "cancelled" if state.cancelled_at is not None else "closed"
        return "event_after_closure", "kind", f"{record_key}: the intervention is already {done}"
    if at < state.requested_at:
        return "event_before_request", "event_time", f"{record_key}: {kind} happened before the request"
    if kind == "VISIT_STARTED" and state.open_visit_number is not None:
        return "visit_already_open", "visit_number", f"{record_key}: visit {state.open_visit_number} has not ended"
    if kind == "VISIT_ENDED":
        if state.open_visit_number != visit_number:
            return "visit_end_without_start", "visit_number", f"{record_key}: visit {visit_number} never started"
        if state.open_visit_started_at is not None and at < state.open_visit_started_at:
            return "visit_end_before_start", "event_time", f"{record_key}: visit {visit_number} ends before it starts"
    if kind == "RESOLVED":
        if state.resolved_at is not None:
            return "already_resolved", "kind", f"{record_key}: the intervention is already resolved"
        if state.nature == "CURATIVE" and state.visits == 0:
            return "curative_resolved_without_visit", "kind", f"{record_key}: curative, resolved with no visit"
    return None


EDGE_RULE = "invalid_field"
RULES[EDGE_RULE] = "a field breaks its documented limit (length, characters, range, instant window, enum)"


def with_refusals(outcome: BatchOutcome, sent: pl.DataFrame, refusals: pl.DataFrame) -> BatchOutcome:
    """``outcome`` of the events that held at the edge, with the batch's events refused there
    (edge.event_refusals of ``sent``) added to its rejections, in batch order."""
    if refusals.height == 0:
        return outcome
    found = [
        Finding(i, EDGE_RULE, f, r, k)
        for i, k, f, r in refusals.select("index", "record_key", "field", "reason").iter_rows()
    ]
    outcome.rejected = sorted([*outcome.rejected, *found], key=lambda f: f.index)
    refused_rows = sent.filter(pl.col("index").is_in(refusals["index"].implode())).with_columns(
        refusals.sort("index")["record_key"].alias("record_key")
    )
    outcome.rejected_rows = pl.concat([outcome.rejected_rows, refused_rows.select(outcome.rejected_rows.columns)])
    return outcome
