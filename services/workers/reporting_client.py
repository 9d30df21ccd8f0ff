"""The scheduler's and the workers' calls to a reporting replica: unary only, each run through
``run_in_thread`` (``eventlet.tpool.execute`` in a nameko process: a gRPC call made on the
eventlet hub would block the whole process), and every gRPC error turned into one of this
module's exceptions, which say whether trying again may help (a grpc.RpcError raised out of a
nameko entrypoint can kill ``nameko run``)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import grpc
from google.protobuf import json_format

from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.api.quitus.reporting.v1 import reporting_pb2_grpc as pb_grpc
from services.runtime.client import open_channel
from services.runtime.timestamps import to_period, to_timestamp
from services.workers.schedule import CHARGE_CONTROL, CSR, SCORECARD, JobSpec, Perimeters

TRANSIENT = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})
KINDS = {
    CSR: pb.REPORT_KIND_DECARBONISATION,
    CHARGE_CONTROL: pb.REPORT_KIND_CHARGE_CONTROL,
    SCORECARD: pb.REPORT_KIND_CONTRACTOR_SCORECARD,
}


class ReportingCallFailed(Exception):
    """A call to reporting failed; ``str()`` names the call, the status and reporting's message."""


class TransientFailure(ReportingCallFailed):
    """Reporting (or a data service behind it) did not answer in time: worth another try later."""


class PermanentFailure(ReportingCallFailed):
    """Reporting refused the call: the same call will be refused again."""


@dataclass(frozen=True)
class ReportOptions:
    """What every scheduled report is asked with, beside its period and perimeter."""

    scenario: str
    factor_set: str
    vehicle_factor_set: str
    lang: str


def report_request(spec: JobSpec, options: ReportOptions) -> str:
    """The GenerateReportRequest of a job, as JSON (what the job records and the worker sends)."""
    request = pb.GenerateReportRequest(
        kind=KINDS[spec.kind],
        period=to_period(spec.period_start, spec.period_end),
        perimeter=pb.Perimeter(
            territory_ids=spec.territory_ids, residence_ids=spec.residence_ids, contractor_ids=spec.contractor_ids
        ),
        as_of=to_timestamp(spec.as_of),
        lang=options.lang,
    )
    if spec.kind == CSR:
        request.factor_set = options.factor_set
        request.vehicle_factor_set = options.vehicle_factor_set
    if spec.kind in (CSR, SCORECARD):
        request.scenario = options.scenario
    return json_format.MessageToJson(request, sort_keys=True, indent=None)


@dataclass(frozen=True)
class Generated:
    report_id: str
    pages: int
    created: bool  # false: reporting had stored the same request's report before


def _direct(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


class ReportingClient:
    def __init__(
        self,
        address: str,
        token: str = "",
        timeout_s: float = 900.0,
        run_in_thread: Callable[..., Any] = _direct,
    ) -> None:
        self.address = address
        self.channel = open_channel(address)
        self.stub = pb_grpc.ReportingServiceStub(self.channel)
        self.metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self.timeout_s = timeout_s
        self.run_in_thread = run_in_thread

    def close(self) -> None:
        self.channel.close()

    def _call(self, method: str, request: Any) -> Any:
        try:
            return self.run_in_thread(
                getattr(self.stub, method), request, metadata=self.metadata, timeout=self.timeout_s
            )
        except grpc.RpcError as exc:
            code = exc.code() if hasattr(exc, "code") else grpc.StatusCode.UNKNOWN
            detail = exc.details() if hasattr(exc, "details") else str(exc)
            message = f"reporting at {self.address} answered {method} with {code.name}: {detail}"
            raise (TransientFailure if code in TRANSIENT else PermanentFailure)(message) from None

    def perimeters(self, as_of: datetime) -> tuple[Perimeters, str]:
        """(the perimeters as of the cut-off, the portfolio export's content_sha256)."""
        reply = self._call("ListPerimeters", pb.ListPerimetersRequest(as_of=to_timestamp(as_of)))
        perimeters = Perimeters(
            territories=tuple(t.id for t in reply.territories),
            residences=tuple(r.id for r in reply.residences),
            contractors=tuple(c.id for c in reply.contractors),
        )
        return perimeters, reply.portfolio.content_sha256

    def generate(self, request_json: str) -> Generated:
        try:
            request = json_format.Parse(request_json, pb.GenerateReportRequest())
        except json_format.ParseError as exc:
            raise PermanentFailure(f"the job's request is not a GenerateReportRequest: {exc}") from None
        reply = self._call("GenerateReport", request)
        return Generated(reply.run.id, reply.run.pages, reply.created)
