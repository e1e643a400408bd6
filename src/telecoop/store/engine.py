"""Engine factory, SQLite set-up, transactions and schema version.

DESIGN section 5: WAL, ``synchronous=FULL``, a long busy timeout, foreign keys
on, and ``BEGIN IMMEDIATE`` for every transaction that may write. SQLite-only
SQL lives here and nowhere else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

try:  # advisory locks exist on POSIX only; elsewhere SQLite's busy handler alone queues writers
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from telecoop import locations
from telecoop.domain.errors import Busy, StoreError
from telecoop.store import tables  # noqa: F401  (registers the tables)

SCHEMA_VERSION = 4  # 4: issue 14's teleconsultation record and series (store/upgrades/issue14.py)
# How long a writer waits for its turn before "busy, try again". Overridable
# (TELECOOP_BUSY_TIMEOUT_MS) so that tests and impatient sites need not wait 20 s.
BUSY_TIMEOUT_MS = int(os.environ.get("TELECOOP_BUSY_TIMEOUT_MS", "") or 20_000)

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
          AND (b.clinician_id = NEW.clinician_id OR b.room_id = NEW.room_id
               OR b.interpreter_id = NEW.interpreter_id)
    );
"""
# Searches cache resources and weekly hours per process; these triggers bump
# a counter on any change so every process sees when its cache is stale.
_DIRECTORY_TABLES = ("coop", "resource", "resource_share", "availability")
_BUMP = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'directory_version';"
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS booking_no_overlap_insert
        BEFORE INSERT ON booking BEGIN {_OVERLAP_CONDITION} END""",
    f"""CREATE TRIGGER IF NOT EXISTS booking_no_overlap_update
        BEFORE UPDATE OF start, "end", status, clinician_id, room_id, interpreter_id ON booking
        BEGIN {_OVERLAP_CONDITION} END""",
    # The audit trail is append-only.
    """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'telecoop: audit events are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'telecoop: audit events are append-only'); END""",
] + [
    f"CREATE TRIGGER IF NOT EXISTS {table}_{op.lower()}_bumps_directory AFTER {op} ON {table} BEGIN {_BUMP} END"
    for table in _DIRECTORY_TABLES
    for op in ("INSERT", "UPDATE", "DELETE")
]
SQLITE_TRIGGER_NAMES_V1 = ("booking_no_overlap_insert", "booking_no_overlap_update")
OVERLAP_MARKER = "booking overlaps an active booking"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own
    # implicit BEGIN is deferred and cannot be made IMMEDIATE).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA foreign_keys = ON")
    # No automatic checkpoint: it runs inside a commit, i.e. while this
    # writer still holds everyone's turn, and copying ~1000 pages into a
    # large file stalled all 16 benchmark writers at once (130 ms, every
    # process's worst call). write_session checkpoints after the turn instead.
    cur.execute("PRAGMA wal_autocheckpoint = 0")
    cur.close()


