"""Who may call what on the consumption service.

Design: meter data is the landlord's, not a contractor's, so a contractor token reaches no
consumption method at all; loading data (meters, readings, degree days, prices) and running
detection is for admins and internal services; CSR officers and auditors read.
"""

import grpc
import pytest

from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.consumption.servicer import METHOD_ACCESS, SERVICE_NAME
from services.runtime.principal import Role
from tests.conftest import bearer
from tests.consumption.scenario import MARCH, march, readings, send

WRITES = ("ImportMeters", "IngestReadings", "ImportDegreeDays", "ImportPrices", "DetectAnomalies")
GAS = [("G1", MARCH, 100.0)]


def test_every_method_has_an_access_rule_and_none_is_open_to_contractors():
    methods = {m.name for m in pb.DESCRIPTOR.services_by_name["ConsumptionService"].methods}
    assert {k.rsplit("/", 1)[1] for k in METHOD_ACCESS} == methods
    assert all(Role.CONTRACTOR not in roles for roles in METHOD_ACCESS.values())
    for name in WRITES:
        assert METHOD_ACCESS[f"/{SERVICE_NAME}/{name}"] == {Role.ADMIN, Role.SERVICE}


def test_no_token_or_a_bad_token_is_unauthenticated(service):
    stub, _, _ = service
    with pytest.raises(grpc.RpcError) as anonymous:
        stub.GetConsumption(pb.GetConsumptionRequest(period=march()))
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.RpcError) as anonymous_write:
        send(stub, (), readings(GAS))
    assert anonymous_write.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.RpcError) as forged:
        stub.GetConsumption(pb.GetConsumptionRequest(period=march()), metadata=bearer("not-a-token"))
    assert forged.value.code() == grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize("role", ["auditor", "csr_officer", "contractor:C1"])
def test_only_loaders_write_and_a_refused_batch_stores_nothing(service, role):
    stub, tokens, admin = service
    caller = bearer(tokens.issue(role))
    with pytest.raises(grpc.RpcError) as denied:
        send(stub, caller, readings(GAS))
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as denied_meters:
        stub.ImportMeters(iter([pb.ImportMetersRequest()]), metadata=caller)
    assert denied_meters.value.code() == grpc.StatusCode.PERMISSION_DENIED
    # nothing reached the store: the same reading sent by an admin is new, not a duplicate
    (ack,) = send(stub, admin, readings(GAS))
    assert (ack.accepted, ack.duplicates) == (1, 0)


def test_contractors_cannot_read_consumption_and_staff_can(service):
    stub, tokens, _ = service
    contractor = bearer(tokens.issue("contractor:C1"))
    for call in (
        lambda md: stub.GetConsumption(pb.GetConsumptionRequest(period=march()), metadata=md),
        lambda md: list(stub.ExportMonthly(pb.ExportMonthlyRequest(period=march()), metadata=md)),
        lambda md: stub.ListAnomalies(pb.ListAnomaliesRequest(), metadata=md),
    ):
        with pytest.raises(grpc.RpcError) as denied:
            call(contractor)
        assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    for role in ("auditor", "csr_officer", "service"):
        reply = stub.GetConsumption(pb.GetConsumptionRequest(period=march()), metadata=bearer(tokens.issue(role)))
        assert list(reply.figures) == []


def test_an_internal_service_may_load_readings(service):
    stub, tokens, _ = service
    (ack,) = send(stub, bearer(tokens.issue("service")), readings(GAS))
    assert ack.accepted == 1
