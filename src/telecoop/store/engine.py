"""Engine factory, SQLite and PostgreSQL set-up, transactions and schema version.

DESIGN section 5: WAL, ``synchronous=FULL``, a long busy timeout, foreign keys
on, and ``BEGIN IMMEDIATE`` for every transaction that may write. On
PostgreSQL (issue 12) every write transaction first takes the advisory lock
``WRITERS_LOCK`` (the writers' turn), and the database itself refuses an
overlapping booking (exclusion constraints, made by store/migrations). Dialect-specific
SQL lives in store/ and nowhere else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event

try:  # advisory locks exist on POSIX only; elsewhere SQLite's busy handler alone queues writers
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from telecoop import locations
from telecoop.domain.errors import Busy, StoreError
from telecoop.store import schema
from telecoop.store import tables  # noqa: F401  (registers the tables)
from telecoop.store.query import Query, pg_pipeline, run
from telecoop.store.schema import SCHEMA_VERSION  # noqa: F401  (re-exported: the version this TeleCoop writes)

if TYPE_CHECKING:
    from telecoop.store.watch import ChangeWatcher

# How long a writer waits for its turn before "busy, try again". Overridable
# (TELECOOP_BUSY_TIMEOUT_MS) so that tests and impatient sites need not wait 20 s.
BUSY_TIMEOUT_MS = int(os.environ.get("TELECOOP_BUSY_TIMEOUT_MS", "") or 20_000)

OVERLAP_MARKER = "booking overlaps an active booking"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
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


def _sqlite_begin(conn: sa.Connection) -> None:
    # A deferred read that later upgrades to a write fails at once with
    # "database is locked" instead of waiting; IMMEDIATE takes the write lock
    # up front and waits for it under busy_timeout.
    if conn.get_execution_options().get("telecoop_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


# issue 12: PostgreSQL. The writers' turn is this transaction-level advisory lock.
WRITERS_LOCK = 7251001
# A booking's finer turn (see ``_pg_turn_statements``): the two-key advisory locks (RESOURCE_LOCKS, resource id),
# a key space apart from the one-key WRITERS_LOCK.
RESOURCE_LOCKS = 7251
OVERLAP_SQLSTATE = "23P01"  # exclusion_violation: booking_clinician_no_overlap / booking_room_no_overlap
PG_CONNECT_TIMEOUT_S = 10


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _is_pg_target(target: object) -> bool:
    return locations.is_db_url(target) or (
        isinstance(target, str) and target.lower().startswith(locations.PG_SCHEMES)
    )


def make_engine(path: str | os.PathLike[str], *, create: bool = True, migrate: bool | None = None) -> Engine:
    """Open (and when ``create``, create) the database at ``path``.

    ``path`` may also be a ``postgresql://`` URL (``locations.db_file``): see
    ``_make_pg_engine``.

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
    migrate = create if migrate is None else migrate
    if _is_pg_target(path):
        return _make_pg_engine(str(locations.db_file(str(path))), create=create, migrate=migrate)
    path = Path(path)
    version = inspect_file(path, create=create, migrate=migrate)
    if version is None:  # nothing there yet: a new, private file
        try:
            locations.create_private_empty(path)
        except FileExistsError:
            pass  # an empty file appeared meanwhile; inspect_file accepted empty ones
    # URL.create: the path is one opaque file name ("x.db?mode=ro" is a file
    # called that), never parsed as a URI with options.
    url = sa.engine.URL.create("sqlite", database=str(path))
    kwargs: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}}
    if not os.stat(path).st_mode & 0o222:
        # A file marked read-only stays so even for root (who may write
        # anyway): SQLite's read-only mode, and a write says "read-only".
        kwargs = {"creator": _read_only_opener(path)}
    engine = sa.create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    try:
        schema.prepare(engine, create=create, migrate=migrate, shown=str(path))
    except sa.exc.DatabaseError as exc:
        engine.dispose()
        raise (store_error(exc, path) or StoreError("store.not_db", path=str(path))) from exc
    except StoreError:
        engine.dispose()
        raise
    return engine


def _read_only_opener(path: Path) -> Callable[[], Any]:
    import sqlite3
    import urllib.parse

    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"

    def connect() -> Any:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)

    return connect


