"""The interventions service's use cases: what the servicer calls, with no protobuf in sight."""

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import polars as pl

from services.interventions.deadlines import deadline_lines
from services.interventions.errors import ForeignRecord, InterventionNotFound
from services.interventions.events import batch_frame
from services.interventions.facts import derive_facts
from services.interventions.portfolio import IndexFrames, PortfolioIndex, index_frames
from services.interventions.references import drop_dangling
from services.interventions.rules import BatchOutcome, check_batch
from services.interventions.store import InterventionStore
from services.runtime.db import WRITE_CONFLICTS, serialised_writes
from services.runtime.principal import Principal, Role

log = logging.getLogger("quitus.interventions")

# Attempts at a batch that collides with another replica writing the same tickets.
RACE_RETRIES = 5


class InterventionsService:
    def __init__(self, store: InterventionStore, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.store = store
        self.clock = clock
        self._index: tuple[PortfolioIndex, IndexFrames] | None = None
        self._index_version = -1
        self._lock = threading.Lock()

    # ------------------------------------------------------------ portfolio

    def index(self, version: int | None = None) -> tuple[PortfolioIndex, IndexFrames]:
        """The in-memory index of the portfolio, reloaded when the stored portfolio's version
        differs from ``version`` (another replica, or this one, imported since)."""
        with self._lock:
            if self._index is None or (version is not None and version != self._index_version):
                self._index_version, index = self.store.load_index()
                self._index = (index, index_frames(index))
            return self._index

    def buildings_in(self, territory_ids: list[str]) -> list[str]:
        with self.store.engine.connect() as conn:
            index, _ = self.index(self.store.portfolio_version(conn))
        wanted = set(territory_ids)
        return sorted(b for b, (territory, _) in index.buildings.items() if territory in wanted)

    def import_portfolio(
        self, records: dict[str, list[dict]], contracts: list[dict]
    ) -> list[tuple[str, dict, str, str]]:
        """Write the records whose references hold; return the others as (kind, row, field, reason)."""
        records, contracts, refused = drop_dangling(records, contracts, self.store.stored_ids)
        self.store.upsert_portfolio(records, contracts)
        return refused

    # ------------------------------------------------------------ ingest

    def ingest_batch(self, columns: dict[str, Sequence], principal: Principal) -> BatchOutcome:
        """Check one batch (events.SENT_SCHEMA columns) against the stored state and commit it
        in one transaction."""
        batch = batch_frame(columns)
        for attempt in range(1, RACE_RETRIES + 1):
            try:
                return self._ingest_once(batch, principal)
            except WRITE_CONFLICTS as exc:
                # Another replica stored some of these events first (or a lock wait timed out):
                # nothing was written, and a retry sees what the other one stored.
                if attempt == RACE_RETRIES:
                    raise
                log.warning(
                    "batch lost a race with another writer, retrying",
                    extra={"attempt": attempt, "error": type(exc).__name__},
                )

    def _ingest_once(self, batch: pl.DataFrame, principal: Principal) -> BatchOutcome:
        now = self.clock()
        with serialised_writes(self.store.engine), self.store.engine.begin() as conn:
            index, frames = self.index(self.store.portfolio_version(conn))
            self.store.lock_tickets_of(conn, batch["contractor_id"].unique().to_list())
            states = self.store.load_states(conn, batch["intervention_id"].unique().to_list())
            stored_up_to = pl.DataFrame(
                {"intervention_id": list(states), "max_sequence": [s.max_sequence for s in states.values()]},
                schema={"intervention_id": pl.String, "max_sequence": pl.Int64},
            )
            maybe_resent = list(
                batch.join(stored_up_to, on="intervention_id")
                .filter(pl.col("sequence") <= pl.col("max_sequence"))
                .select("intervention_id", "sequence")
                .iter_rows()
            )
            fingerprints = self.store.load_fingerprints(conn, maybe_resent) if maybe_resent else {}
            outcome = check_batch(
                batch,
                index=index,
                frames=frames,
                states=states,
                stored_fingerprints=fingerprints,
                principal=principal,
                now=now,
            )
            sender = principal.contractor_id if principal.role is Role.CONTRACTOR else None
            self.store.write_outcome(conn, outcome, now, sender)
        return outcome

    # ------------------------------------------------------------ reading

    def get(self, intervention_id: str, principal: Principal) -> tuple[dict, list[dict]]:
        found = self.store.get(intervention_id)
        if found is None or not principal.may_see_contractor(found[0]["contractor_id"]):
            # A contractor cannot learn that another contractor's ticket exists.
            raise InterventionNotFound(f"no intervention {intervention_id!r}", field="id")
        return found

    @staticmethod
    def scope_contractor(requested: str, principal: Principal) -> str:
        """The contractor filter a call may use: a contractor sees only its own records."""
        if principal.role is Role.CONTRACTOR:
            if requested and requested != principal.contractor_id:
                raise ForeignRecord(f"{principal} may not read records of {requested!r}", field="contractor_id")
            return principal.contractor_id
        return requested

    def facts(
        self,
        *,
        as_of: datetime,
        requested_from: datetime | None = None,
        requested_to: datetime | None = None,
        contractor_ids: list[str] | None = None,
        building_ids: list[str] | None = None,
    ) -> pl.DataFrame:
        tickets, events = self.store.export_frames(
            requested_from=requested_from,
            requested_to=requested_to,
            as_of=as_of,
            contractor_ids=contractor_ids or (),
            building_ids=building_ids or (),
        )
        return derive_facts(tickets, events, as_of)

    def deadline_status(self, at: datetime | None, contractor_id: str) -> pl.DataFrame:
        at = at or self.clock()
        tickets, events = self.store.export_frames(
            requested_from=None, requested_to=at, as_of=at, contractor_ids=[contractor_id] if contractor_id else ()
        )
        return deadline_lines(tickets, derive_facts(tickets, events, at), at)

    def data_quality(self, contractor_id: str, target: float) -> list[dict]:
        accepted, rejected = self.store.quality_counts(contractor_id)
        contractors = sorted(set(accepted["contractor_id"]) | set(rejected["contractor_id"]))
        result = []
        for cid in contractors:
            acc = accepted.filter(pl.col("contractor_id") == cid)
            rej = rejected.filter(pl.col("contractor_id") == cid)
            n_accepted = int(acc["n"].sum())
            n_warned = int(acc.filter(pl.col("warnings") != "")["n"].sum())
            n_rejected = int(rej["n"].sum())
            by_rule = {row["rule"]: int(row["n"]) for row in rej.iter_rows(named=True)}
            for row in acc.filter(pl.col("warnings") != "").iter_rows(named=True):
                for rule in row["warnings"].split(","):
                    by_rule[rule] = by_rule.get(rule, 0) + int(row["n"])
            received = n_accepted + n_rejected
            passing = (n_accepted - n_warned) / received if received else 0.0
            result.append(
                {
                    "contractor_id": cid,
                    "received": received,
                    "accepted": n_accepted,
                    "rejected": n_rejected,
                    "warned": n_warned,
                    "passing_share": passing,
                    "meets_target": passing >= target,
                    "by_rule": by_rule,
                }
            )
        return result


def facts_digest(facts: pl.DataFrame) -> str:
    """A stable hash of the facts, for a report's manifest."""
    return hashlib.sha256(facts.write_csv().encode()).hexdigest()
