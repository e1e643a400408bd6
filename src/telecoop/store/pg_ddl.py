"""TEMPORARY (issue 12): the PostgreSQL schema until Alembic migrations own all DDL.

Branch issue12-migrations builds ``store/migrations/`` with a
``prepare(engine, create=, migrate=)`` entry point; once it is on main this
module goes and ``engine._ensure_pg_schema`` calls ``prepare`` instead. Until
then the tables come from the SQLModel metadata and the database-level
objects below, whose names are fixed by the shared contract (COMMON.md): the
overlap exclusion constraints, the span check, the append-only audit trigger,
the directory counter and the change notifications.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from telecoop.store import tables  # noqa: F401  (registers the tables)

EXTENSION = "CREATE EXTENSION IF NOT EXISTS btree_gist"

_ACTIVE = "status IN ('booked', 'checked_in')"
CONSTRAINTS = {
    "booking_clinician_no_overlap": f"""ALTER TABLE booking ADD CONSTRAINT booking_clinician_no_overlap
        EXCLUDE USING gist (clinician_id WITH =, tstzrange(start, "end", '[)') WITH &&) WHERE ({_ACTIVE})""",
    "booking_room_no_overlap": f"""ALTER TABLE booking ADD CONSTRAINT booking_room_no_overlap
        EXCLUDE USING gist (room_id WITH =, tstzrange(start, "end", '[)') WITH &&) WHERE ({_ACTIVE})""",
    "booking_span_ok": """ALTER TABLE booking ADD CONSTRAINT booking_span_ok
        CHECK ("end" > start AND "end" - start <= interval '1 day')""",
    # issue 14: an interpreter is booked like a clinician or a room
    "booking_interpreter_no_overlap": f"""ALTER TABLE booking ADD CONSTRAINT booking_interpreter_no_overlap
        EXCLUDE USING gist (interpreter_id WITH =, tstzrange(start, "end", '[)') WITH &&) WHERE ({_ACTIVE})""",
}

FUNCTIONS = {
    "telecoop_append_only": """CREATE OR REPLACE FUNCTION telecoop_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'telecoop: audit events are append-only';
        END $$""",
    "telecoop_bump_directory": """CREATE OR REPLACE FUNCTION telecoop_bump_directory() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE meta SET value = (CAST(value AS bigint) + 1)::text WHERE key = 'directory_version';
            RETURN NULL;
        END $$""",
    "telecoop_notify": """CREATE OR REPLACE FUNCTION telecoop_notify() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('telecoop_change', TG_TABLE_NAME);
            RETURN NULL;
        END $$""",
}

DIRECTORY_TABLES = ("coop", "resource", "resource_share", "availability")
NOTIFY_TABLES = ("booking", "closure", "coop", "resource", "resource_share", "availability", "staff")

TRIGGERS = {
    "audit_append_only": """CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION telecoop_append_only()""",
    **{
        f"{table}_bumps_directory": f"""CREATE TRIGGER {table}_bumps_directory
            AFTER INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION telecoop_bump_directory()"""
        for table in DIRECTORY_TABLES
    },
    **{
        f"{table}_notifies": f"""CREATE TRIGGER {table}_notifies
            AFTER INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION telecoop_notify()"""
        for table in NOTIFY_TABLES
    },
}


def create_schema(conn: sa.Connection) -> None:
    """Every table, constraint and trigger, in the caller's (write) transaction."""
    conn.exec_driver_sql(EXTENSION)
    SQLModel.metadata.create_all(conn)
    for ddl in (*CONSTRAINTS.values(), *FUNCTIONS.values(), *TRIGGERS.values()):
        conn.exec_driver_sql(ddl)


def missing_objects(conn: sa.Connection) -> list[str]:
    """The names of the database-level objects above that this database lacks (for ``check``)."""
    found = set(conn.exec_driver_sql("SELECT extname FROM pg_extension").scalars())
    missing = [] if "btree_gist" in found else ["extension btree_gist"]
    constraints = set(
        conn.exec_driver_sql(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'booking'::regclass AND convalidated"
        ).scalars()
    )
    missing += [f"constraint {name}" for name in CONSTRAINTS if name not in constraints]
    functions = set(conn.exec_driver_sql("SELECT proname FROM pg_proc").scalars())
    missing += [f"function {name}()" for name in FUNCTIONS if name not in functions]
    triggers = set(
        conn.exec_driver_sql("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'").scalars()
    )
    missing += [f"trigger {name}" for name in TRIGGERS if name not in triggers]
    return missing
