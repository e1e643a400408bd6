"""TUI fixtures: copies of the demo database (``demo_template``, tests/conftest.py) and apps over them.

The clock is the suite's NOW (Monday 2026-12-07 12:00 UTC, 07:00 in Gaspésie),
so the seeded bookings, the slots and the snapshots are the same on every run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest
import textual._wait

from telecoop import i18n
from telecoop.services.context import Context, open_context
from telecoop.tui.app import TeleCoopApp

import engines

NOW = pendulum.datetime(2026, 12, 7, 12, 0, tz="UTC")
SIZE = (80, 24)


@pytest.fixture(scope="session", autouse=True)
def _short_idle_window():
    """Pilot's waits (``pilot.pause()``, ``pilot.press()``, the snapshot harness) end once the
    process has spent under 1/20 of a window idle; Textual's window is 20 ms, so every key
    press and every pause sleeps 40 ms at least, about half of a Pilot test's time. The
    screen's own work is CPU in this process and keeps a window busy whatever its length,
    and workers are waited on by name (``settle``): a 2 ms window waits for the same things,
    ten times sooner."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(textual._wait, "SLEEP_GRANULARITY", 0.002)
        mp.setattr(textual._wait, "SLEEP_IDLE", 0.002 / 20)
        yield


def clock(now: dt.datetime = NOW) -> Callable[[], dt.datetime]:
    return lambda: now


@pytest.fixture
def demo_db(tmp_path, demo_template) -> Path:
    """A copy of the demo database: a file (SQLite) or a database URL (PostgreSQL, tests/engines.py)."""
    return engines.copy_db(demo_template, tmp_path / "telecoop.db")


@pytest.fixture
def context_for(demo_db):
    """``context_for("recep.iles")`` -> a service Context on the test's database, at NOW."""
    opened: list[Context] = []

    def make(login: str) -> Context:
        ctx = open_context(demo_db, login, clock=clock())
        opened.append(ctx)
        return ctx

    yield make
    for ctx in opened:
        ctx.engine.dispose()


@pytest.fixture
def app_for(context_for):
    """``app_for("recep.gaspesie", lang="fr")`` -> a TeleCoopApp with polling left to the test."""

    def make(login: str = "recep.gaspesie", *, lang: str = "en") -> TeleCoopApp:
        i18n.set_lang(lang)
        return TeleCoopApp(context_for(login), poll_seconds=None)

    return make
