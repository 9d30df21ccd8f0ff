"""The outbox: the shape every service's table of domain events to publish has, and what the
relay reads (``services/relay``).

A service writes its events into its outbox in the same transaction as the data they describe,
so an event exists if and only if its data was committed; the relay publishes the rows to
RabbitMQ and sets ``sent_at`` once the broker has confirmed them. ``message_id`` is chosen by
the service and published as the message's id: a row published twice (a relay stopped between
the broker's confirm and its mark) reaches consumers twice with the same id, which they drop.
"""

import polars as pl
from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text, func

from services.runtime.db import UTCDateTime

# The columns a service writes, as a frame (id and created_at are the database's, sent_at the relay's).
OUTBOX_FRAME_SCHEMA = pl.Schema(
    {
        "message_id": pl.String(),
        "routing_key": pl.String(),
        "occurred_at": pl.Datetime("us", "UTC"),
        "payload_json": pl.String(),
    }
)


def outbox_table(name: str, metadata: MetaData) -> Table:
    """An outbox table: ``id`` gives the publishing order, ``occurred_at`` when the fact
    happened, ``created_at`` when the row was written (the writing transaction's start),
    ``sent_at`` when the broker confirmed it (null: still to publish, which a partial index keeps
    cheap to find however many were sent)."""
    sent_at = Column("sent_at", UTCDateTime, nullable=True)
    return Table(
        name,
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("message_id", String(300), nullable=False),
        Column("routing_key", String(120), nullable=False),
        Column("occurred_at", UTCDateTime, nullable=False),
        Column("created_at", UTCDateTime, nullable=False, server_default=func.now()),
        Column("payload_json", Text, nullable=False),
        sent_at,
        Index(f"ix_{name}_unsent", "id", postgresql_where=sent_at.is_(None), sqlite_where=sent_at.is_(None)),
    )
