"""Scorecard metrics on five hand-made facts of contractor C1 and one of C2.

C1: P1 preventive resolved (1 visit); K1 curative resolved 1 visit (intervene MET, repair MET);
    K2 curative resolved 3 visits (intervene MISSED, repair MET); K3 curative open (PENDING,
    PENDING); D1 diagnostic; X1 curative cancelled (ignored).
  preventive share = 1 / (1 + 3) = 0.25; first-time fix = 1 of 2 resolved curative = 0.5;
  visits per curative = (1 + 3) / 2 = 2.0; intervene compliance = MET 2 (P1, K1) of judged 3
  (P1, K1, K2) = 2/3; repair = 3 of 3 = 1.0; trips = 1+1+3+0+1 = 6; cost = 10+20+30 = 60.
C2: one diagnostic, nothing judged: every ratio n/a (null), not zero; not "one nature" either
    (no preventive nor curative to count).
C3: two preventive visits only (a lift-maintenance contract): one nature, so no preventive share
    rather than a meaningless 100 %.
"""

from datetime import UTC, datetime

import polars as pl
import pytest

from services.reporting.domain.scorecard import figures_sha256, scorecard

T = datetime(2026, 1, 5, tzinfo=UTC)


def facts() -> pl.DataFrame:
    rows = [  # id, contractor, nature, status, resolved, visits, intervene, repair, cost
        ("P1", "C1", "PREVENTIVE", "CLOSED", T, 1, "MET", "MET", 10.0),
        ("K1", "C1", "CURATIVE", "CLOSED", T, 1, "MET", "MET", 20.0),
        ("K2", "C1", "CURATIVE", "RESOLVED", T, 3, "MISSED", "MET", 30.0),
        ("K3", "C1", "CURATIVE", "IN_PROGRESS", None, 0, "PENDING", "PENDING", 0.0),
        ("D1", "C1", "DIAGNOSTIC", "CLOSED", T, 1, "NO_DEADLINE", "NO_DEADLINE", 0.0),
        ("X1", "C1", "CURATIVE", "CANCELLED", None, 0, "NO_DEADLINE", "NO_DEADLINE", 0.0),
        ("D9", "C2", "DIAGNOSTIC", "OPEN", None, 0, "NO_DEADLINE", "NO_DEADLINE", 0.0),
        ("L1", "C3", "PREVENTIVE", "CLOSED", T, 1, "MET", "MET", 50.0),
        ("L2", "C3", "PREVENTIVE", "CLOSED", T, 1, "MET", "MET", 50.0),
    ]
    return pl.DataFrame(
        rows,
        orient="row",
        schema={
            "id": pl.String,
            "contractor_id": pl.String,
            "nature": pl.String,
            "status": pl.String,
            "resolved_at": pl.Datetime("us", "UTC"),
            "visits": pl.Int32,
            "intervene_deadline": pl.String,
            "repair_deadline": pl.String,
            "cost_eur": pl.Float64,
        },
    )


QUALITY = pl.DataFrame({"contractor_id": ["C1", "C2"], "passing_share": [0.97, 0.5]})


def test_scorecard_figures_worked_by_hand():
    c1, c2, c3 = scorecard(facts(), QUALITY).iter_rows(named=True)
    assert (c1["interventions"], c1["trips"], c1["cost_eur"]) == (5, 6, 60.0)
    assert c1["preventive_share"] == pytest.approx(0.25)
    assert c1["first_time_fix_rate"] == pytest.approx(0.5)
    assert c1["visits_per_curative"] == pytest.approx(2.0)
    assert c1["intervene_compliance"] == pytest.approx(2 / 3)
    assert c1["repair_compliance"] == pytest.approx(1.0)
    assert c1["passing_share"] == 0.97
    assert [c2[k] for k in ("preventive_share", "first_time_fix_rate", "intervene_compliance")] == [None] * 3
    assert (c1["one_nature"], c2["one_nature"], c3["one_nature"]) == (False, False, True)
    assert c3["preventive"] == 2 and c3["preventive_share"] is None


