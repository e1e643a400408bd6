"""The app as a whole: language, keys, help, palette, hostile text, live refresh between two apps."""

from __future__ import annotations

import engines
import pytest

from textual.command import CommandPalette
from textual.containers import VerticalScroll
from textual.widgets import Button, Input, Select

from telecoop import i18n
from telecoop.services import booking as booking_service
from telecoop.services import teleconsult as teleconsult_service
from telecoop.tui.dialogs.booking_details import BookingDetailsDialog
from telecoop.tui.dialogs.booking_form import BookingDialog
from telecoop.tui.dialogs.help import HelpDialog
from telecoop.tui.screens.agenda import AgendaScreen
from telecoop.tui.screens.find import FindScreen
from tui_helpers import screen_text, settle, static_text, table_rows

SIZE = (80, 24)
HOSTILE = "[b]Bold[/b] [@click=app.quit]x[/] \x1b[31mred\x07"
SHOWN = "[b]Bold[/b] [@click=app.quit]x[/] ?[31mred?"


async def test_f9_switches_every_visible_label_between_french_and_english(app_for):
    app = app_for("recep.gaspesie", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(pilot)
        for english in ("Find a slot", "receptionist", "Any specialty", "With room", "Day", "Clinician",
                        "F2 Find", "F4 Bookings", "F9 Français", "free slots", "Monday, December 7"):
            assert english in text, english

        # From inside an input too: function keys are never typed into it.
        app.screen.query_one("#from-date", Input).focus()
        await pilot.press("f9")
        await settle(pilot)
        assert i18n.get_lang() == "fr"
        text = screen_text(pilot)
        for french in ("Trouver un créneau", "réceptionniste", "Toutes spécialités", "Avec salle", "Jour",
                       "Clinicien", "F2 Trouver", "F4 Rendez-vous", "F9 English", "créneaux libres",
                       "lundi 7 décembre"):
            assert french in text, french
        assert app.screen.query_one("#from-date", Input).value == "2026-12-07"

        # The other modes, built before the switch or after, speak French as well.
        await pilot.press("f4")
        await settle(pilot)
        assert "Rendez-vous" in screen_text(pilot) and "Statut" in screen_text(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert "Status" in screen_text(pilot) and "Upcoming" in screen_text(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "Any specialty" in screen_text(pilot)


async def test_mode_keys_work_while_an_input_has_focus(app_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#from-date", Input).focus()
        await pilot.press("f3")
        await settle(pilot)
        assert app.current_mode == "agenda" and isinstance(app.screen, AgendaScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, FindScreen)
        assert app.screen.query_one("#from-date", Input).value == "2026-12-07", "F-keys typed nothing"


async def test_question_mark_lists_the_keys_of_the_screen(app_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpDialog)
        text = screen_text(pilot)
        for line in ("Cancel the booking (reason required)", "Move the booking", "Check the patient in",
                     "Go to 'Find a slot'", "Switch to French", "F1 ?"):
            assert line in text, line
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f1")  # F1 works even in an input
        await settle(pilot)
        assert isinstance(app.screen, HelpDialog)
        await pilot.press("f1")
        await settle(pilot)
        assert not isinstance(app.screen, HelpDialog)


async def test_command_palette_reaches_modes_and_actions_in_the_users_language(app_for):
    app = app_for("recep.gaspesie", lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert CommandPalette.is_open(app)
        await pilot.press(*"agenda")
        await settle(pilot)
        assert "Aller à l'agenda" in screen_text(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "agenda"

        # The screen's own actions too: "Vue jour ou semaine" is the agenda's "v".
        await pilot.press("ctrl+p", *"vue jour")
        await settle(pilot)
        assert "Vue jour ou semaine" in screen_text(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AgendaScreen)
        assert app.screen.week


async def test_a_resource_named_with_markup_and_escapes_is_shown_literally(app_for, demo_db):
    # The import refuses control characters, so write the name the way a bad tool would.
    conn = engines.Direct(demo_db)
    conn.execute("UPDATE resource SET name = ? WHERE id = 8", (HOSTILE,))
    conn.commit()
    conn.close()
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#specialty", Select).value = "psychology"
        screen.query_one("#coop", Select).value = "iles"
        await settle(pilot)
        assert table_rows(pilot, "#slots")[0][2] == SHOWN
        assert SHOWN in static_text(pilot, "#slot-detail")
        text = screen_text(pilot)
        assert "[b]Bold[/b] [@click=app.qu" in text  # the table cell, literal (maybe cropped)
        assert "\x1b" not in text and "\x07" not in text

        # Clicking the name runs nothing: the app is still here.
        await pilot.click("#slots", offset=(30, 1))
        await settle(pilot)
        assert app.is_running
        if not isinstance(app.screen, BookingDialog):
            await pilot.press("enter")
            await settle(pilot)
        assert isinstance(app.screen, BookingDialog)
        assert SHOWN in screen_text(pilot)
        await pilot.press("escape")

        await pilot.press("f3")
        await settle(pilot)
        agenda = app.screen
        options = [label.plain for label, _ in agenda.query_one("#subject", Select)._options]
        assert any(option.startswith(SHOWN) for option in options)
        agenda.query_one("#subject", Select).value = "r8"
        await pilot.press("v")
        await settle(pilot)
        text = screen_text(pilot)
        assert "[b]Bold[/b] [@click=app.quit]x[/]" in text.splitlines()[1]  # the subject chosen
        assert agenda.bookings and SHOWN in static_text(pilot, "#agenda-detail")
        assert "\x1b" not in text and "\x07" not in text


async def test_two_apps_on_one_database_the_other_stops_offering_a_booked_slot(app_for, demo_db):
    gaspesie = app_for("recep.gaspesie")
    iles = app_for("recep.iles")
    async with gaspesie.run_test(size=SIZE) as pilot_g, iles.run_test(size=SIZE) as pilot_i:
        for pilot in (pilot_g, pilot_i):
            await settle(pilot)
            pilot.app.screen.query_one("#specialty", Select).value = "psychology"
            pilot.app.screen.query_one("#coop", Select).value = "iles"
            await settle(pilot)
        slot = gaspesie.screen._slots[0]
        key = (slot.clinician_id, slot.start)
        assert key in [(s.clinician_id, s.start) for s in iles.screen._slots]

        # The Îles app has not looked since: nothing changed for it, nothing is redrawn.
        iles.check_for_changes()
        await settle(pilot_i)
        assert key in [(s.clinician_id, s.start) for s in iles.screen._slots]

        await pilot_g.press("enter")
        await settle(pilot_g)
        gaspesie.screen.query_one("#consent").value = True  # issue 14: the patient consented
        await pilot_g.press(*"GB-77", "enter")
        await settle(pilot_g)
        await pilot_g.press("escape")  # closes the new booking's details
        await settle(pilot_g)
        assert key not in [(s.clinician_id, s.start) for s in gaspesie.screen._slots]

        # Its next poll (every 1.5 s) notices the commit and searches again.
        iles.check_for_changes()
        await settle(pilot_i)
        assert key not in [(s.clinician_id, s.start) for s in iles.screen._slots]


async def test_service_errors_are_shown_not_raised(app_for, context_for, demo_db):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        booking = next(b for b in screen.bookings if b.status == "booked")
        screen.table().move_cursor(row=screen.bookings.index(booking))
        # Someone else cancels it while the screen still shows it as booked.
        booking_service.cancel(context_for("recep2.gaspesie"), booking.id, reason="doublon")
        await pilot.press("i", "enter")
        await settle(pilot)
        assert app.is_running
        # issue 10: the dialog knew the booking as it was; the change is refused as stale.
        assert any(f"booking {booking.id} was changed by someone else" in n.message for n in app._notifications)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_a_bookings_details_show_every_button_whole_at_60_columns(app_for, lang):
    """At 60x20 the details' three buttons fit inside the dialog (the last one was cut: "Ferme")."""
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen.query_one("#dialog")
        buttons = list(app.screen.query(".buttons Button").results(Button))
        assert len(buttons) == 3
        for button in buttons:
            assert button.region.right <= dialog.content_region.right, str(button.label)
        assert str(buttons[-1].label) in screen_text(pilot)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_a_long_bookings_details_scroll_at_60x20_and_keep_buttons_and_keys(app_for, context_for, lang):
    """A video visit with its link and four history lines is taller than 20 rows: the details
    scroll (PgDn/PgUp) while the title, the buttons and the key hint stay on the screen."""
    ctx = context_for("recep.gaspesie")
    booking = next(b for b in booking_service.list_bookings(ctx, own_coop_only=True) if b.status == "booked")
    for mode in ("phone", "video", "phone", "video"):
        teleconsult_service.switch_mode(ctx, booking.id, mode, consent=True)
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        app.push_screen(BookingDetailsDialog(booking.id))
        await settle(pilot)
        await pilot.pause()
        scroll = app.screen.query_one("#details-scroll", VerticalScroll)
        assert scroll.max_scroll_y > 0, "the details are taller than the room left for them"
        dialog = app.screen.query_one("#dialog")
        for selector in ("#dialog-title", "#details-close", "#dialog-hint"):
            region = app.screen.query_one(selector).region
            assert region.height >= 1 and dialog.region.contains_region(region), selector
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0
        await pilot.press("pageup")
        await pilot.pause()
        assert scroll.scroll_y == 0


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_ticking_consent_with_space_then_enter_books_as_the_key_line_says(app_for, lang):
    """The form's key line says "Enter: book". A receptionist ticks consent (Space) and presses Enter
    on the tick box: the visit is booked with the consent (Textual's checkbox used to untick it on
    Enter, and nothing was booked)."""
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BookingDialog)
        await pilot.press(*"CS-12", "tab")
        assert app.focused is form.query_one("#consent")
        await pilot.press("space")
        assert form.query_one("#consent").value is True
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog) and app.screen.just_booked
        booked = booking_service.get_booking(app.ctx, app.screen.booking_id)
        assert (booked.patient, booked.consent_by) == ("CS-12", "recep.gaspesie")
