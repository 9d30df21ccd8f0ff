"""The scheduler's work, free of nameko: which months are due, their runs and jobs recorded once,
the jobs not yet queued handed to the queue, oldest month first."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.workers.reporting_client import ReportingCallFailed, ReportingClient, ReportOptions, report_request
from services.workers.runs_store import NewJob, RunRecord, RunsStore
from services.workers.schedule import Month, jobs_for, months_due

log = logging.getLogger("quitus.scheduler")

Publish = Callable[[int, str], None]  # (job id, month)


class PlanFailed(Exception):
    """A plan stopped before its end (reporting refused or did not answer, or the configuration
    is incomplete); what it recorded stays recorded, and the next plan goes on from there."""


@dataclass(frozen=True)
class PlanOutcome:
    due: list[str]  # months due, oldest first
    recorded: list[str]  # months whose run this plan recorded
    jobs_recorded: int
    jobs_queued: int
    jobs_requeued: int  # left running by a worker that is gone, queued again
    planner: str

    def as_dict(self) -> dict:
        return {
            "due": self.due,
            "recorded": self.recorded,
            "jobs_recorded": self.jobs_recorded,
            "jobs_queued": self.jobs_queued,
            "jobs_requeued": self.jobs_requeued,
            "planner": self.planner,
        }


class Planner:
    def __init__(
        self,
        store: RunsStore,
        reporting: ReportingClient,
        options: ReportOptions,
        *,
        first: Month | None,
        settle: timedelta,
        name: str,
    ) -> None:
        self.store = store
        self.reporting = reporting
        self.options = options
        self.first = first
        self.settle = settle
        self.name = name

    def first_month(self, now: datetime) -> Month:
        """The configured first month; else the first month ever recorded (so that months missed
        while the scheduler was down are caught up); else the last month due now."""
        if self.first is not None:
            return self.first
        recorded = self.store.first_month()
        return recorded if recorded is not None else Month.containing(now - self.settle).previous()

    def plan(self, now: datetime, publish: Publish) -> PlanOutcome:
        if not self.options.scenario:
            raise PlanFailed(
                "QUITUS_REPORT_SCENARIO is not set: the CSR reports are compared with a reference scenario"
            )
        due = months_due(self.first_month(now), now, self.settle)
        known = self.store.recorded_months()
        recorded, jobs_recorded = [], 0
        for month in due:
            if str(month) in known:
                continue
            try:
                perimeters, portfolio_sha256 = self.reporting.perimeters(month.end)
            except ReportingCallFailed as exc:
                raise PlanFailed(f"the run of {month} could not be planned: {exc}") from None
            jobs = [NewJob(s.key, s.kind, report_request(s, self.options)) for s in jobs_for(month, perimeters)]
            run = RunRecord(
                month=str(month),
                as_of=month.end,
                planned_at=now,
                planned_by=self.name,
                portfolio_sha256=portfolio_sha256,
                territories=len(perimeters.territories),
                residences=len(perimeters.residences),
                contractors=len(perimeters.contractors),
            )
            jobs_recorded += self.store.record_run(run, jobs)
            recorded.append(str(month))
            log.info("run recorded", extra={"month": str(month), "jobs": len(jobs), "planner": self.name})
        queued = self.store.enqueue_pending(publish, now)
        if queued:
            log.info("jobs queued", extra={"jobs": len(queued), "planner": self.name})
        stranded = self.store.stranded()
        for job_id, job_month in stranded:
            log.warning("job left running by a worker that is gone, queued again", extra={"job": job_id})
            publish(job_id, job_month)
        return PlanOutcome([str(m) for m in due], recorded, jobs_recorded, len(queued), len(stranded), self.name)
