"""Hostile input to every RPC of quitus.factors.v1.FactorsService, on SQLite and PostgreSQL.

For each RPC: a good request, then every one-field mutation of it (tests/hostile/values.py) at
any depth, each answered within a second by OK or a refusal naming the field (harness.py),
never INTERNAL or UNKNOWN; then health and a normal call still answer.

Publish is not a batch that keeps its good records: a set version is published whole or not
at all (its content_sha256 covers every factor), so a set with one hostile factor is refused
whole, naming that factor's index and field; the test checks that nothing of it was stored.
Resolve stores nothing; its good line beside the hostile one is resolved when the call is OK.
"""

import grpc
import pytest

from services.api.quitus.common.v1 import common_pb2
from services.api.quitus.factors.v1 import factors_pb2 as pb
from services.api.quitus.factors.v1 import factors_pb2_grpc as pb_grpc
from services.factors.server import build
from tests.conftest import bearer, running_server
from tests.hostile.harness import answer_of, field_violations, still_serving
from tests.hostile.values import Mutation, mutations

COVERED = {
    "FactorsService.Publish",
    "FactorsService.ListSets",
    "FactorsService.GetSet",
    "FactorsService.Resolve",
    "FactorsService.Diff",
}


def good_metadata(version: str = "1") -> pb.SetMetadata:
    return pb.SetMetadata(
        name="hostile_set",
        version=version,
        publisher="Quitus tests",
        title="A set for hostile input",
        publication_date="2024-01-15",
        licence="CC-BY",
        gwp_basis="AR5",
        source_url="https://example.org/set",
        reference="ref 1",
        notes="line one\nline two",
        excluded=[pb.Excluded(key="left.out", reason="not relevant")],
    )


def good_factor(key: str, carrier: str) -> pb.Factor:
    return pb.Factor(
        key=key,
        activity="Gas boiler",
        carrier=carrier,
        unit="kWh",
        unit_as_published="kWh",
        usage="*",
        country="FR",
        boundary="total",
        variant="",
        kgco2e_per_unit=0.2,
        scope="1",
        valid_from="2020-01-01",
        valid_to="2030-01-01",
        uncertainty_pct=10.0,
        source="tests",
        flag="",
        notes="n",
    )


def good_publish(version: str = "1") -> pb.PublishRequest:
    return pb.PublishRequest(
        metadata=good_metadata(version), factors=[good_factor("gas", "natural_gas"), good_factor("heat", "heat")]
    )


def good_activity(ref: str, carrier: str) -> pb.Activity:
    return pb.Activity(
        ref=ref,
        carrier=carrier,
        unit="kWh",
        usage="heating",
        country="FR",
        boundary="total",
        variant="",
        date="2024-06-01",
        quantity=100.0,
    )


@pytest.fixture
def factors(database):
    """(channel, stub, admin metadata) on a server where hostile_set@1 and @2 are published."""
    with running_server(build, database) as (channel, tokens):
        admin = bearer(tokens.issue("admin"))
        stub = pb_grpc.FactorsServiceStub(channel)
        stub.Publish(good_publish("1"), metadata=admin)
        second = good_publish("2")
        second.factors[0].kgco2e_per_unit = 0.25
        stub.Publish(second, metadata=admin)
        yield channel, stub, admin


def _run(channel, stub, admin, method: str, good, *, prepare=None, after=None, normal=None) -> int:
    """Every mutation of ``good`` through ``method``; returns how many cases ran."""
    call = getattr(stub, method)
    cases = 0
    for n, mutation in enumerate(mutations(good)):
        request = prepare(n, mutation) if prepare else mutation.request
        code, outcome = answer_of(lambda timeout, r=request: call(r, timeout=timeout, metadata=admin), mutation)
        if after:
            after(mutation, request, code, outcome)
        cases += 1
    still_serving(channel, normal or (lambda: call(good, timeout=1, metadata=admin)))
    return cases


