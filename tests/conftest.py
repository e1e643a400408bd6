"""Shared fixtures: a real database built from sample_data/, a fixed clock.

The database is an SQLite file, or with ``TELECOOP_TEST_DB=postgresql`` a
throwaway PostgreSQL database (tests/engines.py). On PostgreSQL, a test runs
only if it uses a database fixture (``db_path``, ``demo_db``, the templates,
``pg_url``...) or is marked ``both_engines``: the others do not touch the
engine and already ran in the SQLite half. ``sqlite_only("why")`` marks a
test about SQLite files themselves (WAL, file modes, backup, flock).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pendulum
import pytest

from telecoop import i18n
from telecoop.services.context import open_context

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/engines.py
import engines  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
# Monday 2026-12-07, 07:00 in Gaspésie (America/Toronto).
NOW = pendulum.datetime(2026, 12, 7, 12, 0, tz="UTC")


def fixed_clock(now: dt.datetime = NOW):
    return lambda: now


# Fixtures that give a test a database on the engine under test (see the module's doc).
DB_FIXTURES = {"db_path", "sample_template", "demo_template", "demo_db", "pg_url", "fresh_db", "as_user",
               "context_for", "app_for", "empty_template"}


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): about SQLite files themselves; skipped on PostgreSQL")
    config.addinivalue_line("markers", "both_engines: runs on PostgreSQL too though it uses no database fixture")
    if engines.ON_PG:
        # Throwaway databases need no durable commits: much faster, same semantics.
        os.environ.setdefault("PGOPTIONS", "-c synchronous_commit=off")


def pytest_report_header(config):
    return f"telecoop engine: {engines.ENGINE}"


def pytest_collection_modifyitems(config, items):
    # The slow tests first (xdist hands tests out in this order): one left for the end runs
    # alone on one core while the other waits.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if not engines.ON_PG:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "about SQLite files")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
        elif not (DB_FIXTURES & set(getattr(item, "fixturenames", ()))) and item.get_closest_marker("both_engines") is None:
            item.add_marker(pytest.mark.skip(reason="engine-independent: runs in the SQLite half"))


def pytest_sessionfinish(session):
    if engines.ON_PG:
        engines.finish()  # every test's database dropped before the worker ends


@pytest.fixture(autouse=True)
def _drop_test_databases():
    yield
    if engines.ON_PG:
        engines.drop_made()


@pytest.fixture(autouse=True)
def _english_by_default():
    i18n.set_lang("en")
    yield
    i18n.set_lang("en")


def _fold_wal(path: Path) -> Path:
    """Fold the WAL into the main file so a plain copy of ``path`` is complete."""
    from telecoop.store.engine import make_engine

    engine = make_engine(path)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _session_databases():
    """PostgreSQL: the session's template databases, dropped when the session ends."""
    made = []
    yield made
    engines.finish()  # (copies of them made ahead, first)
    for url in made:
        engines.drop_database(url)


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory, _session_databases) -> Path:
    """sample_data/ imported once per session; tests copy it (``engines.copy_db``)."""
    from telecoop.io import csvio
    from telecoop.store.engine import make_engine

    if engines.ON_PG:
        path = engines.create_database("sample")
        engines.keep(path)
        _session_databases.append(path)
    else:
        path = tmp_path_factory.mktemp("template") / "sample.db"
    engine = make_engine(path)
    csvio.import_path(engine, SAMPLE, actor="test")
    engine.dispose()
    return path if engines.ON_PG else _fold_wal(path)


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory, _session_databases) -> Path:
    """TeleCoop's tables and no row, made once per session (making them runs every migration);
    a test that needs an empty federation but is not about making one copies it."""
    from telecoop.store.engine import make_engine

    if engines.ON_PG:
        path = engines.create_database("empty")
        engines.keep(path)
        _session_databases.append(path)
    else:
        path = tmp_path_factory.mktemp("empty") / "empty.db"
    make_engine(path).dispose()
    return path if engines.ON_PG else _fold_wal(path)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, _session_databases) -> Path:
    """The demo database (sample_data/ plus seeded bookings) built once per session at NOW."""
    from telecoop.services.dataio import build_demo

    if engines.ON_PG:
        path = engines.create_database("demo")
        engines.keep(path)
        _session_databases.append(path)
        build_demo(path, fresh=True, clock=fixed_clock())
        return path
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, fresh=True, clock=fixed_clock())
    return _fold_wal(path)


@pytest.fixture
def db_path(tmp_path, sample_template) -> Path:
    """The sample federation for this test: a file (SQLite) or a database URL (PostgreSQL)."""
    return engines.copy_db(sample_template, tmp_path / "telecoop.db")


@pytest.fixture
def fresh_db(tmp_path):
    """Where a test creates a new database (init, import, demo): a new file path, or an empty database."""
    return engines.empty_db(tmp_path / "new.db")


@pytest.fixture
def pg_url():
    """An empty PostgreSQL database for a PostgreSQL-only test; skipped unless the server is configured."""
    if not engines.ON_PG:
        pytest.skip("PostgreSQL half only (TELECOOP_TEST_DB=postgresql)")
    return engines.create_database("pg")


@pytest.fixture
def as_user(db_path):
    """``as_user("recep.gaspesie")`` -> a service Context with the fixed clock."""
    opened = []

    def make(login: str, now: dt.datetime = NOW):
        ctx = open_context(db_path, login, clock=fixed_clock(now))
        opened.append(ctx)
        return ctx

    yield make
    for ctx in opened:
        ctx.engine.dispose()
