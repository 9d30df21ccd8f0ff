"""The factors service through a real gRPC channel, on SQLite and on PostgreSQL, with
authentication on. Expected values are worked out from factors_reference.csv."""

import hashlib
import re

import grpc
import pytest

from services.api.quitus.factors.v1 import factors_pb2 as pb
from services.api.quitus.factors.v1 import factors_pb2_grpc as pb_grpc
from services.factors import convert
from services.factors.server import build
from tests.conftest import bearer, running_server
from tests.factors.conftest import custom_metadata, custom_row, make_set, publish_request


@pytest.fixture
def service(database, reference_sets):
    """(stub, tokens by role) on a started server where an admin published the reference sets."""
    with running_server(build, database) as (channel, store):
        tokens = {role: bearer(store.issue(role)) for role in ("admin", "auditor", "csr_officer", "contractor:C1")}
        stub = pb_grpc.FactorsServiceStub(channel)
        for factor_set in reference_sets.values():
            stub.Publish(publish_request(factor_set), metadata=tokens["admin"])
        yield stub, tokens


def gas(ref: str = "", **fields) -> pb.Activity:
    values = {"carrier": "natural_gas", "unit": "kWh PCS", "date": "2024-06-01", "quantity": 10_000.0, **fields}
    return pb.Activity(ref=ref, **values)


def test_publish_is_idempotent_and_lists_every_version(service, reference_sets):
    stub, tokens = service
    again = stub.Publish(publish_request(reference_sets["ademe_base_carbone"]), metadata=tokens["admin"])
    assert again.created is False
    assert again.version.content_sha256 == reference_sets["ademe_base_carbone"].content_sha256
    listed = stub.ListSets(pb.ListSetsRequest(), metadata=tokens["auditor"]).versions
    assert sorted(f"{v.metadata.name}@{v.metadata.version}" for v in listed) == sorted(
        s.label for s in reference_sets.values()
    )
    ademe = next(v for v in listed if v.metadata.name == "ademe_base_carbone")
    assert (ademe.factor_count, ademe.flagged_count) == (76, 3)
    assert ademe.published_by == "admin"


def test_resolve_batch_names_the_version_and_sources(service, reference_sets):
    stub, tokens = service
    # 10,000 kWh PCS x 0.215 (ID 37133) = 2,150; 100 litres of heating oil x 3.25 (ID 14087) = 325;
    # 1,000 kWh of French electricity in 2024 x 0.0519 (ID 43642) = 51.9.
    response = stub.Resolve(
        pb.ResolveRequest(
            set_name="ademe_base_carbone",
            activities=[
                gas("gas"),
                pb.Activity(ref="oil", carrier="heating_oil", unit="litre", date="2024-02-01", quantity=100.0),
                pb.Activity(ref="elec", carrier="electricity", unit="kWh", date="2024-12-31", quantity=1000.0),
            ],
        ),
        metadata=tokens["contractor:C1"],
    )
    assert response.version.metadata.version == "23.6"
    assert response.version.content_sha256 == reference_sets["ademe_base_carbone"].content_sha256
    by_ref = {r.ref: r for r in response.resolutions}
    assert by_ref["gas"].kgco2e == pytest.approx(2150.0)
    assert "ID 37133" in by_ref["gas"].source and by_ref["gas"].scope == "1+3"
    assert by_ref["oil"].kgco2e == pytest.approx(325.0)
    assert by_ref["elec"].kgco2e == pytest.approx(51.9)
    assert [r.index for r in response.resolutions] == [0, 1, 2]


def test_pci_route_over_grpc(service):
    stub, tokens = service
    # DPE: 10,000 kWh PCS / 1.11 x 0.227 = 2,045.045 kgCO2e.
    (r,) = stub.Resolve(
        pb.ResolveRequest(set_name="fr_dpe", version="2021", activities=[gas()]), metadata=tokens["auditor"]
    ).resolutions
    assert r.kgco2e == pytest.approx(2045.045, abs=1e-3)
    assert r.factor_unit == "kWh PCI" and r.conversion_multiplier == pytest.approx(1 / 1.11)
    assert "annexe 3" in r.conversion_source


def test_missing_factor_is_not_found_naming_the_activity(service):
    stub, tokens = service
    request = pb.ResolveRequest(
        set_name="ademe_base_carbone",
        activities=[gas("ok"), pb.Activity(ref="late", carrier="electricity", unit="kWh", date="2025-03-01")],
    )
    with pytest.raises(grpc.RpcError) as caught:
        stub.Resolve(request, metadata=tokens["auditor"])
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert "carrier='electricity'" in caught.value.details() and "date=2025-03-01" in caught.value.details()
    request.partial = True
    response = stub.Resolve(request, metadata=tokens["auditor"])
    assert [r.ref for r in response.resolutions] == ["ok"]
    assert [(u.index, u.ref) for u in response.unresolved] == [(1, "late")]
    assert "date=2025-03-01" in response.unresolved[0].reason


