"""Import summaries stay small: the first 10,000 issues listed, every one counted."""

from services.api.quitus.common.v1.common_pb2 import RecordIssue
from services.runtime import summaries
from services.runtime.summaries import import_summary


def test_issues_beyond_the_cap_are_counted_not_listed(monkeypatch):
    monkeypatch.setattr(summaries, "MAX_LISTED_ISSUES", 3)
    issues = [RecordIssue(index=i, rule="invalid_field") for i in range(5)]
    summary = import_summary({"meter": 7}, issues)
    assert [i.index for i in summary.rejected] == [0, 1, 2]
    assert summary.rejected_total == 5 and summary.upserted["meter"] == 7


def test_a_summary_under_the_cap_lists_everything():
    summary = import_summary({}, [RecordIssue(index=4), RecordIssue(index=1)])
    assert [i.index for i in summary.rejected] == [4, 1] and summary.rejected_total == 2