SQLITE_MAGIC = b"SQLite format 3\x00"


def inspect_file(path: Path, *, create: bool, migrate: bool) -> int | None:
    """The schema version of the TeleCoop database at ``path``, found without writing to it.

    (``inspect_schema`` gives the same look's ``schema.Found``: revision, stamped or not.)

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
    found = _inspect_sqlite(path, header, create=create, migrate=migrate)
    return None if found is None else found.number


def inspect_schema(path: str | os.PathLike[str], *, migrate: bool = True) -> schema.Found | None:
    """What ``inspect_file`` reads from an existing file (its revision, or its version from before
    Alembic); for a ``postgresql://`` URL, the same read from the database. Nothing is written."""
    if _is_pg_target(path):
        url = locations.db_file(str(path))
        engine = pg_engine(str(url))
        try:
            with engine.connect() as conn:
                found = schema.found_in(conn)
        except sa.exc.DBAPIError as exc:
            raise (store_error(exc, str(url)) or StoreError("store.not_db", path=str(url))) from exc
        finally:
            engine.dispose()
        if found is None:
            raise StoreError("store.pg_empty", path=str(url))
        schema.judge(found, migrate=migrate, shown=str(url))
        return found
    path = Path(path)
    if inspect_file(path, create=False, migrate=migrate) is None:  # pragma: no cover - create=False refuses
        return None
    with open(path, "rb") as fh:
        header = fh.read(100)
    return _inspect_sqlite(path, header, create=False, migrate=migrate)


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


def _inspect_sqlite(path: Path, header: bytes, *, create: bool, migrate: bool) -> schema.Found | None:
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
        found = schema.read_found(names, lambda sql: conn.execute(sql).fetchall())
    except sqlite3.OperationalError as exc:
        raise (store_error(exc, path) or StoreError("store.damaged", path=shown)) from None
    except sqlite3.DatabaseError:
        raise StoreError("store.damaged", path=shown) from None
    finally:
        conn.close()
    if found is None:
        if not create:
            raise StoreError("store.empty_file", path=shown)
        return None
    schema.judge(found, migrate=migrate, shown=shown)
    return found


def busy() -> Busy:
    """The one "busy with another write, try again" refusal: the writers' turn or SQLite's lock past the timeout."""
    return Busy("store.busy", seconds=round(BUSY_TIMEOUT_MS / 1000))


