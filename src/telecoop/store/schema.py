"""The schema's version and its migrations (Alembic), on SQLite and PostgreSQL.

Every database is made by running the revisions in ``store/migrations/versions``
from empty: they are the one home of the DDL. A revision file is named
``NNNN_what.py`` and its revision id is ``NNNN``; that number is the schema
version ``telecoop check`` shows (and that ``meta.schema_version`` repeats,
so that a TeleCoop from before Alembic refuses a newer file).

Files made before Alembic carry only ``meta.schema_version`` (1, 2 or 3):
schema 3 is the baseline revision, so such a file counts as being there and
is stamped (given its ``alembic_version`` row) the first time it is migrated;
schemas 1 and 2 first go through the frozen steps TeleCoop ran before.

Opening a database never writes unless it must: the version is read first,
and only a new database (``create``) or one behind (``migrate``, the
``upgrade`` command) takes the writers' turn and runs Alembic, in one
transaction with the stamp and the checks.
"""

from __future__ import annotations

import contextlib
import functools
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import text as sql  # (not "text": the catalogue test reads text() as a message look-up)

from telecoop.domain.errors import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
#: The revision that creates schema 3, what every file had when TeleCoop moved to Alembic.
BASELINE = "0003"
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")
#: The writers' turn on PostgreSQL (the shared contract's advisory lock).
PG_WRITERS_LOCK = 7251001


@functools.cache
def revisions() -> tuple[str, ...]:
    """The revision ids shipped with this TeleCoop, oldest first (from the file names, without importing Alembic)."""
    found = sorted(m.group(1) for p in VERSIONS_DIR.iterdir() if (m := _REVISION_FILE.match(p.name)))
    if not found:  # pragma: no cover - a broken install
        raise RuntimeError(f"no migration scripts in {VERSIONS_DIR}")
    return tuple(found)


def head() -> str:
    return revisions()[-1]


def version() -> int:
    """The schema version this TeleCoop writes: its head revision's number."""
    return int(head())


SCHEMA_VERSION = version()


@dataclass(frozen=True)
class Found:
    """What a database says its schema is: an Alembic revision, or the version of a file from before Alembic."""

    revision: str | None
    legacy: int | None = None

    @property
    def number(self) -> int:
        if self.revision is None:
            return self.legacy or 0
        return int(self.revision) if self.revision.isdigit() else 0

    @property
    def known(self) -> bool:
        return self.revision in revisions() if self.revision is not None else (self.legacy or 0) <= int(BASELINE)

    @property
    def current(self) -> bool:
        """At this TeleCoop's head (a pre-Alembic schema-3 file is, while the baseline is the head)."""
        if self.revision is None:
            return self.legacy == int(BASELINE) and head() == BASELINE
        return self.revision == head()

    @property
    def stamped(self) -> bool:
        return self.revision is not None


def read_found(table_names: set[str], query: Callable[[str], list[tuple[Any, ...]]]) -> Found | None:
    """The schema of a database whose tables are ``table_names``; None when it has none.

    ``query`` runs one SELECT and returns its rows, so that this serves the
    read-only first look at an SQLite file (sqlite3) and a connection alike.
    Raises StoreError("store.foreign") for tables that are not TeleCoop's.
    """
    if not table_names:
        return None
    if "alembic_version" in table_names and "meta" in table_names:
        rows = query("SELECT version_num FROM alembic_version")
        if len(rows) == 1:
            return Found(revision=str(rows[0][0]))
    if "meta" in table_names and "alembic_version" not in table_names:
        rows = query("SELECT value FROM meta WHERE key = 'schema_version'")
        value = str(rows[0][0]) if rows else ""
        return Found(revision=None, legacy=int(value) if value.isdigit() else 0)
    raise StoreError("store.foreign", tables=", ".join(sorted(table_names)[:8]))


def upgrade_command(shown: str) -> str:
    """The exact command that brings the database ``shown`` up to date."""
    return f"telecoop --db {shlex.quote(shown)} upgrade"


def judge(found: Found, *, migrate: bool, shown: str) -> None:
    """Refuse a newer schema always, an older one unless ``migrate``."""
    if not found.known:
        raise StoreError("store.newer", found=found.number or found.revision, supported=version())
    if not found.current and not migrate:
        raise StoreError(
            "store.older", path=shown, found=found.number, supported=version(), command=upgrade_command(shown)
        )


def found_in(conn: sa.Connection) -> Found | None:
    """The schema of the database behind ``conn`` (None when it has no table)."""
    names = set(sa.inspect(conn).get_table_names())
    return read_found(names, lambda sql: [tuple(r) for r in conn.exec_driver_sql(sql)])


def prepare(engine: sa.Engine, *, create: bool, migrate: bool, shown: str) -> Found | None:
    """Make the database behind ``engine`` usable by this TeleCoop, or refuse it.

    An empty database is created (all revisions from empty) only when
    ``create``; one behind is migrated only when ``migrate``; a newer one is
    always refused. Returns what the database held before (None: it was
    empty). Nothing is written when nothing must be.
    """
    with engine.connect() as conn:
        before = found_in(conn)
        conn.rollback()
    if before is not None:
        judge(before, migrate=migrate, shown=shown)
        if before.current and (before.stamped or not migrate):
            return before
    elif not create:  # (an empty SQLite file is refused before: inspect_file)
        raise StoreError("store.pg_empty", path=shown)
    with migration_connection(engine) as conn:
        found = found_in(conn)  # again, inside the writers' turn: another process may have done it
        if found is not None:
            judge(found, migrate=migrate, shown=shown)
            if found.current and found.stamped:
                return before
        elif conn.dialect.name == "postgresql":
            _can_have_btree_gist(conn, shown)
        migrate_to_head(conn, found)
    return before


