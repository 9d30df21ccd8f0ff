"""The alerts' settings, read from the environment (prefix QUITUS_ALERTS_; README, "Alerts").

The database, its schema prefix, the interventions service's address and the service token are
the suite's own settings (services.runtime.settings)."""

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class AlertsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QUITUS_ALERTS_", extra="ignore")

    exchange: str = Field(
        "quitus.events",
        validation_alias=AliasChoices("QUITUS_ALERTS_EXCHANGE", "QUITUS_EVENTS_EXCHANGE"),
        description="The relay's topic exchange (QUITUS_EVENTS_EXCHANGE, the relay's own setting, does too).",
    )
    queue: str = Field("quitus.alerts", description="The alerts' own durable queue on it.")
    service_name: str = Field(
        "alerts", description="The nameko service's name (its rpc queue is rpc-<name>): deployments sharing a broker."
    )
    webhook_url: str = Field("", description="Where alerts are POSTed; empty: the log only.")
    webhook_secret: SecretStr = Field(SecretStr(""), description="Key of the HMAC-SHA256 signature. Never logged.")
    webhook_timeout_s: float = Field(10.0, description="Seconds a webhook call may take.")
    retry_first_s: float = Field(5.0, description="Wait after a first failed delivery; doubles each time.")
    retry_max_s: float = Field(900.0, description="Longest wait between two attempts.")
    max_attempts: int = Field(12, description="Attempts before a delivery is marked failed.")
    deliver_every_s: float = Field(1.0, description="How often pending deliveries are looked for.")
    sweep_every_s: float = Field(60.0, description="How often the sweep runs on the real clock (0: only on rpc).")
    alert_share: float = Field(0.9, description="Share of a deadline that raises the first alert (then 100 %).")
    quality_target: float = Field(0.95, description="A contractor's passing share under this raises an alert.")
    quality_days: int = Field(30, description="The rolling window of the data quality, in days.")
    quality_check: bool = Field(
        False, description="Ask the interventions service (GetDataQuality) for the contractors' quality in each sweep."
    )
    quality_every_s: float = Field(
        3600.0, description="Sweeps check the data quality at most this often (two calls to the interventions service)."
    )
    unattended_days: int = Field(7, description="Days a leak or heating fault may wait for an intervention request.")
    heating_run_count: int = Field(3, description="Curative heating interventions that make a run...")
    heating_run_days: int = Field(60, description="...within this many days.")
    max_age_days: float = Field(
        7,
        description="An alert due longer ago than this when a sweep finds it is not raised (a backfill of history, a "
        "long outage): logged as stale. 0: no limit.",
    )
    fault_gap_days: int = Field(1, description="Anomalies of a meter this close together are one fault.")
