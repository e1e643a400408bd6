"""Shared fixtures: a real SQLite file built from sample_data/, a fixed clock."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pendulum
import pytest

from telecoop import i18n
from telecoop.services.context import open_context

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
# Monday 2026-12-07, 07:00 in Gaspésie (America/Toronto).
NOW = pendulum.datetime(2026, 12, 7, 12, 0, tz="UTC")


def fixed_clock(now: dt.datetime = NOW):
    return lambda: now


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
def sample_template(tmp_path_factory) -> Path:
    """sample_data/ imported once per session; tests copy it."""
    from telecoop.io import csvio
    from telecoop.store.engine import make_engine

    path = tmp_path_factory.mktemp("template") / "sample.db"
    engine = make_engine(path)
    csvio.import_path(engine, SAMPLE, actor="test")
    engine.dispose()
    return _fold_wal(path)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo database (sample_data/ plus seeded bookings) built once per session at NOW."""
    from telecoop.services.dataio import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, fresh=True, clock=fixed_clock())
    return _fold_wal(path)


@pytest.fixture
def db_path(tmp_path, sample_template) -> Path:
    target = tmp_path / "telecoop.db"
    shutil.copy(sample_template, target)
    return target


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
