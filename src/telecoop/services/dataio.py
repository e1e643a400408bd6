"""Import, export and the demo database: the use cases around ``telecoop.io``."""

from __future__ import annotations

from pathlib import Path

from telecoop.domain import model as m
from telecoop.domain.errors import NotPermitted
from telecoop.io import csvio
from telecoop.services.context import Context, load_actor, resolve_login
from telecoop.services.admin import is_empty
from telecoop.store.engine import make_engine

DEMO_LOGIN = "recep.gaspesie"


def import_data(db_path: Path, source: Path, as_login: str | None = None) -> dict[str, int]:
    """Load CSV files, all-or-nothing.

    A new database (no staff yet) may be loaded by whoever may open the file;
    once it has staff, only a federation admin imports.
    """
    engine = make_engine(db_path)
    try:
        login = resolve_login(db_path, as_login)
        if not is_empty(engine):
            actor, _tz = load_actor(engine, login)
            if actor.role != m.Role.FEDERATION_ADMIN:
                raise NotPermitted("perm.denied")
        return csvio.import_path(engine, source, actor=login)
    finally:
        engine.dispose()


def export_data(ctx: Context, directory: Path) -> dict[str, int]:
    """Write the CSV files; bookings (patient data) only for the federation admin."""
    ctx.require(m.Role.COOP_ADMIN, m.Role.FEDERATION_ADMIN)
    return csvio.export_dir(ctx.engine, directory, include_bookings=ctx.is_federation_admin)


def build_demo(path: Path, *, fresh: bool = False, clock=None) -> bool:
    """Build the demo database at ``path`` if missing (or when ``fresh``); True when built."""
    from telecoop.io.demo import build_demo_database

    if path.exists() and not fresh:
        return False
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    build_demo_database(path, clock=clock)
    return True
