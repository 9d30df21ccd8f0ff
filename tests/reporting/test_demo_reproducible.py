"""`quitus demo` end to end at a small size: the chain runs, and two runs from the same seed
give the same figures and the same PDF, byte for byte (what an auditor re-running a report
expects)."""

import hashlib

from typer.testing import CliRunner

from services.cli import app


def run_demo(folder) -> tuple[str, str]:
    result = CliRunner().invoke(
        app, ["demo", "--dwellings", "400", "--out", str(folder), "--database", f"sqlite:///{folder / 'q.db'}"]
    )
    assert result.exit_code == 0, result.output
    pdf = folder / "contractor-scorecard-2025.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    return hashlib.sha256(pdf.read_bytes()).hexdigest(), result.output


def test_same_seed_same_pdf(tmp_path):
    first_pdf, output = run_demo(tmp_path / "a")
    second_pdf, _ = run_demo(tmp_path / "b")
    assert first_pdf == second_pdf
    for expected in ("Data quality per contractor", "Top 10 units", "rejected", "ademe_base_carbone"):
        assert expected in output
