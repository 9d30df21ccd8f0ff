"""The CSR report through real channels: four services on PostgreSQL, reporting pulling the
others' as-of exports with its own service token. Generate, get, list, download, verify, pack;
who may do what; reproducibility after late data; what a report says when something is missing.

Readings are recorded when they arrive and an as_of must be settled (stack.SETTLE_S old), so the
module loads the data, takes its cut-off T1, sends late data (an event, a reading, a corrected
price), takes T2 and waits once until both are settled."""

import hashlib
import io
import logging
import time
import zipfile
from datetime import UTC, datetime

import grpc
import polars as pl
import pytest
from pypdf import PdfReader

from reports.csr_tables import shown
from reports.formatting import Formatter
from services.api.quitus.consumption.v1 import consumption_pb2 as cpb
from services.api.quitus.consumption.v1 import consumption_pb2_grpc as cpb_grpc
from services.api.quitus.interventions.v1 import interventions_pb2 as ipb
from services.api.quitus.reporting.v1 import reporting_pb2 as pb
from services.reporting.domain.periods import parse_period
from services.runtime.timestamps import to_period, to_timestamp
from tests.conftest import PG_URL
from tests.reporting.stack import SCENARIO as SCENARIO_NAME
from tests.reporting.stack import SETTLE_S, csr_request, postgres_prefix, report_stack, scenario_content

YEAR = parse_period("2025")


@pytest.fixture(scope="module")
def stack():
    """(stack, T1, T2), on PostgreSQL under a prefix of its own, dropped afterwards."""
    with postgres_prefix() as prefix, report_stack((PG_URL, prefix), auth=True) as s:
        t1 = datetime.now(UTC)
        _late_data(s)
        t2 = datetime.now(UTC)
        time.sleep(max(0.0, SETTLE_S + 1 - (datetime.now(UTC) - t2).total_seconds()))
        yield s, t1, t2


def _late_data(s) -> None:
    """After T1: a new 2025 intervention, a reading, and a corrected 2025 price."""
    admin = s.admin
    requested = next(
        e for e in s.interventions.SearchInterventions(ipb.SearchInterventionsRequest(), metadata=admin).interventions
    )
    late = ipb.InterventionEvent(
        contractor_id=requested.contractor_id,
        external_ref="LATE-1",
        sequence=1,
        kind=ipb.EVENT_KIND_REQUESTED,
        event_time=to_timestamp(datetime(2025, 6, 2, 9, tzinfo=UTC)),
        contract_id=requested.contract_id,
        service_code=requested.service_code,
        building_id=requested.building_id,
        criticality=requested.criticality,
    )
    at = lambda day, hour: to_timestamp(datetime(2025, 6, day, hour, tzinfo=UTC))  # noqa: E731
    same = {"contractor_id": late.contractor_id, "external_ref": late.external_ref}
    events = [
        late,
        ipb.InterventionEvent(
            **same, sequence=2, kind=ipb.EVENT_KIND_VISIT_STARTED, event_time=at(3, 9), visit_number=1
        ),
        ipb.InterventionEvent(
            **same, sequence=3, kind=ipb.EVENT_KIND_VISIT_ENDED, event_time=at(3, 11), visit_number=1
        ),
        ipb.InterventionEvent(**same, sequence=4, kind=ipb.EVENT_KIND_RESOLVED, event_time=at(3, 11), cost_eur=180.0),
    ]
    acks = list(
        s.interventions.IngestEvents(
            iter([ipb.IngestEventsRequest(batch_id="late", events=ipb.EventList(events=events))]), metadata=admin
        )
    )
    assert acks[0].accepted == 4, acks
    consumption = cpb_grpc.ConsumptionServiceStub(s.channels["consumption"])
    figure = next(
        f
        for batch in consumption.ExportMonthly(
            cpb.ExportMonthlyRequest(period=to_period(YEAR.start, YEAR.end)), metadata=admin
        )
        for f in batch.figures
        if f.carrier == "natural_gas"
    )
    price = cpb.Price(
        meter_ref=figure.meter_ref,
        valid_from=to_timestamp(datetime(2024, 12, 31, 23, tzinfo=UTC)),
        basis="kWh PCS",
        eur_per_unit=0.123,
        source="corrected tariff (test)",
    )
    consumption.ImportPrices(iter([cpb.ImportPricesRequest(prices=[price])]), metadata=admin)
    reading = cpb.IngestReadingsRequest(
        batch_id="late",
        meter_ref=[figure.meter_ref],
        kind=["index"],
        read_at_us=[int(datetime(2026, 1, 10, tzinfo=UTC).timestamp() * 1_000_000)],
        value=[1e11],
        unit=[figure.unit],
    )
    list(consumption.IngestReadings(iter([reading]), metadata=admin))