def test_pinned_version_after_a_newer_one(service, units):
    stub, tokens = service
    v2024 = make_set([custom_row()], units, version="2024")
    v2025 = make_set(
        [custom_row(), custom_row(valid_from="2024-01-01", valid_to="", kgco2e_per_unit="0.09")],
        units,
        version="2025",
        publication_date="2025-04-01",
    )
    assert stub.Publish(publish_request(v2024), metadata=tokens["admin"]).created
    assert stub.Publish(publish_request(v2025), metadata=tokens["admin"]).created
    heat = pb.Activity(carrier="district_heating", unit="kWh", date="2023-06-01", quantity=1000.0)
    latest = stub.Resolve(pb.ResolveRequest(set_name="bailleur_dh", activities=[heat]), metadata=tokens["auditor"])
    pinned = stub.Resolve(
        pb.ResolveRequest(set_name="bailleur_dh", version="2024", activities=[heat]), metadata=tokens["auditor"]
    )
    assert (latest.version.metadata.version, pinned.version.metadata.version) == ("2025", "2024")
    assert pinned.version.content_sha256 == v2024.content_sha256
    # 2024 onwards exists only in the 2025 version: 1,000 kWh x 0.09 = 90 kgCO2e.
    later = pb.Activity(carrier="district_heating", unit="kWh", date="2024-06-01", quantity=1000.0)
    (r,) = stub.Resolve(
        pb.ResolveRequest(set_name="bailleur_dh", activities=[later]), metadata=tokens["auditor"]
    ).resolutions
    assert r.kgco2e == pytest.approx(90.0)
    with pytest.raises(grpc.RpcError) as caught:
        stub.Resolve(
            pb.ResolveRequest(set_name="bailleur_dh", version="2024", activities=[later]), metadata=tokens["auditor"]
        )
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND

    d = stub.Diff(
        pb.DiffRequest(old_name="bailleur_dh", old_version="2024", new_version="2025"), metadata=tokens["auditor"]
    )
    assert [(f.key, f.valid_from, f.kgco2e_per_unit) for f in d.added] == [("dh.network_a", "2024-01-01", 0.09)]
    assert list(d.removed) == [] and list(d.changed) == []
    assert {c.field for c in d.metadata_changed} == {"version", "publication_date"}


def test_edited_content_under_a_published_label_is_refused(service, units):
    stub, tokens = service
    stub.Publish(publish_request(make_set([custom_row()], units)), metadata=tokens["admin"])
    with pytest.raises(grpc.RpcError) as caught:
        changed = make_set([custom_row(kgco2e_per_unit="0.2")], units)
        stub.Publish(publish_request(changed), metadata=tokens["admin"])
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert "bailleur_dh@2024 is already published" in caught.value.details()


def test_bad_custom_set_is_rejected_with_a_clear_message(service):
    stub, tokens = service
    request = pb.PublishRequest(
        metadata=convert.metadata_out({**custom_metadata(), "excluded": []}),
        factors=[
            pb.Factor(**{**custom_row(key="dh.neg", unit="MWh"), "kgco2e_per_unit": -0.1, "uncertainty_pct": None})
        ],
    )
    with pytest.raises(grpc.RpcError) as caught:
        stub.Publish(request, metadata=tokens["admin"])
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = caught.value.details()
    assert "factor set 'bailleur_dh@2024' is invalid" in details
    assert "row 1 (key 'dh.neg'): unit: unknown unit" in details
    assert "row 1 (key 'dh.neg'): kgco2e_per_unit: must be non-negative, got '-0.1'" in details


def test_only_admin_publishes_everybody_authenticated_reads(service, units):
    stub, tokens = service
    request = publish_request(make_set([custom_row()], units))
    for role in ("auditor", "csr_officer", "contractor:C1"):
        with pytest.raises(grpc.RpcError) as caught:
            stub.Publish(request, metadata=tokens[role])
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
        got = stub.GetSet(pb.GetSetRequest(name="fr_fedene_district_heating"), metadata=tokens[role])
        assert [(f.key, f.flag) for f in got.factors] == [
            ("fr_fedene.district_heating.national_avg.kwh", "UNCONFIRMED")
        ]
    for call, message in (
        (stub.ListSets, pb.ListSetsRequest()),
        (stub.Publish, request),
        (stub.GetSet, pb.GetSetRequest(name="fr_dpe")),
    ):
        with pytest.raises(grpc.RpcError) as caught:
            call(message)
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_unknown_set_or_version(service):
    stub, tokens = service
    with pytest.raises(grpc.RpcError) as caught:
        stub.GetSet(pb.GetSetRequest(name="fr_dpe", version="2012"), metadata=tokens["auditor"])
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert "version '2012' of set 'fr_dpe' is not published; published versions: 2021" in caught.value.details()


def _sha256_by_the_documented_rule(messages) -> str:
    """SetVersion.content_sha256 as its proto comment defines it, from nothing but the messages:
    sha256 over (4-byte big-endian length, deterministic serialisation) of each record."""
    digest = hashlib.sha256()
    for message in messages:
        data = message.SerializeToString(deterministic=True)
        digest.update(len(data).to_bytes(4, "big") + data)
    return digest.hexdigest()


