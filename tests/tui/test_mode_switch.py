"""issue 14: switching a visit between video, phone and in person in the app (Pilot, FR and EN).

The dialog is the CLI's ``switch`` (same service): same booking id, audited, the
patient's consent asked when the visit becomes remote, the licence rule where the
patient is, a room taken with a switch to in person.
"""

from __future__ import annotations

import pytest
from textual.widgets import Select

from telecoop.domain import model as m
from telecoop.services import booking as booking_service
from telecoop.tui.dialogs.booking_details import BookingDetailsDialog
from telecoop.tui.dialogs.confirm import ConfirmDialog
from telecoop.tui.dialogs.mode_switch import ModeSwitchDialog
from telecoop.tui.screens.bookings import BookingsScreen
from tui_helpers import settle, static_text

SIZE = (80, 24)
WORDS = {
    "fr": {"title": "Mode du rendez-vous {id}", "done": "Rendez-vous {id} : maintenant vidéo (même rendez-vous).",
           "no_consent": "Non changé : sans l'accord du patient, le rendez-vous ne passe pas à distance.",
           "licence": "refusé : ", "same": "déjà"},
    "en": {"title": "How booking {id} happens", "done": "Booking {id}: now video (same booking).",
           "no_consent": "Not switched: without the patient's agreement the visit does not become remote.",
           "licence": "refused: ", "same": "already"},
}


def _book(ctx, mode: str, patient: str, *, consent: bool = True, specialty: str = "psychology") -> m.Booking:
    slot = booking_service.search_slots(ctx, specialty=specialty, limit=1)[0]
    return booking_service.book(ctx, clinician_id=slot.clinician_id, start=slot.start, duration=30, mode=mode,
                                consent=consent, patient=patient)


async def _open_switch(pilot, booking_id: int) -> ModeSwitchDialog:
    pilot.app.push_screen(BookingDetailsDialog(booking_id))
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ModeSwitchDialog)
    return dialog


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_in_person_to_video_asks_consent_then_switches_the_same_booking(app_for, context_for, lang):
    ctx = context_for("recep.gaspesie")
    made = _book(ctx, "in-person", "SW-1", consent=False)
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await _open_switch(pilot, made.id)
        assert static_text(pilot, "#dialog-title") == WORDS[lang]["title"].format(id=made.id)
        assert dialog.query_one("#sw-mode", Select).value == "video"
        assert dialog.query_one("#sw-room", Select).disabled  # a room only goes with in person
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and app.screen.key == "tui.sw.consent_q"
        await pilot.press("enter")  # yes (focused)
        await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog)
        assert static_text(pilot, "#details-status") == WORDS[lang]["done"].format(id=made.id)
    after = booking_service.get_booking(ctx, made.id)
    assert after.id == made.id and after.mode == m.Mode.VIDEO
    assert after.consent_by == "recep.gaspesie" and after.consent_at is not None
    history = booking_service.booking_details(ctx, made.id).history
    assert [e.action for e in history].count("booking.mode") == 1


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_consent_refused_changes_nothing(app_for, context_for, lang):
    ctx = context_for("recep.gaspesie")
    made = _book(ctx, "in-person", "SW-2", consent=False)
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await _open_switch(pilot, made.id)
        dialog.query_one("#sw-mode", Select).value = "phone"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")  # the consent question: no
        await settle(pilot)
        assert app.screen is dialog
        assert static_text(pilot, "#form-error") == WORDS[lang]["no_consent"]
    after = booking_service.get_booking(ctx, made.id)
    assert after.mode == m.Mode.IN_PERSON and after.consent_by is None


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_a_patient_outside_the_clinicians_licences_is_refused_in_the_dialog(app_for, context_for, lang):
    ctx = context_for("recep.gaspesie")
    made = _book(ctx, "in-person", "SW-3", consent=False)
    clinician = booking_service.get_booking(ctx, made.id).clinician
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await _open_switch(pilot, made.id)
        dialog.query_one("#sw-location", Select).value = "NU"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")  # consent: yes
        await settle(pilot)
        assert app.screen is dialog  # still open: the refusal is said where the choice was made
        error = static_text(pilot, "#form-error")
        assert error.startswith(WORDS[lang]["licence"]) and "NU" in error and clinician.split()[-1] in error
    after = booking_service.get_booking(ctx, made.id)
    assert after.mode == m.Mode.IN_PERSON and after.patient_location == "QC" and after.consent_by is None