def _generate(s, as_of: datetime, role: str = "csr_officer", **fields) -> pb.GenerateReportResponse:
    request = csr_request((YEAR.start, YEAR.end), to_timestamp(as_of), **fields)
    return s.reporting.GenerateReport(request, metadata=s.metadata(role))


def _figures(run: pb.ReportRun) -> dict[str, pb.Figure]:
    return {f.key: f for f in run.figures}


def _download(s, method: str, run_id: str, role: str = "auditor") -> tuple[bytes, pb.FileChunk]:
    request = getattr(pb, f"{method}Request")(id=run_id)
    chunks = [c.chunk for c in getattr(s.reporting, method)(request, metadata=s.metadata(role))]
    return b"".join(c.data for c in chunks), chunks[0]


def test_generate_get_list_download(stack):
    s, t1, _ = stack
    # a perimeter of its own: the other tests generate the portfolio's report, in any order
    only = pb.Perimeter(residence_ids=[s.portfolio.buildings[0].residence_id])
    first = _generate(s, t1, perimeter=only)
    again = _generate(s, t1, perimeter=only)
    assert first.created and not again.created
    assert again.run.id == first.run.id and again.run.pdf_sha256 == first.run.pdf_sha256
    run = first.run
    assert run.pages >= 2 and run.request.scenario_version == 1
    assert {i.source for i in run.manifest.inputs} >= {
        "interventions.ExportPortfolio",
        "interventions.ExportInterventions",
        "consumption.ExportMonthly",
    }
    assert s.reporting.GetReport(pb.GetReportRequest(id=run.id), metadata=s.metadata("auditor")).run == run
    listed = s.reporting.ListReports(pb.ListReportsRequest(), metadata=s.metadata("auditor")).runs
    assert run.id in [r.id for r in listed]
    pdf, head = _download(s, "DownloadReport", run.id)
    assert hashlib.sha256(pdf).hexdigest() == run.pdf_sha256 == head.sha256 and head.total_bytes == len(pdf)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\u202f", " ")
    fmt = Formatter("fr")
    flat = text.replace("\u00a0", " ")
    for key, figure in _figures(run).items():
        for name in ("value", "previous", "reference"):
            if figure.HasField(name):
                printed = shown(fmt, figure.unit, getattr(figure, name)).replace("\u202f", " ").replace("\u00a0", " ")
                assert printed in flat, (key, name, printed)
    assert run.id in text


def test_audit_pack_lines_sum_to_the_report_totals(stack):
    s, t1, _ = stack
    run = _generate(s, t1).run
    data, head = _download(s, "ExportAuditPack", run.id)
    assert hashlib.sha256(data).hexdigest() == head.sha256
    pack = zipfile.ZipFile(io.BytesIO(data))
    read = lambda name: pl.read_csv(pack.read(f"{run.id}/{name}"), infer_schema_length=None)  # noqa: E731
    emissions, trips, figures = read("emissions.csv"), read("trips.csv"), _figures(run)
    by_scope = emissions.filter(pl.col("resolved")).group_by("ghg_scope").agg(pl.col("kgco2e").sum())
    kg = {str(k): v for k, v in by_scope.iter_rows()}
    assert kg["1"] / 1000 == pytest.approx(figures["tco2e_scope_1"].value, rel=1e-6)
    assert kg["2"] / 1000 == pytest.approx(figures["tco2e_scope_2"].value, rel=1e-6)
    assert kg["3"] / 1000 == pytest.approx(figures["tco2e_scope_3_energy"].value, rel=1e-6)
    assert trips["kgco2e"].sum() / 1000 == pytest.approx(figures["tco2e_scope_3_trips"].value, rel=1e-6)
    assert trips["trip_km"].sum() == pytest.approx(figures["km"].value, rel=1e-6)
    assert set(pack.namelist()) >= {
        f"{run.id}/{n}" for n in ("manifest.json", "figures.csv", "factors.csv", "esrs_e1.csv")
    }


