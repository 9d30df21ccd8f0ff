"""The interventions service's use cases: what the servicer calls, with no protobuf in sight.

Each public method is one call of the API: it checks who may see what, reads or writes through
the store, and leaves the computations to the domain."""

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import polars as pl

from services.interventions.domain.deadlines import DeadlineReport, deadline_lines, deadline_report
from services.interventions.domain.events import Columns, batch_frame
from services.interventions.domain.facts import derive_facts
from services.interventions.domain.limits import limit_or_default
from services.interventions.domain.portfolio import IndexFrames, PortfolioIndex, full_address, index_frames
from services.interventions.domain.quality import contractor_quality, quality_target
from services.interventions.domain.references import ImportOutcome, drop_dangling
from services.interventions.domain.rules import BatchOutcome, check_batch
from services.interventions.errors import ForeignRecord, InterventionNotFound, InvalidRequest
from services.interventions.store import InterventionStore
from services.runtime.cutoff import require_settled
from services.runtime.db import WRITE_CONFLICTS, serialised_writes
from services.runtime.paging import Page, next_token
from services.runtime.principal import Principal, Role

log = logging.getLogger("quitus.interventions")

# Attempts at a batch that collides with another replica writing the same tickets.
RACE_RETRIES = 5
DEFAULT_DEADLINE_LINES = 1000
DEFAULT_TOP_UNITS = 10
DEFAULT_EXPORT_BATCH = 5000


