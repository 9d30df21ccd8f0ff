"""Typed settings read once from the environment (prefix QUITUS_).

Every variable is documented in README.md, section "Configuration".
"""

from functools import lru_cache

from pydantic import Field
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
        4, description="Client-streaming calls (ingest, imports) one caller may hold open at once on one server."
    )
    reserved_workers: int = Field(
        4, description="Server threads no stream may take: kept for health checks and unary calls."
    )
    statement_timeout_s: float = Field(
        120.0,
        description="PostgreSQL cancels a service's statement running longer than this (0: never); the call "
        "gets DEADLINE_EXCEEDED.",
    )
    shutdown_grace_s: float = Field(20.0, description="Seconds in-flight calls get to finish on SIGTERM.")
    factors_dir: str = Field(
        "",
        description="Folder of the emission-factor data (units, conversions, <set>/<version>/); empty: factors/ "
        "of the repository.",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
