"""Alembic's environment, configured by telecoop.store.schema (never an alembic.ini).

The caller hands over a connection already inside its write transaction
(SQLite: BEGIN IMMEDIATE and the writers' turn; PostgreSQL: the advisory
lock), so every revision, the stamp and the caller's own checks commit or
roll back together.
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from telecoop.store import tables  # noqa: F401  (registers the tables, for autogenerate)


def render_item(kind: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Write the package's column types as plain SQLAlchemy ones, so a revision imports nothing of ours."""
    if kind == "type" and isinstance(obj, tables.UTCDateTime):
        return "sa.DateTime(timezone=True)"  # as the baseline: naive UTC on SQLite, timestamptz on PostgreSQL
    if kind == "type" and isinstance(obj, (sa.String, AutoString)):
        length = getattr(obj, "length", None)
        return "sa.String()" if length is None else f"sa.String(length={length})"
    return False


connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("TeleCoop migrations run through telecoop.store.schema with a connection")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite alters most things only by copying a table: autogenerate writes batch operations there.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
