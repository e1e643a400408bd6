"""issue 14: the follow-up series preview, in French and in English (Pilot)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from telecoop.services import booking as booking_service
from telecoop.tui.dialogs.booking_details import BookingDetailsDialog
from telecoop.tui.dialogs.booking_form import BookingDialog
from telecoop.tui.dialogs.series_preview import SeriesPreviewDialog
from telecoop.tui.screens.find import FindScreen
from tui_helpers import settle, static_text, table_rows

SIZE = (80, 24)
WORDS = {
    "fr": {"title": "Aperçu de la série : 3 rendez-vous", "free": "libre", "skipped": "sautée", "taken": "déjà pris",
           "keys": "Entrée : tout réserver"},
    "en": {"title": "Series preview: 3 visits", "free": "free", "skipped": "skipped", "taken": "already taken",
           "keys": "Enter: book them all"},
}


async def _open_preview(pilot, patient: str) -> SeriesPreviewDialog:
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, FindScreen)
    screen.query_one("#specialty", Select).value = "psychology"
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, BookingDialog)
    form.query_one("#patient", Input).value = patient
    form.query_one("#consent").value = True
    form.query_one("#repeat", Select).value = "weekly"
    form.query_one("#count", Input).value = "3"
    form.query_one("#patient", Input).focus()
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, SeriesPreviewDialog), static_text(pilot, "#form-error")
    return app.screen


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_series_preview_flags_a_conflict_skips_it_then_books_the_rest(app_for, context_for, lang):
    words = WORDS[lang]
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await _open_preview(pilot, "SER-1")
        rows = table_rows(pilot, "#occurrences")
        assert [r[0] for r in rows] == ["1", "2", "3"] and rows[0][3] == words["free"], rows
        assert static_text(pilot, "#dialog-title") == words["title"]
        # Someone else takes a free later occurrence meanwhile: Enter shows it flagged, writes nothing.
        k = next(i for i, r in enumerate(rows) if i > 0 and r[3] == words["free"])
        booking_service.book(context_for("recep.iles"), clinician_id=dialog.request.slot.clinician_id,
                             start=dialog.occurrences[k].start, duration=30, consent=True, patient="ZZ-1")
        if all(r[3] == words["free"] for r in rows):
            assert static_text(pilot, "#dialog-hint").startswith(words["keys"])
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        rows = table_rows(pilot, "#occurrences")
        assert rows[k][3] == words["taken"]
        assert not static_text(pilot, "#dialog-hint").startswith(words["keys"])  # says how many conflicts
        for i, row in enumerate(rows):  # skip every flagged one
            if row[3] != words["free"]:
                dialog.query_one("#occurrences").move_cursor(row=i)
                await pilot.press("space")
                await settle(pilot)
                assert table_rows(pilot, "#occurrences")[i][3] == words["skipped"]
        kept = {i + 1 for i, r in enumerate(rows) if r[3] == words["free"]}
        assert static_text(pilot, "#dialog-hint").startswith(words["keys"])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog)
    mine = [b for b in booking_service.list_bookings(context_for("recep.gaspesie"), own_coop_only=True,
                                                     patient="SER-1")]
    assert len({b.series_id for b in mine}) == 1 and {b.series_index for b in mine} == kept


async def test_going_back_from_the_preview_books_nothing(app_for, context_for):
    app = app_for("recep.gaspesie", lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_preview(pilot, "SER-2")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BookingDialog)
    assert not booking_service.list_bookings(context_for("recep.gaspesie"), own_coop_only=True, patient="SER-2")


async def test_the_details_switch_a_visit_to_in_person_and_renew_its_link(app_for, context_for):
    """issue 14: in the app, the booking's details: p (the patient comes in person), k (a new link)."""
    from telecoop.tui.dialogs.booking_details import BookingDetailsDialog as Details

    ctx = context_for("recep.gaspesie")
    slot = booking_service.search_slots(ctx, specialty="psychology", limit=1)[0]
    made = booking_service.book(ctx, clinician_id=slot.clinician_id, start=slot.start, duration=30, consent=True,
                                patient="DET-1")
    app = app_for("recep.gaspesie", lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(Details(made.id))
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert static_text(pilot, "#details-status") == "Nouveau lien privé créé."
        renewed = booking_service.get_booking(ctx, made.id).video_link
        assert renewed != made.video_link and renewed in static_text(pilot, "#details-body")
        await pilot.press("p")
        await settle(pilot)
        assert static_text(pilot, "#details-status") == "Passé en personne (même rendez-vous)."
    after = booking_service.get_booking(ctx, made.id)
    assert after.id == made.id and after.mode.value == "in-person" and after.video_link is None


async def test_find_a_slot_with_an_interpreter_for_a_spanish_speaking_patient(app_for, context_for):
    """issue 14: a language the clinicians lack, in the app: the slot comes with an interpreter, booked together."""
    from telecoop.services import admin

    adm = context_for("admin.gaspesie")
    ana = admin.save_resource(adm, kind="interpreter", name="Ana Interprète", languages="es fr en", sharing="all")
    for day in ("mon", "tue", "wed", "thu", "fri"):
        admin.add_hours(adm, ana.id, weekday=day, start="07:00", end="20:00")
    app = app_for("recep.gaspesie", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#specialty", Select).value = "psychology"
        screen.query_one("#language", Select).value = "es"
        await settle(pilot)
        assert screen._slots and all(s.interpreter_id == ana.id for s in screen._slots)
        assert "Interpreter: Ana Interprète" in static_text(pilot, "#slot-detail")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BookingDialog) and "Interpreter: Ana Interprète" in static_text(pilot, "#slot-summary")
        form.query_one("#consent").value = True
        await pilot.press(*"ES-77", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog)
    made = booking_service.list_bookings(context_for("recep.gaspesie"), own_coop_only=True, patient="ES-77")
    assert len(made) == 1 and made[0].interpreter_id == ana.id
