"""Alembic's environment, configured by telecoop.store.schema (never an alembic.ini).

The caller hands over a connection already inside its write transaction
(SQLite: BEGIN IMMEDIATE and the writers' turn; PostgreSQL: the advisory
lock), so every revision, the stamp and the caller's own checks commit or
roll back together.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from telecoop.store import tables  # noqa: F401  (registers the tables, for autogenerate)

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("TeleCoop migrations run through telecoop.store.schema with a connection")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite alters most things only by copying a table: autogenerate writes batch operations there.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
