"""ExportMonthly in the Arrow form (quitus.common.v1.ExportForm): the same figures as the
record messages (NaN where not applicable, empty texts), and the same content_sha256 spanning
the batches, through a real channel."""

import io
import math

import polars as pl

from services.api.quitus.common.v1.common_pb2 import EXPORT_FORM_ARROW_IPC
from services.api.quitus.consumption.v1 import consumption_pb2 as pb
from services.reporting.sources import monthly_frame, monthly_frame_arrow
from tests.consumption.scenario import DAY, MARCH, march, readings, send
from tests.consumption.test_grpc import GAS


def test_the_arrow_form_holds_the_figures_of_the_records_and_their_digest(service):
    """Gas G1 (rolled over, priced) and water W1 (no kWh: NaN) in March, one figure a batch."""
    stub, _, admin = service
    send(stub, admin, readings(GAS + [("W1", MARCH + i * DAY, 10.0 + i) for i in range(4)]))
    asked = pb.ExportMonthlyRequest(period=march(), batch_size=1)
    records = list(stub.ExportMonthly(asked, metadata=admin))
    arrow_request = pb.ExportMonthlyRequest(form=EXPORT_FORM_ARROW_IPC)
    arrow_request.MergeFrom(asked)
    arrow = list(stub.ExportMonthly(arrow_request, metadata=admin))

    assert len(arrow) == len(records) == 2 and all(m.arrow_ipc and not m.figures for m in arrow)
    assert arrow[-1].content_sha256 == records[-1].content_sha256 != ""
    assert arrow[0].as_of == records[0].as_of
    first = pl.read_ipc_stream(io.BytesIO(arrow[0].arrow_ipc))
    assert first.columns == [f.name for f in pb.MonthlyFigure.DESCRIPTOR.fields]
    from_records, sha = monthly_frame(records)
    from_arrow, sha_arrow = monthly_frame_arrow(arrow)
    assert sha_arrow == sha
    assert from_arrow.equals(from_records, null_equal=True)
    water = from_arrow.filter(pl.col("meter_ref") == "W1").row(0, named=True)
    assert math.isnan(water["kwh_pci"]) and water["quantity"] > 0
