"""Persistence of the consumption service. Bulk writes go through COPY on PostgreSQL; frames are
read back with COPY ... TO STDOUT (PostgreSQL) or one query (SQLite)."""

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

import polars as pl
from sqlalchemy import Connection, Engine, Table, delete, insert, select, text
from sqlalchemy.exc import OperationalError

from services.consumption import models as m
from services.consumption.domain.vocab import CARRIERS, READING_KINDS, USAGES
from services.runtime.bounded_cache import BoundedCache
from services.runtime.db import insert_frame, serialised_writes, upsert_frame
from services.runtime.pg_frames import read_frame

READING_COLUMNS = ["meter_id", "kind", "read_at_us", "period_start_us", "value", "estimated", "recorded_at_us"]
READING_SCHEMA = pl.Schema(
    {
        "meter_id": pl.Int64(),
        "kind": pl.String(),
        "read_at_us": pl.Int64(),
        "period_start_us": pl.Int64(),
        "value": pl.Float64(),
        "estimated": pl.Boolean(),
        "recorded_at_us": pl.Int64(),
    }
)
METER_COLUMNS = [c.name for c in m.meters.columns if c.name not in ("id", "recorded_at")]
TS = pl.Datetime("us", "UTC")


def _year_start_us(year: int) -> int:
    """1 January of ``year``, 00:00 UTC, in microseconds since the epoch."""
    return int(datetime(year, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000


def _utc_year(instant_us: int) -> int:
    return datetime.fromtimestamp(instant_us / 1_000_000, UTC).year


def _years(from_us: int, to_us: int) -> range:
    """The civil years (UTC) of the instants from ``from_us`` to ``to_us``, both included."""
    return range(_utc_year(from_us), _utc_year(to_us) + 1)


def _kept_key(as_of_us: int, year: int) -> tuple[str, int, int]:
    return ("readings", as_of_us, year)


def _as_readings(read: pl.DataFrame) -> pl.DataFrame:
    """One kind's readings as ``readings_by_kind`` gives them: instants as UTC datetimes, sorted
    by meter and instant here, not by the database (PostgreSQL sorted a month's million readings
    on disk, beyond work_mem, longer than it took to read them)."""
    return read.sort("meter_id", "read_at_us").select(
        "meter_id",
        read_at=pl.col("read_at_us").cast(TS),
        period_start=pl.col("period_start_us").cast(TS),
        value="value",
        estimated="estimated",
    )


KEEP_WINDOWS_FROM_US = 300 * 86_400 * 1_000_000  # a year's export with its margins is longer


FILTERABLE = {"usage": USAGES, "carrier": CARRIERS}  # meter columns readings can be selected by
BITMAP_SCANS_ONLY = {"enable_seqscan": "off", "enable_indexscan": "off"}  # see _read_readings
SUMMARY_LOCK_WAIT = "200ms"  # see _summarise_new_pages
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout runs out
QUERY_CANCELED = "57014"  # and when the statement timeout does
IN_LIST = 10_000  # values bound in one IN (...): SQLite allows 32,766 parameters a statement


@dataclass(frozen=True)
class Versioned:
    """A table of versions (models: "Versions"): per ``key``, one row per change, recorded_at in the
    primary key. Stored versions are looked up by ``by`` (bound IN_LIST values at a time) and the
    range of ``span`` in what is written."""

    table: Table
    key: tuple[str, ...]
    schema: dict  # the key's, the values' and recorded_at's types
    by: str
    span: str

    @property
    def values(self) -> list[str]:
        return [c for c in self.schema if c not in self.key and c != "recorded_at"]


PROVISIONS = Versioned(
    m.provisions,
    ("unit_id", "month", "charge_category"),
    {
        "unit_id": pl.String,
        "month": pl.Date,
        "charge_category": pl.String,
        "amount_eur": pl.Float64,
        "building_id": pl.String,
        "recorded_at": TS,
    },
    by="unit_id",
    span="month",
)
PROVISION_SCHEMA = PROVISIONS.schema
PRICES = Versioned(
    m.prices,
    ("target", "valid_from"),
    {
        "target": pl.String,
        "valid_from": TS,
        "basis": pl.String,
        "eur_per_unit": pl.Float64,
        "fixed_eur_per_month": pl.Float64,
        "source": pl.String,
        "recorded_at": TS,
    },
    by="target",
    span="valid_from",
)
GAS_COEFFICIENTS = Versioned(
    m.gas_coefficients,
    ("meter_id", "valid_from"),
    {"meter_id": pl.Int64, "valid_from": TS, "kwh_pcs_per_m3": pl.Float64, "source": pl.String, "recorded_at": TS},
    by="meter_id",
    span="valid_from",
)
REPLACEMENTS = Versioned(
    m.replacements,
    ("meter_id", "replaced_at"),
    {
        "meter_id": pl.Int64,
        "replaced_at": TS,
        "old_last_index": pl.Float64,
        "new_first_index": pl.Float64,
        "recorded_at": TS,
    },
    by="meter_id",
    span="replaced_at",
)
WEATHER_DAYS = Versioned(
    m.weather_days,
    ("station", "day"),
    {
        "station": pl.String,
        "day": pl.Date,
        "tn": pl.Float64,
        "tx": pl.Float64,
        "dju_meteo": pl.Float64,
        "dju_costic": pl.Float64,
        "source": pl.String,
        "recorded_at": TS,
    },
    by="station",
    span="day",
)
DJU_NORMALS = Versioned(
    m.dju_normals,
    ("station", "month_of_year"),
    {
        "station": pl.String,
        "month_of_year": pl.Int64,
        "dju_ref": pl.Float64,
        "ref_period": pl.String,
        "recorded_at": TS,
    },
    by="station",
    span="month_of_year",
)


class ConsumptionStore:
    def __init__(self, engine: Engine, readings_cache: BoundedCache | None = None) -> None:
        """``readings_cache``: where readings as of a settled cut-off are kept (``readings``),
        None to read them from the database every time."""
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.readings_cache = readings_cache

    # ---- reading frames back -------------------------------------------------------------
    def _frame(self, conn: Connection, sql: str, schema: dict) -> pl.DataFrame:
        """Run a query with no bound parameters (callers format integers only) into a frame."""
        if self.postgres:
            buf = io.BytesIO()
            raw = conn.connection.driver_connection
            assert raw is not None  # a pooled connection always has its driver connection
            with raw.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
                for chunk in copy:
                    buf.write(chunk)
            if buf.tell() == 0:
                return pl.DataFrame(schema=schema)
            buf.seek(0)
            bools = [c for c, t in schema.items() if t == pl.Boolean]
            text_schema = {c: (pl.String if t == pl.Boolean else t) for c, t in schema.items()}
            f = pl.read_csv(buf, has_header=False, new_columns=list(schema), schema_overrides=text_schema)
            return f.with_columns([(pl.col(c) == "t") for c in bools]).cast(schema)
        rows = conn.exec_driver_sql(sql).fetchall()
        return pl.DataFrame(rows, schema=list(schema), orient="row").cast(schema)

    # ---- meters ----------------------------------------------------------------------------
    def upsert_meters(self, rows: list[dict], now: datetime) -> int:
        if not rows:
            return 0
        frame = pl.DataFrame([{**r, "recorded_at": now} for r in rows], infer_schema_length=None)
        with self.engine.begin() as conn:
            upsert_frame(conn, m.meters, frame.select([*METER_COLUMNS, "recorded_at"]), ["meter_ref"])
        return len(rows)

    def meters(self) -> pl.DataFrame:
        with self.engine.connect() as conn:
            rows = conn.execute(select(m.meters.c.id, *[m.meters.c[c] for c in METER_COLUMNS])).fetchall()
        schema = pl.Schema({"meter_id": pl.Int64(), **{c: pl.String() for c in METER_COLUMNS}})
        schema.update(recoverable=pl.Boolean(), register_digits=pl.Int64())
        return pl.DataFrame(rows, schema=list(schema), orient="row").cast(schema)

    def add_replacements(self, frame: pl.DataFrame, now: datetime) -> int:
        """Store replacements (``meter_id, replaced_at, old_last_index, new_first_index``) as versions
        recorded at ``now`` (see ``add_versions``)."""
        return self.add_versions(REPLACEMENTS, frame, now)

    def add_gas_coefficients(self, frame: pl.DataFrame, now: datetime) -> int:
        """Store coefficients (``meter_id, valid_from, kwh_pcs_per_m3, source``) as versions recorded
        at ``now`` (see ``add_versions``)."""
        return self.add_versions(GAS_COEFFICIENTS, frame, now)

    def replacements(self, as_of: datetime) -> pl.DataFrame:
        """Each replacement as known at ``as_of`` (its last version recorded at or before it)."""
        return self.current(REPLACEMENTS, as_of)

    def gas_coefficients(self, as_of: datetime) -> pl.DataFrame:
        """Each coefficient as known at ``as_of`` (its last version recorded at or before it)."""
        return self.current(GAS_COEFFICIENTS, as_of)

    # ---- versions --------------------------------------------------------------------------
    def add_versions(self, spec: Versioned, frame: pl.DataFrame, now: datetime) -> int:
        """Store the records of ``frame`` (the key's and values' columns of ``spec``) as versions
        recorded at ``now``. A record the same as the last stored version of its key adds none:
        re-sending is idempotent; a changed one adds a version, so a cut-off before ``now`` still
        reads the version it knew. Within ``frame`` the last record of a key wins (the servicers
        refuse conflicting duplicates before this). -> the number of records taken, new or not."""
        if frame.is_empty():
            return 0
        columns = {c: t for c, t in spec.schema.items() if c != "recorded_at"}
        frame = frame.select(list(columns)).cast(columns).unique(list(spec.key), keep="last", maintain_order=True)
        t = spec.table
        span = t.c[spec.span].between(frame[spec.span].min(), frame[spec.span].max())
        with serialised_writes(self.engine), self.engine.begin() as conn:
            stored = self._versions(conn, spec, [span], t.c[spec.by], frame[spec.by].unique().to_list())
            latest = _latest(stored, spec.key).select(
                *spec.key, *[pl.col(c).alias(f"{c}_stored") for c in spec.values], stored=pl.lit(True)
            )
            same = pl.all_horizontal([pl.col(c).eq_missing(pl.col(f"{c}_stored")) for c in spec.values])
            fresh = frame.join(latest, on=list(spec.key), how="left").filter(pl.col("stored").is_null() | ~same)
            rows = fresh.select(*columns, recorded_at=pl.lit(now, dtype=TS))
            upsert_frame(conn, t, rows, [*spec.key, "recorded_at"])
        return frame.height

    def current(self, spec: Versioned, as_of: datetime, where: list | None = None) -> pl.DataFrame:
        """Per key, the last version recorded at or before ``as_of`` (of those matching ``where``),
        without its recorded_at."""
        with self.engine.connect() as conn:
            stored = self._versions(conn, spec, [*(where or []), spec.table.c.recorded_at <= as_of])
        return _latest(stored, spec.key).drop("recorded_at")

    def _versions(self, conn: Connection, spec: Versioned, where: list, column=None, values=None) -> pl.DataFrame:
        """Every stored version matching ``where`` (and ``column IN values``, bound IN_LIST at a time)."""
        t = spec.table
        if self.postgres:
            return self._arrow_versions(conn, spec, where, column, values)
        query = select(*[t.c[c] for c in spec.schema]).where(*where)
        if column is None:
            rows = conn.execute(query).fetchall()
        else:
            rows = []
            for i in range(0, len(values), IN_LIST):
                rows += conn.execute(query.where(column.in_(values[i : i + IN_LIST]))).fetchall()
        return pl.DataFrame(rows, schema=list(spec.schema), orient="row").cast(spec.schema)

    def _arrow_versions(self, conn: Connection, spec: Versioned, where: list, column, values) -> pl.DataFrame:
        """``_versions`` on PostgreSQL, read by runtime.pg_frames (Arrow, no Python row per version:
        provisions are a row per dwelling, month and category). Instants are read as they are
        stored (microseconds): turning them into epoch numbers in the query, as before, cost
        PostgreSQL 1.4 of the 3.2 s a year's 2.7 M provisions took to read."""
        t = spec.table
        query = select(*[t.c[c] for c in spec.schema]).where(*where)
        queries = (
            [query]
            if column is None
            else [query.where(column.in_(values[i : i + IN_LIST])) for i in range(0, len(values), IN_LIST)]
        )
        parts = [read_frame(conn, one, spec.schema) for one in queries]
        return pl.concat(parts) if parts else pl.DataFrame(schema=spec.schema)

    # ---- readings --------------------------------------------------------------------------
    def existing_readings(self, conn: Connection, batch: pl.DataFrame) -> pl.DataFrame:
        """Stored readings of the meters of ``batch`` in its span (read_at_us), and each meter's last
        stored index reading before that span (what a new index is compared with)."""
        if batch.is_empty():
            return pl.DataFrame(schema=READING_SCHEMA)
        ids = ",".join(str(int(i)) for i in batch["meter_id"].unique().to_list())
        lo, hi = batch.select(pl.col("read_at_us").min().alias("lo"), pl.col("read_at_us").max().alias("hi")).row(0)
        columns = ", ".join(f"r.{c}" for c in READING_COLUMNS)
        if self.postgres:  # one backward step down the primary key per meter
            previous = (
                f"SELECT {columns} FROM unnest(ARRAY[{ids}]) AS m(id) CROSS JOIN LATERAL (SELECT * FROM "
                f"meter_reading WHERE meter_id = m.id AND kind = 'index' AND read_at_us < {int(lo)} "
                "ORDER BY read_at_us DESC LIMIT 1) r"
            )
        else:
            previous = (
                f"SELECT {columns} FROM meter_reading r JOIN (SELECT meter_id, MAX(read_at_us) AS t "
                f"FROM meter_reading WHERE kind = 'index' AND meter_id IN ({ids}) AND read_at_us < {int(lo)} "
                "GROUP BY meter_id) p ON r.meter_id = p.meter_id AND r.kind = 'index' AND r.read_at_us = p.t"
            )
        sql = (
            f"SELECT {columns} FROM meter_reading r WHERE r.meter_id IN ({ids}) "
            f"AND r.read_at_us BETWEEN {int(lo)} AND {int(hi)} UNION ALL {previous}"
        )
        return self._frame(conn, sql, READING_SCHEMA)

    def store_batch(
        self, fresh: pl.DataFrame, classify, announce: Callable[[pl.DataFrame], pl.DataFrame] | None = None
    ) -> tuple[int, pl.DataFrame]:
        """Insert new readings in one transaction. ``classify(existing) -> (new rows, conflicts)``
        judges the batch against what is stored; the insert is COPY. A concurrent batch that stored
        some of the same keys meanwhile makes the COPY fail with a unique violation and the whole
        transaction roll back: the caller runs it again (services.runtime.db.retry_write_conflicts),
        and ``classify`` then sees those readings as stored (duplicates or conflicts, counted as such).
        ``announce(new rows)``: the outbox rows (services.runtime.outbox) announcing them,
        written in the same transaction."""
        with self.engine.begin() as conn:
            new, conflicts = classify(self.existing_readings(conn, fresh))
            rows = new.select(READING_COLUMNS)
            if rows.height:
                insert_frame(conn, m.readings, rows)
                if announce is not None:
                    insert_frame(conn, m.outbox, announce(new))
        return rows.height, conflicts

    def readings(
        self,
        kind: str,
        from_us: int,
        to_us: int,
        as_of_us: int,
        only: tuple[str, tuple[str, ...]] | None = None,
        meter_ids: list[int] | None = None,
        settled: bool = False,
    ) -> pl.DataFrame:
        """Readings of one kind with read_at in [from_us, to_us]: see ``readings_by_kind``."""
        return self.readings_by_kind({kind: (from_us, to_us)}, as_of_us, only, meter_ids, settled)[kind]

    def readings_by_kind(
        self,
        windows: Mapping[str, tuple[int, int]],
        as_of_us: int,
        only: tuple[str, tuple[str, ...]] | None = None,
        meter_ids: list[int] | None = None,
        settled: bool = False,
    ) -> dict[str, pl.DataFrame]:
        """Per kind asked, its readings with read_at in its window ``windows[kind] = (from_us,
        to_us)``, both included, recorded at or before as_of, sorted by meter and instant, all
        kinds read in one pass; ``only = ("usage" | "carrier", values)`` keeps the meters having
        one of them, ``meter_ids`` (None: all) those meters. ``settled``: as_of is a settled
        cut-off, so what was recorded up to it never changes (readings are only ever added):
        with a readings cache, every meter's readings of each civil year (UTC) are read once per
        cut-off and kept, and the windows and meters are cut out of them (a month-end run asks
        for overlapping years of readings a dozen times); see ``_keeps`` for the windows served so."""
        if not windows or not set(windows) <= set(READING_KINDS):
            raise ValueError(windows)
        if only is not None:
            column, values = only
            if column not in FILTERABLE or not set(values) <= set(FILTERABLE[column]):
                raise ValueError(f"cannot select meters by {column} in {values}")
        # a list, not a subquery: PostgreSQL joined the meters' usage to the readings row by row
        wanted = meter_ids if only is None else self.meter_ids(only, meter_ids)
        if settled and self._keeps(windows, as_of_us):
            kept = self._kept_readings(windows, as_of_us)
            read = {k: v if wanted is None else v.filter(pl.col("meter_id").is_in(wanted)) for k, v in kept.items()}
        else:
            read = self._read_readings(windows, as_of_us, wanted)
        return {kind: _as_readings(read[kind]) for kind in windows}

    def _keeps(self, windows: Mapping[str, tuple[int, int]], as_of_us: int) -> bool:
        """Whether windows are cut out of kept years: a long one (its years are read, and kept),
        or ones whose years are all kept already; shorter ones alone (a month's report with its
        margins) are read from the database, not a year or two for a few months."""
        if self.readings_cache is None:
            return False
        if any(to_us - from_us >= KEEP_WINDOWS_FROM_US for from_us, to_us in windows.values()):
            return True
        return all(
            self.readings_cache.peek(_kept_key(as_of_us, year)) is not None
            for from_us, to_us in windows.values()
            for year in _years(from_us, to_us)
        )

    def _kept_readings(self, windows: Mapping[str, tuple[int, int]], as_of_us: int) -> dict[str, pl.DataFrame]:
        """Each kind's readings of its window, cut out of the kept years (every kind is kept)."""
        assert self.readings_cache is not None
        cache = self.readings_cache

        def year_of(year: int) -> dict[str, pl.DataFrame]:
            def read() -> dict[str, pl.DataFrame]:
                first, last = _year_start_us(year), _year_start_us(year + 1) - 1
                return self._read_readings(dict.fromkeys(READING_KINDS, (first, last)), as_of_us)

            return cache.get(_kept_key(as_of_us, year), read)

        def cut(kind: str, from_us: int, to_us: int) -> pl.DataFrame:
            years = [year_of(year)[kind] for year in _years(from_us, to_us)]
            return pl.concat(years).filter(pl.col("read_at_us").is_between(from_us, to_us))

        return {kind: cut(kind, *window) for kind, window in windows.items()}

    def meter_ids(self, only: tuple[str, tuple[str, ...]] | None = None, among: list[int] | None = None) -> list[int]:
        """The stored meters having one of ``only = (column, values)`` (None: every meter), of
        ``among`` (None: all)."""
        if only is None:
            with self.engine.connect() as conn:
                ids = [row[0] for row in conn.execute(select(m.meters.c.id))]
        else:
            ids = self._meter_ids(*only)
        return ids if among is None else sorted(set(ids) & set(among))

    def _meter_ids(self, column: str, values: tuple[str, ...]) -> list[int]:
        """The meters whose ``column`` is one of ``values`` (checked against FILTERABLE before)."""
        t = m.meters
        with self.engine.connect() as conn:
            return [row[0] for row in conn.execute(select(t.c.id).where(t.c[column].in_(values)))]

    def _read_readings(
        self,
        windows: Mapping[str, tuple[int, int]],
        as_of_us: int,
        meter_ids: list[int] | None = None,
    ) -> dict[str, pl.DataFrame]:
        """Per kind, its window's readings as stored (instants in microseconds), of the meters
        listed (None: all), in one pass."""
        clause = ""
        if meter_ids is not None:
            clause = f"AND meter_id IN ({', '.join(str(int(i)) for i in meter_ids) or 'NULL'}) "
        # kinds are checked against READING_KINDS by the callers
        kinds = " OR ".join(
            f"(kind = '{kind}' AND read_at_us BETWEEN {int(from_us)} AND {int(to_us)})"
            for kind, (from_us, to_us) in windows.items()
        )
        sql = (
            "SELECT meter_id, kind, read_at_us, period_start_us, value, estimated FROM meter_reading "
            f"WHERE ({kinds}) AND recorded_at_us <= {int(as_of_us)} {clause}"
        )
        schema = {
            "meter_id": pl.Int64,
            "kind": pl.String,
            "read_at_us": pl.Int64,
            "period_start_us": pl.Int64,
            "value": pl.Float64,
            "estimated": pl.Boolean,
        }
        if not self.postgres:
            with self.engine.connect() as conn:
                rows = self._frame(conn, sql, schema)
        else:
            self._summarise_new_pages()
            with self.engine.connect() as conn:
                # The planner judges the BRIN index by how read_at_us follows the table's order,
                # and a history loaded meter after meter does not: it would scan every reading,
                # or walk the primary key meter by meter. Each page spans a short time all the
                # same, so the index skips most of them: bitmap scans only.
                rows = read_frame(conn, sql, schema, planner=BITMAP_SCANS_ONLY)
        parts = rows.partition_by("kind", as_dict=True, include_key=False)  # one pass, not a filter per kind
        return {kind: parts.get((kind,), rows.clear().drop("kind")) for kind in windows}

    def _summarise_new_pages(self) -> None:
        """Summarise the readings' pages written since the last summary in the BRIN index (a
        page without one is read by every window). Skipped when another summary or a vacuum
        holds the table's lock past SUMMARY_LOCK_WAIT, or the statement timeout runs out (the
        first read after a bulk load summarises every page it wrote): the read is then slower,
        never wrong."""
        try:
            with self.engine.begin() as conn:
                conn.execute(text(f"SET LOCAL lock_timeout = '{SUMMARY_LOCK_WAIT}'"))
                conn.execute(text("SELECT brin_summarize_new_values(:index)"), {"index": m.READINGS_BY_TIME})
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) not in (LOCK_NOT_AVAILABLE, QUERY_CANCELED):
                raise

    def add_rejections(self, batch_id: str, rejects: pl.DataFrame, payloads: dict[int, str], now: datetime) -> None:
        """Rejections ``index, field, reason`` with each record's payload (JSON text)."""
        if rejects.is_empty():
            return
        rows = [
            {
                "batch_id": batch_id,
                "record_index": r["index"],
                "field": r["field"],
                "reason": r["reason"],
                "payload_json": payloads.get(r["index"], "{}"),
                "received_at": now,
            }
            for r in rejects.iter_rows(named=True)
        ]
        with self.engine.begin() as conn:
            conn.execute(insert(m.reading_rejections), rows)

    def rejections(self, after_id: int, limit: int) -> list[dict]:
        t = m.reading_rejections
        with self.engine.connect() as conn:
            rows = conn.execute(select(t).where(t.c.id > after_id).order_by(t.c.id).limit(limit)).mappings().all()
        return [dict(r) for r in rows]

    # ---- weather ---------------------------------------------------------------------------
    def add_weather(self, frame: pl.DataFrame, now: datetime) -> int:
        """Store days (``station, day, tn, tx, dju_meteo, dju_costic, source``) as versions recorded
        at ``now`` (see ``add_versions``)."""
        return self.add_versions(WEATHER_DAYS, frame, now)

    def add_normals(self, frame: pl.DataFrame, now: datetime) -> int:
        """Store normals (``station, month_of_year, dju_ref, ref_period``) as versions recorded at
        ``now`` (see ``add_versions``)."""
        return self.add_versions(DJU_NORMALS, frame, now)

    def weather(self, as_of: datetime) -> pl.DataFrame:
        """Daily DJU (Meteo-France) per station as known at ``as_of``."""
        days = self.current(WEATHER_DAYS, as_of)
        return days.select("station", "day", dju="dju_meteo").sort("station", "day")

    def normals(self, as_of: datetime) -> pl.DataFrame:
        """DJU normals per station and month of the year as known at ``as_of``."""
        normals = self.current(DJU_NORMALS, as_of)
        return normals.select("station", pl.col("month_of_year").cast(pl.Int8), "dju_ref", "ref_period")

    # ---- prices ----------------------------------------------------------------------------
    def add_prices(self, frame: pl.DataFrame, now: datetime) -> int:
        """Store prices (``target, valid_from, basis, eur_per_unit, fixed_eur_per_month, source``) as
        versions recorded at ``now`` (see ``add_versions``)."""
        return self.add_versions(PRICES, frame, now)

    def add_provisions(self, frame: pl.DataFrame, now: datetime) -> int:
        """Store provisions (``unit_id, month, charge_category, amount_eur, building_id``) as versions
        recorded at ``now`` (see ``add_versions``)."""
        return self.add_versions(PROVISIONS, frame, now)

    def provisions(
        self, first: date, last: date, as_of: datetime, unit_ids: list[str], building_ids: list[str]
    ) -> pl.DataFrame:
        """Provisions of the months first..last as known at ``as_of``: per (unit, month, category) the
        last version recorded at or before it, of the units listed (all if none) now in the buildings
        listed (all if none)."""
        t = m.provisions
        where = [t.c.month.between(first, last), t.c.recorded_at <= as_of]
        with self.engine.connect() as conn:
            if unit_ids:
                stored = self._versions(conn, PROVISIONS, where, t.c.unit_id, unit_ids)
            elif building_ids:
                # units that had a version in one of these buildings; their latest version decides
                units = select(t.c.unit_id).where(*where, t.c.building_id.in_(building_ids)).distinct()
                stored = self._versions(conn, PROVISIONS, [*where, t.c.unit_id.in_(units)])
            else:
                stored = self._versions(conn, PROVISIONS, where)
        latest = _latest(stored, PROVISIONS.key)
        if building_ids:
            latest = latest.filter(pl.col("building_id").is_in(building_ids))
        return latest.drop("recorded_at").sort("building_id", "unit_id", "month", "charge_category", nulls_last=False)

    def prices(self, as_of: datetime) -> pl.DataFrame:
        """Each price as known at ``as_of`` (its last version recorded at or before it)."""
        return self.current(PRICES, as_of)

    # ---- anomalies -------------------------------------------------------------------------
    def replace_anomalies(
        self,
        frame: pl.DataFrame,
        start: datetime,
        end: datetime,
        announce: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
    ) -> int:
        """Anomalies found over [start, end) replace those stored for windows starting there.
        ``announce(anomalies not stored before)``: the outbox rows (services.runtime.outbox)
        announcing them, written in the same transaction."""
        t = m.anomalies
        window = (t.c.window_start >= start, t.c.window_start < end)
        key = ["meter_id", "kind", "window_start"]
        with self.engine.begin() as conn:
            before = pl.DataFrame(
                [tuple(r) for r in conn.execute(select(*[t.c[k] for k in key]).where(*window))],
                schema={"meter_id": pl.Int64, "kind": pl.String, "window_start": TS},
                orient="row",
            )
            conn.execute(delete(t).where(*window))
            if frame.height:
                upsert_frame(conn, t, frame, key)
                if announce is not None:
                    found = frame.join(before, on=key, how="anti")
                    insert_frame(conn, m.outbox, announce(found))
        return frame.height

    def anomalies(self, kind: str, meter_ids: list[int] | None, offset: int, limit: int) -> list[dict]:
        t = m.anomalies
        q = select(t).order_by(t.c.window_start, t.c.meter_id, t.c.kind)
        if kind:
            q = q.where(t.c.kind == kind)
        if meter_ids is not None:
            q = q.where(t.c.meter_id.in_(meter_ids))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q.offset(offset).limit(limit)).mappings().all()]


def _latest(versions: pl.DataFrame, key: tuple[str, ...]) -> pl.DataFrame:
    """The last recorded version of each key."""
    return versions.sort("recorded_at").unique(list(key), keep="last", maintain_order=True)
