"""A receptionist's day (issue 10): find a booking by patient, give the patient its details."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import Select

from telecoop.services import booking as booking_service
from telecoop.tui.dialogs import booking_details
from telecoop.tui.dialogs.booking_details import BookingDetailsDialog
from telecoop.tui.screens.bookings import BookingsScreen
from tui_helpers import screen_text, settle, static_text, table_rows

SIZE = (80, 24)
DAY = dt.date(2026, 12, 8)  # the Tuesday after the suite's NOW


@pytest.fixture
def booked(context_for):
    """Gaspésie books Étienne Boudreau (Îles psychologist, video) for patient 'Chart-4711';
    the Îles co-op books him too, for a reference that contains the same text."""
    gaspesie = context_for("recep.gaspesie")
    free = booking_service.search_slots(gaspesie, clinician_id=8, from_date=DAY, days=1, duration=30, limit=40)
    assert len(free) >= 2, "the demo leaves him free slots that Tuesday"
    mine = booking_service.book(gaspesie, clinician_id=8, start=free[0].start,
                                duration=30, consent=True, patient="Chart-4711", reason="suivi", mode="video")
    theirs = booking_service.book(context_for("recep.iles"), clinician_id=8, start=free[-1].start, duration=30,
                                  consent=True, patient="chart-4711-b")
    return mine, theirs


async def test_slash_filters_bookings_by_patient_reference_as_you_type(app_for, booked):
    mine, theirs = booked
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BookingsScreen)
        everything = len(table_rows(pilot, "#bookings"))
        assert everything > 1

        await pilot.press("slash", *"CHART-47")
        await settle(pilot)
        rows = table_rows(pilot, "#bookings")
        assert [r[2] for r in rows] == ["Chart-4711"], "only my co-op's booking, any case"
        assert static_text(pilot, "#bookings-count") == f"1 of {everything} bookings matches"

        # Enter goes to the results, Enter again opens the details of the one found.
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog) and app.screen.booking_id == mine.id
        await pilot.press("escape")
        await settle(pilot)

        # A clinician's name, accents ignored, or a day, narrow it too.
        await pilot.press("slash", "ctrl+u", *"etienne 2026-12-08")
        await settle(pilot)
        assert [r[2] for r in table_rows(pilot, "#bookings")] == ["Chart-4711"]
        await pilot.press(*" zzz")
        await settle(pilot)
        assert table_rows(pilot, "#bookings") == []
        assert static_text(pilot, "#bookings-count") == "no booking matches"

        # Escape clears the search: every booking again.
        await pilot.press("escape")
        await settle(pilot)
        assert len(table_rows(pilot, "#bookings")) == everything
        assert screen.query_one("#bookings-search-bar").display is False


async def test_details_panel_gives_the_patient_everything_in_their_language(app_for, booked, tmp_path, monkeypatch):
    mine, _ = booked
    monkeypatch.setattr(booking_details, "ics_folder", lambda: tmp_path / "dl")
    app = app_for("recep.gaspesie", lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        screen.table().move_cursor(row=[b.id for b in screen.bookings].index(mine.id))
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, BookingDetailsDialog)
        body = static_text(pilot, "#details-body")
        assert static_text(pilot, "#dialog-title") == f"Rendez-vous n° {mine.id} — réservé"
        est, iles = (mine.start.astimezone(ZoneInfo(z)).strftime("%H:%M") for z in ("America/Toronto", "America/Halifax"))
        assert f"Quand : mardi 8 décembre 2026, {est} (heure de l'Est)" in body
        assert f"soit {iles} heure des Îles pour le clinicien" in body
        assert "Étienne Boudreau — psychologie" in body
        assert "Durée : 30 min · Mode : vidéo · Patient : Chart-4711" in body
        # issue 14: the visit's own private link, on the booking co-op's platform
        assert f"Lien vidéo : {mine.video_link}" in body and mine.video_link.startswith(
            "https://visio.example.org/gaspesie/")
        assert "réservé — recep.gaspesie" in body, "the history comes from the audit trail"

        # The confirmation in the patient's language (the co-op's, French, by default)...
        await pilot.press("c")
        await settle(pilot)
        assert app.clipboard.splitlines()[:2] == [
            f"Votre rendez-vous de téléconsultation (n° {mine.id})",
            f"Quand : mardi 8 décembre 2026, {est} (heure de l'Est)",
        ]
        assert "Chart-4711" not in app.clipboard
        assert f"Lien vidéo : {mine.video_link}" in app.clipboard
        # ...or in English, while the app stays in French.
        await pilot.press("l", "c")
        await settle(pilot)
        assert app.clipboard.splitlines()[1] == f"When: Tuesday, December 8, 2026, {est} (Eastern time)"
        assert static_text(pilot, "#details-status") == "Confirmation copiée dans votre presse-papiers (anglais)"

        await pilot.press("s")
        await settle(pilot)
        saved = tmp_path / "dl" / f"telecoop-{mine.id}.ics"
        assert saved.read_bytes().startswith(b"BEGIN:VCALENDAR") and b"Chart-4711" not in saved.read_bytes()
        assert (saved.stat().st_mode & 0o777) == 0o600
        assert static_text(pilot, "#details-status") == f"Enregistré : {saved}"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_details_of_another_coops_booking_hold_no_link_and_no_history(app_for, booked):
    _, theirs = booked
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#subject", Select).value = "r8"
        await settle(pilot)
        screen.day = DAY
        screen.reload()
        await settle(pilot)
        screen.table().move_cursor(row=[b.id for b in screen.bookings].index(theirs.id))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog)
        body = static_text(pilot, "#details-body")
        assert "Booked by another co-op: Coopérative de santé des Îles" in body
        assert "chart-4711" not in body.lower() and "visio.example.org" not in body and "History" not in body


# With a room (w), the specialty (s, part of its name, Enter), the first slot (Enter),
# the patient reference and Enter: 14 keystrokes in either language (31 before issue 10).
TYPICAL = ["w", "s", *"psycho", "enter", "enter", *"AB-12", "enter"]


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_a_typical_booking_takes_at_most_20_keystrokes(app_for, context_for, lang):
    keys = TYPICAL
    assert len(keys) <= 20, f"{len(keys)} keystrokes"
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        first = None
        for i, key in enumerate(keys):
            if i == len(keys) - 7:  # the Enter that opens the form: note which slot was first
                first = screen._slots[0]
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog), "the booking's details confirm it"
    assert first is not None and first.specialty == "psychology" and first.room_id is not None
    made = [b for b in booking_service.list_bookings(context_for("recep.gaspesie"), patient="AB-12")]
    assert [(b.clinician_id, b.room_id, b.start) for b in made] == [(first.clinician_id, first.room_id, first.start)]


async def test_confirming_on_a_booking_moved_meanwhile_says_so_and_asks_again(demo_db, context_for, booked):
    """issue 10: stale dialogs. The check-in question is asked again, on the booking as it is now.

    The app's clock is 5 minutes after the visit's start (check-in is open, issue 8); a colleague
    moves it to a later time that same hour, where check-in is still open.
    """
    from telecoop.services.context import open_context
    from telecoop.tui.app import TeleCoopApp
    from telecoop.tui.dialogs.confirm import ConfirmDialog

    mine, _ = booked
    other = context_for("admin.gaspesie")
    later = next(s for s in booking_service.search_slots(other, clinician_id=8, from_date=DAY, days=1, limit=40)
                 if mine.start < s.start <= mine.start + dt.timedelta(minutes=60))
    at = mine.start + dt.timedelta(minutes=5)
    ctx = open_context(demo_db, "recep.gaspesie", clock=lambda: at)
    app = TeleCoopApp(ctx, poll_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        screen.table().move_cursor(row=[b.id for b in screen.bookings].index(mine.id))
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        # While the question waits, a colleague moves the booking.
        booking_service.reschedule(other, mine.id, start=later.start)
        await pilot.press("enter")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, ConfirmDialog), "asked again"
        notice = static_text(pilot, "#stale-notice")
        assert f"Someone else just changed booking {mine.id}; nothing was done." in notice
        assert booking_service.get_booking(other, mine.id).status == "booked"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
    ctx.engine.dispose()
    assert booking_service.get_booking(context_for("recep.gaspesie"), mine.id).status == "checked_in"


async def test_the_cursor_stays_where_it_was_after_a_booking_leaves_the_list(app_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        index = next(i for i, b in enumerate(screen.bookings) if i >= 3 and b.status == "booked")
        after = screen.bookings[index + 1]
        screen.table().move_cursor(row=index)
        await pilot.press("c", *"doublon", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.table().cursor_row == index, "not back to the top"
        assert screen.selected_booking().id == after.id


async def test_admins_read_the_audit_trail_in_the_app_scoped_to_their_coop(app_for, booked):
    """issue 10: a co-op admin sees their co-op's events; F1 lists the keys of the section shown."""
    from telecoop.tui.dialogs.help import HelpDialog
    from telecoop.tui.screens.admin import AdminScreen

    mine, theirs = booked
    app = app_for("admin.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AdminScreen)
        await pilot.press("s", "s", "s")
        await settle(pilot)
        assert screen.section == "audit"
        rows = table_rows(pilot, "#audit")
        assert [r[3] for r in rows] == ["booking made"], "Gaspésie's booking, not the Îles' one"
        assert rows[0][4] == f"booking {mine.id}" and rows[0][1] == "recep.gaspesie"
        detail = static_text(pilot, "#audit-detail")
        assert detail.startswith("Event ") and "patient=Chart-4711" in detail
        assert static_text(pilot, "#admin-status") == "1 audit event"
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpDialog)
        keys = static_text(pilot, "#help-keys")
        assert "Next section" in keys or "section" in keys.lower()
        assert "Add (resource" not in keys, "nothing to add to the audit trail"

    app = app_for("fed.admin")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5", "s", "s", "s", "s")
        await settle(pilot)
        rows = table_rows(pilot, "#audit")
        assert [r[3] for r in rows][:2] == ["booking made", "booking made"], "the federation admin sees all"
        assert "data imported" in [r[3] for r in rows]
        app.screen.query_one("#audit").move_cursor(row=[r[4] for r in rows].index(f"booking {theirs.id}"))
        await settle(pilot)
        assert "chart-4711-b" not in static_text(pilot, "#audit-detail"), "another co-op's patient stays masked"


