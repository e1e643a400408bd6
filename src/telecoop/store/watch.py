"""Noticing other connections' commits: one interface, one implementation per engine (issue 12).

- SQLite: ``PRAGMA data_version`` on a connection of the watcher's own. It
  cannot be waited on, so the app asks every POLL_SECONDS (microseconds, a
  local file, no server).
- PostgreSQL: ``LISTEN telecoop_change`` on ONE dedicated connection in
  autocommit, outside the pool. The statement triggers ``telecoop_notify()``
  send the changed table's name; :meth:`NotifyWatcher.poll` blocks on the
  socket (no query is sent while waiting) until a notification or the
  timeout. A lost connection raises StoreError; the next ``poll`` connects
  again and answers EVERYTHING (what happened while away was not heard).

Neither ever writes to the terminal: a watcher only answers ``poll``.
"""

from __future__ import annotations

import contextlib
import os
import socket
from abc import ABC, abstractmethod
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from telecoop.domain.errors import StoreError
from telecoop.store.engine import is_postgres, store_error

#: "Something changed, but which table is unknown": after a reconnect, or on SQLite.
EVERYTHING: frozenset[str] = frozenset({"*"})
NOTHING: frozenset[str] = frozenset()
#: The channel the ``telecoop_notify()`` triggers send on (COMMON contract).
CHANNEL = "telecoop_change"


class ChangeWatcher(ABC):
    """Tells whether another connection committed since the last look."""

    #: True when :meth:`poll` can block until a change (PostgreSQL): run it in a
    #: thread of its own. False (SQLite): ask it now and then, it answers at once.
    can_wait: ClassVar[bool] = False

    @abstractmethod
    def poll(self, timeout: float = 0.0) -> frozenset[str]:
        """The tables changed since the last call (EVERYTHING when unknown, NOTHING when none).

        Waits up to ``timeout`` seconds for a first change when ``can_wait``.
        Raises StoreError when the database cannot be reached; the next call
        tries again.
        """

    def changed(self, wait: float = 0.0) -> bool:
        """Whether anything changed since the last look (waiting up to ``wait`` s when ``can_wait``)."""
        return bool(self.poll(wait))

    @abstractmethod
    def close(self) -> None:
        """Release the watcher's connection (from the thread that polls it)."""


class DataVersionWatcher(ChangeWatcher):
    """SQLite: ``PRAGMA data_version`` is per connection, so the watcher keeps one raw
    connection of its own (outside the pool) for its whole life."""

    def __init__(self, engine: Engine) -> None:
        self._conn = engine.raw_connection()
        self._last = self._read()

    def _read(self) -> int:
        cur = self._conn.cursor()
        try:
            cur.execute("PRAGMA data_version")
            row = cur.fetchone()
            return int(row[0]) if row is not None else 0
        finally:
            cur.close()

    def poll(self, timeout: float = 0.0) -> frozenset[str]:
        current = self._read()
        if current != self._last:
            self._last = current
            return EVERYTHING  # data_version does not say which table
        return NOTHING

    def close(self) -> None:
        self._conn.close()


#: TCP keepalive on the listening connection: a silently cut network (no RST) is
#: noticed within about IDLE + INTERVAL * COUNT seconds, without any query sent.
KEEPALIVE_IDLE_S, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT = 10, 5, 3


class NotifyWatcher(ChangeWatcher):
    """PostgreSQL: LISTEN on one dedicated connection, in autocommit, outside the pool."""

    can_wait = True
    #: after a first notification, how long more are gathered into the same answer (a burst)
    COALESCE_S = 0.05
    APPLICATION_NAME = "telecoop-live"

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Any = None  # psycopg.Connection, imported lazily like the engine does
        try:
            self._connect()  # LISTEN before the app's first read: nothing falls in between
        except StoreError:
            pass  # the first poll tries again, and answers EVERYTHING when it gets through

    @property
    def backend_pid(self) -> int | None:
        """The server process of the listening connection (operators: pg_stat_activity)."""
        return self._conn.info.backend_pid if self._conn is not None else None

    def _connect(self) -> None:
        import psycopg

        try:
            raw = self._engine.raw_connection()
        except (sa.exc.DBAPIError, psycopg.Error) as exc:  # (the pool does not wrap what its creator raises)
            raise _lost(exc, self._engine) from exc
        conn: Any = raw.driver_connection
        raw.detach()  # this connection is the watcher's alone, never back in the pool
        try:
            conn.rollback()  # (the pool's ping may have begun a transaction)
            conn.autocommit = True
            conn.execute(f"SET application_name = '{self.APPLICATION_NAME}'")
            _keepalive(conn)
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:  # lost again at once
            with contextlib.suppress(Exception):
                conn.close()
            raise _lost(exc, self._engine) from exc
        self._conn = conn

    def poll(self, timeout: float = 0.0) -> frozenset[str]:
        if self._conn is None:
            self._connect()
            return EVERYTHING  # whatever was committed while we were not listening
        import psycopg

        try:
            tables = {n.payload for n in self._conn.notifies(timeout=timeout, stop_after=1)}
            if tables:
                # A burst (one transaction touching several tables, or many
                # sessions at once) is one answer, so one re-query.
                tables |= {n.payload for n in self._conn.notifies(timeout=self.COALESCE_S)}
        except psycopg.Error as exc:
            self._drop()
            raise _lost(exc, self._engine) from None
        return frozenset(tables)

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def close(self) -> None:
        self._drop()


def _lost(exc: BaseException, engine: Engine) -> StoreError:
    """The connection failed: the store's own message for it (unreachable, lost, refused)."""
    where = str(engine.url.database)
    known = store_error(exc, where)
    return known if isinstance(known, StoreError) else StoreError("store.pg_lost", path=where)


def _keepalive(conn: Any) -> None:
    """Tight TCP keepalives on the listening socket (a Unix socket needs none)."""
    fd = conn.pgconn.socket
    sock = socket.socket(fileno=os.dup(fd))
    try:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        for name, value in (("TCP_KEEPIDLE", KEEPALIVE_IDLE_S), ("TCP_KEEPINTVL", KEEPALIVE_INTERVAL_S),
                            ("TCP_KEEPCNT", KEEPALIVE_COUNT)):
            if hasattr(socket, name):
                sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, name), value)
    finally:
        sock.close()  # closes the duplicate only


def change_watcher(engine: Engine) -> ChangeWatcher:
    """The watcher for ``engine``: NOTIFY on PostgreSQL, data_version on SQLite."""
    return NotifyWatcher(engine) if is_postgres(engine) else DataVersionWatcher(engine)
