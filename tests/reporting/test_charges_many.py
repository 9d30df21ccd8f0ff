"""Many residences' charge controls from one portfolio-wide pull (charge_control.compute_many):
each residence sliced from it has the figures, and so the figures hash, of its own report, and
the exports are pulled once, not once per report."""

import copy
import os
import time
from collections import Counter
from dataclasses import fields, replace
from datetime import UTC, datetime

import polars as pl
import pytest

from services.reporting import charge_control
from services.reporting.domain.periods import parse_period
from services.reporting.domain.runs import Perimeter, ReportRequest
from services.reporting.export_cache import ExportCache
from services.reporting.gather import Sources
from services.reporting.rendering import Renderer
from services.runtime.errors import InvalidArgument
from tests.conftest import PG_URL
from tests.reporting.stack import SETTLE_S, postgres_prefix, report_stack

YEAR = parse_period("2025")
DWELLINGS = 700  # several residences in the demo portfolio


class CountingSources(Sources):
    """Sources that count the exports they pull."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pulls: Counter[str] = Counter()

    def portfolio(self, as_of):
        self.pulls["portfolio"] += 1
        return super().portfolio(as_of)

    def charge_control(self, period, as_of, building_ids):
        self.pulls["charge_control"] += 1
        return super().charge_control(period, as_of, building_ids)

    def monthly(self, period, as_of, building_ids):
        self.pulls["monthly"] += 1
        return super().monthly(period, as_of, building_ids)

    def facts(self, period, as_of, perimeter, building_ids):
        self.pulls["facts"] += 1
        return super().facts(period, as_of, perimeter, building_ids)

    def anomalies(self, as_of, building_ids):
        self.pulls["anomalies"] += 1
        return super().anomalies(as_of, building_ids)


@pytest.fixture(scope="module")
def sources():
    with postgres_prefix() as prefix, report_stack((PG_URL, prefix), auth=True, dwellings=DWELLINGS) as s:
        loaded = datetime.now(UTC)
        time.sleep(SETTLE_S + 1)  # an export's cut-off must be settled past what was recorded
        yield (
            loaded,
            CountingSources(
                s.channels["interventions"], s.channels["consumption"], s.channels["factors"], s.token("service")
            ),
            sorted({b.residence_id for b in s.portfolio.buildings}),
            s,
        )


def _request(residence: str, as_of: datetime) -> ReportRequest:
    return ReportRequest(
        kind="CHARGE_CONTROL",
        period=YEAR,
        perimeter=Perimeter(residence_ids=(residence,)),
        as_of=as_of,
        factor_set="",
        vehicle_factor_set="",
        scenario="",
        scenario_version=0,
        lang="fr",
    )


def test_every_residence_sliced_from_one_pull_has_the_figures_of_the_whole_pull(sources):
    """The demo portfolio's residences, each computed twice as of the same cut-off: as the
    service computes it (``compute`` on sources with an export cache: the residence's cut of the
    charge controls computed at once for every residence of one portfolio-wide pull, made once
    and shared) and alone over the whole pull unsliced (the domain picking the perimeter's rows
    itself). Every frame of the two charge controls is equal row for row, and so are the figures
    and their hashes; the slices hold dwellings with balances (the comparison is not of empty
    frames); the reports of every residence cost one pull of each export, not one per report."""
    as_of, source, residences, _ = sources
    assert len(residences) >= 2
    cached = copy.copy(source)
    cached.cache = ExportCache()
    source.pulls.clear()  # what the module's other tests pulled with it (the copy counts in it)
    served = {r: charge_control.compute(cached, _request(r, as_of)) for r in residences}
    # one pull of each export; the monthly figures and the interventions one civil year at a time
    assert source.pulls == Counter(portfolio=1, charge_control=1, monthly=2, facts=3, anomalies=1)
    whole = charge_control.pull_portfolio(source, 2025, as_of)
    keys = charge_control.allocation_keys(())
    for residence in residences:
        sliced = served[residence]
        own = charge_control.compute_sliced(whole, _request(residence, as_of), keys)
        assert sliced.gathered.building_ids == own.gathered.building_ids
        for one in fields(own.gathered.charges):
            mine, alone = getattr(sliced.gathered.charges, one.name), getattr(own.gathered.charges, one.name)
            assert mine.equals(alone) if isinstance(alone, pl.DataFrame) else mine == alone, (residence, one.name)
        assert sliced.figures_frame.equals(own.figures_frame), residence
        assert sliced.manifest.figures_sha256 == own.manifest.figures_sha256
        dwellings = own.figures_frame.filter(own.figures_frame["level"] == "dwelling")
        assert dwellings.height > 0 and dwellings["balance_cents"].abs().sum() > 0
        # the manifest names what was pulled: the portfolio-wide exports
        assert sliced.manifest.inputs == whole.inputs
    alone = served
    # the anomalies consumption found on the demo's meters in the year reach the reports, each
    # with its cost or the reason it has none
    meters = pl.concat([alone[r].gathered.charges.meter_anomalies for r in residences])
    assert meters.height > 0 and meters["cost_note"].null_count() == 0
    assert meters.filter(pl.col("cost_cents").is_null() & (pl.col("cost_note") == "estimated")).is_empty()


def test_a_residence_the_domain_refuses_does_not_stop_the_others(sources):
    """One residence's dwelling listed twice in the portfolio: the charge controls of every
    residence at once are refused (the domain checks the dwellings of its whole perimeter), so
    each residence is then computed alone: the others get their figures, that one the error
    naming the dwelling."""
    as_of, source, residences, _ = sources
    whole = charge_control.pull_portfolio(source, 2025, as_of)
    units = whole.portfolio.units
    broken, fine = residences[0], residences[1]
    buildings = whole.portfolio.buildings.filter(pl.col("residence_id") == broken)["building_id"].implode()
    twice = units.filter((pl.col("kind") == "dwelling") & pl.col("building_id").is_in(buildings)).head(1)
    pulled = replace(whole, portfolio=replace(whole.portfolio, units=pl.concat([units, twice])))
    sliced = charge_control.Sliced(pulled)
    keys = charge_control.allocation_keys(())
    alone = charge_control.compute_sliced(whole, _request(fine, as_of), keys)
    assert charge_control.compute_sliced(sliced, _request(fine, as_of), keys).figures_frame.equals(alone.figures_frame)
    with pytest.raises(InvalidArgument, match=twice["ug_id"][0]):
        charge_control.compute_sliced(sliced, _request(broken, as_of), keys)


def test_a_slice_for_another_year_is_refused_naming_the_years(sources):
    as_of, source, residences, _ = sources
    pulled = charge_control.pull_portfolio(source, 2024, as_of)
    request = _request(residences[0], as_of)
    with pytest.raises(Exception, match="pulled for 2024, the request is for 2025"):
        charge_control.compute_sliced(pulled, request, charge_control.allocation_keys(()))


def test_the_cli_writes_one_charge_control_report_per_residence_with_all(sources, tmp_path):
    """``quitus report charges --all``: the residences are those of the portfolio's buildings as
    of the cut-off; one GenerateReport each, its progress and its saved PDF's path printed."""
    from typer.testing import CliRunner

    from services.cli import app

    t1, _, residences, s = sources
    assert len(residences) >= 2  # several: the test would prove little with one
    addresses = {name: f"localhost:{port}" for name, (_, port) in s.servers.items()}
    args = ["report", "charges", "--year", "2025", "--as-of", t1.isoformat(), "--all"]
    args += ["--address", addresses["reporting"], "--interventions-address", addresses["interventions"]]
    args += ["-o", str(tmp_path)]
    result = CliRunner().invoke(app, args, env={"QUITUS_TOKEN": s.token("csr_officer"), "COLUMNS": "240"})
    assert result.exit_code == 0, result.output
    assert f"{len(residences)} residences in the portfolio" in result.output
    pdfs = sorted(tmp_path.glob("charges-2025-*.pdf"))
    assert len(pdfs) == len(residences)
    for done, residence in enumerate(residences, start=1):
        assert f"[{done}/{len(residences)}]" in result.output and f"(residence {residence})" in result.output
    flat = result.output.replace("\n", "")
    assert all(str(pdf) in flat for pdf in pdfs)
    assert all(pdf.read_bytes().startswith(b"%PDF") for pdf in pdfs)


def test_reports_rendered_in_worker_processes_are_the_same_bytes(sources):
    """QUITUS_RENDER_PROCESSES: the charge control of two residences rendered in a pool of two
    spawned processes gives the PDF and the audit pack byte for byte as rendered here; a render
    process that dies fails its report with a message saying so, and the next report is made."""
    as_of, source, residences, _ = sources
    requests = [_request(r, as_of) for r in residences[:2]]
    computed = [charge_control.compute(source, request) for request in requests]
    here, pool = Renderer(0), Renderer(2)
    try:
        for one, request in zip(computed, requests, strict=True):
            expected = here.files(one, request, request.run_id())
            assert pool.files(one, request, request.run_id()) == expected
            assert pool.pdf(one, request, request.run_id()) == expected[0]
            assert expected[0].startswith(b"%PDF") and len(expected[1]) > 0
        with pytest.raises(RuntimeError, match="a render process died"):
            pool._run(os._exit, 1)
        assert pool.pdf(computed[0], requests[0], requests[0].run_id()) == here.pdf(
            computed[0], requests[0], requests[0].run_id()
        )
    finally:
        pool.close()