async def test_the_palettes_no_matches_is_said_in_the_users_language(app_for):
    from textual.command import CommandList, CommandPalette

    app = app_for("recep.gaspesie", lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        palette._NO_MATCHES_COUNTDOWN = 0.001  # no waiting half a second in a test
        await pilot.press(*"xxxxxxx")
        commands = palette.query_one(CommandList)
        prompts: list[str] = []
        for _ in range(200):  # until the search has ended and said so (no sleep)
            await pilot.pause()
            prompts = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
            if any("correspond" in p or "No matches" in p for p in prompts):
                break
        assert prompts and all("Aucune commande ne correspond" in p for p in prompts), prompts


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (200, 50)])
async def test_columns_fit_their_content_at_every_size(app_for, size):
    """issue 10: co-op names, a specialty column when there is room, the least important
    width given up first at 60x20 and no column falling off the edge."""
    from telecoop.tui.widgets.result_table import ResultTable

    app = app_for("recep.gaspesie")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        find = app.screen.query_one("#slots", ResultTable)
        labels = [c.label.plain for c in find.columns.values()]
        assert labels[:4] == ["Day", "Time", "Clinician", "Co-op"]
        assert ("Specialty" in labels) == (size[0] >= 110)
        assert sum(c.get_render_width(find) for c in find.columns.values()) <= size[0]
        assert "basse-cote-" not in screen_text(pilot)
        await pilot.press("f4")
        await settle(pilot)
        table = app.screen.query_one("#bookings", ResultTable)
        widths = [c.get_render_width(table) for c in table.columns.values()]
        assert sum(widths) <= size[0], "the status column stays on screen"
        first = table_rows(pilot, "#bookings")[0]
        assert first[4] in ("booked", "checked in")
        clinician = list(table.columns.values())[3]
        assert clinician.get_render_width(table) >= 14 + 2, "the name keeps a readable width"