def test_publish(factors):
    channel, stub, admin = factors
    stored_before = len(stub.ListSets(pb.ListSetsRequest(), metadata=admin).versions)
    created = 0

    def prepare(n: int, mutation: Mutation) -> pb.PublishRequest:
        # A fresh version label per case, so that an accepted hostile value is a new version,
        # not a conflict with the one already published (unless the label is what is mutated).
        request = pb.PublishRequest()
        request.CopyFrom(mutation.request)
        if mutation.path != "metadata.version":
            request.metadata.version = f"h{n}"
        return request

    def after(mutation: Mutation, request, code, outcome) -> None:
        nonlocal created
        if code == grpc.StatusCode.OK:
            created += outcome.created
        if code == grpc.StatusCode.INVALID_ARGUMENT:
            field = field_violations(outcome)[0]
            if mutation.path.startswith("factors[0]."):
                assert field.startswith("factors[0]."), (mutation.path, field)

    cases = _run(channel, stub, admin, "Publish", good_publish("1"), prepare=prepare, after=after)
    assert cases > 150
    # Refused sets stored nothing: exactly the versions accepted are new.
    page, versions = pb.ListSetsRequest(page=common_pb2.PageRequest(page_size=50)), 0
    while True:
        reply = stub.ListSets(page, metadata=admin)
        versions += len(reply.versions)
        if not reply.next_page_token:
            break
        page.page.page_token = reply.next_page_token
    assert versions == stored_before + created


def test_list_sets(factors):
    channel, stub, admin = factors
    good = pb.ListSetsRequest(name="hostile_set", page=common_pb2.PageRequest(page_size=10))
    assert _run(channel, stub, admin, "ListSets", good) >= 15


def test_get_set(factors):
    channel, stub, admin = factors
    assert _run(channel, stub, admin, "GetSet", pb.GetSetRequest(name="hostile_set", version="1")) >= 12


def test_resolve(factors):
    channel, stub, admin = factors
    good = pb.ResolveRequest(
        set_name="hostile_set",
        version="1",
        activities=[good_activity("hostile", "natural_gas"), good_activity("good", "heat")],
        partial=True,
    )

    def after(mutation: Mutation, request, code, outcome) -> None:
        if code == grpc.StatusCode.OK:  # the good line beside the hostile one is resolved
            assert [r.ref for r in outcome.resolutions if r.index == 1] == ["good"]
        if code == grpc.StatusCode.INVALID_ARGUMENT and mutation.path.startswith("activities[0]."):
            assert field_violations(outcome)[0].startswith("activities[0]."), mutation.path

    assert _run(channel, stub, admin, "Resolve", good, after=after) >= 60


def test_resolve_a_period_with_every_boundary_and_the_fallback(factors):
    """The fields added for the report (issue 13, item 8) set in the good request, so that every
    hostile value also replaces a set value: Activity.date_to, boundary "*" and
    ResolveRequest.fallback_rule (unknown enum numbers included)."""
    channel, stub, admin = factors
    period = {"date": "2024-06-01", "date_to": "2024-07-01"}
    hostile = good_activity("hostile", "natural_gas")
    hostile.boundary = "*"
    hostile.MergeFrom(pb.Activity(**period))
    good_line = good_activity("good", "heat")
    good_line.MergeFrom(pb.Activity(**period))
    good = pb.ResolveRequest(
        set_name="hostile_set",
        version="1",
        activities=[hostile, good_line],
        partial=True,
        fallback_rule=pb.FALLBACK_RULE_LATEST_EXPIRED,
    )
    resolved = stub.Resolve(good, metadata=admin).resolutions
    assert [(r.ref, r.boundary, r.date_to) for r in resolved] == [
        ("hostile", "total", "2024-07-01"),
        ("good", "total", "2024-07-01"),
    ]

    def after(mutation: Mutation, request, code, outcome) -> None:
        if code == grpc.StatusCode.OK:  # the good line beside the hostile one is resolved
            assert [r.ref for r in outcome.resolutions if r.index == 1] == ["good"]
        if code == grpc.StatusCode.INVALID_ARGUMENT and mutation.path.startswith("activities[0]."):
            assert field_violations(outcome)[0].startswith("activities[0]."), mutation.path
        if code == grpc.StatusCode.INVALID_ARGUMENT and mutation.path == "fallback_rule":
            assert field_violations(outcome) == ["fallback_rule"]

    assert _run(channel, stub, admin, "Resolve", good, after=after) >= 60


def test_diff(factors):
    channel, stub, admin = factors
    good = pb.DiffRequest(old_name="hostile_set", old_version="1", new_name="hostile_set", new_version="2")
    assert _run(channel, stub, admin, "Diff", good) >= 24
