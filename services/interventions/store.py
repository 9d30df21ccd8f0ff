"""Persistence of the interventions service. Every batch is one transaction."""

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime
from operator import attrgetter

import polars as pl
from sqlalchemy import (
    Engine,
    Integer,
    Table,
    and_,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
    update,
)

from services.interventions import models as m
from services.interventions.domain.edge import shown_id
from services.interventions.domain.events import SENT_SCHEMA
from services.interventions.domain.facts import settled_at
from services.interventions.domain.instants import to_us
from services.interventions.domain.lifecycle import OPEN_STATUSES, TicketState
from services.interventions.domain.portfolio import ContractInfo, PortfolioIndex, ServiceCodeInfo
from services.interventions.domain.references import key_column
from services.interventions.domain.rules import BatchOutcome
from services.interventions.domain.search import LIKE_ESCAPE, like_pattern
from services.runtime.db import (
    UTCDateTime,
    grouped_by_hashing,
    insert_frame,
    key_lookups_only,
    serialised_writes,
    update_frame,
    upsert,
    upsert_frame,
)
from services.runtime.pg_frames import read_frame
from services.runtime.validation import EARLIEST_US, LATEST_US

TICKET_COLUMNS = [f.name for f in fields(TicketState)]
# What an event may change on a stored ticket (the rest is fixed by its request).
TICKET_STATE_COLUMNS = [
    "status",
    "visits",
    "open_visit_number",
    "open_visit_started_at",
    "first_visit_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
    "planned",
    "on_hold",
    "has_quitus",
    "cost_eur",
    "max_sequence",
    "hold_sequence",
    "last_recorded_at",
]
TICKET_TIMES = [
    "requested_at",
    "open_visit_started_at",
    "first_visit_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
    "last_recorded_at",
]
TICKET_SCHEMA = {
    **dict.fromkeys(
        [
            "id",
            "contractor_id",
            "external_ref",
            "contract_id",
            "service_code",
            "trade",
            "nature",
            "criticality",
            "building_id",
            "ug_id",
            "equipment_id",
            "description",
        ],
        pl.String,
    ),
    "requested_at": pl.Int64,
    "status": pl.String,
    "visits": pl.Int64,
    "open_visit_number": pl.Int64,
    **dict.fromkeys(["open_visit_started_at", "first_visit_at", "resolved_at", "closed_at", "cancelled_at"], pl.Int64),
    **dict.fromkeys(["planned", "on_hold", "has_quitus"], pl.Boolean),
    "cost_eur": pl.Float64,
    "max_sequence": pl.Int64,
    **dict.fromkeys(["intervene_hours", "repair_hours", "recoverable_share"], pl.Float64),
    "hold_sequence": pl.Int64,
    "last_recorded_at": pl.Int64,
}


def _lock_key(text: str) -> int:
    """A signed 32-bit advisory-lock key, the same in every replica."""
    return zlib.crc32(text.encode()) - (1 << 31)


# Advisory-lock namespace of the per-contractor ingest locks.
TICKET_LOCKS = _lock_key("quitus.interventions.ingest")


def _time(column: str) -> pl.Expr:
    """Integer microseconds since the epoch, as a UTC timestamp column."""
    return pl.col(column).cast(pl.Datetime("us", "UTC")).alias(column)


def _ticket_frame(states: list[TicketState], columns: list[str]) -> pl.DataFrame:
    """These columns of the tickets' states, instants as UTC timestamps."""
    values = zip(*map(attrgetter(*columns), states), strict=True) if states else [() for _ in columns]
    frame = pl.DataFrame(
        dict(zip(columns, map(list, values), strict=True)), schema={c: TICKET_SCHEMA[c] for c in columns}
    )
    return frame.with_columns(_time(c) for c in TICKET_TIMES if c in columns)


# Each text of a stored rejection payload is cut to this many characters (then " […]").
PAYLOAD_TEXT_CHARS = 1000


def _payload_field(name: str) -> pl.Expr:
    column = pl.col(name)
    if SENT_SCHEMA[name] == pl.String:
        return (
            pl.when(column.str.len_chars() > PAYLOAD_TEXT_CHARS)
            .then(column.str.slice(0, PAYLOAD_TEXT_CHARS) + " […]")
            .otherwise(column)
            .alias(name)
        )
    if SENT_SCHEMA[name] == pl.Float64:  # JSON has no NaN nor infinity: null
        return pl.when(column.is_finite()).then(column).alias(name)
    return column