def store_error(exc: BaseException, path: str | os.PathLike[str] | None = None) -> StoreError | Busy | None:
    """A database error a user can cause, as one clear message (no SQL text); None for any other."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    shown = str(path) if path is not None else "?"
    if _is_pg_error(exc):
        return _pg_store_error(exc, shown)
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


# --------------------------------------------------------------------------- #
# issue 12: PostgreSQL
# --------------------------------------------------------------------------- #


def _pg_connector(url: str) -> Callable[[], Any]:
    """A function opening one psycopg connection to ``url`` (libpq: host, socket folder, service).

    Every session: UTC (``timestamptz`` read back as UTC), a lock wait bounded
    like SQLite's busy timeout, and a bounded connection attempt (an
    unreachable host says so instead of hanging).
    """
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    given = conninfo_to_dict(url)
    options = " ".join(
        filter(None, [str(given.get("options") or os.environ.get("PGOPTIONS", "")), f"-c lock_timeout={BUSY_TIMEOUT_MS}", "-c TimeZone=UTC"])
    )
    extra: dict[str, Any] = {"options": options, "application_name": given.get("application_name") or "telecoop"}
    if "connect_timeout" not in given and not os.environ.get("PGCONNECT_TIMEOUT"):
        extra["connect_timeout"] = PG_CONNECT_TIMEOUT_S

    def connect() -> Any:
        return psycopg.connect(url, **extra)

    return connect


def _pg_begin(conn: sa.Connection) -> None:
    # The driver runs in autocommit (``pg_engine``): psycopg sends no BEGIN of
    # its own, so this event opens every transaction itself, in the same round
    # trip as what the transaction needs first (its turn, its isolation level).
    # COMMIT and ROLLBACK stay the driver's: psycopg sends them whenever the
    # server is inside a transaction, whatever its autocommit flag.
    # Writes: READ COMMITTED (the default) on purpose: each statement after
    # the lock sees every write committed before it, so a check-then-insert
    # inside the turn is race-free. (REPEATABLE READ would take its snapshot
    # at the lock statement itself, before the wait, and miss the previous
    # writer's rows.)
    # Reads: REPEATABLE READ, one snapshot for the whole transaction, as an
    # SQLite read transaction has: a search reading the directory then the
    # bookings, or the import's validation then its fingerprint, must not
    # see a commit land between two of its statements.
    # (``ReadThenWrite.read(snapshot=False)``: a caller whose statements need no
    # common snapshot opens no transaction at all: each statement runs alone,
    # as in READ COMMITTED, and neither BEGIN nor ROLLBACK costs a round trip.)
    options = conn.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT" or options.get("telecoop_begun_by_caller"):
        return  # a caller asked for no transaction, or sends BEGIN itself (``ReadThenWrite.turn``)
    if options.get("telecoop_write"):
        conn.exec_driver_sql("; ".join(["BEGIN", *_pg_turn_statements(None)]))
    elif options.get("telecoop_snapshot", True):
        conn.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ")


def _pg_turn_statements(resources: tuple[int, ...] | None) -> list[str]:
    """The statements that take a PostgreSQL write transaction's turn.

    Every write but one takes WRITERS_LOCK alone, exclusively: one writer at a
    time, as on SQLite. ``ReadThenWrite.turn(resources=...)`` (a booking of
    named resources: ``services.booking.book``) takes WRITERS_LOCK *shared* and
    then each of its resources' own locks exclusively, so bookings of different
    clinicians, rooms and interpreters run side by side, while any other write
    (holds, quotas, cancellations, the directory, the import...) still waits for
    every booking in progress and runs alone. What a booking checks inside its
    turn is all about its own resources: the buffer around their active bookings
    and live holds (hold writes are exclusive), and a partner's quota on them
    (every minute that counts towards it is a booking or a hold of that very
    resource, written under its lock or exclusively). The overlap itself stays
    the database's (EXCLUDE constraints) whatever the turn.

    Ids are ints (no quoting needed) and go in ascending order, so two bookings
    never wait for each other crosswise. ``_pg_begin`` sends them with BEGIN as
    one simple-protocol string; ``turn`` sends them one by one in a pipeline
    (which takes one statement per query): one round trip either way.
    """
    if not resources:
        return [f"SELECT pg_advisory_xact_lock({WRITERS_LOCK})"]
    keys = sorted({int(r) for r in resources})
    return ([f"SELECT pg_advisory_xact_lock_shared({WRITERS_LOCK})"]
            + [f"SELECT pg_advisory_xact_lock({RESOURCE_LOCKS}, {k})" for k in keys])


def pg_engine(url: str) -> Engine:
    """An engine on the PostgreSQL database at ``url``, its schema not looked at (``make_engine`` does)."""
    # The creator connects (libpq reads the URL itself: host, socket folder,
    # service, pgpass); the URL's "database" only carries the address for
    # messages (tui/messages.py shows engine.url.database).
    shown = sa.engine.URL.create("postgresql+psycopg", database=url)
    # Autocommit at the driver: ``_pg_begin`` sends BEGIN itself, fused with
    # the statement each transaction needs first (one round trip, not two).
    engine = sa.create_engine(shown, creator=_pg_connector(url), pool_pre_ping=True, isolation_level="AUTOCOMMIT")
    event.listen(engine, "begin", _pg_begin)
    return engine


def _make_pg_engine(url: str, *, create: bool, migrate: bool) -> Engine:
    """An engine on the PostgreSQL database at ``url``, its schema checked (or made when ``create``).

    The database itself must exist (``createdb``: the administrator's job,
    with the rights TeleCoop's role should not have); ``create`` makes the
    TeleCoop schema in an empty one.
    """
    engine = pg_engine(url)
    try:
        schema.prepare(engine, create=create, migrate=migrate, shown=url)
    except sa.exc.DBAPIError as exc:
        engine.dispose()
        raise (store_error(exc, url) or StoreError("store.not_db", path=url)) from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def sync_id_sequences(session: Session) -> None:
    """After rows went in with their own ids (the CSV import keeps the files' ids), move each
    PostgreSQL id sequence past the largest id, so the next row the app adds gets a free one.
    (SQLite's INTEGER PRIMARY KEY takes max(id) + 1 by itself: nothing to do there.)"""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    for table in SQLModel.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and isinstance(table.c.id.type, sa.Integer):
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE(MAX(id), 0) + 1, false)"
                f" FROM {table.name}"
            )


def drop_schema(engine: Engine) -> None:
    """PostgreSQL: drop every TeleCoop table, trigger function and the migrations' record
    (``demo --fresh`` on a demo database only), so the next ``make_engine`` makes it anew."""
    assert is_postgres(engine)
    with write_session(engine) as s:
        schema.drop_everything(s.connection())


def _pg_sqlstate(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return getattr(orig, "sqlstate", None) or ""


def _pg_store_error(exc: BaseException, shown: str) -> StoreError | Busy | None:
    """A psycopg error a person can cause (server down, wrong password...) as one clear message."""
    state = _pg_sqlstate(exc)
    text = str(getattr(exc, "orig", None) or exc).lower()
    if state in ("55P03", "40P01", "40001"):  # lock wait past the timeout, deadlock, serialization
        return busy()
    if state in ("28P01", "28000") or any(
        w in text for w in ("password authentication failed", "no password supplied", "peer authentication failed",
                            "pg_hba.conf", "authentication failed")
    ) or ("role" in text and "does not exist" in text):
        return StoreError("store.pg_auth", path=shown)
    if state == "3D000" or ("database" in text and "does not exist" in text):
        return StoreError("store.pg_no_database", path=shown)
    if "btree_gist" in text or state == "58P01":  # (before "permission denied": the extension is what lacks)
        return StoreError("store.pg_extension", path=shown)
    if state == "42501" or "permission denied" in text:
        return StoreError("store.pg_denied", path=shown)
    if state == "25006":  # a hot standby
        return StoreError("store.readonly", path=shown)
    if state in ("53100",):
        return StoreError("store.full", path=shown)
    if state.startswith("08") or state in ("57P01", "57P02") or getattr(exc, "connection_invalidated", False) or any(
        w in text for w in ("server closed the connection", "consuming input failed", "connection is lost",
                            "the connection is closed", "terminating connection", "connection already closed",
                            "ssl syscall error", "ssl connection has been closed")
    ):
        if "connection to server" in text and "failed" in text and "closed" not in text:
            return StoreError("store.pg_unreachable", path=shown)
        return StoreError("store.pg_lost", path=shown)
    if state == "57P03" or any(
        w in text for w in ("connection refused", "could not connect", "no such file or directory",
                            "timeout expired", "could not translate host name", "name or service not known",
                            "connection to server", "network is unreachable", "no route to host",
                            "definition of service", "service file")
    ):
        return StoreError("store.pg_unreachable", path=shown)
    return None


def _is_pg_error(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None) or exc
    return type(orig).__module__.startswith("psycopg")


def instance_id(session: Session) -> str:
    """This database's random identifier (made once, at creation or migration to version 3)."""
    row = session.get(tables.Meta, "instance_id")
    return row.value if row else ""


def directory_version(session: Session) -> str:
    """The counter that changes whenever co-ops, resources, shares or hours change."""
    row = session.get(tables.Meta, "directory_version")
    return row.value if row else "0"


def _stamps() -> Any:
    meta = tables.table_of(tables.Meta)
    # (the keys as plain bound values, not an expanding IN: built once, it also goes in a pipeline)
    return sa.select(meta.c.key, meta.c.value).where(
        meta.c.key.in_([sa.literal(k) for k in ("instance_id", "directory_version", "closure_version")]))


_STAMPS = _stamps()


def stamps_query() -> Query[tuple[tuple[str, str], str]]:
    """``((instance id, directory version), closure version)`` as one Query built once: what every
    per-process copy of the directory (the version alone could repeat in another database at the same
    address) and of the closures (``store.schedule.kept_closures``) is checked against."""
    return Query(_STAMPS, {}, _decode_stamps)


def _decode_stamps(rows: Sequence[Sequence[Any]]) -> tuple[tuple[str, str], str]:
    found = {key: value for key, value in rows}
    return (found.get("instance_id", ""), found.get("directory_version", "0")), found.get("closure_version", "0")


def schema_version(engine: Engine) -> int:
    """The schema version of the database (its Alembic revision's number)."""
    with engine.connect() as conn:
        found = schema.found_in(conn)
    return found.number if found else 0


@contextlib.contextmanager
def writer_turn(engine: Engine) -> Iterator[None]:
    """Queue writers on an advisory file lock beside the database.

    SQLite's own busy handler retries with back-off up to 100 ms, so under
    16 concurrent writers a 5 ms transaction could wait seconds (p99 1.6 s
    measured). A file lock beside the database queues them instead. The lock
    dies with its process (a dropped SSH link leaves none).
    """
    path = engine.url.database
    if fcntl is None or not path or path == ":memory:" or is_postgres(engine):
        # (PostgreSQL: the advisory lock taken at BEGIN is the turn, see _pg_begin.)
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


def _raise_turn_timeout(_signum: int, _frame: object) -> None:
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
    """A session whose transaction starts with BEGIN IMMEDIATE (PostgreSQL: the whole writers' turn)
    and commits on exit."""
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
    if is_postgres(engine):
        return  # the server's own checkpointer
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
        if is_postgres(self.engine):
            # No cheap "did anyone commit?" on PostgreSQL: answer "changed"
            # every time (a new number per call), so the caller always
            # validates again inside the write. Conservative, never wrong.
            self._pg_calls = getattr(self, "_pg_calls", 0) + 1
            return -self._pg_calls
        driver = self.conn.connection.driver_connection
        assert driver is not None  # an open connection
        cur = driver.execute("PRAGMA data_version")
        try:
            return int(cur.fetchone()[0])
        finally:
            cur.close()

    @contextlib.contextmanager
    def read(self, *, snapshot: bool = True) -> Iterator[Session]:
        """A read transaction (rolled back on exit), outside the writers' turn.

        ``snapshot=False``: on PostgreSQL each statement sees the latest commits (READ COMMITTED)
        instead of one snapshot for them all; SQLite's read transaction is one snapshot anyway."""
        self._version = self._data_version()
        self.conn.execution_options(telecoop_write=False, telecoop_snapshot=snapshot)  # a plain (deferred) BEGIN
        with Session(bind=self.conn, expire_on_commit=False) as s:
            yield s
            s.rollback()

    @contextlib.contextmanager
    def write(self) -> Iterator[tuple[Session, bool]]:
        """``(session, changed)`` in one BEGIN IMMEDIATE transaction (PostgreSQL: the whole writers'
        turn); changed: another connection committed since the last ``read`` began."""
        with self.turn() as t:
            yield t.session, t.changed

    @contextlib.contextmanager
    def turn(self, *, resources: tuple[int, ...] | None = None,
             first: Sequence[Query[Any] | None] = ()) -> Iterator["Turn"]:
        """``write``, with ``first`` run as soon as the turn is taken and ``Turn.commit_with``'s
        query run with the commit.

        Same transaction, same turn, same order as running them through the
        session; on PostgreSQL in two round trips in all (BEGIN, the turn's locks
        and ``first`` together; the last query and COMMIT together) instead of one
        per statement. ``Turn.first``: the results of ``first``, in order (None for
        a None); ``Turn.result``: the last query's, after the block."""
        pg = is_postgres(self.engine)
        with _busy_refused(), writer_turn(self.engine):
            self.conn.execution_options(telecoop_write=True, telecoop_begun_by_caller=pg)
            try:
                with Session(bind=self.conn, expire_on_commit=False) as s:
                    with s.begin():
                        # BEGIN IMMEDIATE now, from here no one else commits (PostgreSQL: the begin event
                        # sent nothing; the pipeline below sends BEGIN and the turn)
                        conn = s.connection()
                        wanted = [q for q in first if q is not None]
                        if pg:
                            got = iter(pg_pipeline(conn, ["BEGIN", *_pg_turn_statements(resources)], wanted))
                        else:
                            got = iter([run(s, q) for q in wanted])
                        t = Turn(s, self._data_version() != self._version,
                                 [None if q is None else next(got) for q in first])
                        yield t
                        if t._last is not None:
                            if pg:
                                t.result = pg_pipeline(conn, [], [t._last], ["COMMIT"])[0]
                            else:
                                t.result = run(s, t._last)
            finally:
                self.conn.execution_options(telecoop_begun_by_caller=False)
        _checkpoint(self.engine)


class Turn:
    """What ``ReadThenWrite.turn`` hands its block."""

    def __init__(self, session: Session, changed: bool, first: list[Any]) -> None:
        self.session, self.changed, self.first = session, changed, first
        self._last: Query[Any] | None = None
        self.result: Any = None

    def commit_with(self, query: Query[Any]) -> None:
        """Run ``query`` last, as the block ends, with the commit (its result: ``self.result``).
        Nothing may run in the session after it: call it last."""
        self._last = query


#: What a read may run on: an engine, or one connection already inside its transaction.
ReadBind = Engine | sa.Connection


@contextlib.contextmanager
def read_session(engine: ReadBind) -> Iterator[Session]:
    """A short read-only session (deferred transaction, rolled back on exit); on a Connection,
    inside that connection's transaction (migrate --to verifies what it has not committed yet)."""
    with Session(engine, expire_on_commit=False) as s:
        yield s


def change_watcher(engine: Engine) -> ChangeWatcher:
    """What tells a screen that another connection committed (store/watch.py): data_version on SQLite,
    LISTEN/NOTIFY on PostgreSQL."""
    from telecoop.store.watch import change_watcher as make  # (watch.py imports this module)

    return make(engine)


def integrity_check(engine: Engine) -> str:
    if is_postgres(engine):
        return _pg_integrity_check(engine)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
        fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        missing = schema.missing_objects(conn)  # issue 12: a dropped trigger is a lost guarantee
    if rows == ["ok"] and not fk and not missing:
        return "ok"
    problems = [r for r in rows if r != "ok"] + [f"foreign key: {tuple(r)}" for r in fk] + [f"missing {m}" for m in missing]
    return "; ".join(problems[:5])


def _pg_integrity_check(engine: Engine) -> str:
    """What can be checked from a client: the schema version, and every table, constraint,
    trigger and the extension the guarantees rest on (the server checks its own pages)."""
    with engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
        missing = [f"table {t}" for t in sorted(SQLModel.metadata.tables) if t not in names]
        if not missing:
            missing = schema.missing_objects(conn)
            invalid = conn.exec_driver_sql(
                "SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint "
                "WHERE NOT convalidated AND connamespace = 'public'::regnamespace"
            ).scalars().all()
            missing += [f"constraint not validated: {name}" for name in invalid]
    return "ok" if not missing else "missing: " + "; ".join(missing[:5])


def backup(engine: Engine, target: str | os.PathLike[str]) -> None:
    """Consistent online copy (SQLite's backup API) while others keep working."""
    import sqlite3

    if is_postgres(engine):
        # pg_dump (or the standby / base backups) is the tool: it copies roles' data
        # consistently without holding TeleCoop's writers' turn.
        raise StoreError("store.pg_backup")

    # The copy holds every patient reference: 0600 from its first byte, and
    # never over an existing file (O_EXCL).
    os.close(locations.open_private(Path(target), exclusive=True))
    raw = engine.raw_connection()
    try:
        dest = sqlite3.connect(str(target))
        try:
            driver = raw.driver_connection
            assert driver is not None  # an open connection
            driver.backup(dest)
        finally:
            dest.close()
    except BaseException:
        # A half-written copy (full disk, interrupted) must not pass for a backup.
        Path(target).unlink(missing_ok=True)
        raise
    finally:
        raw.close()


def is_overlap_error(exc: BaseException) -> bool:
    """The database refused an overlapping active booking: SQLite's trigger or PostgreSQL's EXCLUDE."""
    return OVERLAP_MARKER in str(exc) or _pg_sqlstate(exc) == OVERLAP_SQLSTATE
