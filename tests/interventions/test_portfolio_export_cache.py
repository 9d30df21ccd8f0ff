"""The portfolio export kept by (stored version, cut-off): asked again at the same settled cut-off
it is not read again, and an import by any replica (which bumps the stored version) is seen by
the next export of every replica."""

from datetime import UTC, datetime, timedelta

from services.api.quitus.interventions.v1 import interventions_pb2 as pb
from services.interventions import convert
from services.interventions.service import InterventionsService
from services.interventions.servicer import InterventionsServicer
from tests.interventions.portfolio_fixture import portfolio_batches
from tests.interventions.test_settled_answers import replica_keeping

RECORDED = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
AS_OF = RECORDED + timedelta(hours=1)


def _imported(service: InterventionsService, batches, recorded_at: datetime) -> None:
    received, invalid, _ = convert.portfolio_records(batches)
    assert invalid == [] and service.import_portfolio(received, recorded_at).refused == []


def _area(service: InterventionsService, building_id: str) -> float:
    (building,) = [r for r in service.export_portfolio(as_of=AS_OF).records["building"] if r["id"] == building_id]
    return building["heated_area_m2"]


def test_the_same_cut_off_is_read_once_and_an_import_elsewhere_is_seen(database):
    url, prefix = database
    schema = prefix + "interventions"
    a, b = replica_keeping(url, schema, True), replica_keeping(url, schema, False)
    batches = portfolio_batches()
    _imported(a, batches, RECORDED)
    reads = []
    rows = a.store.portfolio_rows
    a.store.portfolio_rows = lambda: reads.append(1) or rows()  # type: ignore[method-assign]

    first = a.export_portfolio(as_of=AS_OF).records
    assert a.export_portfolio(as_of=AS_OF).records == first and len(reads) == 1
    assert a.export_portfolio(as_of=AS_OF + timedelta(minutes=1)).records == first and len(reads) == 2

    building = next(r.building for r in batches[0].records if r.WhichOneof("record") == "building")
    before = _area(a, building.id)
    building.heated_area_m2 = before + 100
    update = type(batches[0])(records=[type(batches[0].records[0])(building=building)])
    _imported(b, [update], RECORDED + timedelta(days=1))  # replica B updates; its first instant stays
    assert _area(a, building.id) == before + 100 and len(reads) == 3


def test_a_kept_portfolio_is_made_into_messages_once(database, monkeypatch):
    """ExportPortfolio twice at the same settled cut-off: the same messages, byte for byte, the
    records turned into messages at the first export only; at another cut-off (another kept
    portfolio) they are made again, and so after an import bumps the stored version."""
    url, prefix = database
    keeping = replica_keeping(url, prefix + "interventions", True)
    _imported(keeping, portfolio_batches(), RECORDED)
    servicer = InterventionsServicer(keeping)
    made = []
    record = convert.portfolio_export_record
    monkeypatch.setattr(convert, "portfolio_export_record", lambda *a: made.append(1) or record(*a))

    def export(as_of: datetime) -> list[bytes]:
        request = pb.ExportPortfolioRequest(batch_size=3)
        request.as_of.FromDatetime(as_of)
        return [m.SerializeToString(deterministic=True) for m in servicer.ExportPortfolio(request, None)]

    first = export(AS_OF)
    records = len(made)
    assert records > 3 and len(first) > 2  # several messages of 3 records, then the last one
    assert export(AS_OF) == first and len(made) == records
    assert export(AS_OF + timedelta(minutes=1)) == first and len(made) == 2 * records
    _imported(keeping, portfolio_batches(), RECORDED + timedelta(days=1))  # the same records, a new version
    assert export(AS_OF) == first and len(made) == 3 * records