# The record as the contractor sent it, for the rejection log: every field sent (texts cut to
# PAYLOAD_TEXT_CHARS), the event's instant in ISO 8601 when within 1900-2200 (else null: the
# reason says what was wrong with it); the recorded instant is the rejection's received_at.
# Valid JSON: a number that is not finite is null.
_IN_WINDOW = (pl.col("event_us") >= EARLIEST_US) & (pl.col("event_us") < LATEST_US)
_PAYLOAD_JSON = pl.struct(
    *[_payload_field(name) for name in SENT_SCHEMA if name not in ("event_us", "recorded_us")],
    event_time=pl.when(_IN_WINDOW)
    .then(pl.col("event_us"))
    .cast(pl.Datetime("us", "UTC"))
    .dt.strftime("%Y-%m-%dT%H:%M:%S%.f%:z"),
).struct.json_encode()


def _received_at(received_at: datetime, backfill: bool) -> pl.Expr:
    """When a refused record counts as received: for a backfill (an admin or a service, whose
    recorded_at is honoured on the events it sends), the recorded_at it set on the record, when
    within 1900-2200 and not after the reception; otherwise the reception. A backfill's
    rejections are then dated with its accepted events, and data quality as of a cut-off counts
    both alike."""
    now = pl.lit(received_at, pl.Datetime("us", "UTC"))
    if not backfill:
        return now
    sent = pl.col("recorded_us")
    now_us = int(received_at.timestamp() * 1_000_000)
    honoured = sent.is_not_null() & (sent >= EARLIEST_US) & (sent < LATEST_US) & (sent <= now_us)
    return pl.when(honoured).then(sent.cast(pl.Datetime("us", "UTC"))).otherwise(now)


def _rejections(outcome: BatchOutcome, received_at: datetime, sender: str | None) -> pl.DataFrame:
    """The batch's refused records with their findings, in batch order (a contractor's filed
    under ``sender``; None: an admin's or a service's backfill)."""
    findings = pl.DataFrame(
        [(f.index, f.record_key, f.rule, f.field, f.reason) for f in outcome.rejected],
        orient="row",
        schema={"index": pl.Int32, "record_key": pl.String, "rule": pl.String, "field": pl.String, "reason": pl.String},
    )
    sent = outcome.rejected_rows.select(
        "index",
        pl.lit(sender).alias("contractor_id") if sender else shown_id(pl.col("contractor_id")).alias("contractor_id"),
        "fingerprint",
        _PAYLOAD_JSON.alias("payload_json"),
        _received_at(received_at, backfill=sender is None).alias("received_at"),
    )
    return (
        findings.join(sent, on="index")
        .sort("index")
        .select(
            "contractor_id",
            "record_key",
            "fingerprint",
            "rule",
            "field",
            "reason",
            "received_at",
            "payload_json",
        )
    )


# kind of portfolio record -> its table, parents before children (see references.PARENTS)
PORTFOLIO_TABLES = {
    "organisation": m.organisations,
    "territory": m.territories,
    "residence": m.residences,
    "building": m.buildings,
    "unit": m.units,
    "equipment": m.equipment,
    "contractor": m.contractors,
    "contractor_base": m.contractor_bases,
}


class InterventionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------ portfolio

    def stored_ids(self, kind: str) -> set[str]:
        """Ids of the portfolio records of one kind (see PORTFOLIO_TABLES)."""
        with self.engine.connect() as conn:
            return set(conn.execute(select(PORTFOLIO_TABLES[kind].c[key_column(kind)])).scalars())

    def upsert_portfolio(
        self, records: dict[str, list[dict]], contracts: list[dict], recorded_at: datetime | None = None
    ) -> None:
        """Upsert plain records by kind, then contracts with their children, in one transaction.

        A record not stored yet is written with ``recorded_at``; a stored one keeps the instant
        it was first recorded (only its attributes are updated)."""
        with serialised_writes(self.engine), self.engine.begin() as conn:
            self._bump_portfolio_version(conn)
            for kind, table in PORTFOLIO_TABLES.items():
                rows = records.get(kind, [])
                if not rows:
                    continue
                key = key_column(kind)
                stored = _stored_keys(conn, table.c[key], [r[key] for r in rows])
                new = [{**r, "recorded_at": recorded_at} for r in rows if r[key] not in stored]
                old = [r for r in rows if r[key] in stored]
                for part in (new, old):
                    if part:
                        upsert(conn, table, list(part[0]), [tuple(r.values()) for r in part], [key])
            stored_contracts = _stored_keys(conn, m.contracts.c.id, [c["id"] for c in contracts])
            for contract in contracts:
                self._replace_contract(conn, contract, None if contract["id"] in stored_contracts else recorded_at)

    def portfolio_rows(self) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
        """(kind -> stored rows with their recorded_at, contract part -> rows), read in one
        transaction: the records of every kind of PORTFOLIO_TABLES and "contract" (head rows),
        and the contracts' perimeter, trades, codes, deadlines and plans."""
        with self.engine.connect() as conn, conn.begin():
            records = {
                kind: [dict(r) for r in conn.execute(select(table).order_by(table.c[key_column(kind)])).mappings()]
                for kind, table in {**PORTFOLIO_TABLES, "contract": m.contracts}.items()
            }
            for building in records["building"]:
                building.pop("search_text", None)
            parts = {
                name: [dict(r) for r in conn.execute(select(table)).mappings()]
                for name, table in (
                    ("perimeter", m.contract_perimeter),
                    ("trades", m.contract_trades),
                    ("codes", m.service_codes),
                    ("deadlines", m.service_code_deadlines),
                    ("plans", m.preventive_plans),
                )
            }
        return records, parts

    @staticmethod
    def _bump_portfolio_version(conn) -> None:
        _bump(conn, m.portfolio_version)

    @staticmethod
    def portfolio_version(conn) -> int:
        return conn.execute(select(m.portfolio_version.c.version)).scalar() or 0

    @staticmethod
    def bump_settled_log_version(conn) -> None:
        """Inside a batch's transaction, as its last write (the row stays locked only while the
        batch commits): the batch recorded events at an already settled instant."""
        _bump(conn, m.settled_log_version)

    @staticmethod
    def settled_log_version(conn) -> int:
        return conn.execute(select(m.settled_log_version.c.version)).scalar() or 0

    @staticmethod
    def _replace_contract(conn, contract: dict, recorded_at: datetime | None) -> None:
        """Replace a contract's children; its head is upserted, with ``recorded_at`` when new
        (None: already stored, its first recorded instant stays)."""
        cid = contract["id"]
        for child in (
            m.contract_perimeter,
            m.contract_trades,
            m.service_codes,
            m.service_code_deadlines,
            m.preventive_plans,
        ):
            conn.execute(delete(child).where(child.c.contract_id == cid))
        head = {
            k: contract[k] for k in ("id", "contractor_id", "reference", "starts_at", "ends_at", "recoverable_share")
        }
        if recorded_at is not None:
            head["recorded_at"] = recorded_at
        upsert(conn, m.contracts, list(head), [tuple(head.values())], ["id"])
        children = [
            (m.contract_perimeter, contract["perimeter"]),
            (m.contract_trades, contract["trades"]),
            (m.service_codes, contract["codes"]),
            (m.service_code_deadlines, contract["deadlines"]),
            (m.preventive_plans, contract["plans"]),
        ]
        for table, rows in children:
            if rows:
                conn.execute(table.insert(), [{"contract_id": cid, **row} for row in rows])

    def load_index(self) -> tuple[int, PortfolioIndex]:
        """(portfolio version, index), read in one transaction."""
        with self.engine.connect() as conn:
            version = self.portfolio_version(conn)
            residences = dict(conn.execute(select(m.residences.c.id, m.residences.c.territory_id)).all())
            buildings = {
                b.id: (residences.get(b.residence_id, ""), b.residence_id)
                for b in conn.execute(select(m.buildings.c.id, m.buildings.c.residence_id))
            }
            by_scope: dict[tuple[str, str], list[str]] = {}
            for bid, (territory, residence) in buildings.items():
                by_scope.setdefault(("territory", territory), []).append(bid)
                by_scope.setdefault(("residence", residence), []).append(bid)
                by_scope[("building", bid)] = [bid]
            perimeter: dict[str, set[str]] = {}
            for row in conn.execute(select(m.contract_perimeter)):
                perimeter.setdefault(row.contract_id, set()).update(by_scope.get((row.scope_kind, row.scope_id), []))
            trades: dict[str, set[str]] = {}
            for row in conn.execute(select(m.contract_trades)):
                trades.setdefault(row.contract_id, set()).add(row.trade)
            deadlines: dict[tuple[str, str], dict[str, tuple[float, float]]] = {}
            for row in conn.execute(select(m.service_code_deadlines)):
                deadlines.setdefault((row.contract_id, row.code), {})[row.criticality] = (
                    row.intervene_hours,
                    row.repair_hours,
                )
            contracts = {
                c.id: ContractInfo(
                    c.contractor_id,
                    c.starts_at,
                    c.ends_at,
                    c.recoverable_share,
                    frozenset(trades.get(c.id, ())),
                    frozenset(perimeter.get(c.id, ())),
                )
                for c in conn.execute(select(m.contracts))
            }
            for row in conn.execute(select(m.service_codes)):
                if row.contract_id in contracts:
                    contracts[row.contract_id].codes[row.code] = ServiceCodeInfo(
                        row.trade, row.nature, deadlines.get((row.contract_id, row.code), {})
                    )
            return version, PortfolioIndex(
                contractors=frozenset(conn.execute(select(m.contractors.c.id)).scalars()),
                buildings=buildings,
                units=dict(conn.execute(select(m.units.c.ug_id, m.units.c.building_id)).all()),
                equipment=dict(conn.execute(select(m.equipment.c.id, m.equipment.c.building_id)).all()),
                contracts=contracts,
            )

    # ------------------------------------------------------------ ingest

    @staticmethod
    def lock_tickets_of(conn, contractor_ids: Iterable[str]) -> None:
        """Hold, until the transaction ends, the ingest lock of each contractor whose tickets a
        batch may write (a ticket's id starts with its contractor's). Another replica ingesting
        for the same contractor waits instead of overwriting this batch's ticket states. One
        lock per contractor, not per ticket: locking rows would cost PostgreSQL a write per ticket.
        On SQLite, writers already take turns (serialised_writes)."""
        if conn.dialect.name != "postgresql":
            return
        keys = sorted({_lock_key(c) for c in contractor_ids})  # one order for every replica: no deadlock
        if keys:
            calls = ", ".join(f"pg_advisory_xact_lock({TICKET_LOCKS}, {k})" for k in keys)
            conn.exec_driver_sql(f"SELECT {calls}")

    def load_states(self, conn, ids: Iterable[str]) -> dict[str, TicketState]:
        """The stored states of these tickets; the caller holds their contractors' locks."""
        ids = list(set(ids))
        if conn.dialect.name == "postgresql":
            # Instants straight as integer microseconds, rows as plain tuples, values in binary
            # form: no datetime and no number parsed from text per value.
            cols = ", ".join(
                f"(extract(epoch from {c}) * 1000000)::bigint" if c in TICKET_TIMES else c for c in TICKET_COLUMNS
            )
            joined = "\x1f".join(ids)
            with key_lookups_only(conn), conn.connection.driver_connection.cursor(binary=True) as cur:
                if joined.count("\x1f") == max(len(ids) - 1, 0):
                    # The ids as one text parameter: adapting a list of thousands of strings costs more.
                    cur.execute(
                        f"SELECT {cols} FROM interventions WHERE id = ANY(string_to_array(%s, %s))", (joined, "\x1f")
                    )
                else:  # an id holding the separator itself
                    cur.execute(f"SELECT {cols} FROM interventions WHERE id = ANY(%s)", (ids,))
                return {row[0]: TicketState(*row) for row in cur.fetchall()}
        states: dict[str, TicketState] = {}
        columns = [m.interventions.c[name] for name in TICKET_COLUMNS]
        times = [TICKET_COLUMNS.index(name) for name in TICKET_TIMES]
        for start in range(0, len(ids), 900):  # SQLite caps bound parameters
            for row in conn.execute(select(*columns).where(m.interventions.c.id.in_(ids[start : start + 900]))):
                values = list(row)
                for i in times:
                    values[i] = to_us(values[i])
                states[row.id] = TicketState(*values)
        return states

    def load_fingerprints(self, conn, keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """Fingerprints of stored events with these (intervention, sequence) keys."""
        found: dict[tuple[str, int], str] = {}
        ev = m.intervention_events.c
        with key_lookups_only(conn):
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                rows = conn.execute(
                    select(ev.intervention_id, ev.sequence, ev.fingerprint).where(
                        tuple_(ev.intervention_id, ev.sequence).in_(chunk)
                    )
                )
                found.update({(r.intervention_id, r.sequence): r.fingerprint for r in rows})
        return found

    def write_outcome(
        self,
        conn,
        outcome: BatchOutcome,
        received_at: datetime,
        sender: str | None = None,
        outbox: pl.DataFrame | None = None,
    ) -> None:
        """Events, ticket states, rejections and the domain events announcing them (``outbox``:
        services.runtime.outbox's columns) of one batch, inside the caller's transaction.

        Rejections are filed under ``sender`` when the caller is a contractor: a record claiming
        another contractor's id is the sender's fault, not the other's."""
        # Rows go in key order: each index page then takes its batch's entries one after the
        # other while it is at hand. PostgreSQL spends about 8 % less CPU on the events'
        # COPY, for a primary key about a third larger (its pages split in the middle fill
        # half): bench/copy_order.py.
        insert_frame(
            conn,
            m.intervention_events,
            outcome.accepted.select(
                "intervention_id",
                "sequence",
                "contractor_id",
                "kind",
                _time("event_us").alias("event_time"),
                _time("recorded").alias("recorded_at"),
                "visit_number",
                "quitus_document",
                "quitus_signed_by",
                "cost_eur",
                "note",
                "warnings",
                "fingerprint",
            ).sort("intervention_id", "sequence"),
        )
        created: list[TicketState] = []
        stored: list[TicketState] = []
        for state in outcome.touched.values():
            (created if state.id in outcome.created else stored).append(state)
        # A new ticket is inserted, never upserted: should another replica have requested the same
        # ticket meanwhile, the insert fails, the batch is retried and sees it (already_requested).
        insert_frame(conn, m.interventions, _ticket_frame(created, TICKET_COLUMNS).sort("id"))
        # A stored ticket changes only in its state: its attributes are fixed by its request.
        update_frame(conn, m.interventions, _ticket_frame(stored, ["id", *TICKET_STATE_COLUMNS]).sort("id"), ["id"])
        if outcome.rejected:
            self.record_rejections(conn, _rejections(outcome, received_at, sender))
        if outbox is not None:
            insert_frame(conn, m.outbox, outbox)  # one COPY for the batch, ids in batch order

    @staticmethod
    def record_rejections(conn, rejections: pl.DataFrame) -> None:
        """Store rejections (columns of intervention_rejections but its id)."""
        # A bad record re-sent unchanged by the same sender is one rejection, not many.
        upsert_frame(
            conn, m.intervention_rejections, rejections, ["contractor_id", "record_key", "fingerprint"], update=False
        )

    # ------------------------------------------------------------ reading

    def get(self, intervention_id: str) -> tuple[dict, list[dict]] | None:
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(m.interventions, m.buildings.c.address, m.buildings.c.city)
                    .join(m.buildings, m.buildings.c.id == m.interventions.c.building_id, isouter=True)
                    .where(m.interventions.c.id == intervention_id)
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            events = (
                conn.execute(
                    select(m.intervention_events)
                    .where(m.intervention_events.c.intervention_id == intervention_id)
                    .order_by(m.intervention_events.c.sequence)
                )
                .mappings()
                .all()
            )
            return dict(row), [dict(e) for e in events]

    def search(
        self,
        *,
        ug_id: str = "",
        address_text: str = "",
        building_id: str = "",
        contractor_id: str = "",
        status: str = "",
        requested_from: datetime | None = None,
        requested_to: datetime | None = None,
        after_id: str = "",
        limit: int = 100,
    ) -> list[dict]:
        iv, b = m.interventions.c, m.buildings.c
        conditions = []
        if ug_id:
            conditions.append(iv.ug_id == ug_id)
        if building_id:
            conditions.append(iv.building_id == building_id)
        if contractor_id:
            conditions.append(iv.contractor_id == contractor_id)
        if status:
            conditions.append(iv.status == status)
        if requested_from:
            conditions.append(iv.requested_at >= requested_from)
        if requested_to:
            conditions.append(iv.requested_at < requested_to)
        if address_text:  # literally, ignoring case and accents (domain.search)
            conditions.append(b.search_text.like(like_pattern(address_text), escape=LIKE_ESCAPE))
        if after_id:
            conditions.append(iv.id > after_id)
        query = (
            select(m.interventions, b.address, b.city)
            .join(m.buildings, b.id == iv.building_id, isouter=True)
            .where(and_(True, *conditions))
            .order_by(iv.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def quality_counts(
        self, contractor_id: str = "", as_of: datetime | None = None
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(per contractor: accepted, warned) and (per contractor and rule: count) incl. warnings;
        with ``as_of``, over the events recorded and the rejections received at or before it."""
        ev, rj = m.intervention_events.c, m.intervention_rejections.c
        accepted_q = select(ev.contractor_id, ev.warnings, func.count().label("n")).group_by(
            ev.contractor_id, ev.warnings
        )
        rejected_q = select(rj.contractor_id, rj.rule, func.count().label("n")).group_by(rj.contractor_id, rj.rule)
        if contractor_id:
            accepted_q = accepted_q.where(ev.contractor_id == contractor_id)
            rejected_q = rejected_q.where(rj.contractor_id == contractor_id)
        if as_of is not None:
            accepted_q = accepted_q.where(ev.recorded_at <= as_of)
            rejected_q = rejected_q.where(rj.received_at <= as_of)
        with self.engine.connect() as conn:
            grouped_by_hashing(conn)  # the transaction ends with the block, and the setting with it
            accepted = pl.DataFrame(
                [tuple(r) for r in conn.execute(accepted_q)],
                schema={"contractor_id": pl.String, "warnings": pl.String, "n": pl.Int64},
                orient="row",
            )
            rejected = pl.DataFrame(
                [tuple(r) for r in conn.execute(rejected_q)],
                schema={"contractor_id": pl.String, "rule": pl.String, "n": pl.Int64},
                orient="row",
            )
        return accepted, rejected

    def rejections(self, *, contractor_id: str = "", rule: str = "", after_id: int = 0, limit: int = 100) -> list[dict]:
        rj = m.intervention_rejections.c
        query = select(m.intervention_rejections).where(rj.id > after_id).order_by(rj.id).limit(limit)
        if contractor_id:
            query = query.where(rj.contractor_id == contractor_id)
        if rule:
            query = query.where(rj.rule == rule)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def top_units(
        self, *, requested_from: datetime | None, requested_to: datetime | None, contractor_id: str, limit: int
    ) -> list[dict]:
        iv, b = m.interventions.c, m.buildings.c
        query = (
            select(iv.ug_id, iv.building_id, b.address, b.city, func.count().label("n"))
            .join(m.buildings, b.id == iv.building_id)
            .where(iv.nature == "CURATIVE", iv.ug_id.is_not(None), iv.status != "CANCELLED")
            .group_by(iv.ug_id, iv.building_id, b.address, b.city)
            .order_by(func.count().desc(), iv.ug_id)
            .limit(limit)
        )
        if requested_from:
            query = query.where(iv.requested_at >= requested_from)
        if requested_to:
            query = query.where(iv.requested_at < requested_to)
        if contractor_id:
            query = query.where(iv.contractor_id == contractor_id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    # ------------------------------------------------------------ deadlines

    def deadline_lines(
        self,
        *,
        at: datetime,
        contractor_id: str,
        alerts_only: bool,
        limit: int,
        alert_share: float,
        known_at: datetime | None = None,
    ) -> tuple[list[dict], dict[str, int]]:
        """Running deadlines of the open tickets requested before ``at``, computed in the
        database: the first ``limit`` lines worst first (only those at ``alert_share`` or more
        when ``alerts_only``), and the count per level of every line. Memory bounded by
        ``limit``, whatever the number of tickets.

        Which tickets are open, and since when visited, is read from their stored state (as
        known now), or with ``known_at`` as known then: the stored state of the tickets none of
        whose events was recorded after it (they were then as they are now), and for the others
        the event log as known then (_known_open), grouped over their events alone. The same
        answer as domain.facts and domain.deadlines over the events recorded by then."""
        iv = m.interventions.c
        if self.engine.dialect.name == "postgresql":
            elapsed = func.extract("epoch", literal(at, UTCDateTime()) - iv.requested_at) / 3600.0
        else:
            elapsed = (func.julianday(literal(at.replace(tzinfo=None))) - func.julianday(iv.requested_at)) * 24.0
        where = [iv.requested_at < at]
        if contractor_id:
            where.append(iv.contractor_id == contractor_id)
        columns = [iv.id, iv.contractor_id, iv.building_id, iv.ug_id]
        hours = [iv.intervene_hours, iv.repair_hours, elapsed.label("elapsed")]
        stored = select(*columns, iv.first_visit_at, *hours).where(iv.status.in_(OPEN_STATUSES), *where)
        if known_at is None:
            opened = stored.cte("opened")
        else:
            late = _changed_after(known_at)
            unchanged = stored.where(~late)
            changed = select(iv.id).where(*where, late)
            with self.engine.connect() as conn:
                changed_ids = list(conn.execute(changed).scalars())
            if not changed_ids:
                opened = unchanged.cte("opened")
            else:
                # A list of known length when short (looked up by key), else a join: see fact_frames.
                ticket = m.intervention_events.c.intervention_id
                among = ticket.in_(changed_ids) if len(changed_ids) <= LATE_BY_KEY else ticket.in_(changed)
                known = _known_open(known_at, among).subquery("known")
                then = select(*columns, known.c.first_visit_at, *hours).join(known, known.c.id == iv.id).where(*where)
                opened = union_all(unchanged, then).cte("opened")
        o = opened.c
        common = (o.id, o.contractor_id, o.building_id, o.ug_id)
        intervene = select(*common, literal("intervene").label("kind"), o.intervene_hours.label("allowed"), o.elapsed)
        repair = select(*common, literal("repair").label("kind"), o.repair_hours.label("allowed"), o.elapsed)
        lines = union_all(
            intervene.where(o.first_visit_at.is_(None), o.intervene_hours.is_not(None)),
            repair.where(o.repair_hours.is_not(None)),
        ).cte("lines")
        # A deadline of 0 hours is breached as soon as it runs.
        used = case((lines.c.allowed > 0, lines.c.elapsed / lines.c.allowed), else_=literal(1e300))
        level = case((used >= 1, "BREACHED"), (used >= alert_share, "ALERT_90"), else_="ON_TRACK")
        shares = select(lines, used.label("used"), level.label("level")).cte("shares")
        sh = shares.c
        top = select(shares).order_by(sh.used.desc(), sh.id, sh.kind).limit(limit)
        if alerts_only:
            top = top.where(sh.used >= alert_share)
        page = top.subquery("page")
        # The page's lines (n null) and the count per level (id null), in one result.
        both = union_all(
            select(*page.c, literal(None, Integer()).label("n")),
            select(
                *[literal(None, c.type).label(c.name) for c in page.c if c.name != "level"],
                sh.level,
                func.count().label("n"),
            ).group_by(sh.level),
        )
        rows, counts = [], {}
        with self.engine.connect() as conn:
            for r in conn.execute(both):
                if r.n is not None:
                    counts[r.level] = r.n
                    continue
                rows.append(
                    {
                        "id": r.id,
                        "contractor_id": r.contractor_id,
                        "building_id": r.building_id,
                        "ug_id": r.ug_id,
                        "kind": r.kind,
                        "allowed_hours": r.allowed,
                        "elapsed_hours": r.elapsed,
                        "used_share": r.used,
                        "level": r.level,
                    }
                )
        rows.sort(key=lambda r: (-r["used_share"], r["id"], r["kind"]))
        return rows, counts

    # ------------------------------------------------------------ export

    def export_frames(
        self,
        *,
        requested_from: datetime | None,
        requested_to: datetime | None,
        as_of: datetime,
        contractor_ids: Sequence[str] = (),
        building_ids: Sequence[str] = (),
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Tickets (static attributes and deadlines) and their events recorded up to as_of."""
        conditions = _ticket_conditions(requested_from, requested_to, contractor_ids, building_ids)
        tickets_q = select(*_ticket_attributes()).where(and_(True, *conditions))
        iv, ev = m.interventions.c, m.intervention_events.c
        ids = select(iv.id).where(and_(True, *conditions))
        events_q = select(*[ev[name] for name in EVENT_FRAME_SCHEMA]).where(
            ev.intervention_id.in_(ids), ev.recorded_at <= as_of
        )
        read = read_frame if self.engine.dialect.name == "postgresql" else _rows
        with self.engine.connect() as conn:
            return read(conn, tickets_q, TICKET_FRAME_SCHEMA), read(conn, events_q, EVENT_FRAME_SCHEMA)

    def fact_frames(
        self,
        *,
        requested_from: datetime | None,
        requested_to: datetime | None,
        as_of: datetime,
        contractor_ids: Sequence[str] = (),
        building_ids: Sequence[str] = (),
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """What domain.facts.facts_at takes: the tickets with their stored state and when their
        latest event was recorded, and the events recorded up to as_of of those tickets alone
        with an event recorded after it (or none known, for a ticket stored before revision
        0011 filled it in).

        The late tickets are picked out of the tickets read, and their events read by key in
        lists of known length: a condition on the tickets inside the events' query left the
        plan to statistics, and without them (autovacuum off) PostgreSQL scanned all 10.9 M
        events for no late ticket at all. Past LATE_BY_KEY late tickets (a cut-off long past) the
        events are read in one pass instead."""
        iv, ev = m.interventions.c, m.intervention_events.c
        conditions = _ticket_conditions(requested_from, requested_to, contractor_ids, building_ids)
        state = [iv[name] for name in STATE_FRAME_SCHEMA]
        tickets_q = select(*_ticket_attributes(), *state).where(and_(True, *conditions))
        postgres = self.engine.dialect.name == "postgresql"
        read = read_frame if postgres else _rows
        with self.engine.connect() as conn:
            tickets = read(conn, tickets_q, {**TICKET_FRAME_SCHEMA, **STATE_FRAME_SCHEMA})
            late = tickets.filter(~settled_at(as_of))["id"].to_list()
            events = select(*[ev[name] for name in EVENT_FRAME_SCHEMA]).where(ev.recorded_at <= as_of)
            if len(late) > LATE_BY_KEY:
                ids = select(iv.id).where(and_(True, *conditions, _changed_after(as_of)))
                return tickets, read(conn, events.where(ev.intervention_id.in_(ids)), EVENT_FRAME_SCHEMA)
            step = 5000 if postgres else 900  # SQLite caps bound parameters
            parts = [
                read(conn, events.where(ev.intervention_id.in_(late[i : i + step])), EVENT_FRAME_SCHEMA)
                for i in range(0, len(late), step)
            ]
        return tickets, pl.concat(parts) if parts else pl.DataFrame(schema=EVENT_FRAME_SCHEMA)


def _bump(conn, counter: Table) -> None:
    """One more on a one-row version counter (created at 1)."""
    bumped = conn.execute(update(counter).where(counter.c.id == 1).values(version=counter.c.version + 1)).rowcount
    if not bumped:
        conn.execute(counter.insert().values(id=1, version=1))


# Past this many tickets with events recorded after an export's cut-off, their events are read in
# one pass over the log rather than looked up by key.
LATE_BY_KEY = 20_000


def _changed_after(at: datetime):
    """Tickets with an event recorded after ``at`` (or not known to have none): in SQL, what
    domain.facts.settled_at is not."""
    iv = m.interventions.c
    return or_(iv.last_recorded_at > at, iv.last_recorded_at.is_(None))


def _ticket_conditions(
    requested_from: datetime | None,
    requested_to: datetime | None,
    contractor_ids: Sequence[str],
    building_ids: Sequence[str],
) -> list:
    iv = m.interventions.c
    conditions = []
    if requested_from:
        conditions.append(iv.requested_at >= requested_from)
    if requested_to:
        conditions.append(iv.requested_at < requested_to)
    if contractor_ids:
        conditions.append(iv.contractor_id.in_(contractor_ids))
    if building_ids:
        conditions.append(iv.building_id.in_(building_ids))
    return conditions


def _ticket_attributes() -> list:
    """A ticket's fixed attributes, with its deadlines and recoverable share as the contract
    stated them when it was requested (TICKET_FRAME_SCHEMA)."""
    return [m.interventions.c[name] for name in TICKET_FRAME_SCHEMA]


TICKET_FRAME_SCHEMA = {
    "id": pl.String,
    "contractor_id": pl.String,
    "contract_id": pl.String,
    "service_code": pl.String,
    "trade": pl.String,
    "nature": pl.String,
    "criticality": pl.String,
    "building_id": pl.String,
    "ug_id": pl.String,
    "requested_at": pl.Datetime("us", "UTC"),
    "recoverable_share": pl.Float64,
    "intervene_hours": pl.Float64,
    "repair_hours": pl.Float64,
}
# A ticket's stored state as domain.facts.facts_at reads it (lifecycle.TicketState).
STATE_FRAME_SCHEMA = {
    "visits": pl.Int32,
    "first_visit_at": pl.Datetime("us", "UTC"),
    "resolved_at": pl.Datetime("us", "UTC"),
    "closed_at": pl.Datetime("us", "UTC"),
    "cancelled_at": pl.Datetime("us", "UTC"),
    "has_quitus": pl.Boolean,
    "planned": pl.Boolean,
    "on_hold": pl.Boolean,
    "cost_eur": pl.Float64,
    "last_recorded_at": pl.Datetime("us", "UTC"),
}
EVENT_FRAME_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "intervention_id": pl.String,
    "sequence": pl.Int32,
    "kind": pl.String,
    "event_time": pl.Datetime("us", "UTC"),
    "recorded_at": pl.Datetime("us", "UTC"),
    "cost_eur": pl.Float64,
}


# The kinds that end a ticket's open life (cancelled, closed or resolved: lifecycle.status_of).
ENDING_KINDS = ("RESOLVED", "CLOSED", "CANCELLED")


def _known_open(known_at: datetime, among):
    """(id, first_visit_at) of the tickets ``among`` picks (a condition on the events' ticket)
    open as known at ``known_at``:
    their REQUESTED event recorded by then, and none of ENDING_KINDS; first_visit_at is the
    earliest VISIT_STARTED recorded by then (domain.facts). One grouped pass over the events of
    the kinds that matter, in the database: no history leaves it."""
    ev = m.intervention_events.c
    requested = func.max(case((ev.kind == "REQUESTED", 1), else_=0))
    ended = func.max(case((ev.kind.in_(ENDING_KINDS), 1), else_=0))
    first_visit = func.min(case((ev.kind == "VISIT_STARTED", ev.event_time)), type_=UTCDateTime())
    return (
        select(ev.intervention_id.label("id"), first_visit.label("first_visit_at"))
        .where(
            ev.recorded_at <= known_at,
            ev.kind.in_(("REQUESTED", "VISIT_STARTED", *ENDING_KINDS)),
            among,
        )
        .group_by(ev.intervention_id)
        .having(requested == 1, ended == 0)
    )


def _stored_keys(conn, column, keys: list[str]) -> set[str]:
    """Those of ``keys`` already stored in ``column``."""
    found: set[str] = set()
    unique = list(set(keys))
    for start in range(0, len(unique), 900):  # SQLite caps bound parameters
        found.update(conn.execute(select(column).where(column.in_(unique[start : start + 900]))).scalars())
    return found


def _rows(conn, query, schema: dict) -> pl.DataFrame:
    """A query's rows read one by one into a frame (SQLite)."""
    return pl.DataFrame([tuple(r) for r in conn.execute(query)], schema=schema, orient="row")