def _sqlite_begin(conn) -> None:
    # A deferred read that later upgrades to a write fails at once with
    # "database is locked" instead of waiting; IMMEDIATE takes the write lock
    # up front and waits for it under busy_timeout.
    if conn.get_execution_options().get("telecoop_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(path: str | os.PathLike, *, create: bool = True, migrate: bool | None = None) -> Engine:
    """Open (and when ``create``, create) the database at ``path``.

    ``path`` is a file path, never a URI. Only ``create`` (init, import, the
    demo) may create a database, and only ``migrate`` (default: ``create``;
    the ``upgrade`` command passes it; init and import do not) may bring an
    older schema up to date. Everything
    else about the file is checked first without writing to it (see
    ``inspect_file``), so a command that refuses leaves it byte-identical.
    Raises StoreError when the file is missing and ``create`` is False, when
    it is not a TeleCoop database, when it is damaged, older (without
    ``migrate``) or newer.
    """
    path = Path(path)
    migrate = create if migrate is None else migrate
    version = inspect_file(path, create=create, migrate=migrate)
    if version is None:  # nothing there yet: a new, private file
        try:
            locations.create_private_empty(path)
        except FileExistsError:
            pass  # an empty file appeared meanwhile; inspect_file accepted empty ones
    # URL.create: the path is one opaque file name ("x.db?mode=ro" is a file
    # called that), never parsed as a URI with options.
    url = sa.engine.URL.create("sqlite", database=str(path))
    kwargs: dict = {"connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}}
    if not os.stat(path).st_mode & 0o222:
        # A file marked read-only stays so even for root (who may write
        # anyway): SQLite's read-only mode, and a write says "read-only".
        kwargs = {"creator": _read_only_opener(path)}
    engine = sa.create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    try:
        _ensure_schema(engine)
    except sa.exc.DatabaseError as exc:
        engine.dispose()
        raise (store_error(exc, path) or StoreError("store.not_db", path=str(path))) from exc
    except StoreError:
        engine.dispose()
        raise
    return engine


def _read_only_opener(path: Path):
    import sqlite3
    import urllib.parse

    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"

    def connect():
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)

    return connect


SQLITE_MAGIC = b"SQLite format 3\x00"


def inspect_file(path: Path, *, create: bool, migrate: bool) -> int | None:
    """The schema version of the TeleCoop database at ``path``, found without writing to it.

    None when there is nothing yet (no file, a 0-byte file or an SQLite file
    with no table) and ``create`` allows making one there. Refuses (StoreError)
    everything else that is not a usable TeleCoop database of this version:
    a folder, a missing file, another program's SQLite file, a damaged file,
    an older schema without ``migrate``, a newer schema. The file is read
    through SQLite's read-only mode, and creates nothing beside it.
    """
    shown = str(path)
    if path.is_dir():
        raise StoreError("store.is_dir", path=shown)
    if not path.exists():
        if not create:
            raise StoreError("store.missing", path=shown)
        return None
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block, a device is no database
            raise StoreError("store.not_db", path=shown)
        with open(path, "rb") as fh:
            header = fh.read(100)
        size = path.stat().st_size
    except PermissionError:
        raise StoreError("store.unreadable", path=shown) from None
    except OSError:
        raise StoreError("store.not_db", path=shown) from None
    if size == 0:
        if not create:
            raise StoreError("store.empty_file", path=shown)
        return None
    if not header.startswith(SQLITE_MAGIC):
        raise StoreError("store.not_db", path=shown)
    if len(header) < 100 or _truncated(header, size):
        raise StoreError("store.damaged", path=shown)
    return _inspect_sqlite(path, header, create=create, migrate=migrate)


def _truncated(header: bytes, size: int) -> bool:
    """Whether the file is shorter than its own header says (a cut copy)."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return True
    if size % page_size:
        return True
    if header[18] == 2:
        # WAL: a checkpoint writes the header page first and grows the file
        # page by page, so a look in between may see a larger count than
        # size. Only the whole-page test is safe there.
        return False
    pages = int.from_bytes(header[28:32], "big")
    counter_valid = header[24:28] == header[92:96]
    return counter_valid and pages > 0 and size < pages * page_size


def _inspect_sqlite(path: Path, header: bytes, *, create: bool, migrate: bool) -> int | None:
    import sqlite3
    import urllib.parse

    shown = str(path)
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    if header[18] == 2 and not Path(f"{path}-wal").exists():
        # A WAL file nobody has open (a -wal exists while any connection
        # does): everything is in the main file, and "immutable" reads it
        # without creating -wal/-shm beside it. (With a -wal, the read-only
        # connection shares the files that are already there.)
        uri += "&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        raise StoreError("store.unreadable", path=shown) from None
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = None
        if "meta" in names:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row and str(row[0]).isdigit() else 0
    except sqlite3.OperationalError as exc:
        raise (store_error(exc, path) or StoreError("store.damaged", path=shown)) from None
    except sqlite3.DatabaseError:
        raise StoreError("store.damaged", path=shown) from None
    finally:
        conn.close()
    if version is None:
        if names:
            raise StoreError("store.foreign", tables=", ".join(sorted(names)[:8]))
        if not create:
            raise StoreError("store.empty_file", path=shown)
        return None
    if version > SCHEMA_VERSION:
        raise StoreError("store.newer", found=version, supported=SCHEMA_VERSION)
    if version < SCHEMA_VERSION and not migrate:
        raise StoreError("store.older", path=shown, found=version, supported=SCHEMA_VERSION)
    return version


def busy() -> Busy:
    """The one "busy with another write, try again" refusal: the writers' turn or SQLite's lock past the timeout."""
    return Busy("store.busy", seconds=round(BUSY_TIMEOUT_MS / 1000))


def store_error(exc: BaseException, path: str | os.PathLike | None = None) -> StoreError | Busy | None:
    """A database error a user can cause, as one clear message (no SQL text); None for any other."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    shown = str(path) if path is not None else "?"
    if "locked" in text or "busy" in text:
        return busy()
    if "readonly" in text or "read-only" in text:
        return StoreError("store.readonly", path=shown)
    if "full" in text:
        return StoreError("store.full", path=shown)
    if "unable to open" in text:
        return StoreError("store.unreadable", path=shown)
    if "malformed" in text or "not a database" in text or "corrupt" in text or "disk i/o" in text:
        return StoreError("store.damaged", path=shown)
    return None


def _ensure_schema(engine: Engine) -> None:
    with engine.connect() as conn:
        existing = set(sa.inspect(conn).get_table_names())
    if "meta" in existing:
        with Session(engine) as s:
            row = s.get(tables.Meta, "schema_version")
            version = int(row.value) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError("store.newer", found=version, supported=SCHEMA_VERSION)
        if version < SCHEMA_VERSION:
            _migrate(engine, version)
        return
    if existing:
        raise StoreError("store.foreign", tables=", ".join(sorted(existing)))
    with write_session(engine) as s:
        conn = s.connection()
        SQLModel.metadata.create_all(conn)
        s.add(tables.Meta(key="schema_version", value=str(SCHEMA_VERSION)))
        s.add(tables.Meta(key="directory_version", value="0"))
        s.add(tables.Meta(key="instance_id", value=uuid.uuid4().hex))
        s.flush()
        for ddl in SQLITE_TRIGGERS:
            conn.exec_driver_sql(ddl)


def _migrate(engine: Engine, version: int) -> None:
    """Bring an older file up to SCHEMA_VERSION, one step at a time."""
    with write_session(engine) as s:
        conn = s.connection()
        if version < 2:
            # 2: overlap triggers bounded by the index, directory version counter.
            for name in SQLITE_TRIGGER_NAMES_V1:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
            if s.get(tables.Meta, "directory_version") is None:
                s.add(tables.Meta(key="directory_version", value="0"))
                s.flush()
            for ddl in SQLITE_TRIGGERS:
                conn.exec_driver_sql(ddl)
        if version < 3:
            # 3: bookings left standing by a forced closure carry a conflict flag.
            columns = {c["name"] for c in sa.inspect(conn).get_columns("booking")}
            if "conflict" not in columns:
                conn.exec_driver_sql("ALTER TABLE booking ADD COLUMN conflict VARCHAR NOT NULL DEFAULT ''")
            # 3: a random identifier of this database, for calendar UIDs that
            # stay unique when several federations' files meet in one calendar.
            if s.get(tables.Meta, "instance_id") is None:
                s.add(tables.Meta(key="instance_id", value=uuid.uuid4().hex))
                s.flush()
        if version < 4:
            from telecoop.store.upgrades import issue14

            issue14.upgrade(conn)
        row = s.get(tables.Meta, "schema_version")
        row.value = str(SCHEMA_VERSION)
        s.add(row)


def instance_id(session: Session) -> str:
    """This database's random identifier (made once, at creation or migration to version 3)."""
    row = session.get(tables.Meta, "instance_id")
    return row.value if row else ""


def directory_version(session: Session) -> str:
    """The counter that changes whenever co-ops, resources, shares or hours change."""
    row = session.get(tables.Meta, "directory_version")
    return row.value if row else "0"


def schema_version(engine: Engine) -> int:
    with read_session(engine) as s:
        row = s.get(tables.Meta, "schema_version")
        return int(row.value) if row else 0


@contextlib.contextmanager
def writer_turn(engine: Engine) -> Iterator[None]:
    """Queue writers on an advisory file lock beside the database.

    SQLite's own busy handler retries with back-off up to 100 ms, so under
    16 concurrent writers a 5 ms transaction could wait seconds (p99 1.6 s
    measured). A file lock beside the database queues them instead. The lock
    dies with its process (a dropped SSH link leaves none).
    """
    path = engine.url.database
    if fcntl is None or not path or path == ":memory:":
        yield
        return
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        # Blocking wait: the kernel wakes a waiter as soon as the holder
        # lets go, while the holder is still busy with what follows its
        # commit, so turns come round fairly. (Polling, even every 0.5 ms,
        # let a writer that had just finished take the lock again: p99 335 ms
        # against 222 ms blocking.) The wait is bounded by the holder's
        # transaction, itself bounded by busy_timeout; a holder that dies
        # releases the lock with its file descriptor.
        if not _flock_within(fd, BUSY_TIMEOUT_MS / 1000):
            raise busy()
        yield
    finally:
        os.close(fd)  # closing releases the lock


class _TurnTimeout(Exception):
    pass


def _raise_turn_timeout(_signum, _frame):
    raise _TurnTimeout


def _flock_within(fd: int, seconds: float) -> bool:
    """Take the exclusive lock on ``fd``, waiting at most ``seconds``; whether it was taken.

    In the main thread (the CLI) the wait is the kernel's blocking one, cut by
    an alarm, so turns stay fair; elsewhere (the app's worker threads, which
    cannot receive signals) it polls with a short back-off.
    """
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    if threading.current_thread() is threading.main_thread() and signal.getitimer(signal.ITIMER_REAL)[0] == 0:
        previous = signal.signal(signal.SIGALRM, _raise_turn_timeout)
        try:
            try:
                signal.setitimer(signal.ITIMER_REAL, seconds)
                fcntl.flock(fd, fcntl.LOCK_EX)
                return True
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _TurnTimeout:
            return False  # (if the alarm beat the return, closing fd releases the lock)
        finally:
            signal.signal(signal.SIGALRM, previous)
    deadline = time.monotonic() + seconds
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.02)


