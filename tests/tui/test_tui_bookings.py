"""The Bookings mode: reschedule, cancel (reason required), check in; and the Agenda."""

from __future__ import annotations

from textual.widgets import Select

from telecoop.domain import model as m
from telecoop.services import booking as booking_service
from telecoop.tui.dialogs.cancel import CancelDialog
from telecoop.tui.dialogs.confirm import ConfirmDialog
from telecoop.tui.dialogs.reschedule import RescheduleDialog
from telecoop.tui.screens.agenda import AgendaScreen
from telecoop.tui.screens.bookings import BookingsScreen
from tui_helpers import screen_text, settle, static_text, table_rows

SIZE = (80, 24)


async def open_bookings(pilot) -> BookingsScreen:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BookingsScreen)
    assert screen.bookings
    return screen


async def highlight_first_booked(pilot, screen) -> m.Booking:
    """Put the cursor on the first upcoming booking still 'booked' (the first may be in progress)."""
    index, booking = next((i, b) for i, b in enumerate(screen.bookings) if b.status == m.BookingStatus.BOOKED)
    screen.table().move_cursor(row=index)
    await settle(pilot)
    assert screen.selected_booking() == booking
    return booking


async def test_reschedule_moves_the_booking_to_the_slot_picked(app_for, context_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bookings(pilot)
        booking = await highlight_first_booked(pilot, screen)

        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RescheduleDialog)
        assert dialog._slots, "the clinician has free slots in the next two weeks"
        new = dialog._slots[0]
        # issue 10: any clinician of the same specialty (and any room), never the booking's own time.
        specialty = app.directory.resource(booking.clinician_id).specialty
        assert {s.specialty for s in dialog._slots} == {specialty}
        assert len({s.clinician_id for s in dialog._slots}) > 1
        assert (booking.clinician_id, booking.start) not in [(s.clinician_id, s.start) for s in dialog._slots]
        assert static_text(pilot, "#resched-old").startswith("Now: ")
        assert static_text(pilot, "#resched-new").startswith("New: ")
        await pilot.press("enter")
        await settle(pilot)

        assert app.screen is screen
        assert any(f"Booking {booking.id} moved" in n.message for n in app._notifications)

    moved = booking_service.get_booking(context_for("recep.gaspesie"), booking.id)
    assert moved.start == new.start and moved.end - moved.start == booking.end - booking.start
    assert (moved.clinician_id, moved.room_id) == (new.clinician_id, new.room_id)
    assert moved.status == m.BookingStatus.BOOKED


