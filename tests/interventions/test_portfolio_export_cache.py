"""The portfolio export kept by (stored version, cut-off): asked again at the same settled cut-off
it is not read again, and an import by any replica (which bumps the stored version) is seen by
the next export of every replica."""

from datetime import UTC, datetime, timedelta

from services.interventions import convert
from services.interventions.service import InterventionsService
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