async def test_video_to_phone_with_consent_on_record_asks_nothing(app_for, context_for):
    ctx = context_for("recep.gaspesie")
    made = _book(ctx, "video", "SW-4")
    app = app_for("recep.gaspesie", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await _open_switch(pilot, made.id)
        assert dialog.query_one("#sw-mode", Select).value == "phone"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog)
    after = booking_service.get_booking(ctx, made.id)
    assert after.mode == m.Mode.PHONE and after.video_link is None


async def test_the_keyboard_picks_a_mode_then_ctrl_s_switches(app_for, context_for):
    """As in the other forms: Enter opens a choice and picks in it; Ctrl+S confirms."""
    ctx = context_for("recep.gaspesie")
    made = _book(ctx, "video", "SW-8")
    app = app_for("recep.gaspesie", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await _open_switch(pilot, made.id)
        mode = dialog.query_one("#sw-mode", Select)
        assert mode.has_focus and mode.value == "phone"
        await pilot.press("enter")
        await settle(pilot)
        assert mode.expanded and app.screen is dialog
        await pilot.press("down", "enter")  # video, phone, in person: the one after phone
        await settle(pilot)
        assert not mode.expanded and mode.value == "in-person" and app.screen is dialog
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog)
    assert booking_service.get_booking(ctx, made.id).mode == m.Mode.IN_PERSON


async def test_nothing_to_change_is_said(app_for, context_for):
    ctx = context_for("recep.gaspesie")
    made = _book(ctx, "video", "SW-5")
    app = app_for("recep.gaspesie", lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await _open_switch(pilot, made.id)
        dialog.query_one("#sw-mode", Select).value = "video"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and WORDS["fr"]["same"] in static_text(pilot, "#form-error")


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_bookings_list_switches_a_video_visit_to_in_person_with_a_free_room(app_for, context_for, lang):
    ctx = context_for("recep.gaspesie")
    made = _book(ctx, "video", "SW-6")
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BookingsScreen)
        index = next(i for i, b in enumerate(screen.bookings) if b.id == made.id)
        screen.table().move_cursor(row=index)
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ModeSwitchDialog)
        dialog.query_one("#sw-mode", Select).value = "in-person"
        await settle(pilot)
        room = dialog.query_one("#sw-room", Select)
        assert not room.disabled
        room.value = "any"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
    after = booking_service.get_booking(ctx, made.id)
    assert after.id == made.id and after.mode == m.Mode.IN_PERSON and after.room_id is not None
    assert after.video_link is None


async def test_a_clinician_is_told_the_switch_is_not_theirs_and_a_finished_visit_cannot_switch(app_for, context_for):
    from telecoop.services.directory import list_staff

    ctx = context_for("recep.gaspesie")
    mine = next(s.clinician_id for s in list_staff(context_for("fed.admin")) if s.login == "clin.gaspesie")
    slot = booking_service.search_slots(ctx, clinician_id=mine, limit=1)[0]
    made = booking_service.book(ctx, clinician_id=mine, start=slot.start, duration=30, consent=True, patient="SW-7")
    app = app_for("clin.gaspesie", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(BookingDetailsDialog(made.id))
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog)
        assert static_text(pilot, "#details-status") == "not permitted for your role"
    booking_service.cancel(ctx, made.id, reason="patient away")
    app = app_for("recep.gaspesie", lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(BookingDetailsDialog(made.id))
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog)
        assert "annulé" in static_text(pilot, "#details-status")
    assert booking_service.get_booking(ctx, made.id).mode == m.Mode.VIDEO


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_snapshot_switch_dialog(snap_compare, app_for, context_for, lang):
    """80x24: the switch dialog over a phone visit's details (no private link: the picture stays the same)."""
    made = _book(context_for("recep.gaspesie"), "phone", "SNAP-SW")

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(BookingDetailsDialog(made.id))
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)

    assert snap_compare(app_for("recep.gaspesie", lang=lang), terminal_size=SIZE, run_before=run_before)
