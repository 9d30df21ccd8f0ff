"""`quitus demo` at a small size, end to end: its summary, as printed and as returned, shows what
the generator injected (three years of intervention events, consumption) being found or refused
through gRPC."""

from datetime import UTC, datetime

import pytest
from rich.console import Console

from services.demo import run
from tests.demo.test_generator import RULES


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(summary, printed text) of one small demo run, its console recorded."""
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "console", Console(record=True, width=160))
        summary = run.run_demo(dwellings=400, seed=7, database_url=f"sqlite:///{folder / 'q.db'}", out_dir=str(folder))
        return summary, run.console.export_text()


def test_three_years_of_events_each_counted_and_every_rule_named(demo):
    """Every event sent is accepted, an ignored re-send or rejected, and each rejection is named
    in the rules table (none left unlisted by an ack), every rule of the generator among them."""
    s, _ = demo
    assert s["years"] == [2023, 2024, 2025]
    e = s["events"]
    assert e["received"] == e["accepted"] + e["duplicates"] + e["rejected"]
    rules = {rule: n for rule, n in s["rules"].items() if not rule.endswith("(warning)")}
    assert sum(rules.values()) == e["rejected"] and set(rules) == RULES
    assert s["rules"]["closed_without_quitus (warning)"] == e["warnings"] > 0


def test_consumption_summary_finds_the_injected_anomalies(demo):
    s, _ = demo
    c = s["consumption"]
    assert (c["first"], c["last"]) == ("2023-01-01", "2026-01-01")
    assert sum(c["anomalies"].values()) > 0
    assert c["anomalies"]["leak"] >= c["injected"]["leaks"] >= 1
    assert c["anomalies"]["stuck_register"] >= c["injected"]["stuck_registers"] >= 1
    leak = c["anomaly_examples"]["leak"][0]
    assert leak["meter_ref"].startswith("WATER-") and leak["observed"] > 3 * leak["expected"]


def test_consumption_summary_counts_every_reading_and_names_each_refusal(demo):
    c = demo[0]["consumption"]
    assert c["readings_accepted"] + c["readings_duplicates"] + c["readings_rejected"] == c["readings_sent"]
    assert c["readings_rejected"] == c["resent_conflicting"] + sum(c["spoilt"].values())
    assert {r["field"] for r in c["rejections"]} == {"value", "meter_ref", "unit", "read_at"}
    years = {r["year"] for r in c["per_year"]}
    assert years == {2023, 2024, 2025}
    gas = {r["year"]: r for r in c["per_year"] if r["carrier"] == "natural_gas"}
    assert all(gas[y]["kwh_pci"] > gas[y]["quantity"] for y in years)  # ~10 kWh PCI per m3
    assert [h["year"] for h in c["heating"]] == [2023, 2024, 2025]


def test_consumption_part_is_printed(demo):
    _, text = demo
    for expected in (
        "Ingesting readings",
        "Refused readings, by reason",
        "unknown meter 'NO-SUCH-METER-",
        "Consumption per carrier and year",
        "Collective heating, weather-normalised",
        "Anomalies found",
        "leak: meter WATER-",
        "Charge control 2025",
        "synthetic",
    ):
        assert expected in text, expected


def test_the_reports_are_written_through_the_reporting_service(demo):
    """The CSR reports (year, last month, English) and three residences' charge control, each a
    PDF on disk whose text carries its run id; the month report is another run than the year."""
    from pathlib import Path

    from pypdf import PdfReader

    summary, text = demo
    csr = summary["csr"]["reports"]
    assert [Path(r["path"]).name for r in csr] == ["csr-2025.pdf", "csr-2025-12.pdf", "csr-2025-en.pdf"]
    assert len({r["id"] for r in csr}) == 3
    assert len(summary["charges"]) == 3
    for report in [*csr, *summary["charges"]]:
        pages = PdfReader(report["path"]).pages
        assert len(pages) == report["pages"] >= 2
        assert report["id"] in pages[0].extract_text()
    assert "Reference scenario reference_2023" in text and "avoided_trips" in text


def test_the_contractor_scorecards_are_written_through_the_reporting_service(demo):
    """The year's scorecard of every contractor, French and English, and two contractors' own:
    each PDF on disk carries its run id and each contractor's name; the path is printed."""
    from pathlib import Path

    from pypdf import PdfReader

    summary, text = demo
    made = summary["scorecards"]
    year = [Path(r["path"]).name for r in made]
    every = made[0]["contractors"]
    assert len(every) >= 6 and made[1]["contractors"] == every
    assert year == [
        "contractor-scorecard-2025.pdf",
        "contractor-scorecard-2025-en.pdf",
        *(f"contractor-scorecard-2025-{c}.pdf" for c in every[:2]),
    ]
    assert [r["contractors"] for r in made[2:]] == [[c] for c in every[:2]]
    assert made[0]["figures_sha256"] == made[1]["figures_sha256"]  # the language changes no figure
    for report in made:
        pages = PdfReader(report["path"]).pages
        assert len(pages) == report["pages"] == len(report["contractors"]) + 2
        assert report["id"] in pages[0].extract_text()
        assert Path(report["path"]).name in "".join(text.split())


def test_the_same_seed_gives_the_same_figures_through_the_cli(demo, tmp_path):
    """`quitus demo` run again from the same seed, through its command line: the reports' figures
    hashes are the first run's (each run has its own cut-off, so its reports' bytes and ids are its
    own; the figures are what an auditor re-running a report compares)."""
    import re

    from typer.testing import CliRunner

    from services.cli import app

    summary, _ = demo
    folder = tmp_path / "again"
    result = CliRunner().invoke(
        app, ["demo", "--dwellings", "400", "--out", str(folder), "--database", f"sqlite:///{folder / 'q.db'}"]
    )
    assert result.exit_code == 0, result.output
    flat = re.sub(r"\s+", "", result.output)  # the console wraps long paths
    for report in [*summary["scorecards"], *summary["csr"]["reports"]]:
        name = report["path"].rsplit("/", 1)[-1]
        printed = re.search(re.escape(name) + r"\(.*?figuressha256([0-9a-f]{12})", flat)
        assert printed and printed[1] == report["figures_sha256"][:12], name
    for expected in ("Data quality per contractor", "Top 10 units", "rejected", "ademe_base_carbone"):
        assert expected in result.output


def test_the_cut_off_lies_after_every_instant_recorded_so_far():
    """Readings are stamped when they arrive, to the microsecond; the demo's cut-off is a whole
    second. Taken at 12:00:05.700000 it is 12:00:06 (a reading stamped 12:00:05.600000 lies
    before it: at 12:00:05, the current second truncated, it did not), and taken exactly on a
    second it is the next one (worked out by hand)."""
    from services.demo.reports import cut_off_after

    at = datetime(2026, 12, 1, 12, 0, 5, 700_000, tzinfo=UTC)
    assert cut_off_after(at) == datetime(2026, 12, 1, 12, 0, 6, tzinfo=UTC)
    assert datetime(2026, 12, 1, 12, 0, 5, 600_000, tzinfo=UTC) <= cut_off_after(at)
    on_the_second = datetime(2026, 12, 1, 12, 0, 5, tzinfo=UTC)
    assert cut_off_after(on_the_second) == datetime(2026, 12, 1, 12, 0, 6, tzinfo=UTC)
