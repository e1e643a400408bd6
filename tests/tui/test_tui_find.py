"""Find a slot and book it, as a receptionist of the Gaspésie co-op would."""

from __future__ import annotations

from textual.widgets import Input, Select

from telecoop.services import booking as booking_service
from telecoop.tui.dialogs.booking_details import BookingDetailsDialog
from telecoop.tui.dialogs.booking_form import BookingDialog
from telecoop.tui.screens.find import FindScreen
from tui_helpers import settle, static_text, table_rows

SIZE = (80, 24)


async def find_psychologists(pilot) -> FindScreen:
    screen = pilot.app.screen
    assert isinstance(screen, FindScreen)
    screen.query_one("#specialty", Select).value = "psychology"
    await settle(pilot)
    assert screen._slots, "the demo has free psychologists this week"
    return screen


async def test_receptionist_books_the_first_free_psychologist(app_for, context_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_mode == "find"
        screen = await find_psychologists(pilot)
        slot = screen._slots[0]
        first = table_rows(pilot, "#slots")[0]
        # issue 10: the co-op's name as the column holds it, not a cut slug
        assert first[2] == slot.clinician and first[3] == app.directory.coop_short(slot.coop)
        assert {app.directory.coop_short(c) for c in ("iles", "basse-cote-nord", "gaspesie", "saguenay")} == {
            "Îles", "Basse-Côte-Nord", "Gaspésie", "Fjord"}

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingDialog)
        # issue 14: a video visit needs the patient's consent, ticked on the form
        await pilot.press(*"GB-1234", "tab", "space", "tab", *"suivi", "enter")
        await settle(pilot)

        # The booking's details stay on screen as its confirmation (issue 10), over the
        # results, where the slot is no longer offered.
        assert isinstance(app.screen, BookingDetailsDialog)
        assert static_text(pilot, "#dialog-title").startswith("Booked: booking #")
        assert "Patient: GB-1234" in static_text(pilot, "#details-body")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        offered = [(s.clinician_id, s.start) for s in screen._slots]
        assert (slot.clinician_id, slot.start) not in offered

    mine = booking_service.list_bookings(context_for("recep.gaspesie"), own_coop_only=True, start=slot.start)
    made = [b for b in mine if b.patient == "GB-1234"]
    assert len(made) == 1
    assert (made[0].clinician_id, made[0].start, made[0].end) == (slot.clinician_id, slot.start, slot.end)
    assert made[0].reason == "suivi" and made[0].coop == "gaspesie" and made[0].status == "booked"


async def test_slot_taken_meanwhile_is_said_plainly_with_the_next_free_ones(app_for, context_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await find_psychologists(pilot)
        slot = screen._slots[0]

        # Between the search and the confirmation, the slot's own co-op books it.
        other = context_for("recep.basse-cote-nord")
        booking_service.book(other, clinician_id=slot.clinician_id, start=slot.start, duration=30, consent=True, patient="ZZ-9")

        # issue 13: opening the form holds the slot, so a slot taken meanwhile is said at once,
        # before anyone types a patient reference for nothing.
        await pilot.press("enter")
        await settle(pilot)

        assert app.screen is screen, "the dialog closes"
        assert "Someone else just took this slot" in static_text(pilot, "#find-notice")
        assert screen._alternatives and screen._slots, "the next free slots replace the results"
        assert (slot.clinician_id, slot.start) not in [(s.clinician_id, s.start) for s in screen._slots]
        assert len(table_rows(pilot, "#slots")) == len(screen._slots)
        # issue 10: the same filters (any psychologist), from the taken slot's own day.
        assert all(s.specialty == "psychology" for s in screen._slots)
        assert len(screen._slots) > 5, "the screen's own search, not only the five the refusal named"
        assert len({s.clinician_id for s in screen._slots}) > 1, "any clinician, not only the one taken"
        assert screen._slots[0].start.date() == slot.start.date()
        assert screen._slots == sorted(screen._slots, key=lambda s: s.start)

    ours = booking_service.list_bookings(context_for("recep.gaspesie"), own_coop_only=True, start=slot.start)
    assert not [b for b in ours if b.patient == "GB-1234"], "nothing was booked"


async def test_booking_form_requires_a_patient_and_says_service_refusals_by_the_field(app_for):
    app = app_for("recep.gaspesie", lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await find_psychologists(pilot)
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, BookingDialog)
        assert dialog.query_one("#patient", Input).cursor_blink is False, "no blinking over SSH"

        await pilot.press("enter")  # nothing typed
        await settle(pilot)
        assert app.screen is dialog
        assert static_text(pilot, "#patient-error") == "La référence patient est obligatoire."

        # A control character only the service refuses (pasted text): said under the field, in French.
        dialog.query_one("#patient", Input).value = "AB\x07"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "caractères de contrôle" in static_text(pilot, "#patient-error")

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, FindScreen)


async def test_a_wrong_date_is_said_beside_the_field_and_searches_nothing(app_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        before = list(screen._slots)
        date = screen.query_one("#from-date", Input)
        date.value = "2026-13-45"
        date.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "not a valid date" in static_text(pilot, "#date-error")
        assert screen._slots == before

        await pilot.press("f9")
        await settle(pilot)
        assert "n'est pas une date valide" in static_text(pilot, "#date-error")


async def test_filters_narrow_the_search(app_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#specialty", Select).value = "family_medicine"
        screen.query_one("#language", Select).value = "en"
        screen.query_one("#duration", Select).value = 60
        await settle(pilot)
        assert screen._slots
        assert all(s.specialty == "family_medicine" and "en" in s.languages for s in screen._slots)
        assert all((s.end - s.start).total_seconds() == 3600 for s in screen._slots)

        await pilot.click("#with-room")
        await settle(pilot)
        assert screen._slots and all(s.room_id is not None for s in screen._slots)
        rows = table_rows(pilot, "#slots")
        assert [len(r) for r in rows[:1]] == [4], "the room takes the co-op column's place"
        # issue 10: my co-op's rooms by default (the patient sits there); partners' on request.
        assert {s.room_coop for s in screen._slots} == {"gaspesie"}
        assert rows[0][3] in ("1 — Gaspé", "2 — Sainte-Anne-des-Monts"), "the words all rooms share are left out"
        await pilot.press("p")
        await settle(pilot)
        assert screen._slots and {s.room_coop for s in screen._slots} > {"gaspesie"}
        rows = table_rows(pilot, "#slots")
        for row, s in zip(rows, screen._slots):
            short = s.room.removeprefix("Salle de téléconsultation").lstrip("—- ")
            assert row[3] == (short if s.room_coop == "gaspesie" else f"{app.directory.coop_short(s.room_coop)}: {short}")