def test_figures_hash_is_stable_and_sensitive():
    first = figures_sha256(scorecard(facts(), QUALITY))
    assert first == figures_sha256(scorecard(facts().reverse(), QUALITY))
    changed = facts().with_columns(pl.when(pl.col("id") == "K2").then(4).otherwise(pl.col("visits")).alias("visits"))
    assert first != figures_sha256(scorecard(changed, QUALITY))


def test_an_export_stream_missing_facts_its_closing_message_or_its_digest_is_refused():
    import hashlib

    from services.api.quitus.interventions.v1 import interventions_pb2 as pb
    from services.reporting.sources import IncompleteExport, facts_frame

    fact = pb.InterventionFact(id="K1", contractor_id="C1", status=pb.STATUS_RESOLVED)
    data = fact.SerializeToString(deterministic=True)
    sha = hashlib.sha256(len(data).to_bytes(4, "big") + data).hexdigest()  # the rule of the proto
    one = pb.ExportInterventionsResponse(facts=[fact])
    frame, digest = facts_frame([one, pb.ExportInterventionsResponse(done=True, total=1, content_sha256=sha)])
    assert (frame["id"].to_list(), frame["status"].to_list(), digest) == (["K1"], ["RESOLVED"], sha)
    with pytest.raises(IncompleteExport, match="announced 2 interventions and sent 1"):
        facts_frame([one, pb.ExportInterventionsResponse(done=True, total=2, content_sha256=sha)])
    with pytest.raises(IncompleteExport, match="closing message"):
        facts_frame([one])
    altered = pb.ExportInterventionsResponse(facts=[pb.InterventionFact(id="K1", contractor_id="C2")])
    with pytest.raises(IncompleteExport, match="altered input"):
        facts_frame([altered, pb.ExportInterventionsResponse(done=True, total=1, content_sha256=sha)])


def test_a_monthly_export_is_read_into_a_frame_and_checked():
    """Two figures in two messages, the last carrying the digest by the proto's rule: read into a
    frame (kWh, carrier, month as UTC datetime); a figure changed on the way is refused."""
    import hashlib
    from datetime import UTC, datetime

    from services.api.quitus.consumption.v1 import consumption_pb2 as cpb
    from services.reporting.sources import IncompleteExport, monthly_frame
    from services.runtime.timestamps import to_timestamp

    figures = [
        cpb.MonthlyFigure(
            meter_ref="M1",
            carrier="natural_gas",
            month_start=to_timestamp(datetime(2025, 1, 1, tzinfo=UTC)),
            kwh_pci=900.0,
        ),
        cpb.MonthlyFigure(
            meter_ref="M2",
            carrier="electricity",
            month_start=to_timestamp(datetime(2025, 1, 1, tzinfo=UTC)),
            kwh_pci=100.0,
        ),
    ]
    digest = hashlib.sha256()
    for f in figures:
        data = f.SerializeToString(deterministic=True)
        digest.update(len(data).to_bytes(4, "big") + data)
    stream = [
        cpb.ExportMonthlyResponse(figures=figures[:1]),
        cpb.ExportMonthlyResponse(figures=figures[1:], content_sha256=digest.hexdigest()),
    ]
    frame, sha = monthly_frame(stream)
    assert sha == digest.hexdigest()
    assert frame.select("meter_ref", "carrier", "kwh_pci").rows() == [
        ("M1", "natural_gas", 900.0),
        ("M2", "electricity", 100.0),
    ]
    assert frame["month_start"].to_list() == [datetime(2025, 1, 1, tzinfo=UTC)] * 2
    altered = [
        stream[0],
        cpb.ExportMonthlyResponse(
            figures=[cpb.MonthlyFigure(meter_ref="M2", kwh_pci=1.0)], content_sha256=digest.hexdigest()
        ),
    ]
    with pytest.raises(IncompleteExport, match="altered"):
        monthly_frame(altered)
    with pytest.raises(IncompleteExport, match="incomplete"):
        monthly_frame(stream[:1])
