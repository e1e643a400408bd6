"""Who is acting, on which database, at what time: the context of every use case."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pendulum
from sqlalchemy.engine import Engine

from telecoop import locations
from telecoop.domain import access
from telecoop.domain import model as m
from telecoop.domain.errors import NotPermitted, TeleCoopError
from telecoop.store import convert
from telecoop.store import tables as tb
from telecoop.store.engine import make_engine, read_session


def _now() -> dt.datetime:
    return pendulum.now("UTC")


@dataclass
class Settings:
    """Federation-wide settings a use case may need."""

    min_notice_minutes: int = 0
    default_duration: int = 30
    step_minutes: int = 15


@dataclass
class Context:
    """The engine, the acting staff member and the clock, handed to every service."""

    engine: Engine
    actor: m.Staff
    actor_tz: str
    clock: Callable[[], dt.datetime] = _now
    settings: Settings = field(default_factory=Settings)

    def now(self) -> dt.datetime:
        return self.clock()

    @property
    def role(self) -> m.Role:
        return self.actor.role

    @property
    def coop(self) -> str:
        return self.actor.coop

    def require(self, *roles: m.Role) -> None:
        """Refuse unless the actor has one of ``roles``."""
        if self.actor.role not in roles:
            raise NotPermitted("perm.denied")

    @property
    def is_admin(self) -> bool:
        return self.actor.role in (m.Role.COOP_ADMIN, m.Role.FEDERATION_ADMIN)

    @property
    def is_federation_admin(self) -> bool:
        return self.actor.role == m.Role.FEDERATION_ADMIN


# Who may do what is ``domain.access``; these two names stay here for the many callers.
BOOKING_ROLES = access.BOOKING_ROLES
ADMIN_ROLES = access.ADMIN_ROLES


def os_login(
    environ: Mapping[str, str] | None = None, uid: int | None = None, db_path: Path | None = None
) -> str:
    """The login of the person running the program.

    Under the shared-server set-up the program runs as a service account via
    ``sudo -u telecoop``; the person is then ``SUDO_USER``. Anyone can set
    that variable, so it is believed only where sudo is the way in: when the
    program runs as root or as the database file's owner (the service
    account). Anyone else is who the OS says they are.
    """
    env = os.environ if environ is None else environ
    uid = os.getuid() if uid is None else uid
    sudo_user = env.get("SUDO_USER")
    if sudo_user and sudo_user != "root" and (uid == 0 or _owns(db_path, uid, env)):
        return sudo_user
    return passwd_login(uid)


def passwd_login(uid: int) -> str:
    """The login of ``uid`` from the password database, or refuse.

    Never ``USER``/``LOGNAME``: anyone sets those (a uid with no passwd
    entry plus ``USER=fed.admin`` must not become the federation admin).
    """
    try:
        import pwd
    except ImportError:  # pragma: no cover - not POSIX: the OS account name is all there is
        return getpass.getuser()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        raise NotPermitted("identity.no_passwd", uid=uid) from None


def _owns(db_path: Path | None, uid: int, environ: Mapping[str, str] | None = None) -> bool:
    if locations.is_db_url(db_path):
        return _owns_pg_settings(str(db_path), uid, environ)
    try:
        return db_path is not None and db_path.stat().st_uid == uid
    except OSError:
        return False


def pg_settings_file(url: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """The file holding the connection settings of a PostgreSQL ``url`` (issue 12): its service file
    (``PGSERVICEFILE``, else ``~/.pg_service.conf``) when the URL names a ``service=``, else the
    password file (``PGPASSFILE``, else ``~/.pgpass``). None when there is no such file."""
    env = os.environ if environ is None else environ
    from psycopg.conninfo import conninfo_to_dict

    home = Path(env.get("HOME") or os.path.expanduser("~"))
    if conninfo_to_dict(url).get("service") or env.get("PGSERVICE"):
        candidate = Path(env["PGSERVICEFILE"]) if env.get("PGSERVICEFILE") else home / ".pg_service.conf"
    else:
        candidate = Path(env["PGPASSFILE"]) if env.get("PGPASSFILE") else home / ".pgpass"
    return candidate if candidate.is_file() else None


def _owns_pg_settings(url: str, uid: int, environ: Mapping[str, str] | None) -> bool:
    """PostgreSQL has no database file to own: the service account is the one whose own, private
    connection settings file opens the database (no one else can write or read it)."""
    found = pg_settings_file(url, environ)
    try:
        st = found.stat() if found is not None else None
    except OSError:
        return False
    return st is not None and st.st_uid == uid and not st.st_mode & 0o022


def may_act_as(db_path: Path, uid: int | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """``--as`` is honoured only for the database file's owner, or root.

    Under ``sudo -u telecoop`` the process *is* the owner, but the person is
    SUDO_USER: they get no ``--as`` unless that person is root. On a
    PostgreSQL database (issue 12) the "owner" is the account whose own
    connection settings file (service file or pgpass, not writable by
    others) opens it: the service account; root too; nobody else.
    """
    env = os.environ if environ is None else environ
    if env.get("SUDO_USER") and env.get("SUDO_UID", "") != "0":
        return False
    uid = os.getuid() if uid is None else uid
    if uid == 0:
        return True
    if locations.is_db_url(db_path):
        return _owns_pg_settings(str(db_path), uid, env)
    try:
        return db_path.stat().st_uid == uid
    except FileNotFoundError:
        return False


def full_export_allowed(db_path: Path, as_login: str | None) -> bool:
    """The unmasked export (every co-op's patients) is for the database file's owner or root only.

    They can read the whole file anyway; anyone acting through a staff record
    (``--as`` included, and a person under ``sudo -u`` the service account)
    gets the masked one (``domain.access.sees_patient``).
    """
    return not as_login and may_act_as(db_path)


def resolve_login(
    db_path: Path,
    as_login: str | None,
    environ: Mapping[str, str] | None = None,
    uid: int | None = None,
) -> str:
    """The login this run acts as (DESIGN section 6)."""
    if as_login:
        if not may_act_as(db_path, uid, environ):
            raise NotPermitted("identity.as_refused")
        return as_login
    return os_login(environ, uid, db_path)


def load_actor(engine: Engine, login: str) -> tuple[m.Staff, str]:
    """The active staff record of ``login`` and its co-op's zone, or refuse."""
    with read_session(engine) as s:
        row = s.get(tb.StaffRow, login)
        if row is None or not row.active:
            raise NotPermitted("identity.unknown", login=login)
        coop = s.get(tb.CoopRow, row.coop)
        assert coop is not None  # a foreign key
        return convert.staff(row), coop.tz


def open_context(
    db_path: Path,
    as_login: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    uid: int | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> Context:
    """Open the database at ``db_path`` and identify the user; raise a TeleCoopError otherwise."""
    # The file first: a command on something that is not a usable database
    # says so (and leaves it untouched) before anything about who you are.
    engine = make_engine(db_path, create=False)
    try:
        login = resolve_login(db_path, as_login, environ, uid)
        actor, tz = load_actor(engine, login)
    except TeleCoopError:
        engine.dispose()
        raise
    ctx = Context(engine=engine, actor=actor, actor_tz=tz)
    if clock is not None:
        ctx.clock = clock
    return ctx