@contextlib.contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction starts with BEGIN IMMEDIATE and commits on exit."""
    with _busy_refused(), writer_turn(engine):
        with Session(engine.execution_options(telecoop_write=True), expire_on_commit=False) as s:
            with s.begin():
                yield s
    _checkpoint(engine)


@contextlib.contextmanager
def _busy_refused() -> Iterator[None]:
    """SQLite's own lock past busy_timeout (a writer outside TeleCoop's turns): "busy, try again"."""
    try:
        yield
    except sa.exc.OperationalError as exc:
        known = store_error(exc)
        if isinstance(known, Busy):
            raise known from None
        raise


def _checkpoint(engine: Engine) -> None:
    """Copy what this write added to the WAL into the database file, outside the writers' turn.

    PASSIVE never waits for readers or writers; done after every write, each
    one moves only its own few pages, so the WAL never piles up into one
    long checkpoint.
    """
    # On the raw connection, in autocommit: a checkpoint must not sit inside
    # a (read) transaction of its own.
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA wal_checkpoint(PASSIVE)")
        cur.close()
    finally:
        raw.close()


@contextlib.contextmanager
def read_then_write(engine: Engine) -> Iterator["ReadThenWrite"]:
    """One connection for a long validation read and the short write that follows it.

    The import validates thousands of rows in a plain read transaction,
    outside the writers' turn, so a receptionist's ``book`` never waits for
    it; only the insert runs in ``BEGIN IMMEDIATE``. ``PRAGMA data_version``
    of that same connection tells whether any other connection committed in
    between, in which case the caller validates again inside the write.
    """
    with engine.connect() as conn:
        yield ReadThenWrite(engine, conn)


class ReadThenWrite:
    def __init__(self, engine: Engine, conn: sa.Connection) -> None:
        self.engine, self.conn = engine, conn
        self._version = self._data_version()

    def _data_version(self) -> int:
        cur = self.conn.connection.driver_connection.execute("PRAGMA data_version")
        try:
            return cur.fetchone()[0]
        finally:
            cur.close()

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction (rolled back on exit), outside the writers' turn."""
        self._version = self._data_version()
        self.conn.execution_options(telecoop_write=False)  # a plain (deferred) BEGIN
        with Session(bind=self.conn, expire_on_commit=False) as s:
            yield s
            s.rollback()

    @contextlib.contextmanager
    def write(self) -> Iterator[tuple[Session, bool]]:
        """``(session, changed)`` in one BEGIN IMMEDIATE transaction; changed: another connection
        committed since the last ``read`` began."""
        with _busy_refused(), writer_turn(self.engine):
            self.conn.execution_options(telecoop_write=True)
            with Session(bind=self.conn, expire_on_commit=False) as s:
                with s.begin():
                    s.connection()  # BEGIN IMMEDIATE now: from here no one else commits
                    yield s, self._data_version() != self._version
        _checkpoint(self.engine)


