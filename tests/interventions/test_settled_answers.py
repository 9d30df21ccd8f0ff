"""Facts exports and data-quality counts kept by settled cut-off (InterventionsService's
settled_answers), on SQLite and PostgreSQL, against a replica that keeps nothing.

Replica A keeps its answers, replica B ingests, replica C computes at every call. Ticket T-1 is
backfilled (recorded when it happened, 2 March 2026) and the cut-off is the next day. Then:
- A asked twice reads the store once;
- T-2, ingested live by B (recorded now, long after the cut-off), changes nothing at the cut-off:
  A answers from what it kept, and C agrees;
- T-3, backfilled by B as recorded on 2 March, is part of the log as known at the cut-off: A
  reads anew and has it, as C does; the data quality counts its six events too.
The deadline status at the cut-off is kept the same way (second test): T-1 is closed by then, so
no deadline runs; T-4, only requested and ingested live, changes nothing at the cut-off; T-5, only
requested and backfilled, is counted with its two running deadlines (to intervene, to repair)."""

from datetime import timedelta

from services.api.quitus.common.v1 import common_pb2
from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.interventions import convert
from services.interventions.service import InterventionsService
from services.interventions.servicer import InterventionsServicer
from services.interventions.store import InterventionStore
from services.runtime.bounded_cache import BoundedCache
from services.runtime.db import make_engine
from services.runtime.migrate import upgrade
from services.runtime.principal import EMBEDDED
from tests.interventions.portfolio_fixture import T0
from tests.interventions.test_grpc import lifecycle
from tests.interventions.test_replicas import import_fixture_portfolio

AS_OF = T0 + timedelta(days=1)


def replica_keeping(url: str, schema: str, keeps: bool) -> InterventionsService:
    engine = make_engine(url, schema)
    upgrade(engine, "services.interventions")
    kept = BoundedCache(64 * 1024 * 1024, 16) if keeps else None
    return InterventionsService(InterventionStore(engine), settled_answers=kept)


def _three_replicas(database, counted: str) -> tuple[InterventionsService, ...]:
    """(A keeping, B ingesting, C keeping nothing, A's calls of its store's ``counted`` method),
    the fixture portfolio imported and T-1 backfilled."""
    url, prefix = database
    schema = prefix + "interventions"
    a, b, c = (replica_keeping(url, schema, keeps) for keeps in (True, False, False))
    import_fixture_portfolio(b)
    _ingest(b, "T-1", backfilled=True)
    reads: list[int] = []
    method = getattr(a.store, counted)
    setattr(a.store, counted, lambda **asked: reads.append(1) or method(**asked))
    return a, b, c, reads


def _ingest(service: InterventionsService, ref: str, backfilled: bool, requested_only: bool = False) -> None:
    events = lifecycle(ref)[:1] if requested_only else lifecycle(ref)
    if backfilled:
        for e in events:
            e.recorded_at.CopyFrom(e.event_time)
    outcome = service.ingest_batch(convert.batch_columns(events), EMBEDDED)
    assert not outcome.rejected


def _facts(service: InterventionsService):
    return service.export(as_of=AS_OF).facts


def _deadlines(service: InterventionsService) -> tuple[int, int, int]:
    report = service.deadline_status(EMBEDDED, at=AS_OF, contractor_id="", alerts_only=False, limit=10)
    return report.on_track, report.alert_90, report.breached


def _quality(service: InterventionsService) -> list[dict]:
    return service.data_quality(EMBEDDED, contractor_id="", target=0.95, as_of=AS_OF)[1]


def test_an_answer_kept_until_a_backfill_reaches_its_cut_off(database):
    a, b, c, reads = _three_replicas(database, "fact_frames")

    first = _facts(a)
    assert first["id"].to_list() == [f for f in first["id"].to_list() if "T-1" in f] and first.height == 1
    assert _facts(a).equals(first) and len(reads) == 1
    quality = _quality(a)

    _ingest(b, "T-2", backfilled=False)
    assert _facts(a).equals(first) and len(reads) == 1
    assert _facts(c).equals(first) and _quality(c) == quality

    _ingest(b, "T-3", backfilled=True)
    after = _facts(a)
    assert len(reads) == 2 and after.height == 2 and after.equals(_facts(c))
    assert _quality(a) == _quality(c) != quality


def test_the_deadline_status_at_a_cut_off_kept_until_a_backfill_reaches_it(database):
    a, b, c, reads = _three_replicas(database, "deadline_lines")

    assert _deadlines(a) == (0, 0, 0) == _deadlines(a) and len(reads) == 1
    a.deadline_status(EMBEDDED, at=AS_OF, contractor_id="C1", alerts_only=False, limit=10)
    assert len(reads) == 2  # a contractor's own status is not kept
    reads.clear()

    _ingest(b, "T-4", backfilled=False, requested_only=True)
    assert _deadlines(a) == (0, 0, 0) == _deadlines(c) and not reads

    _ingest(b, "T-5", backfilled=True, requested_only=True)
    after = _deadlines(a)
    assert len(reads) == 1 and sum(after) == 2 and after == _deadlines(c)


def test_a_kept_facts_export_is_made_into_arrow_messages_once(database, monkeypatch):
    """ExportInterventions in Arrow form at the cut-off: the same messages, byte for byte, the
    facts turned into columns at the first export only; the record form is made at every export
    (kept, 500,000 facts' messages would take too much memory); after T-3 is backfilled, A
    makes the Arrow messages anew and they hold both tickets, as C's."""
    a, b, c, _ = _three_replicas(database, "fact_frames")
    made = []
    columns = convert.facts_columns
    monkeypatch.setattr(convert, "facts_columns", lambda *x: made.append(1) or columns(*x))

    def export(replica: InterventionsService, form: int) -> list[bytes]:
        request = pb.ExportInterventionsRequest(form=form)
        request.as_of.FromDatetime(AS_OF)
        return [
            m.SerializeToString(deterministic=True)
            for m in InterventionsServicer(replica).ExportInterventions(request, None)
        ]

    arrow = common_pb2.EXPORT_FORM_ARROW_IPC
    first = export(a, arrow)
    assert len(made) == 1 and export(a, arrow) == first and len(made) == 1
    records = export(a, common_pb2.EXPORT_FORM_UNSPECIFIED)
    assert export(a, common_pb2.EXPORT_FORM_UNSPECIFIED) == records
    assert pb.ExportInterventionsResponse.FromString(records[-1]).content_sha256 == (
        pb.ExportInterventionsResponse.FromString(first[-1]).content_sha256
    )
    _ingest(b, "T-3", backfilled=True)
    after = export(a, arrow)
    assert len(made) == 2 and after != first and after == export(c, arrow)
