"""`quitus demo` end to end at a small size: the chain runs, and two runs from the same seed
give the same figures (what an auditor re-running a report expects). The reports' bytes carry
each run's own cut-off (a minute before it is taken), so the figures hash is what is compared."""

import re

from typer.testing import CliRunner

from services.cli import app


def run_demo(folder) -> tuple[str, str]:
    result = CliRunner().invoke(
        app, ["demo", "--dwellings", "400", "--out", str(folder), "--database", f"sqlite:///{folder / 'q.db'}"]
    )
    assert result.exit_code == 0, result.output
    pdf = folder / "contractor-scorecard-2025.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    flat = re.sub(r"\s+", "", result.output)  # the console wraps long paths
    printed = re.search(r"contractor-scorecard-2025\.pdf\(.*?figuressha256([0-9a-f]{12})", flat)
    assert printed, result.output
    return printed[1], result.output


def test_same_seed_same_figures(tmp_path):
    first, output = run_demo(tmp_path / "a")
    second, _ = run_demo(tmp_path / "b")
    assert first == second
    for expected in ("Data quality per contractor", "Top 10 units", "rejected", "ademe_base_carbone"):
        assert expected in output
