"""Contractors' intervention events over a period, deterministic from a seed.

Volumes follow the landlord of the seed talk: about 5.9 interventions per dwelling and year
in all (85,000 dwellings, 500,000 interventions). Preventive visits come from the contracts'
plans (each equipment of the plan's kind, every ``interval_days``); equipment breakdowns and
diagnostics have fixed demo rates, and multiservice repairs in dwellings and common areas
make up the rest, so that every calendar year has the same volume per dwelling.

The history improves year after year (HISTORY, oldest first; a period's last calendar year takes
the last profile): a curative intervention takes 1 to 3 visits, fixed at the first visit more
and more often (60 %, 70 %, 80 %), and more of the plans' due visits are done (60 %, 70 %,
80 %, the seed's "last August 60 %, this August 70 %"), so that the preventive share rises.

Each ticket is a sequence of events REQUESTED, PLANNED, VISIT_STARTED / VISIT_ENDED per
visit, RESOLVED, QUITUS, CLOSED (or CANCELLED), each recorded a little after it happened;
what would be recorded at or after ``end`` is left out, so tickets near the end stay open.

About ``bad_share`` of the records are deliberately bad, each breaking one rule of
services/interventions/rules.py; their ``note`` says so ("demo: breaks <rule>"), and a
CLOSED with no QUITUS says "demo: warns closed_without_quitus". A few good records are sent
twice (identical re-sends). ``expected_issues`` counts all of that from the events.
"""

import bisect
import io
import math
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

import polars as pl

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.demo.contracts import Contracting
from services.demo.portfolio import Portfolio

INTERVENTIONS_PER_DWELLING_YEAR = 5.9
YEAR_S, DAY_S, HOUR_S = 365 * 86400, 86400, 3600
# Demo rates and shares.
CURATIVE_PER_EQUIPMENT_YEAR = {"lift": 3.5, "boiler_room": 5.0, "car_park_door": 4.0}
TRADE_OF_EQUIPMENT = {"lift": "lift", "boiler_room": "heating", "car_park_door": "car_park_door"}
DIAGNOSTICS_PER_DWELLING_YEAR = 0.15
MIN_MULTISERVICE_PER_DWELLING_YEAR = 1.0
COMMON_AREA_SHARE = 0.15  # multiservice tickets on a building's common areas
PROBLEM_UNIT_SHARE, PROBLEM_UNIT_WEIGHT = 0.02, 8  # recurring faults, for the hit parade
CRITICALITIES = (("urgent", "normal", "low"), (0.12, 0.68, 0.20))
DIAGNOSTIC_CRITICALITIES = (("normal", "low"), (0.7, 0.3))
DEADLINE_MET = 0.9
CANCELLED_SHARE = 0.02
PLAN_VISIT_LATE = 0.07
CLOSED_WITHOUT_QUITUS = 0.01
DUPLICATE_SHARE = 0.003
BAD_NOTE, WARN_NOTE = "demo: breaks ", "demo: warns "
# The optional fields of an event, as Arrow columns (EventColumns names and types)
ARROW_FIELD_TYPES: dict[str, type[pl.DataType]] = {
    "contract_id": pl.String,
    "service_code": pl.String,
    "ug_id": pl.String,
    "building_id": pl.String,
    "equipment_id": pl.String,
    "criticality": pl.String,
    "description": pl.String,
    "visit_number": pl.Int32,
    "quitus_document": pl.String,
    "quitus_signed_by": pl.String,
    "cost_eur": pl.Float64,
    "note": pl.String,
}
# Step of the golden-ratio sequences (_Generator.spread)
GOLDEN_STEP = (math.sqrt(5) - 1) / 2


@dataclass(frozen=True, slots=True)
class YearProfile:
    """How the contractors work in one calendar year of the history (demo values)."""

    visit_shares: tuple[float, float, float]  # of curative interventions taking 1, 2, 3 visits
    plan_visits_done: float  # share of the preventive plans' due visits done (not cancelled)

    @property
    def visits_per_intervention(self) -> float:
        return sum(n * share for n, share in enumerate(self.visit_shares, start=1))


# Oldest year first: 1.52, 1.38 and 1.25 visits per curative intervention.
HISTORY = (
    YearProfile((0.60, 0.28, 0.12), 0.60),
    YearProfile((0.70, 0.22, 0.08), 0.70),
    YearProfile((0.80, 0.15, 0.05), 0.80),
)