async def test_cancel_requires_a_reason(app_for, context_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bookings(pilot)
        booking = await highlight_first_booked(pilot, screen)

        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CancelDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog, "no reason, no cancel"
        assert static_text(pilot, "#reason-error") == "Give the reason for cancelling."
        assert booking_service.get_booking(context_for("recep.gaspesie"), booking.id).status == "booked"

        await pilot.press(*"Patient hospitalise", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert booking.id not in [b.id for b in screen.bookings], "upcoming shows active bookings only"

    cancelled = booking_service.get_booking(context_for("recep.gaspesie"), booking.id)
    assert cancelled.status == m.BookingStatus.CANCELLED
    assert cancelled.cancel_reason == "Patient hospitalise"


async def test_check_in_asks_first_then_checks_in(app_for, context_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bookings(pilot)
        booking = await highlight_first_booked(pilot, screen)

        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # changed my mind
        await settle(pilot)
        assert booking_service.get_booking(context_for("recep.gaspesie"), booking.id).status == "booked"

        await pilot.press("i")
        await settle(pilot)
        await pilot.press("enter")  # "Confirm" has the focus
        await settle(pilot)
        assert app.screen is screen
        row = [b for b in screen.bookings if b.id == booking.id][0]
        assert row.status == m.BookingStatus.CHECKED_IN
        assert "checked in" in table_rows(pilot, "#bookings")[screen.bookings.index(row)]

        # Completed is the next step; no-show no longer is.
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert any("Not possible" in n.message for n in app._notifications)

    assert booking_service.get_booking(context_for("recep.gaspesie"), booking.id).status == "checked_in"


async def test_today_and_all_filters(app_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bookings(pilot)
        upcoming = len(screen.bookings)
        screen.query_one("#bookings-filter", Select).value = "all"
        await settle(pilot)
        statuses = {b.status for b in screen.bookings}
        assert len(screen.bookings) > upcoming
        assert {m.BookingStatus.COMPLETED, m.BookingStatus.CANCELLED} <= statuses
        assert all(b.coop == "gaspesie" for b in screen.bookings)
        # The cursor starts on the first booking still to come, not last year's.
        assert screen.selected_booking().end > app.ctx.now()
        screen.query_one("#bookings-filter", Select).value = "today"
        await settle(pilot)
        assert {b.start.date() for b in screen.bookings} <= {app.ctx.now().date()}


async def test_agenda_moves_by_day_and_week_and_back_to_today(app_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        today = screen.day
        assert "Monday, December 7, 2026" in static_text(pilot, "#period")
        await pilot.press("right")
        await settle(pilot)
        assert (screen.day - today).days == 1
        assert "Tuesday, December 8, 2026" in static_text(pilot, "#period")
        await pilot.press("pagedown")
        await settle(pilot)
        assert (screen.day - today).days == 8
        await pilot.press("v")
        await settle(pilot)
        assert screen.week and "Mon Dec 14 – Sun Dec 20" in static_text(pilot, "#period")
        assert all(b.coop == "gaspesie" for b in screen.bookings)
        await pilot.press("t")
        await settle(pilot)
        assert screen.day == today


async def test_other_coops_bookings_on_a_shared_resource_show_as_busy(app_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#subject", Select).value = "r8"  # Étienne Boudreau, Îles, shared with all
        await pilot.press("v")
        await settle(pilot)
        masked = [b for b in screen.bookings if b.masked]
        ours = [b for b in screen.bookings if not b.masked]
        assert masked and all(b.patient is None for b in masked)
        rows = table_rows(pilot, "#agenda")
        for b in masked:
            assert rows[screen.bookings.index(b)][2] == f"busy — {app.directory.coop_short(b.coop)}"
        for b in ours:
            assert rows[screen.bookings.index(b)][2] == b.patient
        # No action on another co-op's booking.
        screen.table().move_cursor(row=screen.bookings.index(masked[0]))
        await pilot.press("i")
        await settle(pilot)
        assert any("Another co-op's booking" in n.message for n in app._notifications)


async def test_clinician_opens_on_their_agenda_and_marks_a_no_show(app_for, context_for):
    app = app_for("clin.iles")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_mode == "agenda"
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        await pilot.press("f2")  # no Find mode for clinicians
        await settle(pilot)
        assert app.current_mode == "agenda"
        assert "F2" not in screen_text(pilot).splitlines()[-1]

        await pilot.press("v")
        await settle(pilot)
        assert all(b.clinician_id == 7 for b in screen.bookings)
        index, booking = next((i, b) for i, b in enumerate(screen.bookings) if b.status == "booked")
        assert booking.patient, "a clinician sees the patient reference of their consultations"
        screen.table().move_cursor(row=index)
        await pilot.press("n")  # days ahead: refused, saying from when
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert any("possible only from" in n.message for n in app._notifications)

    assert booking_service.get_booking(context_for("clin.iles"), booking.id).status == "booked"


async def test_clinician_marks_a_started_video_visit_completed_with_d(demo_db):
    """A video visit needs no check-in: once started, its clinician presses d."""
    import pendulum

    from telecoop import i18n
    from telecoop.services.context import open_context
    from telecoop.tui.app import TeleCoopApp

    clin = open_context(demo_db, "clin.iles")
    later = next(
        b for b in booking_service.list_bookings(clin)
        if b.status == "booked" and b.mode == m.Mode.VIDEO and b.start > pendulum.datetime(2026, 12, 7, 12, tz="UTC")
    )
    clin.clock = lambda: later.start + pendulum.duration(minutes=5)
    i18n.set_lang("en")
    app = TeleCoopApp(clin, poll_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        keys = "\n".join(screen_text(pilot).splitlines()[-3:])
        assert f"d {i18n.t('tui.key.complete')}" in keys
        index = next(i for i, b in enumerate(screen.bookings) if b.id == later.id)
        screen.table().move_cursor(row=index)
        await settle(pilot)
        # Their day shows the visit's link on the detail line (issue 10, the clinician's day).
        assert later.video_link and "Video link: " + later.video_link in screen_text(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
    assert booking_service.get_booking(clin, later.id).status == "completed"
    clin.engine.dispose()


async def test_forced_closure_flags_bookings_in_the_bookings_screen(app_for, context_for):
    """The Îles admin closes their psychologist for a day anyway: Gaspésie sees whom to call."""
    import datetime as dt

    from telecoop.domain.errors import WouldStrand
    from telecoop.services import admin as admin_service

    gas = context_for("recep.gaspesie")
    slot = booking_service.search_slots(gas, clinician_id=8, from_date=dt.date(2026, 12, 8), days=1, limit=1)[0]
    mine = booking_service.book(gas, clinician_id=8, start=slot.start, duration=30, consent=True, patient="ZZ-77")
    day = slot.start.date().isoformat()
    iles = context_for("admin.iles")
    try:
        admin_service.add_closure(iles, resource_id=8, start=day, end=day, reason="Tempête")
        raise AssertionError("a closure over active bookings needs confirming")
    except WouldStrand as refused:
        assert mine.id in {b.id for b in refused.bookings}
    admin_service.add_closure(iles, resource_id=8, start=day, end=day, reason="Tempête", force=True)

    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bookings(pilot)
        row = next(r for r in table_rows(pilot, "#bookings") if "ZZ-77" in r)
        assert row[-1].startswith("!"), "the marker, readable without colour"
        screen.query_one("#bookings-filter", Select).value = "conflicts"
        await settle(pilot)
        assert screen.bookings and all(b.conflict and b.coop == "gaspesie" for b in screen.bookings)
        assert mine.id in {b.id for b in screen.bookings}
        index = next(i for i, b in enumerate(screen.bookings) if b.id == mine.id)
        screen.table().move_cursor(row=index)
        await settle(pilot)
        assert "Conflict: closure" in static_text(pilot, "#booking-detail")
