"""Typed settings read once from the environment (prefix QUITUS_).

Every variable is documented in README.md, section "Configuration".
"""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QUITUS_", extra="ignore")

    database_url: str = Field(
        "sqlite:///quitus.db",
        description="SQLAlchemy URL. sqlite:///file.db (embedded) or postgresql+psycopg://...",
    )
    schema_prefix: str = Field(
        "", description="Prefix of every PostgreSQL schema (several environments can share one database)."
    )
    auth_enabled: bool = Field(True, description="Require a bearer token on every gRPC call.")
    log_level: str = Field("INFO", description="Python logging level name.")
    listen_host: str = Field("[::]", description="Address the gRPC servers bind.")
    interventions_port: int = Field(50051, description="Port of the interventions service (0 = any free).")
    consumption_port: int = Field(50052, description="Port of the consumption service.")
    factors_port: int = Field(50053, description="Port of the factors service.")
    reporting_port: int = Field(50054, description="Port of the reporting service.")
    grpc_workers: int = Field(16, description="Thread pool size of each gRPC server.")
    streams_per_caller: int = Field(
        4, description="Streaming calls (ingest, imports, exports) one caller may hold open at once on one server."
    )
    reserved_workers: int = Field(
        4, description="Server threads no stream may take: kept for health checks and unary calls."
    )
    statement_timeout_s: float = Field(
        120.0,
        description="PostgreSQL cancels a service's statement running longer than this (0: never); the call "
        "gets DEADLINE_EXCEEDED.",
    )
    cutoff_settle_s: float = Field(
        60.0,
        ge=0.5,
        description="How old a data cut-off (as_of) must be: longer than a batch may take between the instant its "
        "records are recorded at and its commit, so that the same as_of gives the same figures later.",
    )
    render_processes: int = Field(
        0,
        ge=0,
        description="Processes a reporting replica renders PDFs in (0: its own threads, one report at a time on one "
        "core); set it to the cores the replica may use when several reports are generated at once.",
    )
    readings_cache_mb: int = Field(
        1024,
        ge=0,
        description="Memory the consumption service may keep readings as of a settled cut-off in (each civil "
        "year's readings, every kind in one pass, read once and shared by the exports asking for it; about 250 MB "
        "for three years of daily readings of 6,500 meters), and the normalisation's summer figures per cut-off; "
        "0: read them from the database for every export.",
    )
    settled_answers_cache_mb: int = Field(
        512,
        ge=0,
        description="Memory the interventions service may keep the portfolio, facts exports, data-quality "
        "counts and deadline status as of a settled cut-off in (about 80 MB for a year's 500,000 facts, up to "
        "about twice that once sent: the messages made of the portfolio and Arrow facts exports are kept too); an "
        "import makes every replica read the portfolio anew, and a batch recording events at an already settled "
        "instant (a backfill) the others; 0: computed at every call.",
    )
    shutdown_grace_s: float = Field(20.0, description="Seconds in-flight calls get to finish on SIGTERM.")
    factors_dir: str = Field(
        "",
        description="Folder of the emission-factor data (units, conversions, <set>/<version>/); empty: factors/ "
        "of the repository.",
    )
    interventions_address: str = Field(
        "localhost:50051", description="Where reporting reaches the interventions service (host:port)."
    )
    consumption_address: str = Field(
        "localhost:50052", description="Where reporting reaches the consumption service (host:port)."
    )
    factors_address: str = Field(
        "localhost:50053", description="Where reporting reaches the factors service (host:port)."
    )
    reporting_address: str = Field(
        "localhost:50054", description="Where the report workers reach a reporting replica (host:port)."
    )
    service_token: SecretStr = Field(
        SecretStr(""),
        description="The token (role service) reporting presents to the data services; empty with authentication "
        "off. Issue it with `quitus tokens issue --role service`. Never logged.",
    )
    service_token_file: str = Field(
        "",
        description="A file holding the service token, read when QUITUS_SERVICE_TOKEN is empty: what "
        "`quitus setup --service-token-file` writes on a deployment's first start.",
    )

    @model_validator(mode="after")
    def _token_from_file(self) -> "Settings":
        if not self.service_token.get_secret_value() and self.service_token_file:
            path = Path(self.service_token_file)
            if path.is_file():
                self.service_token = SecretStr(path.read_text().strip())
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