@dataclass(frozen=True, slots=True)
class FactsExport:
    """The facts of an export, ordered by id, served ``batch_size`` at a time."""

    facts: pl.DataFrame
    batch_size: int

    def batches(self) -> Iterator[pl.DataFrame]:
        for offset in range(0, self.facts.height, self.batch_size):
            yield self.facts.slice(offset, self.batch_size)


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

    def _buildings_in(self, territory_ids: list[str]) -> list[str]:
        with self.store.engine.connect() as conn:
            index, _ = self.index(self.store.portfolio_version(conn))
        wanted = set(territory_ids)
        return sorted(b for b, (territory, _) in index.buildings.items() if territory in wanted)

    def import_portfolio(self, received: Sequence[tuple[int, str, dict]]) -> ImportOutcome:
        """Write the records (position in the stream, kind, row) whose references hold, in one
        transaction; the others are refused, naming their field."""
        records: dict[str, list[dict]] = {}
        contracts: list[dict] = []
        upserted: dict[str, int] = {}
        position_of: dict[int, int] = {}  # id() of each row -> its place in the stream
        for position, kind, row in received:
            (contracts.append(row) if kind == "contract" else records.setdefault(kind, []).append(row))
            position_of[id(row)] = position
            upserted[kind] = upserted.get(kind, 0) + 1
        kept, kept_contracts, dangling = drop_dangling(records, contracts, self.store.stored_ids)
        self.store.upsert_portfolio(kept, kept_contracts)
        refused = []
        for kind, row, field, reason in dangling:
            refused.append((position_of[id(row)], kind, f"{kind}.{field}", reason))
            upserted[kind] -= 1
        return ImportOutcome(upserted, refused)

    # ------------------------------------------------------------ ingest

    def ingest_batch(self, columns: Columns, principal: Principal) -> BatchOutcome:
        """Check one batch (events.SENT_SCHEMA columns) against the stored state and commit it
        in one transaction."""
        batch = batch_frame(columns)
        for attempt in range(1, RACE_RETRIES):
            try:
                return self._ingest_once(batch, principal)
            except WRITE_CONFLICTS as exc:
                # Another replica stored some of these events first (or a lock wait timed out):
                # nothing was written, and a retry sees what the other one stored.
                log.warning(
                    "batch lost a race with another writer, retrying",
                    extra={"attempt": attempt, "error": type(exc).__name__},
                )
        return self._ingest_once(batch, principal)  # the last attempt: a conflict now reaches the caller

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
        """The intervention (with its building's full address) and its events in sequence order."""
        found = self.store.get(intervention_id)
        if found is None or not principal.may_see_contractor(found[0]["contractor_id"]):
            # A contractor cannot learn that another contractor's ticket exists.
            raise InterventionNotFound(f"no intervention {intervention_id!r}", field="id")
        row, events = found
        return _with_address(row), events

    def search(
        self,
        principal: Principal,
        page: Page,
        *,
        ug_id: str = "",
        address_text: str = "",
        building_id: str = "",
        contractor_id: str = "",
        status: str = "",
        requested_from: datetime | None = None,
        requested_to: datetime | None = None,
    ) -> tuple[list[dict], str]:
        """(interventions in id order, the next page's token)."""
        rows = self.store.search(
            ug_id=ug_id,
            address_text=address_text,
            building_id=building_id,
            contractor_id=self.scope_contractor(contractor_id, principal),
            status=status,
            requested_from=requested_from,
            requested_to=requested_to,
            after_id=page.after or "",
            limit=page.size + 1,
        )
        served, token = next_token(rows, page.size, "id")
        return [_with_address(r) for r in served], token

    def rejections(self, principal: Principal, page: Page, *, contractor_id: str, rule: str) -> tuple[list[dict], str]:
        """(records refused at ingest in the order received, the next page's token)."""
        rows = self.store.rejections(
            contractor_id=self.scope_contractor(contractor_id, principal),
            rule=rule,
            after_id=page.after_int(),
            limit=page.size + 1,
        )
        return next_token(rows, page.size, "id")

    def top_units(
        self, *, requested_from: datetime | None, requested_to: datetime | None, contractor_id: str, limit: int
    ) -> list[dict]:
        """Units with the most curative interventions: ug_id, building_id, address, n."""
        rows = self.store.top_units(
            requested_from=requested_from,
            requested_to=requested_to,
            contractor_id=contractor_id,
            limit=limit_or_default(limit, DEFAULT_TOP_UNITS, "limit"),
        )
        return [_with_address(r) for r in rows]

    @staticmethod
    def scope_contractor(requested: str, principal: Principal) -> str:
        """The contractor filter a call may use: a contractor sees only its own records."""
        if principal.role is Role.CONTRACTOR:
            own = principal.contractor_id
            if not own or (requested and requested != own):
                raise ForeignRecord(f"{principal} may not read records of {requested!r}", field="contractor_id")
            return own
        return requested

    def export(
        self,
        *,
        as_of: datetime | None,
        requested_from: datetime | None = None,
        requested_to: datetime | None = None,
        contractor_ids: Sequence[str] = (),
        territory_ids: Sequence[str] = (),
        building_ids: Sequence[str] = (),
        batch_size: int = 0,
    ) -> FactsExport:
        """The facts of the interventions requested in the period, in the perimeter (contractors,
        and buildings given or in the territories given), as known at ``as_of``, which must be
        settled (no event may still be recorded at or before it)."""
        if as_of is None:
            raise InvalidRequest("as_of is required: an export is always as known at a cut-off", field="as_of")
        require_settled(as_of, self.clock(), "events")
        size = limit_or_default(batch_size, DEFAULT_EXPORT_BATCH, "batch_size")
        buildings = list(building_ids)
        if territory_ids:
            buildings += self._buildings_in(list(territory_ids))
            if not buildings:
                raise InvalidRequest("no building in the territories given", field="territory_ids")
        facts = self._facts(
            as_of=as_of,
            requested_from=requested_from,
            requested_to=requested_to,
            contractor_ids=list(contractor_ids),
            building_ids=buildings,
        )
        return FactsExport(facts, size)

    def _facts(
        self,
        *,
        as_of: datetime,
        requested_from: datetime | None = None,
        requested_to: datetime | None = None,
        contractor_ids: list[str] | None = None,
        building_ids: list[str] | None = None,
    ) -> pl.DataFrame:
        """Derived facts (domain.facts.FACT_COLUMNS) of the interventions in the perimeter."""
        tickets, events = self.store.export_frames(
            requested_from=requested_from,
            requested_to=requested_to,
            as_of=as_of,
            contractor_ids=contractor_ids or (),
            building_ids=building_ids or (),
        )
        return derive_facts(tickets, events, as_of)

    def deadline_status(
        self, principal: Principal, *, at: datetime | None, contractor_id: str, alerts_only: bool, limit: int
    ) -> DeadlineReport:
        """Open interventions against their deadlines at ``at`` (default: now), worst first."""
        size = limit_or_default(limit, DEFAULT_DEADLINE_LINES, "limit")
        lines = self._deadline_lines(at, self.scope_contractor(contractor_id, principal))
        return deadline_report(lines, alerts_only=alerts_only, limit=size)

    def _deadline_lines(self, at: datetime | None, contractor_id: str) -> pl.DataFrame:
        at = at or self.clock()
        tickets, events = self.store.export_frames(
            requested_from=None, requested_to=at, as_of=at, contractor_ids=[contractor_id] if contractor_id else ()
        )
        return deadline_lines(tickets, derive_facts(tickets, events, at), at)

    def data_quality(self, principal: Principal, *, contractor_id: str, target: float) -> tuple[float, list[dict]]:
        """(the target share, per contractor: received, accepted, rejected, warned, passing share...)."""
        target = quality_target(target)
        accepted, rejected = self.store.quality_counts(self.scope_contractor(contractor_id, principal))
        return target, contractor_quality(accepted, rejected, target)


def _with_address(row: dict[str, Any]) -> dict[str, Any]:
    """A row read with its building's address and city, the two as one address."""
    return {**row, "address": full_address(row.get("address"), row.get("city"))}
