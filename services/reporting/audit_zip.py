"""An audit pack as a zip: the run's manifest.json beside its CSV tables, under a folder named
after the run. Entries carry a fixed date and are written in name order: the same run gives the
same bytes."""

import io
import json
import zipfile

from services.reporting.domain.runs import Manifest, ReportRequest, manifest_to_json


def zip_pack(run_id: str, request: ReportRequest, manifest: Manifest, tables: dict[str, bytes]) -> bytes:
    files = {
        "manifest.json": json.dumps(
            {
                "report": run_id,
                "request": json.loads(request.canonical_json()),
                "manifest": json.loads(manifest_to_json(manifest)),
            },
            indent=1,
            sort_keys=True,
            ensure_ascii=False,
        ).encode(),
        **tables,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{run_id}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            pack.writestr(info, files[name])
    return buffer.getvalue()