def _can_have_btree_gist(conn: sa.Connection, shown: str) -> None:
    """Before any DDL: the extension the no-overlap guarantee rests on is there, or may be made here.

    Without it nothing else matters, and "the extension is missing" tells the
    administrator what to do where a "permission denied" on the first table
    would not. (A pure read: the baseline revision makes it.)
    """
    there = conn.execute(sql("SELECT count(*) FROM pg_extension WHERE extname = 'btree_gist'")).scalar()
    allowed = conn.execute(sql("SELECT has_database_privilege(current_database(), 'CREATE')")).scalar()
    if not there and not allowed:
        raise StoreError("store.pg_extension", path=shown)


@contextlib.contextmanager
def migration_connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One connection in one write transaction for DDL: committed on exit, rolled back on error.

    SQLite: the writers' turn and BEGIN IMMEDIATE, with foreign keys off
    (Alembic's batch mode copies tables, which they would refuse) and checked
    before the commit. PostgreSQL: the writers' advisory lock.
    """
    from telecoop.store.engine import _checkpoint, _busy_refused, writer_turn

    if engine.dialect.name != "sqlite":
        with engine.connect() as conn:
            with conn.begin():
                conn.execute(sql("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITERS_LOCK})
                yield conn
        return
    with _busy_refused(), writer_turn(engine):
        with engine.execution_options(telecoop_write=True).connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys = OFF")  # outside any transaction, or it is ignored
            try:
                with conn.begin():
                    yield conn
                    bad = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if bad:
                        raise StoreError("store.damaged", path=str(engine.url.database))
            finally:
                raw.execute("PRAGMA foreign_keys = ON")
    _checkpoint(engine)


def alembic_config(conn: sa.Connection) -> Any:
    """Alembic's configuration, in code: the scripts inside the package and this connection."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def migrate_to_head(conn: sa.Connection, found: Found | None) -> None:
    """Run what the database behind ``conn`` lacks, inside the caller's transaction."""
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config(conn)
    if found is not None and not found.stamped:  # a file from before Alembic
        if (found.legacy or 0) < int(BASELINE):
            ScriptDirectory.from_config(cfg).get_revision(BASELINE).module.from_legacy(conn, found.legacy or 0)
        command.stamp(cfg, BASELINE)
    command.upgrade(cfg, "head")
    # Repeated where a TeleCoop from before Alembic looks, so that it refuses a newer file.
    conn.execute(sql("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(version())})


def baseline_module() -> Any:
    """The baseline revision's module (its frozen DDL and the names of its database objects)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(BASELINE).module


def revision_modules() -> list[Any]:
    """Every revision's module, oldest first (the chain from the baseline to the head)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return [rev.module for rev in reversed(list(script.walk_revisions("base", "heads")))]


def checked_objects(dialect: str) -> dict[str, dict[str, str | None]]:
    """What ``telecoop check`` looks for, kind -> name -> a word its SQL must hold (None: the name suffices).

    Each revision names the guarantees it makes: SQLite triggers (its
    ``SQLITE_TRIGGERS``, and ``SQLITE_CHECKED`` for a trigger it remade whose
    SQL must show the change), PostgreSQL objects (its ``POSTGRES_OBJECTS``).
    A later revision's word for a name replaces an earlier one's.
    """
    wanted: dict[str, dict[str, str | None]] = {}
    for module in revision_modules():
        if dialect == "sqlite":
            triggers = wanted.setdefault("trigger", {})
            for ddl in getattr(module, "SQLITE_TRIGGERS", ()):
                triggers.setdefault(re.search(r"IF NOT EXISTS (\w+)", ddl).group(1), None)  # type: ignore[union-attr]
            triggers.update(getattr(module, "SQLITE_CHECKED", {}))
        else:
            for kind, names in getattr(module, "POSTGRES_OBJECTS", {}).items():
                wanted.setdefault(kind, {}).update(dict.fromkeys(names))
    return wanted


def missing_objects(conn: sa.Connection) -> list[str]:
    """The revisions' guarantees this database lacks (triggers, constraints...), for ``telecoop check``."""
    if conn.dialect.name == "sqlite":
        triggers: dict[str, str | None] = {
            name: ddl for name, ddl in conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        }
        absent = []
        for name, word in checked_objects("sqlite")["trigger"].items():
            if name not in triggers:
                absent.append(f"trigger {name}")
            elif word is not None and word not in (triggers[name] or ""):
                absent.append(f"trigger {name} (outdated: without {word})")
        return absent
    queries = {
        "extension": "SELECT extname FROM pg_extension",
        "constraint": "SELECT conname FROM pg_constraint WHERE connamespace = current_schema()::regnamespace "
                      "AND convalidated",
        "function": "SELECT proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace",
        "trigger": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'",
    }
    missing = []
    for kind, names in checked_objects("postgresql").items():
        present = set(conn.exec_driver_sql(queries[kind]).scalars())
        missing += [f"{kind} {name}" for name in names if name not in present]
    return missing


def drop_everything(conn: sa.Connection) -> None:
    """PostgreSQL: drop what the migrations made (tables, the migrations' record, trigger functions).

    The extension stays (another database object may use it, and making it
    needs rights TeleCoop's role should not have).
    """
    from sqlmodel import SQLModel

    names = [*SQLModel.metadata.tables, "alembic_version"]
    conn.exec_driver_sql("DROP TABLE IF EXISTS " + ", ".join(f'"{n}"' for n in names) + " CASCADE")
    for name in checked_objects("postgresql")["function"]:
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}() CASCADE")
