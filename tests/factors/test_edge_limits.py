"""The limits of the factors service at its edge (issue 12), through a real gRPC channel on
SQLite and PostgreSQL, and the bounding of a Diff (hand-worked)."""

import grpc
import polars as pl
import pytest

from services.api.quitus.common.v1 import common_pb2
from services.api.quitus.factors.v1 import factors_pb2 as pb
from services.api.quitus.factors.v1 import factors_pb2_grpc as pb_grpc
from services.factors.server import build
from tests.conftest import bearer, running_server
from tests.factors.conftest import custom_row, make_set, publish_request
from tests.hostile.harness import field_violations

SHORT = 1000  # characters: what a status message may hold, whatever was sent


@pytest.fixture
def service(database, units):
    """(stub, admin metadata) on a started server holding bailleur_dh@2024."""
    with running_server(build, database) as (channel, tokens):
        admin = bearer(tokens.issue("admin"))
        stub = pb_grpc.FactorsServiceStub(channel)
        stub.Publish(publish_request(make_set([custom_row()], units)), metadata=admin)
        yield stub, admin


def refusal(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def test_publish_with_a_1mb_set_name_is_refused_naming_the_field(service, units):
    """Reproduces issue 12: ``Publish`` with a 1 MB set name answered with an error message that
    repeated the 1 MB input, more than the metadata limit, so the client never saw the status
    (it got INTERNAL/UNKNOWN instead). Now: INVALID_ARGUMENT naming metadata.name, a short message."""
    stub, admin = service
    request = publish_request(make_set([custom_row()], units, version="2025"))
    request.metadata.name = "x" * 1_000_000
    error = refusal(lambda: stub.Publish(request, metadata=admin, timeout=5))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(error) == ["metadata.name"]
    assert len(error.details()) < SHORT
    assert "1,000,000 characters long, at most 63 allowed" in error.details()


def test_lookups_by_a_huge_name_are_refused_with_a_short_message(service):
    """A 1 MB name in GetSet, Resolve or Diff used to be quoted whole in the NOT_FOUND message."""
    stub, admin = service
    huge = "a" * 1_000_000
    for call, field in [
        (lambda: stub.GetSet(pb.GetSetRequest(name=huge), metadata=admin), "name"),
        (lambda: stub.Resolve(pb.ResolveRequest(set_name=huge), metadata=admin), "set_name"),
        (lambda: stub.Diff(pb.DiffRequest(old_name="bailleur_dh", new_name=huge), metadata=admin), "new_name"),
        (lambda: stub.ListSets(pb.ListSetsRequest(name=huge), metadata=admin), "name"),
    ]:
        error = refusal(call)
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert field_violations(error) == [field]
        assert len(error.details()) < SHORT


def test_a_hostile_factor_refuses_the_set_naming_its_index_and_field(service, units):
    """A NUL in a factor's key used to reach the database; a validity in year 1 was accepted."""
    stub, admin = service
    request = publish_request(make_set([custom_row(), custom_row(key="dh.b", variant="b")], units, version="2025"))
    request.factors[1].key = "dh\x00b"
    error = refusal(lambda: stub.Publish(request, metadata=admin))
    assert (error.code(), field_violations(error)) == (grpc.StatusCode.INVALID_ARGUMENT, ["factors[1].key"])
    assert "holds a NUL character" in error.details()
    request.factors[1].key = "dh.b"
    request.factors[1].valid_from = "0001-01-01"
    error = refusal(lambda: stub.Publish(request, metadata=admin))
    assert field_violations(error) == ["factors[1].valid_from"]
    assert "outside 1900-2200" in error.details()
    assert [v.metadata.version for v in stub.ListSets(pb.ListSetsRequest(), metadata=admin).versions] == ["2024"]


def test_many_problems_make_a_short_message(service, units):
    stub, admin = service
    rows = [custom_row(key=f"dh.{i}", unit="MWh" * 20, source="s" * 10_000) for i in range(2000)]
    request = publish_request(make_set([custom_row()], units, version="2025"))
    del request.factors[:]
    request.factors.extend(pb.Factor(**{**r, "kgco2e_per_unit": 0.1, "uncertainty_pct": None}) for r in rows)
    error = refusal(lambda: stub.Publish(request, metadata=admin))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert len(error.details()) < SHORT and "more" in error.details()


def test_resolve_takes_at_most_1000_lines(service):
    stub, admin = service
    line = pb.Activity(carrier="district_heating", unit="kWh", date="2023-06-01", quantity=1.0)
    assert (
        len(
            stub.Resolve(
                pb.ResolveRequest(set_name="bailleur_dh", activities=[line] * 1000), metadata=admin
            ).resolutions
        )
        == 1000
    )
    error = refusal(
        lambda: stub.Resolve(pb.ResolveRequest(set_name="bailleur_dh", activities=[line] * 1001), metadata=admin)
    )
    assert (error.code(), field_violations(error)) == (grpc.StatusCode.INVALID_ARGUMENT, ["activities"])


def test_resolve_names_the_first_bad_line(service):
    stub, admin = service
    lines = [
        pb.Activity(carrier="district_heating", unit="kWh", date="2023-06-01", quantity=1.0),
        pb.Activity(carrier="district_heating", unit="kWh", date="9999-12-31", quantity=1.0),
        pb.Activity(carrier="district_heating", unit="kWh", date="2023-06-01", quantity=float("nan")),
    ]
    error = refusal(lambda: stub.Resolve(pb.ResolveRequest(set_name="bailleur_dh", activities=lines), metadata=admin))
    assert field_violations(error) == ["activities[1].date"]
    assert "2 lines refused" in error.details()


def test_not_found_for_many_lines_is_a_short_message(service):
    stub, admin = service
    lines = [pb.Activity(carrier=f"c{i}", unit="kWh", date="2023-06-01") for i in range(1000)]
    error = refusal(lambda: stub.Resolve(pb.ResolveRequest(set_name="bailleur_dh", activities=lines), metadata=admin))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert len(error.details()) < 2000 and "997 more" in error.details()


def test_list_sets_is_paged(service, units):
    stub, admin = service
    for version in ("2025", "2026"):
        stub.Publish(publish_request(make_set([custom_row()], units, version=version)), metadata=admin)
    first = stub.ListSets(pb.ListSetsRequest(page=common_pb2.PageRequest(page_size=2)), metadata=admin)
    assert [v.metadata.version for v in first.versions] == ["2024", "2025"] and first.next_page_token
    request = pb.ListSetsRequest(page=common_pb2.PageRequest(page_size=2, page_token=first.next_page_token))
    second = stub.ListSets(request, metadata=admin)
    assert [v.metadata.version for v in second.versions] == ["2026"] and not second.next_page_token
    error = refusal(
        lambda: stub.ListSets(pb.ListSetsRequest(page=common_pb2.PageRequest(page_token="garbage")), metadata=admin)
    )
    assert field_violations(error) == ["page.page_token"]


def test_a_diff_is_cut_to_its_budget(units):
    """Old set: dh.a. New set: dh.a, dh.b, dh.c, dh.d (three added). Each added factor's texts:
    key 4 + activity 27 + carrier 16 + unit 3 + unit_as_published 3 + usage 1 + country 2 +
    boundary 5 + variant 4 (the key, so that they do not overlap) + value "0.1" 3 + scope 3 +
    valid_from 10 + valid_to 10 + uncertainty 0 + source 35 + flag 0 + notes 0 = 126 bytes,
    + ENTRY_OVERHEAD 100 = 226. A budget of 500 holds two (452), not three (678): added keeps
    dh.b and dh.c, its count says 3."""
    from services.factors.domain.diff import ENTRY_OVERHEAD, bounded, diff_sets

    old = make_set([custom_row(key="dh.a", variant="dh.a")], units)
    rows = [custom_row(key=k, variant=k) for k in ("dh.a", "dh.b", "dh.c", "dh.d")]
    new = make_set(rows, units, version="2025")
    assert ENTRY_OVERHEAD == 100
    whole = diff_sets(old, new)
    cut = bounded(whole, budget=500)
    assert cut.truncated and cut.added_count == 3 and cut.added["key"].to_list() == ["dh.b", "dh.c"]
    assert bounded(whole, budget=678) is whole and not whole.truncated
    assert isinstance(cut.added, pl.DataFrame) and cut.removed_count == 0
