"""The interventions service's use cases: what the servicer calls, with no protobuf in sight.

Each public method is one call of the API: it checks who may see what, reads or writes through
the store, and leaves the computations to the domain."""

import logging
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

import polars as pl

from services.interventions.domain.deadlines import ALERT_SHARE, DeadlineReport, deadline_lines
from services.interventions.domain.edge import (
    TICKET_ID_CHARS,
    check_id,
    contract_refusal,
    cut,
    event_refusals,
    portfolio_refusals,
)
from services.interventions.domain.events import Columns, batch_frame
from services.interventions.domain.facts import caveats, derive_facts, facts_at
from services.interventions.domain.limits import capped
from services.interventions.domain.outbox_events import announced, outbox_rows, ticket_context
from services.interventions.domain.portfolio import IndexFrames, PortfolioIndex, full_address, index_frames
from services.interventions.domain.portfolio_export import EXPORT_KINDS, portfolio_at
from services.interventions.domain.quality import contractor_quality, quality_target
from services.interventions.domain.references import ImportOutcome, drop_dangling
from services.interventions.domain.rules import (
    FUTURE_TOLERANCE,
    BatchOutcome,
    check_batch,
    reaches_settled_past,
    with_refusals,
)
from services.interventions.domain.search import search_text
from services.interventions.errors import ForeignRecord, InterventionNotFound, InvalidRequest
from services.interventions.store import InterventionStore
from services.runtime.bounded_cache import BoundedCache
from services.runtime.cutoff import SETTLED, require_settled
from services.runtime.db import retry_write_conflicts, serialised_writes
from services.runtime.paging import Page, next_token
from services.runtime.principal import Principal, Role
from services.runtime.validation import check_instant, check_text, quote

log = logging.getLogger("quitus.interventions")

DEFAULT_DEADLINE_LINES = 1000
MAX_DEADLINE_LINES = 10_000
DEFAULT_TOP_UNITS = 10
MAX_TOP_UNITS = 1000
DEFAULT_EXPORT_BATCH = 5000
MAX_EXPORT_BATCH = 10_000
ADDRESS_TEXT_CHARS = 200
# A description in a list is cut to this many characters (whole in GetIntervention).
LIST_TEXT_CHARS = 500
# A page of a list stops before its rows' texts pass this many bytes (gRPC clients take 4 MB).
REPLY_BUDGET_BYTES = 2_000_000

T = TypeVar("T")


@dataclass(frozen=True)
class KeptAnswer(Generic[T]):
    """An answer as of a settled cut-off (the portfolio's records, a facts export's frame), kept
    with the settled answers, and the messages the adapter made of it per form, made once
    (``encoded``): turning a kept answer into messages and hashing them again at every export
    took 1.6 s for a year's 500,000 facts and 1.1 s for the 108,104 portfolio records at 85,000
    dwellings. The messages are not counted in QUITUS_SETTLED_ANSWERS_CACHE_MB: a kept answer
    sent takes up to about twice its estimate."""

    value: T
    _encoded: dict[Hashable, list[Any]] = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def encoded(self, form: Hashable, encode: Callable[[], Iterator[Any]]) -> Iterator[Any]:
        """The messages of ``form``: those kept, or ``encode()``'s as they are made (the first
        export still sends each as soon as it is made), kept once all were made. Two first
        exports at once each make their own; a stream given up half-way keeps nothing."""
        with self._lock:
            kept = self._encoded.get(form)
        if kept is not None:
            yield from kept
            return
        made = []
        for message in encode():
            made.append(message)
            yield message
        with self._lock:
            self._encoded.setdefault(form, made)


@dataclass(frozen=True, slots=True)
class FactsExport:
    """The facts of an export, ordered by id, served ``batch_size`` at a time."""

    kept: KeptAnswer[pl.DataFrame]
    batch_size: int

    @property
    def facts(self) -> pl.DataFrame:
        return self.kept.value

    def batches(self) -> Iterator[pl.DataFrame]:
        for offset in range(0, self.facts.height, self.batch_size):
            yield self.facts.slice(offset, self.batch_size)

    def caveats(self) -> dict[str, int]:
        return caveats(self.facts)

    def encoded(self, form: Hashable, encode: Callable[[], Iterator[Any]]) -> Iterator[Any]:
        """The messages ``encode()`` makes of this export in ``form``, made once per kept answer."""
        return self.kept.encoded((form, self.batch_size), encode)


