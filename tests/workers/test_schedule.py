"""What is due, and which reports a month's run makes, on cases worked out by hand.

Months are civil months in Paris: October 2025 runs from 2025-09-30T22:00Z (Paris is UTC+2 in
summer time) to 2025-10-31T23:00Z (UTC+1 after the last Sunday of October); December 2025 ends
at 2025-12-31T23:00Z.
"""

from datetime import UTC, datetime, timedelta

import pytest

from services.workers.schedule import CHARGE_CONTROL, CSR, SCORECARD, Month, Perimeters, jobs_for, months_due

SETTLE = timedelta(seconds=60)
PERIMETERS = Perimeters(territories=("T2", "T1"), residences=("R1",), contractors=("C1", "C2"))


def test_month_bounds_are_paris_midnights_in_utc():
    october = Month(2025, 10)
    assert october.start == datetime(2025, 9, 30, 22, tzinfo=UTC)
    assert october.end == datetime(2025, 10, 31, 23, tzinfo=UTC)
    assert Month(2025, 12).end == datetime(2025, 12, 31, 23, tzinfo=UTC)
    assert Month(2025, 12).next() == Month(2026, 1) and Month(2026, 1).previous() == Month(2025, 12)
    assert Month.containing(datetime(2025, 10, 31, 23, 30, tzinfo=UTC)) == Month(2025, 11)  # 00:30 in Paris


@pytest.mark.parametrize("text", ["2025-13", "2025-1", "25-10", "2025/10", "", "2025-00"])
def test_a_month_is_written_yyyy_mm(text):
    with pytest.raises(ValueError):
        Month.parse(text)


def test_a_month_is_due_once_its_end_has_settled():
    """October ends at 23:00Z on the 31st: due at 23:01Z (60 s later), not a second before."""
    end = datetime(2025, 10, 31, 23, tzinfo=UTC)
    assert months_due(Month(2025, 10), end + SETTLE - timedelta(seconds=1), SETTLE) == []
    assert months_due(Month(2025, 10), end + SETTLE, SETTLE) == [Month(2025, 10)]


def test_months_missed_are_all_due_oldest_first():
    """The scheduler was down from September to early December: August (the first month) to
    November are due, December (not over) is not."""
    now = datetime(2025, 12, 3, 8, tzinfo=UTC)
    assert months_due(Month(2025, 8), now, SETTLE) == [Month(2025, m) for m in (8, 9, 10, 11)]
    assert months_due(Month(2026, 1), now, SETTLE) == []


def test_a_month_makes_csr_charge_control_and_scorecards():
    """October 2025 with territories T1, T2, residence R1, contractors C1, C2: the portfolio's CSR
    report and one per territory (3), R1's charge control for 2025 to date (1), a scorecard per
    contractor (2): 6 reports, each as of October's end. The two that pull the run's
    portfolio-wide exports lead (the charge control's, then the CSR's), the others follow."""
    jobs = jobs_for(Month(2025, 10), PERIMETERS)
    assert [(j.key, j.kind) for j in jobs] == [
        ("charges/year-to-date/residence/R1", CHARGE_CONTROL),
        ("csr/month/portfolio", CSR),
        ("csr/month/territory/T1", CSR),
        ("csr/month/territory/T2", CSR),
        ("scorecard/month/contractor/C1", SCORECARD),
        ("scorecard/month/contractor/C2", SCORECARD),
    ]
    assert {j.as_of for j in jobs} == {datetime(2025, 10, 31, 23, tzinfo=UTC)}
    october = (datetime(2025, 9, 30, 22, tzinfo=UTC), datetime(2025, 10, 31, 23, tzinfo=UTC))
    year_2025 = (datetime(2024, 12, 31, 23, tzinfo=UTC), datetime(2025, 12, 31, 23, tzinfo=UTC))
    by_key = {j.key: j for j in jobs}
    assert (by_key["csr/month/territory/T2"].period_start, by_key["csr/month/territory/T2"].period_end) == october
    assert by_key["csr/month/territory/T2"].territory_ids == ("T2",)
    charges = by_key["charges/year-to-date/residence/R1"]
    assert (charges.period_start, charges.period_end, charges.residence_ids) == (*year_2025, ("R1",))
    assert by_key["scorecard/month/contractor/C2"].contractor_ids == ("C2",)


def test_the_january_run_adds_the_years_reports():
    """December 2025's run (held in January 2026): the 6 reports of a month, then the year's CSR
    for the portfolio and per territory (3) and each contractor's scorecard of the year (2): 11.
    The year's portfolio CSR leads, then the charge control and the month's portfolio CSR."""
    jobs = jobs_for(Month(2025, 12), PERIMETERS)
    assert len(jobs) == 11
    assert [j.key for j in jobs[:4]] == [
        "csr/year/portfolio",
        "charges/year-to-date/residence/R1",
        "csr/month/portfolio",
        "csr/month/territory/T1",
    ]
    year = [j for j in jobs if "/year/" in j.key]
    assert [j.key for j in year] == [
        "csr/year/portfolio",
        "csr/year/territory/T1",
        "csr/year/territory/T2",
        "scorecard/year/contractor/C1",
        "scorecard/year/contractor/C2",
    ]
    assert {(j.period_start, j.period_end) for j in year} == {
        (datetime(2024, 12, 31, 23, tzinfo=UTC), datetime(2025, 12, 31, 23, tzinfo=UTC))
    }
    assert {j.as_of for j in jobs} == {datetime(2025, 12, 31, 23, tzinfo=UTC)}
    assert len({j.key for j in jobs}) == 11
    assert not [j for j in jobs_for(Month(2026, 1), PERIMETERS) if "/year/" in j.key]


def test_the_other_charge_controls_follow_the_leaders():
    """Residences R1, R2, R3 in December: the year's portfolio CSR, R1's charge control and the
    month's portfolio CSR lead; R2's and R3's charge controls come next, before the territories'
    CSRs (which wait on the month's exports) and the scorecards."""
    three = Perimeters(territories=("T1",), residences=("R1", "R2", "R3"), contractors=("C1",))
    keys = [j.key for j in jobs_for(Month(2025, 12), three)]
    assert keys[:6] == [
        "csr/year/portfolio",
        "charges/year-to-date/residence/R1",
        "csr/month/portfolio",
        "charges/year-to-date/residence/R2",
        "charges/year-to-date/residence/R3",
        "csr/month/territory/T1",
    ]
    assert sorted(keys[6:]) == [
        "csr/year/territory/T1",
        "scorecard/month/contractor/C1",
        "scorecard/year/contractor/C1",
    ]


def test_an_empty_portfolio_still_gets_its_portfolio_report():
    assert [j.key for j in jobs_for(Month(2025, 3), Perimeters((), (), ()))] == ["csr/month/portfolio"]
