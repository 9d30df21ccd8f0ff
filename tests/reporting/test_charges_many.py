"""Many residences' charge controls from one portfolio-wide pull (charge_control.compute_many):
each residence sliced from it has the figures, and so the figures hash, of its own report, and
the exports are pulled once, not once per report."""

import time
from collections import Counter
from datetime import UTC, datetime

import pytest

from services.reporting import charge_control
from services.reporting.domain.periods import parse_period
from services.reporting.domain.runs import Perimeter, ReportRequest
from services.reporting.gather import Sources
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


def test_every_residence_sliced_from_one_pull_has_the_figures_of_its_own_report(sources):
    """The demo portfolio's residences, each computed twice as of the same cut-off: alone
    (``compute``: its own exports, for its buildings) and sliced from one portfolio-wide pull
    (``compute_many``). The figures frames are equal row for row and so are their hashes; the
    slices hold dwellings with balances (the comparison is not of empty frames); the many
    reports cost one pull of each export, where the single ones cost one pull each."""
    as_of, source, residences = sources
    assert len(residences) >= 2
    source.pulls.clear()  # what the module's other tests pulled with it
    alone = {r: charge_control.compute(source, _request(r, as_of)) for r in residences}
    assert source.pulls == Counter(
        {name: len(residences) for name in ("portfolio", "charge_control", "monthly", "facts")}
    )
    source.pulls.clear()
    many = list(charge_control.compute_many(source, _request(residences[0], as_of), residences))
    assert source.pulls == Counter(portfolio=1, charge_control=1, monthly=1, facts=1)
    assert len(many) == len(residences)
    for residence, sliced in zip(residences, many, strict=True):
        own = alone[residence]
        assert sliced.gathered.building_ids == own.gathered.building_ids
        assert sliced.figures_frame.equals(own.figures_frame), residence
        assert sliced.manifest.figures_sha256 == own.manifest.figures_sha256
        dwellings = own.figures_frame.filter(own.figures_frame["level"] == "dwelling")
        assert dwellings.height > 0 and dwellings["balance_cents"].abs().sum() > 0
        # the manifest names what was pulled: the portfolio-wide exports, not the residence's
        assert {i.source for i in sliced.manifest.inputs} == {i.source for i in own.manifest.inputs}


def test_a_slice_for_another_year_is_refused_naming_the_years(sources):
    as_of, source, residences = sources
    pulled = charge_control.pull_portfolio(source, 2024, as_of)
    request = _request(residences[0], as_of)
    with pytest.raises(Exception, match="pulled for 2024, the request is for 2025"):
        charge_control.compute_sliced(pulled, request, charge_control.allocation_keys(()))