def test_a_client_recomputes_content_sha256_from_the_messages_received(service):
    stub, tokens = service
    listed = stub.ListSets(pb.ListSetsRequest(), metadata=tokens["auditor"]).versions
    assert len(listed) == 5
    for version in listed:
        got = stub.GetSet(
            pb.GetSetRequest(name=version.metadata.name, version=version.metadata.version), metadata=tokens["auditor"]
        )
        recomputed = _sha256_by_the_documented_rule([got.version.metadata, *got.factors])
        assert re.fullmatch(r"[0-9a-f]{64}", got.version.content_sha256)
        assert recomputed == got.version.content_sha256 == version.content_sha256


def test_report_resolution_over_grpc_periods_fallback_and_every_boundary(service, reference_sets):
    """Issue 13, item 8, as the report asks over gRPC (one line per carrier x boundary x period).

    - electricity, year 2025, fallback rule on: ADEME mix 2024 (ID 43642) 0.0519, flagged, its
      validity end named; 100,000 kWh x 0.0519 = 5,190 kgCO2e.
    - district heating, October 2025, boundary "*": ADEME has combustion only (ID 37089, 0.385):
      10,000 kWh x 0.385 = 3,850 kgCO2e, not a fallback (open validity).
    - natural gas kWh PCI, 2023 as a year: the factor changes on 2023-03-15, unresolved (partial)
      with its boundary and the day named.
    """
    stub, tokens = service
    ademe = reference_sets["ademe_base_carbone"]
    request = pb.ResolveRequest(
        set_name="ademe_base_carbone",
        version="23.6",
        partial=True,
        fallback_rule=pb.FALLBACK_RULE_LATEST_EXPIRED,
        activities=[
            pb.Activity(
                ref="elec", carrier="electricity", unit="kWh", date="2025-01-01", date_to="2026-01-01", quantity=1e5
            ),
            pb.Activity(
                ref="dh",
                carrier="district_heating",
                unit="kWh",
                boundary="*",
                date="2025-10-01",
                date_to="2025-11-01",
                quantity=1e4,
            ),
            pb.Activity(ref="gas", carrier="natural_gas", unit="kWh PCI", date="2023-01-01", date_to="2024-01-01"),
        ],
    )
    response = stub.Resolve(request, metadata=tokens["csr_officer"])
    elec, dh = response.resolutions
    assert (elec.index, elec.factor_key, elec.factor_value, elec.kgco2e) == (
        0,
        "fr_bc.electricity.mix2024.total.kwh",
        0.0519,
        pytest.approx(5190.0),
    )
    assert (elec.set_name, elec.set_version, elec.date, elec.date_to) == (
        "ademe_base_carbone",
        "23.6",
        "2025-01-01",
        "2026-01-01",
    )
    assert elec.fallback and "validity ended on 2025-01-01" in elec.fallback_reason
    assert (elec.boundary, elec.uncertainty_pct, elec.factor_unit) == ("total", 10.0, "kWh")
    assert (dh.index, dh.factor_key, dh.boundary, dh.scope) == (
        1,
        "fr_bc.district_heating.other_networks_2021.kwh",
        "combustion",
        "2",
    )
    assert dh.kgco2e == pytest.approx(3850.0) and not dh.fallback and dh.fallback_reason == ""
    (gas_line,) = response.unresolved
    assert (gas_line.index, gas_line.ref, gas_line.boundary) == (2, "gas", "total")
    assert "the factor changes on 2023-03-15" in gas_line.reason
    assert response.version.content_sha256 == ademe.content_sha256

    # The default rule refuses the 2025 line, NOT_FOUND naming it.
    request.partial, request.fallback_rule = False, pb.FALLBACK_RULE_UNSPECIFIED
    del request.activities[1:]
    with pytest.raises(grpc.RpcError) as caught:
        stub.Resolve(request, metadata=tokens["auditor"])
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert "no factor valid on 2025-01-01" in caught.value.details()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fallback_rule": 42}, "fallback_rule"),
        ({"date_to": "2025-01-01"}, "activities[0].date_to"),  # not after date
        ({"date_to": "2025-02-30"}, "activities[0].date_to"),
        ({"date_to": "9999-01-01"}, "activities[0].date_to"),
        ({"boundary": "**"}, "activities[0].boundary"),
    ],
)
def test_new_resolve_fields_refuse_bad_values_naming_them(service, change, field):
    from tests.hostile.harness import field_violations

    stub, tokens = service
    activity = pb.Activity(carrier="electricity", unit="kWh", date="2025-01-01", date_to="2026-01-01")
    request = pb.ResolveRequest(set_name="ademe_base_carbone", activities=[activity])
    for name, value in change.items():
        target = request if name == "fallback_rule" else request.activities[0]
        setattr(target, name, value)
    with pytest.raises(grpc.RpcError) as caught:
        stub.Resolve(request, metadata=tokens["auditor"])
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(caught.value) == [field]
