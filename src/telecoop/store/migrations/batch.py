"""Batch alterations of a table on SQLite that keep the triggers naming it.

SQLite cannot add a foreign key or change a column in place: Alembic's batch
mode copies the table, drops the old one and renames the copy.  Dropping the
table drops the triggers defined ON it, and a trigger on another table whose
body names it is checked against a table that is briefly missing while the copy
is renamed.  So every trigger whose SQL names the table is set aside before
the copy and made again, exactly as it was, after it.  Triggers listed in
``replaced`` are dropped and not made again: the revision writes their new
version itself.

On PostgreSQL (which alters tables in place) this is ``batch_alter_table``.

Revisions call this helper, so its behaviour is frozen: change it only in a
way that gives every existing revision the same result.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alembic import op


@contextmanager
def batch_alter_keeping_triggers(table: str, *, replaced: tuple[str, ...] = ()) -> Iterator[Any]:
    """``op.batch_alter_table(table)`` that sets aside and remakes the triggers naming ``table``."""
    bind = op.get_bind()
    kept: list[str] = []
    if bind.dialect.name == "sqlite":
        for name in replaced:
            op.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        rows = bind.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE ?",
            (f"%{table}%",),
        ).all()
        for name, ddl in rows:
            op.execute(f'DROP TRIGGER IF EXISTS "{name}"')
            kept.append(ddl)
    with op.batch_alter_table(table, schema=None) as batch_op:
        yield batch_op
    for ddl in kept:
        op.execute(ddl)
