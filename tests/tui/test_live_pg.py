"""Live refresh in the app (issue 12): another process's change shows by itself (on the suite's engine,
and on PostgreSQL); the PostgreSQL server going away mid-session is a banner and retries, a write
meanwhile one clear line and nothing written.

Each test runs the real app (Pilot) with its live feed on a throwaway copy of
the demo database. The other process is the CLI (``telecoop book``). The app
and the CLI both use the real clock, so the slot booked is one the CLI also
calls future. The PostgreSQL tests skip without a local server.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pendulum
import psycopg
import pytest
from textual.pilot import Pilot
from textual.widgets import Select

from pg_live import CuttableLink, drop_database, new_database, pg_available, terminate, url
from telecoop import i18n, locations
from telecoop.services import live
from telecoop.services.context import open_context
from telecoop.services.dataio import build_demo
from telecoop.tui import app as app_module
from telecoop.tui.app import TeleCoopApp
from telecoop.tui.directory import load_directory
from telecoop.tui.dialogs.booking_form import BookingDialog
from tui_helpers import screen_text, settle, static_text

needs_pg = pytest.mark.skipif(not pg_available(), reason="no local PostgreSQL server")
pytestmark = [
    pytest.mark.xdist_group("pg_live"),
    # "no traceback": a thread of the app (the live feed, a worker) dying fails the test
    pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning"),
]
SIZE = (80, 24)
#: the issue's promise: a change made on one host shows on another within this long
WITHIN_S = 2.0


@pytest.fixture(scope="module")
def pg_template():
    name = new_database()
    build_demo(locations.db_file(url(name)), fresh=True)
    yield name
    drop_database(name)


@pytest.fixture
def pg_db(pg_template):
    name = new_database(template=pg_template)
    yield name
    drop_database(name)


@pytest.fixture
def app_on():
    """``app_on(url)`` -> the app of recep.iles on that database, its live feed running (real clock)."""
    apps: list[TeleCoopApp] = []

    def make(address: str) -> TeleCoopApp:
        i18n.set_lang("en")
        app = TeleCoopApp(open_context(locations.db_file(address), "recep.iles"))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.ctx.engine.dispose()


async def until(pilot: Pilot, condition, seconds: float, what: str) -> float:
    """Let the app run until ``condition()`` holds; how long it took (fails after ``seconds``)."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, f"not within {seconds} s: {what}"
        await pilot.pause(0.02)
    return time.monotonic() - start


async def psychology_slots_of_iles(pilot: Pilot) -> None:
    await settle(pilot)
    pilot.app.screen.query_one("#specialty", Select).value = "psychology"
    pilot.app.screen.query_one("#coop", Select).value = "iles"
    await settle(pilot)


def slot_keys(app: TeleCoopApp) -> set[tuple[int, object]]:
    return {(s.clinician_id, s.start) for s in app.screen._slots}


def later_slots(app: TeleCoopApp, n: int):
    """``n`` shown slots at least an hour ahead (still future when the CLI books them), of different clinicians
    or times."""
    soon = pendulum.now("UTC").add(hours=1)
    return [s for s in app.screen._slots if s.start >= soon][:n]