def test_who_may_do_what(stack):
    s, t1, _ = stack
    run = _generate(s, t1).run
    for role in ("contractor:C001", "auditor"):
        with pytest.raises(grpc.RpcError) as refused:
            _generate(s, t1, role=role)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED, role
    with pytest.raises(grpc.RpcError) as refused:
        s.reporting.GetReport(pb.GetReportRequest(id=run.id), metadata=s.metadata("contractor:C001"))
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as refused:
        _download(s, "DownloadReport", run.id, role="contractor:C001")
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    verified = s.reporting.VerifyReport(pb.VerifyReportRequest(id=run.id), metadata=s.metadata("auditor"))
    assert verified.same_figures and list(verified.changed_inputs) == []


def test_late_data_leaves_a_run_unchanged_and_a_later_cut_off_names_what_moved(stack):
    """Late data (after T1) does not change the T1 run's figures nor its PDF bytes; re-run at T2,
    the interventions and the monthly figures of 2025 moved, the portfolio did not."""
    s, t1, t2 = stack
    run = _generate(s, t1).run
    same = s.reporting.VerifyReport(pb.VerifyReportRequest(id=run.id), metadata=s.metadata("auditor"))
    assert same.same_figures and same.same_pdf and list(same.changed_inputs) == []
    assert same.rerun.figures_sha256 == run.manifest.figures_sha256
    later = s.reporting.VerifyReport(
        pb.VerifyReportRequest(id=run.id, as_of=to_timestamp(t2)), metadata=s.metadata("auditor")
    )
    assert not later.same_figures
    moved = {c.source for c in later.changed_inputs}
    assert {"interventions.ExportInterventions", "consumption.ExportMonthly"} <= moved
    assert "interventions.ExportPortfolio" not in moved
    regenerated = _generate(s, t2).run
    assert regenerated.id != run.id
    assert regenerated.manifest.figures_sha256 == later.rerun.figures_sha256


def test_a_perimeter_naming_nothing_is_refused_and_nothing_is_stored(stack):
    s, t1, _ = stack
    before = len(s.reporting.ListReports(pb.ListReportsRequest(), metadata=s.admin).runs)
    with pytest.raises(grpc.RpcError) as refused:
        _generate(s, t1, perimeter=pb.Perimeter(building_ids=["NO-SUCH-BUILDING"]))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "NO-SUCH-BUILDING" in refused.value.details()
    assert len(s.reporting.ListReports(pb.ListReportsRequest(), metadata=s.admin).runs) == before


def test_a_period_without_data_says_so_never_zero(stack):
    """Nothing happened in March 2026 (the history ends with 2025): every figure of the period is
    absent (n/a), none is 0; N-1 (March 2025) has its figures. The figures taken at the cut-off
    (open interventions past their deadlines, data quality) are not the period's."""
    s, t1, _ = stack
    p = parse_period("2026-03")
    request = csr_request((p.start, p.end), to_timestamp(t1))
    reply = s.reporting.ComputeMetrics(pb.ComputeMetricsRequest(request=request), metadata=s.metadata("csr_officer"))
    at_as_of = {"open_alert_90", "open_breached", "data_quality"}
    period_figures = [f for f in reply.figures if f.key not in at_as_of]
    assert period_figures and [f.key for f in period_figures if f.HasField("value")] == []
    assert any(f.HasField("previous") and f.previous > 0 for f in reply.figures)


def test_an_unknown_vehicle_factor_or_set_is_refused_naming_it(stack):
    s, t1, _ = stack
    with pytest.raises(grpc.RpcError) as refused:
        _generate(s, t1, vehicle_factor_set="ademe_base_carbone@23.6")
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "uk_desnz2025.van_diesel.avg.vkm" in refused.value.details()
    with pytest.raises(grpc.RpcError) as refused:
        p = parse_period("2019-03")  # before DESNZ 2025's van factor was valid: no factor, not a guess
        s.reporting.GenerateReport(csr_request((p.start, p.end), to_timestamp(t1)), metadata=s.metadata("csr_officer"))
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "valid only from 2025-01-01" in refused.value.details()
    with pytest.raises(grpc.RpcError) as refused:
        _generate(s, t1, factor_set="no_such_set@1")
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "no_such_set" in refused.value.details()


