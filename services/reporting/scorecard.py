"""Contractor scorecard metrics from intervention facts (pure polars, no I/O).

Per contractor, over the interventions requested in the period and known at ``as_of``
(cancelled ones excluded):
- preventive share = preventive / (preventive + curative), diagnostics left out (DESIGN 3.1);
  none for a contractor with only one of the two natures (``one_nature``): a lift-maintenance
  contract is preventive only, and 100 % says nothing of its performance;
- first-time-fix rate = curative resolved with exactly one visit / curative resolved;
- visits per curative intervention = visits of resolved curative / resolved curative;
- deadline compliance = MET / (MET + MISSED), for the time to intervene and to repair
  (pending and no-deadline interventions are not counted);
- data quality = share of the contractor's records that passed the business checks.
A ratio with an empty denominator is null, shown as "n/a", never 0.
"""

import hashlib

import polars as pl

from services.reporting.domain.preventive import one_nature, share_by_count

METHOD_VERSION = "scorecard/2"

METHODOLOGY_EN = (
    "Interventions requested in the period, as recorded by the data cut-off (as_of); cancelled ones are left out. "
    "Preventive share = preventive / (preventive + curative), diagnostics excluded; not given for a contractor "
    "whose interventions are all of one nature (its contract covers only one). "
    "First-time fix = curative interventions resolved with exactly one visit / curative interventions resolved. "
    "Visits per curative = visits of the resolved curative interventions / their number; each visit is one trip. "
    "Deadline compliance = met / (met + missed), for the contractual time to intervene (first visit) and to "
    "repair (resolution), in calendar hours from the request; interventions still within their deadline are not "
    "counted. Data quality = share of the contractor's records that passed every business check at ingest "
    "(target 95 %). A ratio with nothing to count is shown as n/a, never as zero."
)
METHODOLOGY_FR = (
    "Interventions demandées sur la période, telles qu'enregistrées à la date d'arrêté des données (as_of) ; les "
    "interventions annulées sont écartées. Part du préventif = préventif / (préventif + curatif), diagnostics exclus ; "
    "non calculée pour un prestataire dont toutes les interventions sont d'une seule nature (son marché n'en couvre "
    "qu'une). Résolution au premier passage = interventions curatives résolues en un seul passage / interventions "
    "curatives résolues. Passages par curatif = passages des interventions curatives résolues / leur nombre ; chaque "
    "passage est un déplacement. Respect des délais = respectés / (respectés + dépassés), pour le délai contractuel "
    "d'intervention (premier passage) et de résolution, en heures calendaires depuis la demande ; les interventions "
    "encore dans leur délai ne sont pas comptées. Qualité des données = part des enregistrements du prestataire qui "
    "ont passé tous les contrôles métier à l'intégration (objectif 95 %). Un ratio sans rien à compter est noté n.d., "
    "jamais zéro."
)
METHODOLOGY = {"fr": METHODOLOGY_FR, "en": METHODOLOGY_EN}


def _share(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return pl.when(denominator > 0).then(numerator / denominator).otherwise(None)


def scorecard(facts: pl.DataFrame, quality: pl.DataFrame) -> pl.DataFrame:
    """facts: columns of services.interventions.domain.facts.FACT_COLUMNS;
    quality: contractor_id, passing_share. One row per contractor, sorted by id."""
    live = facts.filter(pl.col("status") != "CANCELLED")
    curative_resolved = (pl.col("nature") == "CURATIVE") & pl.col("resolved_at").is_not_null()
    met = lambda col: (pl.col(col) == "MET").sum()  # noqa: E731
    judged = lambda col: pl.col(col).is_in(["MET", "MISSED"]).sum()  # noqa: E731
    per = live.group_by("contractor_id").agg(
        pl.len().alias("interventions"),
        (pl.col("nature") == "PREVENTIVE").sum().alias("preventive"),
        (pl.col("nature") == "CURATIVE").sum().alias("curative"),
        curative_resolved.sum().alias("curative_resolved"),
        (curative_resolved & (pl.col("visits") == 1)).sum().alias("first_time_fixes"),
        pl.col("visits").filter(curative_resolved).sum().alias("curative_visits"),
        pl.col("visits").sum().alias("trips"),
        met("intervene_deadline").alias("intervene_met"),
        judged("intervene_deadline").alias("intervene_judged"),
        met("repair_deadline").alias("repair_met"),
        judged("repair_deadline").alias("repair_judged"),
        pl.col("cost_eur").sum().alias("cost_eur"),
    )
    preventive, curative = pl.col("preventive"), pl.col("curative")
    return (
        per.with_columns(
            share_by_count(preventive, curative).alias("preventive_share"),
            one_nature(preventive, curative).alias("one_nature"),
            _share(pl.col("first_time_fixes"), pl.col("curative_resolved")).alias("first_time_fix_rate"),
            _share(pl.col("curative_visits"), pl.col("curative_resolved")).alias("visits_per_curative"),
            _share(pl.col("intervene_met"), pl.col("intervene_judged")).alias("intervene_compliance"),
            _share(pl.col("repair_met"), pl.col("repair_judged")).alias("repair_compliance"),
        )
        .join(quality.select("contractor_id", "passing_share"), on="contractor_id", how="left")
        .sort("contractor_id")
    )


def figures_sha256(frame: pl.DataFrame) -> str:
    """Hash of the figures as printed in the report's manifest."""
    return hashlib.sha256(frame.write_csv(float_precision=6).encode()).hexdigest()
