"""Data quality per contractor: the share of its records that passed the business checks."""

from typing import Any

import polars as pl

from services.interventions.errors import InvalidRequest

DEFAULT_TARGET = 0.95


def quality_target(requested: float) -> float:
    """The target share asked for (0 for the default, 95 %); it lies within (0, 1]."""
    target = requested or DEFAULT_TARGET
    if not 0 < target <= 1:
        raise InvalidRequest(f"target is a share within (0, 1], got {target}", field="target")
    return target


def contractor_quality(accepted: pl.DataFrame, rejected: pl.DataFrame, target: float) -> list[dict[str, Any]]:
    """One entry per contractor, sorted by id.

    ``accepted``: contractor_id, warnings (comma-separated rules, "" for none), n (events);
    ``rejected``: contractor_id, rule, n (rejections). A record accepted with a warning is
    received and accepted but does not pass: passing_share = (accepted - warned) / received."""
    contractors = sorted(set(accepted["contractor_id"]) | set(rejected["contractor_id"]))
    result = []
    for cid in contractors:
        acc = accepted.filter(pl.col("contractor_id") == cid)
        rej = rejected.filter(pl.col("contractor_id") == cid)
        n_accepted = int(acc["n"].sum())
        n_warned = int(acc.filter(pl.col("warnings") != "")["n"].sum())
        n_rejected = int(rej["n"].sum())
        by_rule = {row["rule"]: int(row["n"]) for row in rej.iter_rows(named=True)}
        for row in acc.filter(pl.col("warnings") != "").iter_rows(named=True):
            for rule in row["warnings"].split(","):
                by_rule[rule] = by_rule.get(rule, 0) + int(row["n"])
        received = n_accepted + n_rejected
        passing = (n_accepted - n_warned) / received if received else 0.0
        result.append(
            {
                "contractor_id": cid,
                "received": received,
                "accepted": n_accepted,
                "rejected": n_rejected,
                "warned": n_warned,
                "passing_share": passing,
                "meets_target": passing >= target,
                "by_rule": by_rule,
            }
        )
    return result
