"""The audit manifest as a report prints it: label -> text, every input named with the period it
covers, so that a reader can tell N from N-1 and the reference."""

import json
from datetime import datetime

from services.reporting.domain.periods import PARIS
from services.reporting.domain.runs import Manifest, ManifestInput, ReportRequest


def _covers(pulled: ManifestInput) -> str:
    """`` 2025-01..2025-12`` from the export request's period, or nothing."""
    request = json.loads(pulled.request_json)
    period = request.get("requested") or request.get("period")
    if not period or "start" not in period or "end" not in period:
        return ""
    start = datetime.fromisoformat(period["start"].replace("Z", "+00:00")).astimezone(PARIS)
    end = datetime.fromisoformat(period["end"].replace("Z", "+00:00")).astimezone(PARIS)
    last_year, last_month = (end.year, end.month - 1) if end.month > 1 else (end.year - 1, 12)
    return f", {start.year}-{start.month:02d}..{last_year}-{last_month:02d}"


def manifest_lines(manifest: Manifest, request: ReportRequest, run_id: str) -> dict[str, str]:
    return {
        "report": run_id,
        "method_version": manifest.method_version,
        "as_of": manifest.as_of.isoformat(),
        "period": f"[{request.period.start.isoformat()}, {request.period.end.isoformat()})",
        "factor set": manifest.factor_set
        + (f" sha256 {manifest.factor_set_sha256}" if manifest.factor_set_sha256 else ""),
        **dict(manifest.extra),
        **{
            f"input {i + 1}: {pulled.source}{_covers(pulled)}": f"sha256 {pulled.content_sha256} ({pulled.records:,} "
            "records)"
            for i, pulled in enumerate(manifest.inputs)
        },
        "figures": f"sha256 {manifest.figures_sha256}",
        "re-run": f"quitus report verify {run_id}",
    }
