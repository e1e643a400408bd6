"""Which engine the suite runs on (issue 12), and throwaway PostgreSQL databases.

``TELECOOP_TEST_DB=postgresql`` runs the suite's database fixtures on a real
PostgreSQL server: one template database per session and worker (the sample
import, the demo), and per test a copy made by ``CREATE DATABASE ... TEMPLATE``,
dropped when the test ends. With ``TELECOOP_TEST_PG_TABLESPACE`` (a tablespace
on tmpfs, as .ci/run makes), the databases live there and two helper threads per
worker make the next copy of each template ahead and drop a finished test's
databases while the next test runs, so a test waits for neither (``_Helper``).
The server is the one libpq finds (PGHOST, PGPORT, PGUSER... or the local
socket); ``TELECOOP_TEST_PG`` names the maintenance
database used to create and drop them (default ``postgresql:///postgres``).
Names carry this run's and this xdist worker's mark, so parallel workers and
runs never meet.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
import uuid
from pathlib import Path

ENGINE = os.environ.get("TELECOOP_TEST_DB", "sqlite").lower()
if ENGINE not in ("sqlite", "postgresql"):  # pragma: no cover - a typo must not silently test SQLite twice
    raise SystemExit(f"TELECOOP_TEST_DB must be sqlite or postgresql, not {ENGINE!r}")
ON_PG = ENGINE == "postgresql"
ADMIN_URL = os.environ.get("TELECOOP_TEST_PG", "postgresql:///postgres")
# Where the throwaway databases live (optional): a tablespace on tmpfs spares the disk 8 MB
# written and flushed per copy (.ci/run makes one); unset, the server's default tablespace.
TABLESPACE = os.environ.get("TELECOOP_TEST_PG_TABLESPACE")
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


def _create_sql(name: str, template: str | None) -> str:
    if template is not None:  # (in the template's tablespace)
        return f'CREATE DATABASE "{name}" TEMPLATE "{template}"'
    return f'CREATE DATABASE "{name}"' + (f' TABLESPACE "{TABLESPACE}"' if TABLESPACE else "")


def create_database(kind: str = "t", template: str | None = None):
    """A new PostgreSQL database (empty, or a copy of ``template``'s database); its DbUrl."""
    from telecoop.locations import DbUrl

    name = new_name(kind)
    _admin().execute(_create_sql(name, None if template is None else database_name(template)))
    _made.append(name)
    return DbUrl(_url_of(name))


class _Helper:
    """This worker's two threads, each on a connection of its own: one makes the next copy of
    each template ahead, the other drops the databases of finished tests, while the tests go on.

    Dropping a database a test has just left waits for its server processes to end (about
    0.1 s) and for a checkpoint, and a copy of a template takes about 0.1 s more: measured,
    half of a short test's time on PostgreSQL. The test still gets a database of its own, a
    fresh copy of the template that nothing else touched, and every database is still dropped;
    only the waiting moved to these threads (two, so that a copy never waits behind a drop's
    checkpoint). A failure here is raised at the session's end (``finish``), and a copy made
    ahead that failed is made again in the test, so that the test says why.

    Used only with a tablespace on tmpfs (``TABLESPACE``): on a disk, the checkpoint each
    DROP DATABASE forces writes out every other live database, and copies made ahead or
    drops made late are live databases (measured: slower than dropping in the test).
    """

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.ready: dict[str, tuple[str, threading.Event]] = {}  # template -> (its next copy, made)
        self.failed: set[str] = set()
        self.lanes = {lane: queue.Queue[tuple[str, threading.Event] | None]() for lane in ("make", "drop")}
        self.threads = [threading.Thread(target=self._run, args=(jobs,), name=f"test-databases-{lane}", daemon=True)
                        for lane, jobs in self.lanes.items()]
        for thread in self.threads:
            thread.start()

    def _run(self, jobs: queue.Queue[tuple[str, threading.Event] | None]) -> None:
        import psycopg

        conn = None
        while (job := jobs.get()) is not None:
            sql, done = job
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(ADMIN_URL, autocommit=True)
                conn.execute(sql)
            except Exception as exc:  # noqa: BLE001 - said at the session's end, or by the test that needed it
                self.errors.append(f"{sql}: {exc}")
                self.failed.add(sql.split('"')[1])
            finally:
                done.set()
        if conn is not None:
            conn.close()

    def submit(self, lane: str, sql: str) -> threading.Event:
        done = threading.Event()
        self.lanes[lane].put((sql, done))
        return done

    def copy(self, template: str) -> str:
        """The name of a new copy of ``template`` for the current test; the next one is started."""
        name, made = self.ready.pop(template, (None, None))
        if name is not None and made is not None:
            made.wait()
            if name in self.failed:  # made again here, so that the test fails saying why
                self.failed.discard(name)
                self.errors = [e for e in self.errors if f'"{name}"' not in e]
                name = None
        if name is None:
            name = new_name("t")
            _admin().execute(_create_sql(name, template))
        following = new_name("t")
        self.ready[template] = (following, self.submit("make", _create_sql(following, template)))
        return name

    def drop(self, name: str) -> None:
        self.submit("drop", _drop_sql(name))

    def finish(self) -> list[str]:
        """Drop the copies made ahead, wait for every drop; the failures."""
        for name, made in self.ready.values():
            made.wait()
            self.drop(name)
        self.ready.clear()
        for jobs in self.lanes.values():
            jobs.put(None)
        for thread in self.threads:
            thread.join()
        return self.errors


_helper: _Helper | None = None


def _the_helper() -> _Helper:
    global _helper
    if _helper is None:
        _helper = _Helper()
    return _helper


def finish() -> None:
    """At the session's end: every database handed to the helper thread is dropped (or this says why not)."""
    global _helper
    if _helper is None:
        return
    helper, _helper = _helper, None
    errors = helper.finish()
    if errors:
        raise RuntimeError("throwaway PostgreSQL databases not made or dropped:\n" + "\n".join(errors))


def database_name(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return conninfo_to_dict(str(url))["dbname"]


def _drop_sql(name: str) -> str:
    return f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'


def drop_database(url_or_name: str) -> None:
    name = database_name(url_or_name) if "/" in str(url_or_name) else str(url_or_name)
    _admin().execute(_drop_sql(name))


def keep(url) -> None:
    """Not dropped at the end of the current test (a session or module database)."""
    if not ON_PG:
        return
    name = database_name(url)
    if name in _made:
        _made.remove(name)


def drop_made() -> None:
    """The current test's databases are dropped (with a tablespace, by a helper thread while the
    next test runs; see ``_Helper``)."""
    while _made:
        if TABLESPACE:
            _the_helper().drop(_made.pop())
        else:
            drop_database(_made.pop())


def copy_db(template, target: Path):
    """A copy of the template database for one test: a file beside the test (SQLite), or a new
    database copied from the template database (PostgreSQL). Returns what to pass as --db."""
    if ON_PG:
        if not TABLESPACE:
            return create_database("t", template=template)
        from telecoop.locations import DbUrl

        name = _the_helper().copy(database_name(template))
        _made.append(name)
        return DbUrl(_url_of(name))
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
