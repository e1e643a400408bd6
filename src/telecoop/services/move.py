"""Moving a federation from its SQLite file into an empty PostgreSQL database (``telecoop migrate --to URL``).

Who: the database file's owner or root, acting as themselves (like the
full export: they can read the whole file anyway). What: every table, ids
and audit trail kept, in one transaction, verified before it commits: the
``export`` of both databases (the same code as ``telecoop export``, every
co-op's bookings unmasked) must give byte-identical files, and every table
(audit and meta included) the same rows.
"""

from __future__ import annotations

import filecmp
import tempfile
from dataclasses import dataclass
from pathlib import Path

from telecoop.domain.errors import BadInput, NotPermitted, StoreError
from telecoop.io import csvio
from telecoop.locations import is_db_url
from telecoop.services.context import full_export_allowed
from telecoop.store import move
from telecoop.store.engine import make_engine


@dataclass(frozen=True)
class Moved:
    url: str  # as shown: never a password
    counts: dict[str, int]


def migrate_to(db_path: Path, to: str, as_login: str | None = None) -> Moved:
    """Copy the federation in the SQLite file ``db_path`` into the empty PostgreSQL database ``to``, verified."""
    if is_db_url(db_path):
        raise BadInput("migrate.source_not_file", path=str(db_path))
    shown = move.target_url(to)  # BadInput first: nothing opened for a wrong address
    source = make_engine(db_path, create=False)  # an older file: "telecoop upgrade" first
    try:
        if not full_export_allowed(db_path, as_login):
            raise NotPermitted("migrate.denied", path=str(db_path))
        target = move.open_target(shown)
        try:
            with move.copying(source, target, shown=shown) as copy:
                _verify(copy, db_path, shown)
            return Moved(shown, copy.counts)
        finally:
            target.dispose()
    finally:
        source.dispose()


def _verify(copy: move.Copy, db_path: Path, shown: str) -> None:
    """Both exports byte for byte, and every table row for row; StoreError (rolled back) when anything differs."""
    with tempfile.TemporaryDirectory(prefix="telecoop-migrate-") as tmp:
        a, b = Path(tmp) / "sqlite", Path(tmp) / "postgresql"
        csvio.export_dir(copy.source, a, include_bookings=True)
        csvio.export_dir(copy.target, b, include_bookings=True)
        names = sorted(p.name for p in a.iterdir())
        _same, differ, missing = filecmp.cmpfiles(a, b, names, shallow=False)
        if differ or missing or sorted(p.name for p in b.iterdir()) != names:
            raise StoreError("migrate.mismatch", url=shown, path=str(db_path), detail=", ".join(differ + missing))
    tables = move.differences(copy.source, copy.target)
    if tables:
        raise StoreError("migrate.mismatch", url=shown, path=str(db_path), detail=", ".join(tables))