def cli_book(database_url: str, slot, patient: str) -> None:
    """Another process (another SSH host, say) books ``slot``: ``telecoop book`` on the same database."""
    argv = [sys.executable, "-m", "telecoop", "--db", database_url, "--lang", "en", "--as", "recep.gaspesie",
            "book", "--clinician", str(slot.clinician_id), "--start", slot.start.isoformat(),
            "--duration", str(int((slot.end - slot.start).total_seconds() // 60)), "--patient", patient, "--consent"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def rows(database: str) -> tuple[int, int]:
    """How many bookings and audit events the database holds (read over the real socket)."""
    with psycopg.connect(url(database)) as conn:
        return conn.execute("SELECT (SELECT count(*) FROM booking), (SELECT count(*) FROM audit)").fetchone()


async def test_on_the_suites_engine_too_another_processs_booking_leaves_the_screen(demo_db, app_on):
    """SQLite (the suite's default engine) polls data_version every 1.5 s: that leaves only 0.5 s of
    the 2 s for the re-query, too little on a loaded CI machine; 1 s more here, the benchmark times it."""
    app = app_on(str(demo_db))
    async with app.run_test(size=SIZE) as pilot:
        await psychology_slots_of_iles(pilot)
        (slot,) = later_slots(app, 1)
        cli_book(str(demo_db), slot, "GB-76")
        await until(pilot, lambda: (slot.clinician_id, slot.start) not in slot_keys(app), WITHIN_S + 1.0,
                    "the slot booked by the CLI leaves the list")


@needs_pg
async def test_a_booking_made_by_another_process_leaves_the_screen_by_itself(pg_db, app_on, monkeypatch):
    directory_loads = []
    monkeypatch.setattr(app_module, "load_directory", lambda ctx: directory_loads.append(1) or load_directory(ctx))
    app = app_on(url(pg_db))
    async with app.run_test(size=SIZE) as pilot:
        await psychology_slots_of_iles(pilot)
        (slot,) = later_slots(app, 1)
        loads = len(directory_loads)
        cli_book(url(pg_db), slot, "GB-77")
        await until(pilot, lambda: (slot.clinician_id, slot.start) not in slot_keys(app), WITHIN_S,
                    "the slot booked by the CLI leaves the list")
        assert not app.db_lost
        # The notification said "booking": the screen searched again, the co-ops and resources were not re-read.
        assert len(directory_loads) == loads


@needs_pg
async def test_after_its_backend_is_terminated_the_app_listens_again_without_a_banner(pg_db, app_on):
    app = app_on(url(pg_db))
    async with app.run_test(size=SIZE) as pilot:
        await psychology_slots_of_iles(pilot)
        first, second = later_slots(app, 2)
        # Every session of the app: the listening one and the pool's.
        assert terminate(pg_db) >= 1
        cli_book(url(pg_db), first, "GB-78")
        await until(pilot, lambda: (first.clinician_id, first.start) not in slot_keys(app), 10,
                    "the change made while it reconnected is caught up")
        cli_book(url(pg_db), second, "GB-79")
        await until(pilot, lambda: (second.clinician_id, second.start) not in slot_keys(app), WITHIN_S,
                    "the next change is heard on the new connection")
        assert not app.db_lost
        assert "TeleCoop · Find a slot" in screen_text(pilot).splitlines()[0]


@needs_pg
async def test_server_gone_banner_and_retry_a_write_meanwhile_is_one_line_and_nothing(
    pg_db, app_on, tmp_path, monkeypatch
):
    monkeypatch.setattr(live.LiveFeed, "BACKOFF_S", (0.05, 0.1, 0.2))
    with CuttableLink(tmp_path) as link:
        app = app_on(url(pg_db, tmp_path))
        async with app.run_test(size=SIZE) as pilot:
            await psychology_slots_of_iles(pilot)
            mine, theirs = later_slots(app, 2)

            # The server goes away while the receptionist fills in a booking form.
            app.screen.query_one("#slots").focus()
            app.screen.query_one("#slots").move_cursor(row=app.screen._slots.index(mine))
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, BookingDialog)
            # The form holds its slot (issue 13) before the cut; nothing is written after it.
            await until(pilot, lambda: app.screen.hold is not None, 10, "the form's hold")
            before = rows(pg_db)
            link.cut()
            await until(pilot, lambda: app.db_lost, 10, "the loss noticed")
            await settle(pilot)
            # The form covers the top line: the same words come as a notification over it.
            assert any("The database cannot be reached; retrying." in n.message for n in app._notifications)

            # Booking meanwhile: one clear line in the form, nothing written.
            await pilot.press(*"GB-80", "enter")
            await settle(pilot)
            # (the whole "cannot reach the PostgreSQL server of postgresql:///...?host=..." would not fit)
            said = static_text(pilot, "#form-error")
            assert said == "database unreachable: nothing was changed; try again when it is back"
            assert said in screen_text(pilot) and "Traceback" not in screen_text(pilot)
            assert rows(pg_db) == before
            await pilot.press("escape")
            await settle(pilot)

            # Back on the screen: its top line is the banner, in either language.
            top = screen_text(pilot).splitlines()[0]
            assert "The database cannot be reached; retrying. Nothing is saved meanwhile." in top
            await pilot.press("f9")
            await settle(pilot)
            top = screen_text(pilot).splitlines()[0]
            assert "Base de données injoignable ; nouvel essai en cours. Rien n'est enregistré." in top
            await pilot.press("f9")
            await settle(pilot)

            # Meanwhile another host, which still reaches the server, books another slot.
            cli_book(url(pg_db), theirs, "GB-81")

            link.restore()
            await until(pilot, lambda: not app.db_lost, 10, "the banner goes")
            await until(pilot, lambda: (theirs.clinician_id, theirs.start) not in slot_keys(app), 10,
                        "the screen catches up with what was booked while it was away")
            assert "TeleCoop · Find a slot" in screen_text(pilot).splitlines()[0]
            # ``mine`` stays held by the dropped form until its hold expires (its release could
            # not reach the server): a time, not a job (issue 13), so it is not asserted free here.
