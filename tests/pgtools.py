"""Throwaway PostgreSQL databases beside SQLite files (issue 12): one per test, dropped after it.

The server is the local one (Unix socket) unless TELECOOP_TEST_PG names
another maintenance database URL; with no server answering, the tests that
need one are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

# The maintenance database (as tests/engines.py: TELECOOP_TEST_PG, a libpq URL), through psycopg 3.
SERVER = sa.make_url(os.environ.get("TELECOOP_TEST_PG", "postgresql:///postgres")).set(drivername="postgresql+psycopg")


def _server() -> sa.Engine:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL tests: psycopg is not installed")
    engine = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as exc:
        engine.dispose()
        pytest.skip(f"PostgreSQL tests: no server answers at {SERVER.render_as_string()} "
                    f"({str(exc.orig).strip().splitlines()[0]})")
    return engine


@pytest.fixture
def pg_scratch() -> Iterator[str]:
    """The ``postgresql://`` URL of a new, empty database, dropped after the test.

    Unlike conftest's ``pg_url`` (the PostgreSQL half only), this one serves
    tests of the SQLite half that need a server beside their SQLite files
    (moving a federation, migrations on both engines).
    """
    server = _server()
    name = f"issue12_migrations_{uuid.uuid4().hex[:12]}"
    with server.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = SERVER.set(database=name)
    try:
        yield url.set(drivername="postgresql").render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


def pg_engine(url: str) -> sa.Engine:
    """A plain engine on a test database (psycopg 3)."""
    return sa.create_engine(sa.make_url(url).set(drivername="postgresql+psycopg"))
