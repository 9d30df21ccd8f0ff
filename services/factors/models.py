"""Tables of the factors service (schema ``factors`` on PostgreSQL; prefixed ``factor_`` so
they never collide with another service's in the shared SQLite file). Rows are only ever
inserted: a published version is immutable."""

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from services.runtime.db import UTCDateTime

metadata = MetaData()

set_versions = Table(
    "factor_set_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # publication order
    Column("name", String(64), nullable=False, index=True),
    Column("version", String(32), nullable=False),
    Column("content_sha256", String(80), nullable=False),  # bare lowercase hex (64 characters)
    Column("metadata_json", Text, nullable=False),
    Column("factor_count", Integer, nullable=False),
    Column("flagged_count", Integer, nullable=False),
    Column("published_at", UTCDateTime, nullable=False),
    Column("published_by", String(200), nullable=False),
    UniqueConstraint("name", "version", name="uq_factor_set_versions_name_version"),
)

values = Table(
    "factor_values",
    metadata,
    Column("version_id", Integer, ForeignKey("factor_set_versions.id"), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("valid_from", Date, primary_key=True),
    Column("activity", Text, nullable=False),
    Column("carrier", String(64), nullable=False),
    Column("unit", String(32), nullable=False),
    Column("unit_as_published", String(64), nullable=False),
    Column("usage", String(64), nullable=False),
    Column("country", String(8), nullable=False),
    Column("boundary", String(16), nullable=False),
    Column("variant", String(64), nullable=False),
    Column("kgco2e_per_unit", Float(precision=53), nullable=False),
    Column("scope", String(64), nullable=False),
    Column("valid_to", Date, nullable=True),
    Column("uncertainty_pct", Float(precision=53), nullable=True),
    Column("source", Text, nullable=False),
    Column("flag", String(16), nullable=False),
    Column("notes", Text, nullable=False),
)
