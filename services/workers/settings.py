"""Settings of the scheduler and the report workers (prefix QUITUS_), on top of the runtime's
(database, schema prefix, reporting address, service token, log level).

Every variable is documented in README.md, section "Monthly run"."""

from functools import lru_cache

from pydantic import Field, field_validator

from services.runtime.settings import Settings
from services.workers.schedule import Month


class WorkerSettings(Settings):
    amqp_url: str = Field(
        "amqp://guest:guest@127.0.0.1:5672/", description="The broker: amqp://user:password@host:port/vhost."
    )
    schedule_start: str = Field(
        "", description="First month the scheduler makes runs for, YYYY-MM; empty: the last complete month."
    )
    schedule_every_s: float = Field(300.0, description="Seconds between two of the scheduler's own plans.")
    scheduler_name: str = Field(
        "quitus_scheduler", description="The scheduler's nameko service name (its RPC queue is rpc-<name>)."
    )
    jobs_queue: str = Field("quitus.report_jobs", description="Durable queue (and direct exchange) of the report jobs.")
    report_scenario: str = Field(
        "", description="Reference scenario of the CSR reports (required for them) and the scorecards (optional)."
    )
    report_factor_set: str = Field("ademe_base_carbone@23.6", description="Energy factor set of the CSR reports.")
    report_vehicle_factor_set: str = Field(
        "uk_desnz_2025@1", description="Set of the scenario's vehicle factor (empty: the energy factor set)."
    )
    report_lang: str = Field("fr", description="Language of the scheduled reports: fr or en.")
    job_attempts: int = Field(
        5, ge=1, description="Calls a job gets while reporting answers UNAVAILABLE or DEADLINE_EXCEEDED; then parked."
    )
    job_retry_first_s: float = Field(1.0, gt=0, description="Wait after a job's first transient failure (doubling).")
    job_retry_max_s: float = Field(60.0, gt=0, description="Longest wait between two attempts of a job.")
    job_timeout_s: float = Field(900.0, gt=0, description="Deadline of one GenerateReport call.")
    worker_name: str = Field("", description="How a worker names itself in the jobs it takes (default: host:pid).")

    @field_validator("schedule_start")
    @classmethod
    def _month(cls, value: str) -> str:
        if value:
            Month.parse(value)
        return value

    @field_validator("report_lang")
    @classmethod
    def _lang(cls, value: str) -> str:
        if value not in ("fr", "en"):
            raise ValueError(f"must be fr or en, got {value!r}")
        return value


@lru_cache(maxsize=1)
def get_worker_settings() -> WorkerSettings:
    return WorkerSettings()
