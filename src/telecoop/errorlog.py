"""Unexpected errors (bugs): the traceback goes to a private log file, the user sees one line.

The log is ``errors.log`` in the user's log folder (platformdirs; on Linux
``~/.local/state/telecoop/log/``), folder 0700 and file 0600: a traceback may
quote a patient reference. The CLI and the app both write here.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from pathlib import Path

from telecoop import locations


def write(exc: BaseException, where: str = "") -> Path | None:
    """Append ``exc`` with its traceback to the log; the log's path, or None if it could not be written."""
    log = locations.log_dir() / "errors.log"
    try:
        locations.make_private_dir(log.parent)
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, locations.PRIVATE_FILE)
        with os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace") as fh:
            os.fchmod(fd, locations.PRIVATE_FILE)
            command = where or " ".join(sys.argv[1:2])
            fh.write(f"--- {dt.datetime.now(dt.timezone.utc).isoformat()} telecoop {command}\n")
            fh.write("".join(traceback.format_exception(exc)))
    except OSError:
        return None
    return log


def known_database_error(exc: BaseException, path: object = None):
    """A database failure a person can cause (busy, read-only, full, damaged) as a StoreError, else None."""
    import sqlite3

    try:
        from sqlalchemy.exc import DBAPIError
    except ImportError:  # pragma: no cover
        DBAPIError = ()  # noqa: N806
    try:
        from psycopg import Error as PgError
    except ImportError:  # pragma: no cover
        PgError = ()  # noqa: N806
    if not isinstance(exc, (sqlite3.Error, DBAPIError, PgError)):
        return None
    from telecoop.store.engine import store_error

    return store_error(exc, path)
