"""The summary every import RPC answers with, kept small: the first issues listed, all counted."""

from collections.abc import Iterable

from services.api.quitus.common.v1 import common_pb2

MAX_LISTED_ISSUES = 1_000


def import_summary(upserted: dict[str, int], rejected: Iterable[common_pb2.RecordIssue]) -> common_pb2.ImportSummary:
    """The first MAX_LISTED_ISSUES of ``rejected`` are listed (in the order given), and
    ``rejected_total`` counts every one."""
    issues = list(rejected)
    summary = common_pb2.ImportSummary(upserted=upserted, rejected=issues[:MAX_LISTED_ISSUES])
    summary.rejected_total = len(issues)
    return summary
