"""Schema 6 (perf-search): version counters for the search's per-process caches.

Searches keep the directory (resources, shares, hours) per process, keyed by
``meta.directory_version``, which triggers bump on every change (0003). This
revision adds:

- ``sharing_terms`` to the tables that bump ``directory_version`` (a partner's
  booking window and notice are read with the directory);
- ``meta.closure_version``, bumped on every change to ``closure``, so the
  closures are kept per process too, apart from the directory (a closure
  does not make every process read 2,000 resources again).

Frozen: the triggers' SQL is written here, not imported. No table changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_BUMP_DIRECTORY = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'directory_version';"
_BUMP_CLOSURES = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'closure_version';"
_OPS = ("INSERT", "UPDATE", "DELETE")
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS sharing_terms_{op_.lower()}_bumps_directory AFTER {op_} ON sharing_terms"
    f" BEGIN {_BUMP_DIRECTORY} END"
    for op_ in _OPS
] + [
    f"CREATE TRIGGER IF NOT EXISTS closure_{op_.lower()}_bumps_closures AFTER {op_} ON closure"
    f" BEGIN {_BUMP_CLOSURES} END"
    for op_ in _OPS
]
POSTGRES_DDL = [
    """CREATE TRIGGER sharing_terms_bumps_directory AFTER INSERT OR UPDATE OR DELETE ON sharing_terms
        FOR EACH STATEMENT EXECUTE FUNCTION telecoop_bump_directory()""",
    """CREATE OR REPLACE FUNCTION telecoop_bump_closures() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE meta SET value = (CAST(value AS bigint) + 1)::text WHERE key = 'closure_version';
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER closure_bumps_closures AFTER INSERT OR UPDATE OR DELETE ON closure
        FOR EACH STATEMENT EXECUTE FUNCTION telecoop_bump_closures()""",
]
# What telecoop check looks for on PostgreSQL (store.schema.missing_objects; SQLite: SQLITE_TRIGGERS).
POSTGRES_OBJECTS = {
    "function": ("telecoop_bump_closures",),
    "trigger": ("sharing_terms_bumps_directory", "closure_bumps_closures"),
}


def upgrade() -> None:
    op.execute("INSERT INTO meta (key, value) SELECT 'closure_version', '0'"
                " WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'closure_version')")
    statements = POSTGRES_DDL if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS closure_bumps_closures ON closure")
        op.execute("DROP FUNCTION IF EXISTS telecoop_bump_closures()")
        op.execute("DROP TRIGGER IF EXISTS sharing_terms_bumps_directory ON sharing_terms")
    else:
        for op_ in _OPS:
            op.execute(f"DROP TRIGGER IF EXISTS closure_{op_.lower()}_bumps_closures")
            op.execute(f"DROP TRIGGER IF EXISTS sharing_terms_{op_.lower()}_bumps_directory")
    op.execute("DELETE FROM meta WHERE key = 'closure_version'")