def test_a_data_service_down_is_unavailable_naming_it_and_stores_nothing(stack):
    """Last in its own right: it stops the consumption service and starts it again. At a cut-off
    no other test asks for: reporting keeps the exports it pulled for a cut-off (export_cache)."""
    s, t1, t2 = stack
    before = len(s.reporting.ListReports(pb.ListReportsRequest(), metadata=s.admin).runs)
    server, port = s.servers["consumption"]
    server.stop(0)
    try:
        with pytest.raises(grpc.RpcError) as refused:
            _generate(s, t1 + (t2 - t1) * 2 / 3, lang="en")
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "consumption service" in refused.value.details()
        assert len(s.reporting.ListReports(pb.ListReportsRequest(), metadata=s.admin).runs) == before
    finally:
        s.restart("consumption")


def test_a_scenario_can_take_its_trades_from_the_reference_period(stack):
    """The reference year's visits per resolved curative intervention, per trade, become the
    scenario's trades; the description names the export they came from."""
    s, t1, _ = stack
    content = scenario_content()
    content.name = "from_2023"
    del content.trades[:]
    reply = s.reporting.DeclareScenario(
        pb.DeclareScenarioRequest(content=content, trades_from_reference=True, as_of=to_timestamp(t1)),
        metadata=s.metadata("csr_officer"),
    )
    trades = {t.trade: t.visits_per_intervention for t in reply.scenario.content.trades}
    assert trades and all(1.0 <= v <= 20 for v in trades.values())
    assert "interventions.ExportInterventions sha256" in reply.scenario.content.description
    with pytest.raises(grpc.RpcError) as refused:
        s.reporting.DeclareScenario(
            pb.DeclareScenarioRequest(content=content, trades_from_reference=True), metadata=s.metadata("csr_officer")
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "as_of" in refused.value.details()


def _charges(s, as_of: datetime, residence: str, **fields) -> pb.GenerateReportResponse:
    request = pb.GenerateReportRequest(
        kind=pb.REPORT_KIND_CHARGE_CONTROL,
        period=to_period(YEAR.start, YEAR.end),
        perimeter=pb.Perimeter(residence_ids=[residence]),
        as_of=to_timestamp(as_of),
        **fields,
    )
    return s.reporting.GenerateReport(request, metadata=s.metadata("csr_officer"))


def test_charge_control_of_a_residence_balances_every_dwelling_and_verifies_after_a_late_price(stack):
    """Each dwelling's balance is in the PDF as the table prints it; the pack's dwelling lines sum
    to the tenants' shares and, with the landlord's vacant share, to the recoverable costs; the
    price corrected after T1 (on a gas meter of this residence) does not move the T1 run
    (VerifyReport), and does at T2."""
    s, t1, t2 = stack
    residence = _residence_of_the_corrected_price(s)
    run = _charges(s, t1, residence).run
    assert run.id.startswith("charges-2025-") and run.pages >= 2
    assert {i.source for i in run.manifest.inputs} >= {
        "consumption.ExportChargeControl",
        "interventions.ExportPortfolio",
    }
    pdf, _ = _download(s, "DownloadReport", run.id)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\u202f", " ")
    data, _ = _download(s, "ExportAuditPack", run.id)
    pack = zipfile.ZipFile(io.BytesIO(data))
    read = lambda name: pl.read_csv(pack.read(f"{run.id}/{name}"), infer_schema_length=None)  # noqa: E731
    figures = read("figures.csv")
    dwellings = figures.filter(pl.col("level") == "dwelling")
    assert dwellings.height > 0
    fmt = Formatter("fr")
    flat = text.replace("\u00a0", " ")
    for balance in dwellings["balance_cents"].to_list():
        printed = fmt.number(balance / 100, 2).replace("\u202f", " ").replace("\u00a0", " ").lstrip("-")
        assert printed in flat, printed
    buildings = figures.filter(pl.col("level") == "building")
    shares = dwellings["share_cents"].sum() + figures.filter(pl.col("level") == "landlord")["landlord_cents"].sum()
    assert shares == buildings["cost_cents"].sum()
    same = s.reporting.VerifyReport(pb.VerifyReportRequest(id=run.id), metadata=s.metadata("auditor"))
    assert same.same_figures and same.same_pdf
    later = s.reporting.VerifyReport(
        pb.VerifyReportRequest(id=run.id, as_of=to_timestamp(t2)), metadata=s.metadata("auditor")
    )
    assert "consumption.ExportChargeControl" in {c.source for c in later.changed_inputs}
    assert not later.same_figures  # the correction moves this residence's costs: the T1 match is not vacuous


def _residence_of_the_corrected_price(s) -> str:
    """The residence of the gas meter whose 2025 price _late_data corrected (the first natural gas
    figure of the export, as there)."""
    consumption = cpb_grpc.ConsumptionServiceStub(s.channels["consumption"])
    figure = next(
        f
        for batch in consumption.ExportMonthly(
            cpb.ExportMonthlyRequest(period=to_period(YEAR.start, YEAR.end)), metadata=s.admin
        )
        for f in batch.figures
        if f.carrier == "natural_gas"
    )
    assert figure.recoverable, "the corrected meter must be a recoverable one for the test to mean anything"
    return next(b.residence_id for b in s.portfolio.buildings if b.id == figure.building_id)


def test_charge_control_refuses_a_portfolio_perimeter_and_a_partial_year(stack):
    s, t1, _ = stack
    with pytest.raises(grpc.RpcError) as refused:
        s.reporting.GenerateReport(
            pb.GenerateReportRequest(
                kind=pb.REPORT_KIND_CHARGE_CONTROL, period=to_period(YEAR.start, YEAR.end), as_of=to_timestamp(t1)
            ),
            metadata=s.metadata("csr_officer"),
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "perimeter" in refused.value.details()
    residence = s.portfolio.buildings[0].residence_id
    quarter = parse_period("2025-Q1")
    with pytest.raises(grpc.RpcError) as refused:
        s.reporting.GenerateReport(
            pb.GenerateReportRequest(
                kind=pb.REPORT_KIND_CHARGE_CONTROL,
                period=to_period(quarter.start, quarter.end),
                perimeter=pb.Perimeter(residence_ids=[residence]),
                as_of=to_timestamp(t1),
            ),
            metadata=s.metadata("csr_officer"),
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "civil year" in refused.value.details()


def _scorecard(s, as_of: datetime, role: str = "csr_officer", **fields) -> pb.GenerateReportResponse:
    request = pb.GenerateReportRequest(
        kind=pb.REPORT_KIND_CONTRACTOR_SCORECARD,
        period=to_period(YEAR.start, YEAR.end),
        as_of=to_timestamp(as_of),
        **fields,
    )
    return s.reporting.GenerateReport(request, metadata=s.metadata(role))


def test_contractor_scorecard_for_every_contractor_prints_each_figure_and_its_pack_adds_up(stack):
    """Generated through the stack against the reference scenario: one figure per contractor and
    figure (N and N-1); the PDF prints each; the pack's monthly trend adds up to each
    contractor's figures of N and N-1, its avoided trips per trade to the contractor's; the
    scorecard of two contractors gives them the same figures."""
    from reports.scorecard import shown as scorecard_shown

    s, t1, _ = stack
    run = _scorecard(s, t1, scenario=SCENARIO_NAME).run
    assert run.id.startswith("scorecard-2025-") and run.request.scenario_version == 1 and run.pages >= 3
    figures = {f.key: f for f in run.figures}
    contractors = sorted({key.split(".")[0] for key in figures})
    assert contractors and set(contractors) <= {c.id for c in s.contracting.contractors}
    pdf, _ = _download(s, "DownloadReport", run.id)
    flat = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\u202f", " ")
    flat = flat.replace("\u00a0", " ")
    fmt = Formatter("fr")
    for key, figure in figures.items():
        name = key.split(".", 1)[1]
        for which in ("value", "previous"):
            if figure.HasField(which):
                printed = scorecard_shown(fmt, name, figure.unit, getattr(figure, which)).replace("\u202f", " ")
                assert printed.replace("\u00a0", " ") in flat, (key, which)
    data, _ = _download(s, "ExportAuditPack", run.id)
    pack = zipfile.ZipFile(io.BytesIO(data))
    read = lambda name: pl.read_csv(pack.read(f"{run.id}/{name}"), infer_schema_length=None)  # noqa: E731
    table, trend, avoided = read("figures.csv"), read("trend.csv"), read("avoided_trips.csv")
    assert table.height == len(figures)
    # the sums below are checked on something: plans due, curative resolved, trades covered
    assert trend["plan_due"].fill_null(0).sum() > 0 and trend["curative_resolved"].sum() > 0
    assert avoided.filter(pl.col("covered")).height > 0
    for contractor in contractors:
        months = trend.filter(pl.col("contractor_id") == contractor)
        assert months.height == 12
        for prefix, which in (("", "value"), ("previous_", "previous")):
            got = lambda key: getattr(figures[f"{contractor}.{key}"], which)  # noqa: E731,B023
            assert months[f"{prefix}interventions"].sum() == got("interventions")
            resolved = months[f"{prefix}curative_resolved"].sum()
            if resolved:
                assert months[f"{prefix}first_time_fixes"].sum() / resolved == pytest.approx(got("first_time_fix"))
            due = months[f"{prefix}plan_due"].fill_null(0).sum()
            if due:
                done = months[f"{prefix}plan_done"].sum()
                assert done / due == pytest.approx(got("preventive_compliance"), rel=1e-5)
        covered = avoided.filter((pl.col("contractor_id") == contractor) & pl.col("covered"))
        if covered.height:
            assert covered["avoided_trips"].sum() == pytest.approx(figures[f"{contractor}.avoided_trips"].value)
    two = contractors[:2]
    narrowed = _scorecard(s, t1, scenario=SCENARIO_NAME, perimeter=pb.Perimeter(contractor_ids=two)).run
    assert {f.key.split(".")[0] for f in narrowed.figures} == set(two)
    assert all(f == figures[f.key] for f in narrowed.figures)
    same = s.reporting.VerifyReport(pb.VerifyReportRequest(id=run.id), metadata=s.metadata("auditor"))
    assert same.same_figures and same.same_pdf


def test_contractor_scorecard_refuses_a_contractor_token_a_factor_set_and_an_unknown_contractor(stack):
    s, t1, _ = stack
    with pytest.raises(grpc.RpcError) as refused:
        _scorecard(s, t1, role="contractor:C001")
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as refused:
        _scorecard(s, t1, factor_set="ademe_base_carbone@23.6")
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "factor_set" in refused.value.details()
    with pytest.raises(grpc.RpcError) as refused:
        _scorecard(s, t1, perimeter=pb.Perimeter(contractor_ids=["NO-SUCH-CONTRACTOR"]))
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "NO-SUCH-CONTRACTOR" in refused.value.details()
    without = _scorecard(s, t1).run  # no scenario: no avoided trips, every other figure
    assert without.request.scenario == "" and not any(f.key.endswith(".avoided_trips") for f in without.figures)


EXPORTS = (
    "interventions.v1.InterventionsService/ExportPortfolio",
    "interventions.v1.InterventionsService/ExportInterventions",
    "interventions.v1.InterventionsService/GetDataQuality",
    "interventions.v1.InterventionsService/GetDeadlineStatus",
    "consumption.v1.ConsumptionService/ExportMonthly",
    "consumption.v1.ConsumptionService/ExportChargeControl",
    "consumption.v1.ConsumptionService/ListAnomalies",
)


def _export_calls(caplog) -> dict[str, int]:
    """Calls served by the data services, counted from their access log (one line per call)."""
    served = [r.method for r in caplog.records if r.name == "quitus.grpc" and getattr(r, "method", "")]
    return {name.rsplit("/", 1)[1]: sum(m.endswith(name) for m in served) for name in EXPORTS}


def test_reports_at_one_cut_off_pull_each_export_once(stack, caplog):
    """Issue 15: a run's exports are pulled once and shared by its jobs. Two reports at one
    cut-off (the portfolio's in French, then in English) make the calls of one: the portfolio,
    quality and deadlines once, the facts and monthly figures once per period (the year, N-1 and
    the reference year); both pin the same inputs. A third, on one territory, pulls nothing more:
    its facts and monthly figures are cut out of the portfolio's exports the first one pulled.
    Scorecards of one contractor each pull nothing more either, and a charge control only its
    own two. A verification makes the calls of one report again."""
    s, t1, t2 = stack
    cut_off = t1 + (t2 - t1) / 3  # settled, and no other test's
    caplog.set_level(logging.INFO, logger="quitus.grpc")
    french = _generate(s, cut_off).run
    one_report = _export_calls(caplog)
    assert one_report == {
        "ExportPortfolio": 1,
        "ExportInterventions": 3,
        "GetDataQuality": 1,
        "GetDeadlineStatus": 1,
        "ExportMonthly": 3,
        "ExportChargeControl": 0,
        "ListAnomalies": 0,
    }
    english = _generate(s, cut_off, lang="en").run
    assert english.id != french.id and _export_calls(caplog) == one_report
    assert [(i.source, i.content_sha256) for i in english.manifest.inputs] == [
        (i.source, i.content_sha256) for i in french.manifest.inputs
    ]
    assert english.manifest.figures_sha256 == french.manifest.figures_sha256
    territory = s.portfolio.territories[0].id
    _generate(s, cut_off, perimeter=pb.Perimeter(territory_ids=[territory]))
    so_far = one_report
    assert _export_calls(caplog) == so_far
    # Each contractor's scorecard of the year cuts its facts out of the portfolio's exports of
    # the year and N-1, which the first report pulled: no export more, whatever the contractor.
    for contractor in sorted(c.id for c in s.contracting.contractors)[:2]:
        card = _scorecard(s, cut_off, perimeter=pb.Perimeter(contractor_ids=[contractor])).run
        assert _export_calls(caplog) == so_far
        facts = [i for i in card.manifest.inputs if i.source == "interventions.ExportInterventions"]
        assert {i.content_sha256 for i in facts} <= {i.content_sha256 for i in french.manifest.inputs}
    # A residence's charge control of the year pulls the charge-control export and the anomalies
    # (its own exports), but no interventions nor monthly figures: those of each civil year it
    # reads (N-2 to N, N-1 and N) are the ones the CSR report pulled.
    residence = s.portfolio.buildings[0].residence_id
    charges = _charges(s, cut_off, residence).run
    so_far = so_far | {"ExportChargeControl": 1, "ListAnomalies": 1}
    assert _export_calls(caplog) == so_far
    facts = [i for i in charges.manifest.inputs if i.source == "interventions.ExportInterventions"]
    assert len(facts) == 3 and {i.content_sha256 for i in facts} == {
        i.content_sha256 for i in french.manifest.inputs if i.source == "interventions.ExportInterventions"
    }
    # A verification pulls anew: it is there to see what changed since.
    verified = s.reporting.VerifyReport(pb.VerifyReportRequest(id=french.id), metadata=s.metadata("auditor"))
    assert verified.same_figures and list(verified.changed_inputs) == []
    assert _export_calls(caplog) == {name: n + one_report[name] for name, n in so_far.items()}


def test_caveats_counted_over_a_cut_equal_the_services_over_its_export(stack):
    """reporting cuts a perimeter's facts out of the portfolio's export and counts their caveats
    itself (domain.inputs.caveats_of): over the whole export they equal what the interventions
    service counted, over one contractor's cut what it counts exporting that contractor alone;
    the counts are checked on something (some intervention is cancelled or pending)."""
    from services.reporting.domain.inputs import ExportCaveats, caveats_of
    from services.reporting.domain.perimeter import facts_in
    from services.reporting.domain.runs import Perimeter
    from services.reporting.gather import Sources

    s, t1, _ = stack
    sources = Sources(s.channels["interventions"], s.channels["consumption"], s.channels["factors"], s.token("service"))
    whole, caveats, _ = sources.facts(YEAR, t1, Perimeter(), None)
    assert caveats_of(whole) == ExportCaveats(**caveats)
    assert caveats["cancelled"] + caveats["pending_deadlines"] > 0
    contractor = whole["contractor_id"].mode().sort()[0]
    alone, alone_caveats, _ = sources.facts(YEAR, t1, Perimeter(contractor_ids=(contractor,)), None)
    cut = facts_in(whole, Perimeter(contractor_ids=(contractor,)), None)
    assert cut.equals(alone) and 0 < cut.height < whole.height
    assert caveats_of(cut) == ExportCaveats(**alone_caveats)
