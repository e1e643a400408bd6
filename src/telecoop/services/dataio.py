"""Import, export and the demo database: the use cases around ``telecoop.io``."""

from __future__ import annotations

from pathlib import Path

from telecoop import locations
from telecoop.domain import access
from telecoop.domain import model as m
from telecoop.domain.errors import NotPermitted, StoreError
from telecoop.io import csvio
from telecoop.services.context import full_export_allowed, load_actor, resolve_login
from telecoop.services.admin import is_empty
from telecoop.store.engine import make_engine

DEMO_LOGIN = "recep.gaspesie"


def import_data(db_path: Path, source: Path, as_login: str | None = None, *, force: bool = False) -> dict[str, int]:
    """Load CSV files, all-or-nothing.

    A new database (no staff yet) may be loaded by whoever may open the file;
    once it has staff, only a federation admin imports.
    """
    existed = locations.is_db_url(db_path) or db_path.exists()  # a PostgreSQL database exists already
    engine = make_engine(db_path, migrate=False)  # an older file: "telecoop upgrade" first
    try:
        login = resolve_login(db_path, as_login)
        if not is_empty(engine):
            actor, _tz = load_actor(engine, login)
            if actor.role != m.Role.FEDERATION_ADMIN:
                raise NotPermitted("perm.denied")
        return csvio.import_path(engine, source, actor=login, force=force)
    except BaseException:
        engine.dispose()
        if not existed:  # a refused import leaves no empty database behind
            for suffix in ("", "-wal", "-shm", ".lock"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        raise
    finally:
        engine.dispose()


def export_data(db_path: Path, directory: Path, as_login: str | None = None, *, fmt: str = "csv") -> dict[str, int]:
    """Write the CSV files (``fmt`` ``csv``), the Excel-CSV files (``excel``) or one workbook (``xlsx``).

    A co-op admin exports the directory; bookings go only to the federation
    admin, with other co-ops' patient fields masked as ``bookings`` shows
    them (``access.sees_patient``). The full export is for the database
    file's owner (or root) acting as themselves (``context.full_export_allowed``):
    they can read the whole file anyway, and this is how a maintainer takes
    a portable copy.
    """
    engine = make_engine(db_path, create=False)
    try:
        if full_export_allowed(db_path, as_login):
            return _export(engine, directory, fmt, include_bookings=True)
        login = resolve_login(db_path, as_login)
        actor, _tz = load_actor(engine, login)
        if actor.role not in access.ADMIN_ROLES:
            raise NotPermitted("perm.denied")
        if actor.role != m.Role.FEDERATION_ADMIN:
            return _export(engine, directory, fmt, include_bookings=False)
        return _export(
            engine, directory, fmt, include_bookings=True,
            hide_patient=lambda b: not access.sees_patient(actor, b.coop, b.clinician_id),
        )
    finally:
        engine.dispose()


def _export(engine, target: Path, fmt: str, *, include_bookings: bool, hide_patient=None) -> dict[str, int]:
    if fmt == "xlsx":
        return csvio.export_xlsx(engine, target, include_bookings=include_bookings, hide_patient=hide_patient)
    return csvio.export_dir(
        engine, target, include_bookings=include_bookings, hide_patient=hide_patient, excel=fmt == "excel"
    )


def build_demo(path: Path, *, fresh: bool = False, clock=None) -> bool:
    """Build the demo database at ``path`` if missing, empty (no co-op) or when ``fresh``; True when built.

    A build that fails leaves no file behind: a half-built database would
    otherwise be taken for a ready demo on the next run.
    """
    from telecoop.io.demo import build_demo_database

    if locations.is_db_url(path):
        return _build_pg_demo(str(path), fresh=fresh, clock=clock)
    if path.exists():
        has_coops = _has_coops(path)  # refuses another program's file: never deleted
        if has_coops and not fresh:
            return False
        if has_coops and not _is_demo(path):
            # --fresh deletes the file: only ever a demo database, or one with
            # nothing in it (what a failed first build used to leave).
            raise StoreError("store.not_demo", path=str(path))
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    try:
        build_demo_database(path, clock=clock)
    except BaseException:
        for suffix in ("", "-wal", "-shm", ".lock"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    return True


def _build_pg_demo(url: str, *, fresh: bool, clock) -> bool:
    """``build_demo`` on a PostgreSQL database (issue 12): an empty one is filled; ``fresh``
    empties a demo database first (its tables only), and never any other."""
    from telecoop.io.demo import DEMO_MARK, build_demo_database
    from telecoop.store import directory as store_directory
    from telecoop.store import tables as tb
    from telecoop.store.engine import drop_schema, read_session

    engine = make_engine(url, create=True)
    try:
        with read_session(engine) as s:
            has_coops = bool(store_directory.coop_zones(s))
            is_demo = s.get(tb.Meta, DEMO_MARK) is not None
        if has_coops and not fresh:
            return False
        if has_coops and not is_demo:
            raise StoreError("store.not_demo", path=str(url))
        if has_coops:
            drop_schema(engine)
    finally:
        engine.dispose()
    build_demo_database(url, clock=clock)
    return True


def _is_demo(path: Path) -> bool:
    """Whether ``path`` is a demo database (``build_demo_database`` marks them; read without writing)."""
    import sqlite3
    import urllib.parse

    from telecoop.store.engine import inspect_file

    if path.stat().st_size == 0:
        return True  # nothing to lose
    inspect_file(path, create=False, migrate=True)  # refuses a folder, another program's file, a damaged one
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        return conn.execute("SELECT 1 FROM meta WHERE key = 'demo'").fetchone() is not None
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _has_coops(path: Path) -> bool:
    """Whether the TeleCoop database at ``path`` has at least one co-op.

    A file that is not a TeleCoop database (or a newer one) raises StoreError:
    the demo never deletes what it did not make.
    """
    from telecoop.store import directory as store_directory
    from telecoop.store.engine import read_session

    if path.stat().st_size == 0:
        return False  # an empty file: nothing built yet
    engine = make_engine(path, create=False)
    try:
        with read_session(engine) as s:
            return bool(store_directory.coop_zones(s))
    finally:
        engine.dispose()
