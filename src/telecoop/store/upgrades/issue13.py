"""issue 13: holds, sharing terms and quotas, the waitlist, co-op capacity settings.

Adds the new tables (never touches an existing one) and their database
guards: SQLite triggers, or PostgreSQL exclusion constraints. Idempotent.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from telecoop.store import capacity


def upgrade(conn: sa.Connection) -> None:
    tables = [SQLModel.metadata.tables[t.__tablename__] for t in capacity.NEW_TABLES]
    SQLModel.metadata.create_all(conn, tables=tables)
    if conn.dialect.name == "sqlite":
        for ddl in capacity.SQLITE_TRIGGERS:
            conn.exec_driver_sql(ddl)
    elif conn.dialect.name == "postgresql":
        made = conn.exec_driver_sql(
            "SELECT 1 FROM pg_constraint WHERE conname = 'hold_clinician_no_overlap'").first()
        if made is None:
            for ddl in capacity.POSTGRES_DDL:
                conn.exec_driver_sql(ddl)