DESCRIPTIONS = {
    "MS-CUR": (
        "Fuite sous évier",
        "Porte palière bloquée",
        "Prise électrique hors service",
        "Infiltration salle de bain",
        "Volet roulant bloqué",
        "Robinetterie à remplacer",
        "Interphone en panne",
        "Éclairage parties communes HS",
    ),
    "MS-DIAG": ("Diagnostic humidité", "Diagnostic électricité", "Diagnostic plomberie"),
    "LIFT-CUR": ("Ascenseur en panne", "Porte palière d'ascenseur bloquée"),
    "HEAT-CUR": ("Absence de chauffage", "Absence d'eau chaude", "Pression chaufferie basse"),
    "DOOR-CUR": ("Porte de parking bloquée ouverte", "Télécommande sans effet"),
}


def generate_events(
    portfolio: Portfolio,
    contracting: Contracting,
    seed: int,
    start: datetime,
    end: datetime,
    bad_share: float = 0.03,
    history: Sequence[YearProfile] = HISTORY,
) -> "Events":
    """Every event of [start, end), sorted by recorded_at (stable: a ticket's events keep their
    order). The calendar years of the period take the last profiles of ``history``, the last
    year the last one; years before the first profile take the first."""
    rows = _Generator(portfolio, contracting, seed, start, end, bad_share, history).run()
    rows.sort(key=itemgetter(0))
    return Events(rows)


