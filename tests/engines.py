"""Which engine the suite runs on (issue 12), and throwaway PostgreSQL databases.

``TELECOOP_TEST_DB=postgresql`` runs the suite's database fixtures on a real
PostgreSQL server: one template database per session and worker (the sample
import, the demo), and per test a copy made by ``CREATE DATABASE ... TEMPLATE``,
dropped when the test ends. The server is the one libpq finds (PGHOST, PGPORT,
PGUSER... or the local socket); ``TELECOOP_TEST_PG`` names the maintenance
database used to create and drop them (default ``postgresql:///postgres``).
Names carry this run's and this xdist worker's mark, so parallel workers and
runs never meet.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

ENGINE = os.environ.get("TELECOOP_TEST_DB", "sqlite").lower()
if ENGINE not in ("sqlite", "postgresql"):  # pragma: no cover - a typo must not silently test SQLite twice
    raise SystemExit(f"TELECOOP_TEST_DB must be sqlite or postgresql, not {ENGINE!r}")
ON_PG = ENGINE == "postgresql"
ADMIN_URL = os.environ.get("TELECOOP_TEST_PG", "postgresql:///postgres")
_RUN = uuid.uuid4().hex[:8]
_made: list[str] = []  # databases made during the current test (dropped at its end)
_conn = None


def _admin():
    global _conn
    import psycopg

    if _conn is None or _conn.closed:
        _conn = psycopg.connect(ADMIN_URL, autocommit=True)
    return _conn


def _url_of(name: str) -> str:
    """A libpq URL naming database ``name`` on the maintenance database's server."""
    from urllib.parse import urlsplit

    parts = urlsplit(ADMIN_URL)
    return f"{parts.scheme}://{parts.netloc}/{name}" + (f"?{parts.query}" if parts.query else "")


def new_name(kind: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw")
    return f"tc_{_RUN}_{worker}_{kind}_{uuid.uuid4().hex[:6]}"


def create_database(kind: str = "t", template: str | None = None):
    """A new PostgreSQL database (empty, or a copy of ``template``'s database); its DbUrl."""
    from telecoop.locations import DbUrl

    name = new_name(kind)
    sql = f'CREATE DATABASE "{name}"'
    if template is not None:
        sql += f' TEMPLATE "{database_name(template)}"'
    _admin().execute(sql)
    _made.append(name)
    return DbUrl(_url_of(name))


def database_name(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return conninfo_to_dict(str(url))["dbname"]


def drop_database(url_or_name: str) -> None:
    name = database_name(url_or_name) if "/" in str(url_or_name) else str(url_or_name)
    _admin().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def keep(url) -> None:
    """Not dropped at the end of the current test (a session or module database)."""
    if not ON_PG:
        return
    name = database_name(url)
    if name in _made:
        _made.remove(name)


def drop_made() -> None:
    while _made:
        drop_database(_made.pop())


def copy_db(template, target: Path):
    """A copy of the template database for one test: a file beside the test (SQLite), or a new
    database copied from the template database (PostgreSQL). Returns what to pass as --db."""
    if ON_PG:
        return create_database("t", template=template)
    shutil.copy(template, target)
    return target


def empty_db(target: Path):
    """Where a test may create a new database: a file path (SQLite), an empty database (PostgreSQL)."""
    return create_database("e") if ON_PG else target


class Direct:
    """A plain DB-API connection that skips TeleCoop (another tool, a bug), on either engine.

    ``execute`` takes SQLite's ``?`` placeholders on both; ``refused`` is what the database
    raises for an overlapping booking: SQLite's trigger message, PostgreSQL's exclusion
    violation (SQLSTATE 23P01) on booking_clinician_no_overlap / booking_room_no_overlap.
    """

    def __init__(self, db) -> None:
        if ON_PG:
            import psycopg

            self.conn = psycopg.connect(str(db), autocommit=True, options="-c TimeZone=UTC")
            self.integrity_error = psycopg.IntegrityError
        else:
            import sqlite3

            self.conn = sqlite3.connect(db)
            self.integrity_error = sqlite3.IntegrityError

    def execute(self, sql: str, params=()):
        if ON_PG:  # (no parameters: a literal % stays itself)
            return self.conn.execute(sql.replace("?", "%s"), params or None)
        return self.conn.execute(sql, params)

    def is_overlap(self, exc: BaseException) -> bool:
        if ON_PG:
            return getattr(exc, "sqlstate", None) == "23P01" and "no_overlap" in str(exc)
        return "overlaps" in str(exc)

    def commit(self) -> None:
        if not ON_PG:  # (autocommit on PostgreSQL)
            self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def fetch(db, sql: str, params=()) -> list[tuple]:
    """Rows of one query read past TeleCoop (``Direct``), on the engine under test."""
    direct = Direct(db)
    try:
        return [tuple(r) for r in direct.execute(sql, params).fetchall()]
    finally:
        direct.close()


def pg_rows(db) -> dict[str, list]:
    """Every row of every table of a PostgreSQL database, in key order."""
    import psycopg

    with psycopg.connect(str(db), options="-c TimeZone=UTC") as conn:
        names = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
        # (sorted here: any column count, e.g. alembic_version's one)
        return {name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for (name,) in names}


def pg_digest(db) -> str:
    """A hash of every row of every table of a PostgreSQL database ("nothing changed")."""
    import hashlib

    return hashlib.sha256(repr(sorted(pg_rows(db).items())).encode()).hexdigest()