@dataclass(frozen=True, slots=True)
class PortfolioExport:
    """The portfolio known at a cut-off (kind -> rows, domain.portfolio_export), in EXPORT_KINDS
    order, served at most ``batch_size`` records a message."""

    kept: KeptAnswer[dict[str, list[dict[str, Any]]]]
    batch_size: int

    @property
    def records(self) -> dict[str, list[dict[str, Any]]]:
        return self.kept.value

    def rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for kind in EXPORT_KINDS:
            for row in self.records[kind]:
                yield kind, row

    def encoded(self, encode: Callable[[], Iterator[Any]]) -> Iterator[Any]:
        """The messages ``encode()`` makes of this export, made once per kept answer."""
        return self.kept.encoded(self.batch_size, encode)


class InterventionsService:
    def __init__(
        self,
        store: InterventionStore,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        settle: timedelta = SETTLED,
        settled_answers: BoundedCache | None = None,
    ):
        """``settled_answers``: where answers as of a settled cut-off are kept (the portfolio,
        facts exports, data-quality counts, deadline status), each under the stored version it
        rests on (None: computed at every call)."""
        self.store = store
        self._settled_answers = settled_answers
        self.clock = clock
        self.settle = settle  # how old an as_of must be (services.runtime.cutoff)
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

    def import_portfolio(
        self, received: Sequence[tuple[int, str, dict]], recorded_at: datetime | None = None
    ) -> ImportOutcome:
        """Write the records (position in the stream, kind, row) whose references hold, in one
        transaction; the others are refused, naming their field. A record not stored yet is
        recorded at ``recorded_at`` (a backfill; default: now, and never in the future)."""
        now = self.clock()
        check_instant(recorded_at, "recorded_at")
        if recorded_at is not None and recorded_at > now + FUTURE_TOLERANCE:
            raise InvalidRequest("recorded_at is in the future", field="recorded_at")
        records: dict[str, list[dict]] = {}
        contracts: list[dict] = []
        upserted: dict[str, int] = {}
        position_of: dict[int, int] = {}  # id() of each row -> its place in the stream
        sent: dict[str, list[tuple[int, dict]]] = {}
        for position, kind, row in received:
            sent.setdefault(kind, []).append((position, row))
            upserted.setdefault(kind, 0)
        invalid = []  # records breaking a limit (domain.edge): refused before anything is written
        for kind, rows in sent.items():
            if kind == "contract":
                broken = {i: b for i, (_, row) in enumerate(rows) if (b := contract_refusal(row))}
            else:
                broken = portfolio_refusals(kind, [row for _, row in rows])
            for i, (position, row) in enumerate(rows):
                if i in broken:
                    field, reason = broken[i]
                    invalid.append((position, kind, field if field.startswith(kind) else f"{kind}.{field}", reason))
                    continue
                if kind == "building":
                    row["search_text"] = search_text(row["address"], row["postcode"], row["city"])
                (contracts.append(row) if kind == "contract" else records.setdefault(kind, []).append(row))
                position_of[id(row)] = position
                upserted[kind] += 1
        kept, kept_contracts, dangling = drop_dangling(records, contracts, self.store.stored_ids)
        retry_write_conflicts(lambda: self.store.upsert_portfolio(kept, kept_contracts, recorded_at or now))
        refused = []
        for kind, row, field, reason in dangling:
            refused.append((position_of[id(row)], kind, f"{kind}.{field}", reason))
            upserted[kind] -= 1
        return ImportOutcome(upserted, refused, sorted(invalid))

    # ------------------------------------------------------------ ingest

    def ingest_batch(self, columns: Columns, principal: Principal) -> BatchOutcome:
        """Check one batch (events.SENT_SCHEMA columns) at the edge (limits: domain.edge), then
        the events that hold against the stored state, and commit it in one transaction.

        A write conflict (another replica stored some of these events first, a deadlock, a
        serialisation failure) rolls the transaction back and is retried with back-off: a retry
        sees what the other one stored. An unreachable database reaches the caller (UNAVAILABLE)."""
        sent = batch_frame(columns)
        refusals = event_refusals(sent)
        batch = sent.filter(~pl.col("index").is_in(refusals["index"].implode())) if refusals.height else sent
        return retry_write_conflicts(lambda: self._ingest_once(batch, principal, sent, refusals))

    def _ingest_once(
        self, batch: pl.DataFrame, principal: Principal, sent: pl.DataFrame, refusals: pl.DataFrame
    ) -> BatchOutcome:
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
            outcome = with_refusals(outcome, sent, refusals)
            sender = principal.contractor_id if principal.role is Role.CONTRACTOR else None
            # Announced in the batch's own transaction: an event is published if and only if stored.
            events = announced(outcome.accepted)
            tickets = ticket_context(outcome.touched[t] for t in events["intervention_id"].unique())
            self.store.write_outcome(conn, outcome, now, sender, outbox_rows(events, tickets))
            if reaches_settled_past(outcome.accepted, now, self.settle):
                self.store.bump_settled_log_version(conn)
        return outcome

    # ------------------------------------------------------------ reading

    def get(self, intervention_id: str, principal: Principal) -> tuple[dict, list[dict]]:
        """The intervention (with its building's full address) and its events in sequence order."""
        check_id(intervention_id, "id", TICKET_ID_CHARS)
        found = self.store.get(intervention_id)
        if found is None or not principal.may_see_contractor(found[0]["contractor_id"]):
            # A contractor cannot learn that another contractor's ticket exists.
            raise InterventionNotFound(f"no intervention {quote(intervention_id)}", field="id")
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
        """(interventions in id order, their descriptions cut to LIST_TEXT_CHARS, the next page's
        token); a page stops early rather than exceed REPLY_BUDGET_BYTES."""
        for name, value in (("ug_id", ug_id), ("building_id", building_id), ("contractor_id", contractor_id)):
            check_id(value, name)
        check_text(address_text, "address_text", ADDRESS_TEXT_CHARS)
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
        rows = [_listed(_with_address(r)) for r in rows]
        return next_token(rows, _fitting(rows, page.size), "id")

    def rejections(self, principal: Principal, page: Page, *, contractor_id: str, rule: str) -> tuple[list[dict], str]:
        """(records refused at ingest in the order received, the next page's token); a page stops
        early rather than exceed REPLY_BUDGET_BYTES."""
        check_id(contractor_id, "contractor_id")
        check_text(rule, "rule", 60)
        rows = self.store.rejections(
            contractor_id=self.scope_contractor(contractor_id, principal),
            rule=rule,
            after_id=page.after_int(),
            limit=page.size + 1,
        )
        return next_token(rows, _fitting(rows, page.size), "id")

    def top_units(
        self, *, requested_from: datetime | None, requested_to: datetime | None, contractor_id: str, limit: int
    ) -> list[dict]:
        """Units with the most curative interventions: ug_id, building_id, address, n."""
        check_id(contractor_id, "contractor_id")
        rows = self.store.top_units(
            requested_from=requested_from,
            requested_to=requested_to,
            contractor_id=contractor_id,
            limit=capped(limit, DEFAULT_TOP_UNITS, MAX_TOP_UNITS, "limit"),
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
        check_instant(as_of, "as_of")
        for name, ids in (
            ("contractor_ids", contractor_ids),
            ("territory_ids", territory_ids),
            ("building_ids", building_ids),
        ):
            for value in ids:
                check_id(value, name)
        require_settled(as_of, self.clock(), "events", self.settle)
        size = capped(batch_size, DEFAULT_EXPORT_BATCH, MAX_EXPORT_BATCH, "batch_size")
        buildings = list(building_ids)
        if territory_ids:
            buildings += self._buildings_in(list(territory_ids))
            if not buildings:
                raise InvalidRequest("no building in the territories given", field="territory_ids")
        asked = (as_of, requested_from, requested_to, tuple(contractor_ids), tuple(buildings))
        facts = self._settled(
            ("facts", *asked),
            self.store.settled_log_version,
            lambda: KeptAnswer(
                self._facts(
                    as_of=as_of,
                    requested_from=requested_from,
                    requested_to=requested_to,
                    contractor_ids=list(contractor_ids),
                    building_ids=buildings,
                )
            ),
        )
        return FactsExport(facts, size)

    def _settled(self, key: tuple, read_version: Callable[[Any], int], compute: Callable[[], Any]) -> Any:
        """``compute()``'s answer as of a settled cut-off (in ``key``), kept under the stored
        version it rests on (``read_version``: the portfolio's, bumped by every import, or the
        event log's, bumped by every batch recording events at a settled instant). The version
        is read first: an answer computed while a bump commits is kept under the version before
        it, which no later call asks for."""
        if self._settled_answers is None:
            return compute()
        with self.store.engine.connect() as conn:
            version = read_version(conn)
        return self._settled_answers.get((version, *key), compute)

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
        tickets, late_events = self.store.fact_frames(
            requested_from=requested_from,
            requested_to=requested_to,
            as_of=as_of,
            contractor_ids=contractor_ids or (),
            building_ids=building_ids or (),
        )
        return facts_at(tickets, late_events, as_of)

    def export_portfolio(self, *, as_of: datetime | None, batch_size: int = 0) -> PortfolioExport:
        """The portfolio and contracts as known at ``as_of`` (required, settled): the records first
        recorded by then, with their latest attributes (no history of updates is kept)."""
        if as_of is None:
            raise InvalidRequest("as_of is required: an export is always as known at a cut-off", field="as_of")
        check_instant(as_of, "as_of")
        require_settled(as_of, self.clock(), "portfolio records", self.settle)
        size = capped(batch_size, DEFAULT_EXPORT_BATCH, MAX_EXPORT_BATCH, "batch_size")
        # a month-end run's reports all ask for the same one: 1.2-1.7 s of reading and cutting
        # 108,104 records at 85,000 dwellings
        known = self._settled(("portfolio", as_of), self.store.portfolio_version, lambda: self._portfolio_at(as_of))
        return PortfolioExport(known, size)

    def _portfolio_at(self, as_of: datetime) -> KeptAnswer[dict[str, list[dict[str, Any]]]]:
        records, parts = self.store.portfolio_rows()
        return KeptAnswer(portfolio_at(records, parts, as_of))

    def deadline_status(
        self, principal: Principal, *, at: datetime | None, contractor_id: str, alerts_only: bool, limit: int
    ) -> DeadlineReport:
        """Open interventions against their deadlines at ``at`` (default: now), worst first."""
        check_instant(at, "at")
        check_id(contractor_id, "contractor_id")
        size = capped(limit, DEFAULT_DEADLINE_LINES, MAX_DEADLINE_LINES, "limit")
        contractor = self.scope_contractor(contractor_id, principal)
        now = self.clock()

        # The database computes the lines and the counts, the page alone comes back (memory
        # bounded by ``limit``): from the stored states (the tickets as known now), or at a past
        # instant from the event log as known then (bitemporal), grouped in the database.
        def lines() -> tuple[list[dict[str, Any]], dict[str, int]]:
            return self.store.deadline_lines(
                at=at or now,
                contractor_id=contractor,
                alerts_only=alerts_only,
                limit=size,
                alert_share=ALERT_SHARE,
                known_at=at if at is not None and at < now else None,
            )

        # The portfolio's status at a settled instant (every report asks for it at its cut-off) is
        # kept: as known then, only a backfill changes it. A contractor's own is computed anew, so
        # that a client polling it cannot push the reports' answers out of the cache.
        if at is not None and at <= now - self.settle and not contractor:
            rows, counts = self._settled(("deadlines", at, alerts_only, size), self.store.settled_log_version, lines)
            rows = [dict(row) for row in rows]  # the kept answer stays as computed
        else:
            rows, counts = lines()
        return DeadlineReport(rows, counts.get("ON_TRACK", 0), counts.get("ALERT_90", 0), counts.get("BREACHED", 0))

    def _deadline_lines(self, at: datetime | None, contractor_id: str) -> pl.DataFrame:
        """The deadline lines at ``at`` by replaying the tickets' histories in polars (domain.facts
        and domain.deadlines over every event recorded by then): the reference the database's
        answer is tested against, too heavy to serve (bench/RESULTS.md)."""
        at = at or self.clock()
        tickets, events = self.store.export_frames(
            requested_from=None, requested_to=at, as_of=at, contractor_ids=[contractor_id] if contractor_id else ()
        )
        return deadline_lines(tickets, derive_facts(tickets, events, at), at)

    def data_quality(
        self, principal: Principal, *, contractor_id: str, target: float, as_of: datetime | None = None
    ) -> tuple[float, list[dict]]:
        """(the target share, per contractor: received, accepted, rejected, warned, passing share...),
        over every record received so far, or with ``as_of`` (settled) those received by then."""
        check_id(contractor_id, "contractor_id")
        target = quality_target(target)
        if as_of is not None:
            check_instant(as_of, "as_of")
            require_settled(as_of, self.clock(), "events and rejections", self.settle)
        contractor = self.scope_contractor(contractor_id, principal)
        if as_of is None:
            accepted, rejected = self.store.quality_counts(contractor, None)
        else:  # rejections are dated at their reception (now): only backfilled events reach a settled past
            accepted, rejected = self._settled(
                ("quality", contractor, as_of),
                self.store.settled_log_version,
                lambda: self.store.quality_counts(contractor, as_of),
            )
        return target, contractor_quality(accepted, rejected, target)


def _listed(row: dict[str, Any]) -> dict[str, Any]:
    """A row as a list shows it: its description cut to LIST_TEXT_CHARS."""
    row["description"], row["description_truncated"] = cut(row["description"], LIST_TEXT_CHARS)
    return row


def _size(row: dict[str, Any]) -> int:
    """About how many bytes a row takes in a reply: its texts, in UTF-8 at worst 4 bytes a
    character, plus room for the rest."""
    return 200 + sum(4 * len(v) for v in row.values() if isinstance(v, str))


def _fitting(rows: list[dict[str, Any]], size: int) -> int:
    """How many of ``rows`` (at most ``size``) a page serves within REPLY_BUDGET_BYTES (one at
    least: a single row always fits, its texts being bounded)."""
    total = 0
    for served, row in enumerate(rows[:size]):
        total += _size(row)
        if total > REPLY_BUDGET_BYTES and served:
            return served
    return size


def _with_address(row: dict[str, Any]) -> dict[str, Any]:
    """A row read with its building's address and city, the two as one address."""
    return {**row, "address": full_address(row.get("address"), row.get("city"))}
