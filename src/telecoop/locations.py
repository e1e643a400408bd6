"""Where TeleCoop keeps its files."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "telecoop"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """``TELECOOP_DB``, else ``telecoop.db`` in the user data dir."""
    env = os.environ if environ is None else environ
    if env.get("TELECOOP_DB"):
        return Path(env["TELECOOP_DB"]).expanduser()
    return data_dir() / "telecoop.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def sample_data_dir() -> Path:
    """The ``sample_data/`` folder shipped beside the package (source checkout)."""
    env = os.environ.get("TELECOOP_SAMPLE_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "sample_data"
        if (candidate / "coops.csv").exists():
            return candidate
    packaged = here.parent / "sample_data"
    return packaged


# --------------------------------------------------------------------------- #
# issue 9: files that may hold patient data are the user's alone
# --------------------------------------------------------------------------- #

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_umask() -> int:
    """Make every file this process creates private, whatever umask it was given.

    The database, its -wal/-shm, backups, exports, .ics files and logs hold
    patient data; a receptionist's ``umask 022`` (or 000) must not make them
    readable by the other accounts of a shared server. Returns the old umask.
    """
    return os.umask(0o077)


def make_private_dir(path: Path) -> None:
    """Create ``path`` and its missing parents, each 0700 (existing folders are left alone)."""
    path = Path(path)
    missing = []
    for p in (path, *path.parents):
        if p.exists():
            break
        missing.append(p)
    for p in reversed(missing):
        try:
            p.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue
        os.chmod(p, PRIVATE_DIR)  # mkdir's mode is filtered by the umask


def open_private(path: Path, *, exclusive: bool = False) -> int:
    """A file descriptor on ``path`` opened for writing, created 0600 (an existing file is truncated and made 0600)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    except OSError:  # pragma: no cover - e.g. /dev/full, a FIFO
        pass
    return fd


def write_private_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (0600)."""
    with os.fdopen(open_private(path), "wb") as fh:
        fh.write(data)


def create_private_empty(path: Path) -> None:
    """Create an empty 0600 file at ``path`` (refused if it exists), its folder 0700."""
    make_private_dir(Path(path).parent)
    os.close(open_private(path, exclusive=True))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def exposed_to_others(path: Path) -> bool:
    """True when group or others may read or write ``path``."""
    try:
        return bool(Path(path).stat().st_mode & 0o066)
    except OSError:
        return False
