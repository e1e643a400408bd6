"""Baseline: schema 3, the schema TeleCoop had when it moved to Alembic.

Frozen: never edit this file to change the schema; add a revision instead
(docs/architecture.md, "Changing the schema"). It creates what
``SQLModel.metadata.create_all`` and the SQLite triggers of store/engine.py
made for a schema-3 file, and on PostgreSQL the constraints and triggers that
stand in for those triggers. ``from_legacy`` brings the schema-1 and
schema-2 SQLite files made before Alembic up to this revision.

Revision ID: 0003
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy import text as sql  # (not "text": the catalogue test reads text() as a message look-up)
from alembic import op

revision = "0003"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA_NUMBER = 3

# ---------------------------------------------------------------- SQLite --- #
# The database refuses an overlapping active booking by itself, so that even a
# write that skips the service (another tool, a bug) cannot double-book.
# Half-open intervals: [a, b) and [c, d) overlap iff a < d and c < b.
# The lower bound on b.start lets the (clinician_id, start) and (room_id,
# start) indexes read only the day before NEW.start instead of all history;
# it is exact because a booking may not last more than a day (checked first).
_OVERLAP_CONDITION = """
    SELECT RAISE(ABORT, 'telecoop: booking longer than a day')
    WHERE julianday(NEW."end") - julianday(NEW.start) > 1;
    SELECT RAISE(ABORT, 'telecoop: booking overlaps an active booking')
    WHERE NEW.status IN ('booked', 'checked_in') AND EXISTS (
        SELECT 1 FROM booking AS b
        WHERE b.status IN ('booked', 'checked_in')
          AND b.id IS NOT NEW.id
          AND b.start < NEW."end" AND NEW.start < b."end"
          AND b.start >= datetime(NEW.start, '-1 day')
          AND (b.clinician_id = NEW.clinician_id OR b.room_id = NEW.room_id)
    );
"""
# Searches cache resources and weekly hours per process; these triggers bump
# a counter on any change so every process sees when its cache is stale.
DIRECTORY_TABLES = ("coop", "resource", "resource_share", "availability")
_BUMP = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'directory_version';"
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS booking_no_overlap_insert
        BEFORE INSERT ON booking BEGIN {_OVERLAP_CONDITION} END""",
    f"""CREATE TRIGGER IF NOT EXISTS booking_no_overlap_update
        BEFORE UPDATE OF start, "end", status, clinician_id, room_id ON booking
        BEGIN {_OVERLAP_CONDITION} END""",
    # The audit trail is append-only.
    """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'telecoop: audit events are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'telecoop: audit events are append-only'); END""",
] + [
    f"CREATE TRIGGER IF NOT EXISTS {table}_{op_.lower()}_bumps_directory AFTER {op_} ON {table} BEGIN {_BUMP} END"
    for table in DIRECTORY_TABLES
    for op_ in ("INSERT", "UPDATE", "DELETE")
]
_SQLITE_TRIGGER_NAMES_V1 = ("booking_no_overlap_insert", "booking_no_overlap_update")

