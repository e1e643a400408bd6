"""Where TeleCoop keeps its files."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import platformdirs

APP_NAME = "telecoop"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path(environ: Mapping[str, str] | None = None) -> "Path | DbUrl":
    """``TELECOOP_DB``, else ``telecoop.db`` in the user data dir."""
    env = os.environ if environ is None else environ
    if env.get("TELECOOP_DB"):
        return db_file(env["TELECOOP_DB"])
    return data_dir() / "telecoop.db"


_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
PG_SCHEMES = ("postgresql://", "postgres://")


class DbUrl(str):
    """A PostgreSQL database named by a libpq URL (issue 12), never carrying a password.

    ``postgresql://host:port/dbname``, a socket folder
    ``postgresql:///dbname?host=/var/run/postgresql``, or a service of
    pg_service.conf ``postgresql://?service=telecoop``. The password comes
    from a pgpass or service file, never from a command line (where ``ps``
    shows it to every account).
    """

    __slots__ = ()


def is_db_url(target: object) -> bool:
    """Whether ``target`` (what ``db_file`` returned) names a PostgreSQL database rather than a file."""
    return isinstance(target, DbUrl)


def db_file(text: str) -> "Path | DbUrl":
    """The database a person gave (``--db``, ``TELECOOP_DB``): a file path or a PostgreSQL URL.

    ``postgresql://`` and ``postgres://`` name a PostgreSQL database (a URL
    with a password is refused: it would show in ``ps`` and the shell's
    history); any other ``scheme://`` is refused plainly. (A name such as
    ``x.db?mode=ro`` is simply a file of that name: the store never reads
    options out of it.)
    """
    from telecoop.domain.errors import BadInput

    if _URL_RE.match(text):
        from telecoop.domain.text import shown

        if text.lower().startswith(PG_SCHEMES):
            return DbUrl(_checked_pg_url(text))
        raise BadInput("store.url", value=shown(text, 60))
    return Path(text).expanduser()


def _checked_pg_url(text: str) -> str:
    """``text`` if it is a libpq URL without a password; BadInput otherwise."""
    from telecoop.domain.errors import BadInput
    from telecoop.domain.text import shown

    try:
        from psycopg.conninfo import conninfo_to_dict

        params = conninfo_to_dict(text)
    except ImportError:  # pragma: no cover - psycopg is a dependency
        params = {}
    except Exception:  # noqa: BLE001 - libpq's own parser refused it: a typo, not a connection failure
        raise BadInput("store.pg_url", value=shown(_without_password(text), 60)) from None
    if params.get("password") or _without_password(text) != text:
        raise BadInput("store.pg_password")
    return text


def _without_password(text: str) -> str:
    """``text`` with any ``user:password@`` cut to ``user@`` (so an echo never repeats a password)."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/@?]*?):[^/@?]*@", r"\1@", text)


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def sample_data_dir() -> Path:
    """The sample CSV files, shipped inside the package (``telecoop/sample_data``).

    The repository's ``sample_data/`` is a link to the same folder, so there
    is one copy, found the same way from a source checkout and from a wheel.
    ``TELECOOP_SAMPLE_DATA`` points elsewhere (tests, a co-op's own demo).
    """
    env = os.environ.get("TELECOOP_SAMPLE_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent / "sample_data"


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
    """Write ``data`` to ``path`` (0600); a regular file left half-written (full disk) is removed."""
    fd = open_private(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        discard_partial(path)
        raise


@contextlib.contextmanager
def replacing(path: Path, mode: str = "wb", **open_kw) -> Iterator:
    """A file written beside ``path`` (0600) then moved over it: no reader sees it half-written,
    and a failure (a full disk) leaves neither a partial file nor the temporary one."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with os.fdopen(open_private(tmp), mode, **open_kw) as fh:
            yield fh
        os.replace(tmp, path)  # inside: a folder at ``path`` must not leave the .tmp behind
    except BaseException:
        discard_partial(tmp)
        raise


def discard_partial(path: Path) -> None:
    """Remove ``path`` if it is a regular file (never a device such as /dev/full, never a folder)."""
    import stat

    try:
        if stat.S_ISREG(os.lstat(path).st_mode):
            os.unlink(path)
    except OSError:
        pass


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
