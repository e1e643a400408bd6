"""issue 14: the teleconsultation record, interpreters and follow-up series, for existing databases.

- booking: patient_location, patient_site, consent_by, consent_at,
  interpreter_id, series_id, series_index, video_link; the index on
  (interpreter_id, start); the old mode word ``room`` becomes ``in-person``;
- resource: licences (QC by default); coop: video_platform;
- the new ``series`` table;
- the overlap guard covers the interpreter too: SQLite's triggers are
  recreated from ``engine.SQLITE_TRIGGERS``; on PostgreSQL the exclusion
  constraint ``booking_interpreter_no_overlap``.

Portable and idempotent: a column or table already there is left alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

# (table, column, SQLite/PostgreSQL type and default)
_COLUMNS = (
    ("booking", "patient_location", "VARCHAR NOT NULL DEFAULT 'QC'"),
    ("booking", "patient_site", "VARCHAR NOT NULL DEFAULT ''"),
    ("booking", "consent_by", "VARCHAR NOT NULL DEFAULT ''"),
    ("booking", "consent_at", None),  # an instant: the dialect's type
    ("booking", "interpreter_id", "INTEGER REFERENCES resource (id)"),
    ("booking", "series_id", "INTEGER REFERENCES series (id)"),
    ("booking", "series_index", "INTEGER"),
    ("booking", "video_link", "VARCHAR NOT NULL DEFAULT ''"),
    ("resource", "licences", "VARCHAR NOT NULL DEFAULT 'QC'"),
    ("coop", "video_platform", "VARCHAR NOT NULL DEFAULT ''"),
)



def upgrade(conn: sa.Connection) -> None:
    from telecoop.store import engine, pg_ddl, tables

    dialect = conn.dialect.name
    inspector = sa.inspect(conn)
    if "series" not in inspector.get_table_names():
        SQLModel.metadata.tables["series"].create(conn)
    for table, column, ddl in _COLUMNS:
        have = {c["name"] for c in sa.inspect(conn).get_columns(table)}
        if column in have:
            continue
        if ddl is None:
            ddl = "TIMESTAMP WITH TIME ZONE" if dialect == "postgresql" else "DATETIME"
        conn.exec_driver_sql(f'ALTER TABLE {table} ADD COLUMN {column} {ddl}')
    indexes = {i["name"] for i in sa.inspect(conn).get_indexes("booking")}
    if "ix_booking_interpreter_start" not in indexes:
        conn.exec_driver_sql("CREATE INDEX ix_booking_interpreter_start ON booking (interpreter_id, start)")
    # Data: "room" was the word for a visit where the patient comes in person.
    conn.exec_driver_sql("UPDATE booking SET mode = 'in-person' WHERE mode = 'room'")
    if dialect == "sqlite":
        # The overlap triggers now also guard the interpreter.
        for name in engine.SQLITE_TRIGGER_NAMES_V1:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        for ddl in engine.SQLITE_TRIGGERS:
            conn.exec_driver_sql(ddl)
    elif dialect == "postgresql":
        found = conn.exec_driver_sql(
            "SELECT 1 FROM pg_constraint WHERE conname = 'booking_interpreter_no_overlap'"
        ).first()
        if found is None:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gist")
            conn.exec_driver_sql(pg_ddl.CONSTRAINTS["booking_interpreter_no_overlap"])
    del tables  # imported so that the series table is registered