class Events(Sequence):
    """The events, as a sequence of pb.InterventionEvent built on access.

    Millions of protobuf messages held at once take about 1.5 KB each (one arena per message):
    the events are kept as plain tuples, and messages are built when read, inside shared
    containers (``batches`` builds each IngestEventsRequest in place, with no copy).
    """

    def __init__(self, rows: list[tuple]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return _messages(self._rows[i])
        return _messages([self._rows[i]])[0]

    def __iter__(self) -> Iterator[pb.InterventionEvent]:
        for offset in range(0, len(self._rows), 5000):
            yield from _messages(self._rows[offset : offset + 5000])

    def per_contractor(self) -> Counter:
        """Number of events of each contractor."""
        return Counter(row[2] for row in self._rows)

    def batches(self, size: int, prefix: str = "demo") -> Iterator[pb.IngestEventsRequest]:
        for n, offset in enumerate(range(0, len(self._rows), size)):
            batch = pb.IngestEventsRequest(batch_id=f"{prefix}-{n:06d}")
            _fill(batch.events.events, self._rows[offset : offset + size])
            yield batch

    def arrow_batches(self, size: int, prefix: str = "demo") -> Iterator[pb.IngestEventsRequest]:
        """The same batches, each as one Arrow IPC stream (IngestEventsRequest.arrow_ipc): no
        protobuf message per event to build here nor to read on the server."""
        for n, offset in enumerate(range(0, len(self._rows), size)):
            yield pb.IngestEventsRequest(
                batch_id=f"{prefix}-{n:06d}", arrow_ipc=_arrow_ipc(self._rows[offset : offset + size])
            )


def batches(
    events: Sequence[pb.InterventionEvent], size: int, prefix: str = "demo"
) -> Iterator[pb.IngestEventsRequest]:
    if isinstance(events, Events):
        yield from events.batches(size, prefix)
        return
    for n, offset in enumerate(range(0, len(events), size)):
        yield pb.IngestEventsRequest(
            batch_id=f"{prefix}-{n:06d}", events=pb.EventList(events=events[offset : offset + size])
        )


def expected_issues(events: Iterable[pb.InterventionEvent]) -> tuple[Counter[str], Counter[str], int]:
    """(rejections by rule, warnings by rule, identical re-sends) the generator meant."""
    bad: Counter[str] = Counter()
    warn: Counter[str] = Counter()
    seen: set[tuple[str, str, int]] = set()
    duplicates = 0
    for e in events:
        key = (e.contractor_id, e.external_ref, e.sequence)
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        if e.note.startswith(BAD_NOTE):
            bad[e.note.removeprefix(BAD_NOTE)] += 1
        elif e.note.startswith(WARN_NOTE):
            warn[e.note.removeprefix(WARN_NOTE)] += 1
    return bad, warn, duplicates


def _arrow_ipc(rows: list[tuple]) -> bytes:
    """Rows as an LZ4-compressed Arrow IPC stream whose columns are named as the EventColumns
    fields; a field an event does not set is null (the field's empty value)."""
    frame = pl.DataFrame(
        {
            "recorded_at_us": pl.Series([row[0] for row in rows], dtype=pl.Int64) * 1_000_000,
            "event_time_us": pl.Series([row[1] for row in rows], dtype=pl.Int64) * 1_000_000,
            "contractor_id": pl.Series([row[2] for row in rows], dtype=pl.String),
            "external_ref": pl.Series([row[3] for row in rows], dtype=pl.String),
            "sequence": pl.Series([row[4] for row in rows], dtype=pl.Int32),
            "kind": pl.Series([row[5] for row in rows], dtype=pl.Int32),
        }
    ).hstack(pl.DataFrame([row[6] or {} for row in rows], schema=ARROW_FIELD_TYPES))
    buffer = io.BytesIO()
    frame.write_ipc_stream(buffer, compression="lz4")
    return buffer.getvalue()


def _messages(rows: list[tuple]) -> list[pb.InterventionEvent]:
    holder = pb.EventList()
    _fill(holder.events, rows)
    return list(holder.events)


def _fill(container, rows: list[tuple]) -> None:
    add = container.add
    for rec, t, cid, ref, seq, kind, fields in rows:
        if fields:
            add(
                contractor_id=cid,
                external_ref=ref,
                sequence=seq,
                kind=kind,
                event_time={"seconds": t},
                recorded_at={"seconds": rec},
                **fields,
            )
        else:
            add(
                contractor_id=cid,
                external_ref=ref,
                sequence=seq,
                kind=kind,
                event_time={"seconds": t},
                recorded_at={"seconds": rec},
            )


class _Contract:
    """What the generator needs of a contract."""

    def __init__(self, contract: pb.Contract, buildings: set[str], all_buildings: list[str]) -> None:
        self.id, self.contractor_id = contract.id, contract.contractor_id
        self.trade = contract.trades[0]
        self.codes = {
            c.code: (
                c.nature,
                c.unit_price_eur,
                {d.criticality: (d.intervene_hours, d.repair_hours) for d in c.deadlines},
            )
            for c in contract.service_codes
        }
        self.plans = list(contract.preventive_plans)
        self.buildings = buildings
        self.outside = [b for b in all_buildings if b not in buildings]

    def code_of(self, nature: int) -> str:
        return next(code for code, (n, _, _) in self.codes.items() if n == nature)


def _calendar_years(start: datetime, end: datetime) -> list[tuple[int, int]]:
    """[start, end) cut at each 1 January (in start's time zone), as epoch seconds."""
    cuts = [datetime(y, 1, 1, tzinfo=start.tzinfo) for y in range(start.year + 1, end.year + 1)]
    bounds = [start, *(c for c in cuts if start < c < end), end]
    return [(int(a.timestamp()), int(b.timestamp())) for a, b in zip(bounds, bounds[1:], strict=False)]


class _Generator:
    def __init__(
        self,
        portfolio: Portfolio,
        contracting: Contracting,
        seed: int,
        start: datetime,
        end: datetime,
        bad_share: float,
        history: Sequence[YearProfile],
    ) -> None:
        if end <= start:
            raise ValueError("end must be after start")
        if not history:
            raise ValueError("history needs at least one year profile")
        self.rng = random.Random(f"events-{seed}")
        self.start, self.end = int(start.timestamp()), int(end.timestamp())
        years = _calendar_years(start, end)
        first = len(history) - len(years)
        # (start, end, profile) of each calendar year of the period
        self.segments = [(lo, hi, history[max(0, first + i)]) for i, (lo, hi) in enumerate(years)]
        self.segment_starts = [lo for lo, _, _ in self.segments]
        self.spread_phase = self.rng.random()
        self.spread_points: Counter = Counter()
        self.ref_tag = start.strftime("%Y%m%d")
        self.bad_share = bad_share
        self.portfolio = portfolio
        self.rows: list[tuple] = []
        self.refs: Counter = Counter()
        territory_of = {r.id: r.territory_id for r in portfolio.residences}
        self.building_ids = [b.id for b in portfolio.buildings]
        self.contracts = []
        self.by_trade: dict[str, dict[str, _Contract]] = {}
        for k in contracting.contracts:
            scope = set(k.territory_ids), set(k.residence_ids), set(k.building_ids)
            covered = {
                b.id
                for b in portfolio.buildings
                if territory_of[b.residence_id] in scope[0] or b.residence_id in scope[1] or b.id in scope[2]
            }
            contract = _Contract(k, covered, self.building_ids)
            self.contracts.append(contract)
            for bid in covered:
                self.by_trade.setdefault(contract.trade, {}).setdefault(bid, contract)

    def between(self, low: int, high: int) -> int:
        """An integer of [low, high): randrange's job, 10x faster (good enough for a demo)."""
        return low + int(self.rng.random() * (high - low))

    def delay(self) -> int:
        """Seconds between an event and its recording: exponential, one hour on average."""
        return int(-math.log(1.0 - self.rng.random()) * HOUR_S)

    def spread(self, key: tuple) -> float:
        """The next point in [0, 1) of a golden-ratio sequence of ``key``'s own, where a share
        must show at any size: of n points, the share below any x is within a few of n x, where
        independent draws stray by about the square root of n (in a small portfolio, enough to
        hide or reverse a year-on-year trend)."""
        n = self.spread_points[key]
        self.spread_points[key] += 1
        return (self.spread_phase + n * GOLDEN_STEP) % 1.0

    def segment_of(self, t: int) -> int:
        """The calendar year of the period that ``t`` falls in (the first or last one outside)."""
        return min(max(bisect.bisect_right(self.segment_starts, t) - 1, 0), len(self.segments) - 1)

    # ------------------------------------------------------------ volumes

    def run(self) -> list[tuple]:
        dwellings = [u for u in self.portfolio.units if u.kind == "dwelling"]
        # the same units have recurring faults every year
        self.unit_weights = [PROBLEM_UNIT_WEIGHT if self.rng.random() < PROBLEM_UNIT_SHARE else 1 for _ in dwellings]
        preventive = self.preventive()
        for i, (lo, hi, _) in enumerate(self.segments):
            dwelling_years = max(len(dwellings) * (hi - lo) / YEAR_S, 1e-9)
            equipment_curative = self.equipment_curative(lo, hi)
            diagnostics = round(DIAGNOSTICS_PER_DWELLING_YEAR * dwelling_years)
            self.dwelling_tickets(dwellings, "MS-DIAG", diagnostics, lo, hi)
            rate = max(
                MIN_MULTISERVICE_PER_DWELLING_YEAR,
                INTERVENTIONS_PER_DWELLING_YEAR - (preventive[i] + equipment_curative + diagnostics) / dwelling_years,
            )
            multiservice = round(rate * dwelling_years)
            common = round(multiservice * COMMON_AREA_SHARE)
            self.dwelling_tickets(dwellings, "MS-CUR", multiservice - common, lo, hi)
            self.common_area_tickets(common, lo, hi)
        return self.rows

    def preventive(self) -> Counter:
        """Plan visits, due every ``interval_days`` across the years; returns the number of
        interventions ordered in each calendar year (by due date)."""
        counts: Counter = Counter()
        # a cancelled order is not a visit done: order a little more to do the profile's share
        ordered = [min(1.0, p.plan_visits_done / (1 - CANCELLED_SHARE)) for _, _, p in self.segments]
        equipment_by_kind: dict[str, list[pb.Equipment]] = {}
        for e in self.portfolio.equipment:
            equipment_by_kind.setdefault(e.kind, []).append(e)
        for contract in self.contracts:
            for plan in contract.plans:
                interval = plan.interval_days * DAY_S
                for e in equipment_by_kind.get(plan.equipment_kind, ()):
                    if e.building_id not in contract.buildings:
                        continue
                    due = self.start + self.between(0, interval)
                    while due < self.end:
                        year = self.segment_of(due)
                        if self.spread(("plan", contract.id, year)) < ordered[year]:
                            self.plan_visit(contract, plan.service_code, e, due - due % DAY_S)
                            counts[year] += 1
                        due += interval
        return counts

    def equipment_curative(self, lo: int, hi: int) -> int:
        count, years = 0, (hi - lo) / YEAR_S
        for e in self.portfolio.equipment:
            rate = CURATIVE_PER_EQUIPMENT_YEAR.get(e.kind)
            contract = self.by_trade.get(TRADE_OF_EQUIPMENT.get(e.kind, ""), {}).get(e.building_id)
            if rate is None or contract is None:
                continue
            code = contract.code_of(pb.NATURE_CURATIVE)
            for _ in range(self._poisson(rate * years)):
                t0 = self.request_time(lo, hi, seasonal=e.kind == "boiler_room")
                self.ticket(contract, code, t0, {"building_id": e.building_id, "equipment_id": e.id})
                count += 1
        return count

    def dwelling_tickets(self, dwellings: list[pb.Unit], code: str, n: int, lo: int, hi: int) -> None:
        trade_contracts = self.by_trade.get("multiservice", {})
        for unit in self.rng.choices(dwellings, self.unit_weights, k=n):
            contract = trade_contracts.get(unit.building_id)
            if contract is not None:
                self.ticket(contract, code, self.request_time(lo, hi), {"ug_id": unit.ug_id})

    def common_area_tickets(self, n: int, lo: int, hi: int) -> None:
        buildings = self.portfolio.buildings
        trade_contracts = self.by_trade.get("multiservice", {})
        for b in self.rng.choices(buildings, [b.dwellings for b in buildings], k=n):
            contract = trade_contracts.get(b.id)
            if contract is not None:
                self.ticket(contract, "MS-CUR", self.request_time(lo, hi), {"building_id": b.id})

    def _poisson(self, mean: float) -> int:
        limit, k, p = math.exp(-mean), 0, self.rng.random()
        while p > limit:
            k += 1
            p *= self.rng.random()
        return k

    def request_time(self, lo: int, hi: int, seasonal: bool = False) -> int:
        """A working-hours moment of [lo, hi); heating faults are more frequent in winter."""
        rng, days = self.rng, max(1, (hi - lo) // DAY_S)
        while True:
            t = lo + self.between(0, days) * DAY_S + self.between(7 * HOUR_S, 20 * HOUR_S)
            winter = math.cos(2 * math.pi * ((t / DAY_S) % 365.25 - 15) / 365.25)  # 1 mid-January
            if not seasonal or rng.random() < 0.55 + 0.45 * winter:
                return t

    def visits(self, contract: _Contract, t0: int) -> int:
        """1, 2 or 3 visits, in the shares of the profile of the year of ``t0``."""
        year = self.segment_of(t0)
        u = self.spread(("visits", contract.id, year))
        one, two, _ = self.segments[year][2].visit_shares
        return 1 if u < one else 2 if u < one + two else 3

    # ------------------------------------------------------------ tickets

    def plan_visit(self, contract: _Contract, code: str, equipment: pb.Equipment, day: int) -> None:
        rng = self.rng
        visit = day + self.between(8 * HOUR_S, 16 * HOUR_S)
        t0 = max(self.start, visit - self.between(DAY_S, 5 * DAY_S))
        visit = max(visit, t0 + HOUR_S)
        if rng.random() < PLAN_VISIT_LATE:
            visit += self.between(8 * DAY_S, 20 * DAY_S)
        target = {"building_id": equipment.building_id, "equipment_id": equipment.id}
        fields = {
            "contract_id": contract.id,
            "service_code": code,
            "criticality": "normal",
            "description": f"Visite préventive {equipment.label}",
            **target,
        }
        evs: list[tuple[int, pb.EventKind, dict[str, Any] | None]] = [(t0, pb.EVENT_KIND_REQUESTED, fields)]
        if rng.random() < CANCELLED_SHARE:
            evs.append((t0 + self.between(HOUR_S, 3 * DAY_S), pb.EVENT_KIND_CANCELLED, None))
        else:
            end = visit + self.between(1800, 3 * HOUR_S)
            evs += [
                (visit, pb.EVENT_KIND_VISIT_STARTED, {"visit_number": 1}),
                (end, pb.EVENT_KIND_VISIT_ENDED, {"visit_number": 1}),
                (end + self.between(0, 1800), pb.EVENT_KIND_RESOLVED, {"cost_eur": contract.codes[code][1]}),
            ]
            self.sign_off(evs, "landlord")
        self.emit(contract, evs)

    def ticket(self, contract: _Contract, code: str, t0: int, target: dict) -> None:
        rng = self.rng
        nature, price, deadlines = contract.codes[code]
        if nature == pb.NATURE_DIAGNOSTIC:
            criticality = rng.choices(*DIAGNOSTIC_CRITICALITIES)[0]
            visits = 1
        else:
            criticality = rng.choices(*CRITICALITIES)[0]
            visits = self.visits(contract, t0)
        intervene_h, repair_h = deadlines[criticality]
        fields = {
            "contract_id": contract.id,
            "service_code": code,
            "criticality": criticality,
            "description": rng.choice(DESCRIPTIONS[code]),
            **target,
        }
        spans = self.visit_spans(t0, intervene_h, repair_h, visits)
        planned = t0 + min(self.between(300, 4 * HOUR_S), (spans[0][0] - t0) // 2)
        evs = [(t0, pb.EVENT_KIND_REQUESTED, fields), (planned, pb.EVENT_KIND_PLANNED, None)]
        if rng.random() < CANCELLED_SHARE:
            evs.append((planned + self.between(HOUR_S, 3 * DAY_S), pb.EVENT_KIND_CANCELLED, None))
        else:
            for n, (s, e) in enumerate(spans, start=1):
                evs += [
                    (s, pb.EVENT_KIND_VISIT_STARTED, {"visit_number": n}),
                    (e, pb.EVENT_KIND_VISIT_ENDED, {"visit_number": n}),
                ]
            cost = round(price * (1 + 0.4 * (visits - 1)) * rng.uniform(0.7, 1.8), 2)
            evs.append((spans[-1][1] + self.between(0, 1800), pb.EVENT_KIND_RESOLVED, {"cost_eur": cost}))
            self.sign_off(evs, "tenant" if "ug_id" in target else "landlord")
        self.emit(contract, evs, curative=nature == pb.NATURE_CURATIVE)

    def visit_spans(self, t0: int, intervene_h: float, repair_h: float, visits: int) -> list[tuple[int, int]]:
        """Visits meeting the deadlines DEADLINE_MET of the time; later visits spread to the repair target."""
        rng = self.rng
        met = rng.random() < DEADLINE_MET
        first = t0 + int(intervene_h * HOUR_S * (rng.uniform(0.15, 0.95) if met else rng.uniform(1.02, 1.8)))
        spans = [(first, first + self.between(1200, 3 * HOUR_S))]
        if visits > 1:
            met = rng.random() < DEADLINE_MET
            target = t0 + int(repair_h * HOUR_S * (rng.uniform(0.3, 0.95) if met else rng.uniform(1.05, 2.0)))
            gap = (max(target, spans[0][1] + (visits - 1) * 5 * HOUR_S) - spans[0][1]) // (visits - 1)
            for _ in range(visits - 1):
                end = spans[-1][1] + gap
                spans.append((end - self.between(1200, 3 * HOUR_S), end))
        return spans

    def sign_off(self, evs: list, signed_by: str) -> None:
        rng = self.rng
        at = evs[-1][0] + self.between(HOUR_S, 5 * DAY_S)
        if rng.random() < CLOSED_WITHOUT_QUITUS:
            evs.append((at, pb.EVENT_KIND_CLOSED, {"note": WARN_NOTE + "closed_without_quitus"}))
            return
        evs.append((at, pb.EVENT_KIND_QUITUS, {"quitus_document": "", "quitus_signed_by": signed_by}))
        evs.append((at + self.between(600, 2 * DAY_S), pb.EVENT_KIND_CLOSED, None))

    # ------------------------------------------------------------ records

    def next_ref(self, contract: _Contract) -> str:
        self.refs[contract.contractor_id] += 1
        return f"{contract.contractor_id}-{self.ref_tag}-{self.refs[contract.contractor_id]:07d}"

    def emit(self, contract: _Contract, evs: list, curative: bool = False) -> None:
        """Number the events, record them, maybe spoil one, cut at the end of the period."""
        rng, cid, ref = self.rng, contract.contractor_id, self.next_ref(contract)
        for i, (t, kind, fields) in enumerate(evs):
            if kind == pb.EVENT_KIND_QUITUS:
                evs[i] = (t, kind, {**fields, "quitus_document": f"PV-{ref}"})
        if self.bad_share and rng.random() < self.bad_share * len(evs):
            self.spoil(contract, evs, curative)
        rec = self.start
        rows = self.rows
        for seq, (t, kind, fields) in enumerate(evs, start=1):
            rec = max(rec, t + min(DAY_S, 60 + self.delay()))
            if rec >= self.end:
                return  # not yet known at the end of the period
            row = (rec, t, cid, ref, seq, kind, fields)
            rows.append(row)
            if rng.random() < DUPLICATE_SHARE and not (fields and fields.get("note", "").startswith(BAD_NOTE)):
                resent = rec + self.between(600, 6 * HOUR_S)
                if resent < self.end:
                    rows.append((resent, *row[1:]))

    def spoil(self, contract: _Contract, evs: list, curative: bool) -> None:
        """Add one record that breaks one rule, either in this ticket or as a ticket of its own."""
        rng = self.rng
        kinds = [k for _, k, _ in evs]
        choices = [
            "unknown_unit",
            "unknown_service_code",
            "unknown_criticality",
            "unknown_intervention",
            "event_before_request",
        ]
        if contract.outside:
            choices.append("contract_not_covering_building")
        if pb.EVENT_KIND_VISIT_ENDED in kinds:
            choices += ["visit_end_before_start", "visit_end_without_start"]
            if curative:
                choices.append("curative_resolved_without_visit")
        if pb.EVENT_KIND_RESOLVED in kinds:
            choices.append("invalid_value")
        if pb.EVENT_KIND_QUITUS in kinds:
            choices.append("missing_field")
        if pb.EVENT_KIND_CLOSED in kinds:
            choices.append("event_after_closure")
        rule = rng.choice(choices)
        note = {"note": BAD_NOTE + rule}
        t0, _, request = evs[0]
        if rule in (
            "unknown_unit",
            "unknown_service_code",
            "unknown_criticality",
            "contract_not_covering_building",
            "unknown_intervention",
        ):
            self.spoilt_ticket(contract, rule, t0 + self.between(60, HOUR_S), request, note)
        elif rule == "event_before_request":
            evs.insert(1, (t0 - self.between(HOUR_S, 3 * DAY_S), pb.EVENT_KIND_PLANNED, note))
        elif rule == "visit_end_before_start":
            i = kinds.index(pb.EVENT_KIND_VISIT_ENDED)
            started = evs[i - 1][0]
            evs.insert(
                i,
                (
                    started - min(self.between(600, 2 * HOUR_S), (started - t0) // 2),
                    pb.EVENT_KIND_VISIT_ENDED,
                    {"visit_number": 1, **note},
                ),
            )
        elif rule == "visit_end_without_start":
            i = kinds.index(pb.EVENT_KIND_VISIT_ENDED)
            evs.insert(i + 1, (evs[i][0] + 60, pb.EVENT_KIND_VISIT_ENDED, {"visit_number": 1, **note}))
        elif rule == "curative_resolved_without_visit":
            i = kinds.index(pb.EVENT_KIND_VISIT_STARTED)
            evs.insert(i, (evs[i - 1][0] + 60, pb.EVENT_KIND_RESOLVED, {"cost_eur": 50.0, **note}))
        elif rule == "invalid_value":
            i = kinds.index(pb.EVENT_KIND_RESOLVED)
            evs.insert(i, (evs[i][0], pb.EVENT_KIND_RESOLVED, {"cost_eur": -evs[i][2]["cost_eur"] - 1, **note}))
        elif rule == "missing_field":
            i = kinds.index(pb.EVENT_KIND_QUITUS)
            evs.insert(i, (evs[i][0], pb.EVENT_KIND_QUITUS, {"quitus_signed_by": "tenant", **note}))
        else:  # event_after_closure
            evs.append((evs[-1][0] + self.between(HOUR_S, 2 * DAY_S), pb.EVENT_KIND_PLANNED, note))

    def spoilt_ticket(self, contract: _Contract, rule: str, t: int, request: dict, note: dict) -> None:
        """A ticket of one bad record; its follow-ups would only repeat the verdict."""
        fields = {**request, **note}
        kind = pb.EVENT_KIND_REQUESTED
        if rule == "unknown_unit":
            fields = {**fields, "ug_id": f"UG9{self.between(0, 10**6):06d}", "building_id": "", "equipment_id": ""}
        elif rule == "unknown_service_code":
            fields["service_code"] += "-X"
        elif rule == "unknown_criticality":
            fields["criticality"] = "critique"
        elif rule == "contract_not_covering_building":
            fields = {**fields, "ug_id": "", "building_id": self.rng.choice(contract.outside), "equipment_id": ""}
        else:  # unknown_intervention: a visit on a ticket never requested
            fields, kind = {"visit_number": 1, **note}, pb.EVENT_KIND_VISIT_STARTED
        rec = t + 60 + self.delay()
        if rec < self.end:
            self.rows.append((rec, t, contract.contractor_id, self.next_ref(contract), 1, kind, fields))