@contextlib.contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A short read-only session (deferred transaction, rolled back on exit)."""
    with Session(engine, expire_on_commit=False) as s:
        yield s


class DataVersionWatcher:
    """Tells cheaply whether another connection committed since the last look.

    ``PRAGMA data_version`` is per connection, so the watcher keeps one raw
    connection of its own (outside the pool) for its whole life.
    """

    def __init__(self, engine: Engine) -> None:
        self._conn = engine.raw_connection()
        self._last = self._read()

    def _read(self) -> int:
        cur = self._conn.cursor()
        try:
            cur.execute("PRAGMA data_version")
            return cur.fetchone()[0]
        finally:
            cur.close()

    def changed(self) -> bool:
        current = self._read()
        if current != self._last:
            self._last = current
            return True
        return False

    def close(self) -> None:
        self._conn.close()


def integrity_check(engine: Engine) -> str:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
        fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if rows == ["ok"] and not fk:
        return "ok"
    problems = [r for r in rows if r != "ok"] + [f"foreign key: {tuple(r)}" for r in fk]
    return "; ".join(problems[:5])


def backup(engine: Engine, target: str | os.PathLike) -> None:
    """Consistent online copy (SQLite's backup API) while others keep working."""
    import sqlite3

    # The copy holds every patient reference: 0600 from its first byte, and
    # never over an existing file (O_EXCL).
    os.close(locations.open_private(Path(target), exclusive=True))
    raw = engine.raw_connection()
    try:
        dest = sqlite3.connect(str(target))
        try:
            raw.driver_connection.backup(dest)
        finally:
            dest.close()
    except BaseException:
        # A half-written copy (full disk, interrupted) must not pass for a backup.
        Path(target).unlink(missing_ok=True)
        raise
    finally:
        raw.close()


def is_overlap_error(exc: BaseException) -> bool:
    return OVERLAP_MARKER in str(exc)
