"""Import, export and the demo database: the use cases around ``telecoop.io``."""

from __future__ import annotations

from pathlib import Path

from telecoop.domain import model as m
from telecoop.domain.errors import NotPermitted
from telecoop.io import csvio
from telecoop.services.context import load_actor, may_act_as, resolve_login
from telecoop.services.admin import is_empty
from telecoop.store.engine import make_engine

DEMO_LOGIN = "recep.gaspesie"


def import_data(db_path: Path, source: Path, as_login: str | None = None) -> dict[str, int]:
    """Load CSV files, all-or-nothing.

    A new database (no staff yet) may be loaded by whoever may open the file;
    once it has staff, only a federation admin imports.
    """
    existed = db_path.exists()
    engine = make_engine(db_path)
    try:
        login = resolve_login(db_path, as_login)
        if not is_empty(engine):
            actor, _tz = load_actor(engine, login)
            if actor.role != m.Role.FEDERATION_ADMIN:
                raise NotPermitted("perm.denied")
        return csvio.import_path(engine, source, actor=login)
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

    A co-op admin exports the directory; bookings (patient data) go only to
    the federation admin. The database file's owner (or root) may export
    everything without a staff record: they can read the whole file anyway,
    and this is how a maintainer takes a portable copy.
    """
    engine = make_engine(db_path, create=False)
    try:
        login = resolve_login(db_path, as_login)
        try:
            actor, _tz = load_actor(engine, login)
        except NotPermitted:
            if as_login or not may_act_as(db_path):
                raise
            return _export(engine, directory, fmt, include_bookings=True)
        if actor.role not in (m.Role.COOP_ADMIN, m.Role.FEDERATION_ADMIN):
            raise NotPermitted("perm.denied")
        return _export(engine, directory, fmt, include_bookings=actor.role == m.Role.FEDERATION_ADMIN)
    finally:
        engine.dispose()


def _export(engine, target: Path, fmt: str, *, include_bookings: bool) -> dict[str, int]:
    if fmt == "xlsx":
        return csvio.export_xlsx(engine, target, include_bookings=include_bookings)
    return csvio.export_dir(engine, target, include_bookings=include_bookings, excel=fmt == "excel")


def build_demo(path: Path, *, fresh: bool = False, clock=None) -> bool:
    """Build the demo database at ``path`` if missing, empty (no co-op) or when ``fresh``; True when built.

    A build that fails leaves no file behind: a half-built database would
    otherwise be taken for a ready demo on the next run.
    """
    from telecoop.io.demo import build_demo_database

    if path.exists() and not fresh and _has_coops(path):
        return False
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    try:
        build_demo_database(path, clock=clock)
    except BaseException:
        for suffix in ("", "-wal", "-shm", ".lock"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    return True


def _has_coops(path: Path) -> bool:
    """Whether the TeleCoop database at ``path`` has at least one co-op.

    A file that is not a TeleCoop database (or a newer one) raises StoreError:
    the demo never deletes what it did not make.
    """
    from sqlmodel import func, select

    from telecoop.store import tables as tb
    from telecoop.store.engine import read_session

    engine = make_engine(path, create=False)
    try:
        with read_session(engine) as s:
            return s.exec(select(func.count()).select_from(tb.CoopRow)).one() > 0
    finally:
        engine.dispose()