# ------------------------------------------------------------ PostgreSQL --- #
# The same guarantees as database objects (names fixed by the shared contract).
NOTIFY_TABLES = ("booking", "closure", "coop", "resource", "resource_share", "availability", "staff")
POSTGRES_OBJECTS = {  # what telecoop check looks for (store.schema.missing_objects)
    "extension": ("btree_gist",),
    "constraint": ("booking_clinician_no_overlap", "booking_room_no_overlap", "booking_span_ok"),
    "function": ("telecoop_append_only", "telecoop_bump_directory", "telecoop_notify"),
    "trigger": ("audit_append_only",) + tuple(f"{t}_bumps_directory" for t in DIRECTORY_TABLES)
    + tuple(f"{t}_notifies" for t in NOTIFY_TABLES),
}
_ACTIVE = "status IN ('booked','checked_in')"
POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE booking ADD CONSTRAINT booking_span_ok
        CHECK ("end" > start AND "end" - start <= interval '1 day')""",
    f"""ALTER TABLE booking ADD CONSTRAINT booking_clinician_no_overlap
        EXCLUDE USING gist (clinician_id WITH =, tstzrange(start, "end", '[)') WITH &&) WHERE ({_ACTIVE})""",
    f"""ALTER TABLE booking ADD CONSTRAINT booking_room_no_overlap
        EXCLUDE USING gist (room_id WITH =, tstzrange(start, "end", '[)') WITH &&) WHERE ({_ACTIVE})""",
    """CREATE FUNCTION telecoop_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'telecoop: audit events are append-only'; END $$""",
    """CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION telecoop_append_only()""",
    """CREATE FUNCTION telecoop_bump_directory() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE meta SET value = (CAST(value AS bigint) + 1)::text WHERE key = 'directory_version';
            RETURN NULL;
        END $$""",
    """CREATE FUNCTION telecoop_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('telecoop_change', TG_TABLE_NAME); RETURN NULL; END $$""",
] + [
    f"""CREATE TRIGGER {table}_bumps_directory AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION telecoop_bump_directory()"""
    for table in DIRECTORY_TABLES
] + [
    f"""CREATE TRIGGER {table}_notifies AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION telecoop_notify()"""
    for table in NOTIFY_TABLES
]


def _instant() -> sa.DateTime:
    # UTCDateTime's column: naive UTC text on SQLite, timestamp with time zone on PostgreSQL.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "coop",
        sa.Column("slug", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column("tz", sa.String(), nullable=False),
        sa.Column("lang", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("slug"),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _instant(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("coop", sa.String(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("before", sa.String(), nullable=True),
        sa.Column("after", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_coop", "audit", ["coop"])
    op.create_table(
        "resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("coop", sa.String(), nullable=False),
        sa.Column("specialty", sa.String(), nullable=False),
        sa.Column("languages", sa.String(), nullable=False),
        sa.Column("equipment", sa.String(), nullable=False),
        sa.Column("video_link", sa.String(), nullable=False),
        sa.Column("sharing", sa.String(), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["coop"], ["coop.slug"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_resource_kind_specialty", "resource", ["kind", "specialty"])
    op.create_index("ix_resource_coop", "resource", ["coop"])
    op.create_table(
        "staff",
        sa.Column("login", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("coop", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["coop"], ["coop.slug"]),
        sa.ForeignKeyConstraint(["clinician_id"], ["resource.id"]),
        sa.PrimaryKeyConstraint("login"),
    )
    op.create_index("ix_staff_coop", "staff", ["coop"])
    op.create_table(
        "resource_share",
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("coop", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["resource_id"], ["resource.id"]),
        sa.ForeignKeyConstraint(["coop"], ["coop.slug"]),
        sa.PrimaryKeyConstraint("resource_id", "coop"),
    )
    op.create_table(
        "availability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start", sa.Time(), nullable=False),
        sa.Column("end", sa.Time(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["resource_id"], ["resource.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_availability_resource_id", "availability", ["resource_id"])
    op.create_table(
        "closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=True),
        sa.Column("coop", sa.String(), nullable=True),
        sa.Column("start", _instant(), nullable=False),
        sa.Column("end", _instant(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["resource_id"], ["resource.id"]),
        sa.ForeignKeyConstraint(["coop"], ["coop.slug"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_closure_coop", "closure", ["coop"])
    op.create_index("ix_closure_resource_id", "closure", ["resource_id"])
    op.create_table(
        "booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("coop", sa.String(), nullable=False),
        sa.Column("booked_by", sa.String(), nullable=False),
        sa.Column("start", _instant(), nullable=False),
        sa.Column("end", _instant(), nullable=False),
        sa.Column("patient", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("cancel_reason", sa.String(), nullable=False),
        sa.Column("conflict", sa.String(), server_default="", nullable=False),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.ForeignKeyConstraint(["clinician_id"], ["resource.id"]),
        sa.ForeignKeyConstraint(["room_id"], ["resource.id"]),
        sa.ForeignKeyConstraint(["coop"], ["coop.slug"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_booking_clinician_start", "booking", ["clinician_id", "start"])
    op.create_index("ix_booking_room_start", "booking", ["room_id", "start"])
    op.create_index("ix_booking_start", "booking", ["start"])
    op.create_index("ix_booking_coop_start", "booking", ["coop", "start"])

    meta = sa.table("meta", sa.column("key", sa.String()), sa.column("value", sa.String()))
    op.bulk_insert(meta, [
        {"key": "schema_version", "value": str(SCHEMA_NUMBER)},
        {"key": "directory_version", "value": "0"},
        # A random identifier of this database, for calendar UIDs that stay
        # unique when several federations' files meet in one calendar.
        {"key": "instance_id", "value": uuid.uuid4().hex},
    ])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for ddl in SQLITE_TRIGGERS:
            op.execute(ddl)
    elif dialect == "postgresql":
        for ddl in POSTGRES_DDL:
            op.execute(ddl)
    else:  # pragma: no cover - make_engine opens nothing else
        raise NotImplementedError(f"TeleCoop has no database objects for {dialect}")


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: restore a copy made by 'telecoop backup'")


def from_legacy(conn: sa.Connection, version: int) -> None:
    """Bring a schema-1 or schema-2 SQLite file (made before Alembic) up to this revision, in place.

    The steps TeleCoop ran before Alembic, frozen; the caller then stamps the
    file at this revision, in the same transaction.
    """
    meta_value = "SELECT value FROM meta WHERE key = :key"
    if version < 2:
        # 2: overlap triggers bounded by the index, directory version counter.
        for name in _SQLITE_TRIGGER_NAMES_V1:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        if conn.execute(sql(meta_value), {"key": "directory_version"}).first() is None:
            conn.execute(sql("INSERT INTO meta (key, value) VALUES ('directory_version', '0')"))
        for ddl in SQLITE_TRIGGERS:
            conn.exec_driver_sql(ddl)
    if version < 3:
        # 3: bookings left standing by a forced closure carry a conflict flag.
        columns = {c["name"] for c in sa.inspect(conn).get_columns("booking")}
        if "conflict" not in columns:
            conn.exec_driver_sql("ALTER TABLE booking ADD COLUMN conflict VARCHAR NOT NULL DEFAULT ''")
        # 3: the random identifier of this database.
        if conn.execute(sql(meta_value), {"key": "instance_id"}).first() is None:
            conn.execute(sql("INSERT INTO meta (key, value) VALUES ('instance_id', :v)"), {"v": uuid.uuid4().hex})
    conn.execute(sql("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(SCHEMA_NUMBER)})
