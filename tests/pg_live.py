"""Helpers for the live-refresh tests on PostgreSQL (issue 12): throwaway databases and a cuttable link.

The tests that use them skip when no local PostgreSQL server answers on the
Unix socket (``PG_SOCKET_DIR``). Each test gets its own database, copied from
a demo template (``CREATE DATABASE ... TEMPLATE``), and drops it afterwards.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import uuid
from pathlib import Path

PG_SOCKET_DIR = os.environ.get("TELECOOP_TEST_PG_SOCKET_DIR", "/var/run/postgresql")
PG_PORT = int(os.environ.get("PGPORT", "5432"))
PREFIX = "issue12_live_"


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"host={PG_SOCKET_DIR} dbname=postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - no server: the tests skip
        return False


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"host={PG_SOCKET_DIR} dbname=postgres", autocommit=True) as conn:
        conn.execute(sql)


def new_database(template: str | None = None) -> str:
    name = PREFIX + uuid.uuid4().hex[:10]
    admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return name


def drop_database(name: str) -> None:
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def url(name: str, socket_dir: str | os.PathLike = PG_SOCKET_DIR) -> str:
    return f"postgresql:///{name}?host={socket_dir}"


def terminate(dbname: str, application_name: str | None = None) -> int:
    """``pg_terminate_backend`` every session on ``dbname`` (of that application); how many."""
    import psycopg

    where = "datname = %s AND pid <> pg_backend_pid()"
    params: list = [dbname]
    if application_name:
        where += " AND application_name = %s"
        params.append(application_name)
    with psycopg.connect(f"host={PG_SOCKET_DIR} dbname=postgres", autocommit=True) as conn:
        rows = conn.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {where}", params)
        return len(rows.fetchall())


class CuttableLink:
    """A relay from a Unix socket folder of its own to the real server: the network between app and database.

    ``cut()`` is the server going away (every open connection dropped, new ones
    refused: the socket file is gone); ``restore()`` its return. libpq reaches
    it as ``postgresql:///db?host=<folder>``.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / f".s.PGSQL.{PG_PORT}"
        self.target = os.path.join(PG_SOCKET_DIR, f".s.PGSQL.{PG_PORT}")
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def __enter__(self) -> CuttableLink:
        self.restore()
        return self

    def __exit__(self, *exc) -> None:
        self.cut()

    def restore(self) -> None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.path))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
            self.path.unlink(missing_ok=True)
        with self._lock:
            socks, self._socks = self._socks, []
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                server.connect(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    client.close()
                    server.close()
                    return
                self._socks += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)
