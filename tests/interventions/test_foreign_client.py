"""A grpcio client generated from protos/ alone (no project code) can ingest, search and export.

The client runs in a separate interpreter whose path holds only freshly generated code.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

from grpc_tools import protoc

from services.interventions.server import build
from services.runtime.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

CLIENT = textwrap.dedent("""
    import os
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the generated code only
    import grpc
    from google.protobuf.timestamp_pb2 import Timestamp
    from quitus.interventions.v1 import interventions_pb2 as pb, interventions_pb2_grpc as pb_grpc

    stub = pb_grpc.InterventionsServiceStub(grpc.insecure_channel(sys.argv[1]))
    t0 = Timestamp(seconds=1772438400)  # 2026-03-02 08:00 UTC
    stub.ImportPortfolio(iter([pb.ImportPortfolioRequest(records=[
        pb.PortfolioRecord(organisation=pb.Organisation(id="O", name="o")),
        pb.PortfolioRecord(territory=pb.Territory(id="T", organisation_id="O", name="t")),
        pb.PortfolioRecord(residence=pb.Residence(id="R", territory_id="T", name="r")),
        pb.PortfolioRecord(building=pb.Building(id="B", residence_id="R", address="1 rue", postcode="75001",
                                                city="Paris", weather_station="PARIS")),
        pb.PortfolioRecord(unit=pb.Unit(ug_id="U", building_id="B", kind="dwelling")),
        pb.PortfolioRecord(contractor=pb.Contractor(id="C", name="c")),
        pb.PortfolioRecord(contract=pb.Contract(
            id="K", contractor_id="C", starts_at=Timestamp(seconds=1700000000), ends_at=Timestamp(seconds=1900000000),
            building_ids=["B"], trades=["multiservice"], service_codes=[pb.ServiceCode(
                code="S", trade="multiservice", nature=pb.NATURE_CURATIVE,
                deadlines=[pb.Deadline(criticality="normal", intervene_hours=24, repair_hours=72)])])),
    ])]))
    event = pb.InterventionEvent(contractor_id="C", external_ref="X1", sequence=1, kind=pb.EVENT_KIND_REQUESTED,
                                 event_time=t0, recorded_at=t0, contract_id="K", service_code="S", ug_id="U",
                                 criticality="normal")
    (ack,) = stub.IngestEvents(iter([pb.IngestEventsRequest(batch_id="b", events=pb.EventList(events=[event]))]))
    found = stub.SearchInterventions(pb.SearchInterventionsRequest(ug_id="U"))
    settled = Timestamp()
    settled.GetCurrentTime()
    settled.seconds -= 120  # a cut-off must be a minute old
    export = list(stub.ExportInterventions(pb.ExportInterventionsRequest(as_of=settled)))
    print(ack.accepted, [i.id for i in found.interventions], export[-1].total)
""")


def test_client_generated_from_protos_alone(tmp_path):
    gen = tmp_path / "gen"
    gen.mkdir()
    include = Path(protoc.__file__).parent / "_proto"
    files = [str(p.relative_to(ROOT / "protos")) for p in (ROOT / "protos").rglob("*.proto")]
    assert (
        protoc.main(
            [
                "protoc",
                f"-I{ROOT / 'protos'}",
                f"-I{include}",
                f"--python_out={gen}",
                f"--grpc_python_out={gen}",
                *files,
            ]
        )
        == 0
    )
    (gen / "client.py").write_text(CLIENT)
    server, port = build(Settings(database_url=f"sqlite:///{tmp_path / 'q.db'}", auth_enabled=False), port=0)
    server.start()
    try:
        # -I: isolated mode, so neither the project nor the working directory is on the path.
        result = subprocess.run(
            [sys.executable, "-I", "client.py", f"localhost:{port}"],
            cwd=gen,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.stop(0)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "1 ['C/X1'] 1"
