"""issue 14: series in the app: move an occurrence in the preview; cancel or move "this one" or
"this and later" from the bookings list (Pilot, French and English)."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Button, Input

from colour_check import cells, coloured_cells, same_colour_cells
from telecoop.domain import model as m
from telecoop.domain.timeutil import local
from telecoop.services import booking as booking_service
from telecoop.services import series as series_service
from telecoop.tui.dialogs.booking_details import BookingDetailsDialog
from telecoop.tui.dialogs.cancel import CancelDialog
from telecoop.tui.dialogs.occurrence_time import OccurrenceTimeDialog
from telecoop.tui.dialogs.series_preview import SeriesPreviewDialog
from telecoop.tui.dialogs.series_scope import SeriesScopeDialog
from telecoop.tui.screens.bookings import BookingsScreen
from test_series_preview import _open_preview
from tui_helpers import screen_text, settle, static_text, table_rows

SIZE = (80, 24)
PSYCHOLOGIST_ILES = 8  # Tuesdays and Thursdays 08:30-12:00, 13:00-16:30, Halifax time; free in January 2027
HALIFAX = "America/Halifax"
WORDS = {
    "fr": {"bad_date": "Date : « 2027-02-30 » n'est pas une date AAAA-MM-JJ (ex. 2027-01-18).",
           "bad_time": "Heure : « 25:00 » n'est pas une heure HH:MM (ex. 14:30).",
           "gap": "n'existe pas", "free_moved": "libre · déplacée", "taken": "déjà pris",
           "move_title": "Déplacer l'occurrence 2", "later_title": "Déplacer l'occurrence 2 et les suivantes",
           "cancelled": "Série n° {s} : 3 rendez-vous annulés.", "moved": "Série n° {s} : 1 rendez-vous déplacé.",
           "nothing": "Rien n'a été déplacé : occurrence 4 — "},
    "en": {"bad_date": "Date: '2027-02-30' is not a YYYY-MM-DD date (e.g. 2027-01-18).",
           "bad_time": "Time: '25:00' is not an HH:MM time (e.g. 14:30).",
           "gap": "does not exist", "free_moved": "free · moved", "taken": "already taken",
           "move_title": "Move occurrence 2", "later_title": "Move occurrence 2 and the later ones",
           "cancelled": "Series #{s}: 3 bookings cancelled.", "moved": "Series #{s}: 1 booking moved.",
           "nothing": "Nothing was moved: occurrence 4 — "},
}


async def _type(pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_time_dialog_refuses_bad_dates_times_and_a_dst_gap_in_one_clear_line(app_for, lang):
    """The CLI's rule (parse_instant in the clinician's zone): 2027-03-14 02:30 does not exist in Toronto."""
    words = WORDS[lang]
    app = app_for("recep.gaspesie", lang=lang)
    got: list[bool | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = OccurrenceTimeDialog(2, dt.datetime(2027, 3, 7, 2, 30), "America/Toronto")
        app.push_screen(dialog, got.append)
        await settle(pilot)
        assert app.focused is dialog.query_one("#occ-date"), "keyboard first: the date has the focus"
        assert static_text(pilot, "#dialog-title") == words["move_title"]
        for field, value, error in (("#occ-date", "2027-02-30", "bad_date"), ("#occ-time", "25:00", "bad_time")):
            await _type(pilot, field, value)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog and static_text(pilot, "#form-error") == words[error]
            assert app.focused is dialog.query_one(field), "the wrong field gets the focus back"
            await _type(pilot, field, "2027-03-14" if field == "#occ-date" else "02:30")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and words["gap"] in static_text(pilot, "#form-error")
        await _type(pilot, "#occ-time", "3:30")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not dialog
    assert got == [True] and dialog.chosen == "2027-03-14 03:30"


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_preview_moves_a_taken_occurrence_checks_it_again_then_books_it_moved(app_for, context_for, lang):
    words = WORDS[lang]
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        preview = await _open_preview(pilot, f"MOV-{lang}")
        slot = preview.request.slot
        occs = preview.occurrences
        # Someone takes occurrence 2 meanwhile; a free slot of the same clinician elsewhere is the target.
        if not occs[1].problem:
            booking_service.book(context_for("recep.iles"), clinician_id=slot.clinician_id, start=occs[1].start,
                                 duration=30, consent=True, patient="ZZ-2")
        starts = {o.start for o in occs}
        target = next(s for s in booking_service.search_slots(context_for("recep.gaspesie"),
                                                              clinician_id=slot.clinician_id, limit=60)
                      if all(abs((s.start - x).total_seconds()) >= 3600 for x in starts if x))
        preview.query_one("#occurrences").move_cursor(row=1)
        await settle(pilot)
        # Its own (taken) time as typed: not a move, still taken; nothing is written.
        await pilot.press("m")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OccurrenceTimeDialog) and static_text(pilot, "#dialog-title") == words["move_title"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is preview and table_rows(pilot, "#occurrences")[1][3] == words["taken"]
        assert not preview.moves
        # Then to a free time: checked again, free, and booked there.
        await pilot.press("m")
        await settle(pilot)
        wall = local(target.start, slot.tz)
        await _type(pilot, "#occ-date", wall.strftime("%Y-%m-%d"))
        await _type(pilot, "#occ-time", wall.strftime("%H:%M"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is preview
        rows = table_rows(pilot, "#occurrences")
        assert rows[1][3] == words["free_moved"], rows
        assert preview.occurrences[1].start == target.start
        # Moved back to the repeat's own time, then to the free one again: only the last choice counts.
        await pilot.press("m")
        await settle(pilot)
        await _type(pilot, "#occ-date", local(occs[1].start, slot.tz).strftime("%Y-%m-%d"))
        await _type(pilot, "#occ-time", local(occs[1].start, slot.tz).strftime("%H:%M"))
        await pilot.press("enter")
        await settle(pilot)
        assert not preview.moves and table_rows(pilot, "#occurrences")[1][3] == words["taken"]
        await pilot.press("m")
        await settle(pilot)
        await _type(pilot, "#occ-date", wall.strftime("%Y-%m-%d"))
        await _type(pilot, "#occ-time", wall.strftime("%H:%M"))
        await pilot.press("enter")
        await settle(pilot)
        rows = table_rows(pilot, "#occurrences")
        assert rows[1][3] == words["free_moved"]
        for i, row in enumerate(rows):  # anything else flagged by the demo's own bookings: skipped
            if row[3] not in (words["free_moved"],) and preview.occurrences[i].problem:
                preview.query_one("#occurrences").move_cursor(row=i)
                await pilot.press("space")
                await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog)
    made = booking_service.list_bookings(context_for("recep.gaspesie"), own_coop_only=True, patient=f"MOV-{lang}")
    second = next(b for b in made if b.series_index == 2)
    assert second.start == target.start


def _series(context_for, patient: str, count: int = 4) -> tuple[int, list[m.Booking]]:
    return series_service.book_series(context_for("recep.gaspesie"), clinician_id=PSYCHOLOGIST_ILES,
                                      start="2027-01-12T10:00", duration=30, repeat="weekly", count=count,
                                      patient=patient, consent=True)


async def _highlight(pilot, patient: str, index: int) -> BookingsScreen:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BookingsScreen)
    row = next(i for i, b in enumerate(screen.bookings) if b.patient == patient and b.series_index == index)
    screen.table().move_cursor(row=row)
    await settle(pilot)
    return screen


def _hours(context_for, series_id: int) -> list[tuple[int, str, int]]:
    items = series_service.series_bookings(context_for("recep.gaspesie"), series_id)
    return [(b.series_index or 0, b.status.value, local(b.start, HALIFAX).hour) for b in items]


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_cancel_this_and_later_then_the_first_alone_moves_and_the_cancelled_stay(app_for, context_for, lang):
    words = WORDS[lang]
    series_id, made = _series(context_for, f"CAN-{lang}")
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _highlight(pilot, f"CAN-{lang}", 2)
        assert f"{series_id}" in static_text(pilot, "#booking-detail")  # the detail line names the series
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, SeriesScopeDialog)
        assert app.focused is app.screen.query_one("#scope-one", Button)
        await pilot.press("right", "enter")  # this and later
        await settle(pilot)
        assert isinstance(app.screen, CancelDialog)
        await pilot.press(*"Fin du suivi", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert any(words["cancelled"].format(s=series_id) == n.message for n in app._notifications)
        # The first is now the only one booked: no question, straight to its new time.
        screen.table().move_cursor(row=next(i for i, b in enumerate(screen.bookings) if b.id == made[0].id))
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, OccurrenceTimeDialog) and not app.screen.later
        await _type(pilot, "#occ-time", "11:00")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert any(words["moved"].format(s=series_id) == n.message for n in app._notifications)
    assert _hours(context_for, series_id) == [(1, "booked", 11), (2, "cancelled", 10), (3, "cancelled", 10),
                                              (4, "cancelled", 10)]
    actions = [e.action for e in booking_service.booking_details(context_for("recep.gaspesie"), made[2].id).history]
    assert actions == ["booking.book", "booking.cancel"], "audited as the CLI is"


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_move_this_and_later_says_which_cannot_move_then_moves_them_all(app_for, context_for, lang):
    words = WORDS[lang]
    series_id, made = _series(context_for, f"MVL-{lang}")
    booking_service.book(context_for("recep.iles"), clinician_id=PSYCHOLOGIST_ILES, start="2027-02-02T11:00",
                         duration=30, consent=True, patient="ZZ-4")  # occurrence 4's time + 1 h
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _highlight(pilot, f"MVL-{lang}", 2)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, SeriesScopeDialog)
        await pilot.press("right", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OccurrenceTimeDialog) and static_text(pilot, "#dialog-title") == words["later_title"]
        assert dialog.query_one("#occ-date", Input).value == "2027-01-19"
        assert dialog.query_one("#occ-time", Input).value == "10:00"
        await _type(pilot, "#occ-time", "11:00")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and static_text(pilot, "#form-error").startswith(words["nothing"])
        assert _hours(context_for, series_id) == [(i, "booked", 10) for i in (1, 2, 3, 4)], "nothing moved"
        await _type(pilot, "#occ-time", "09:00")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
    items = series_service.series_bookings(context_for("recep.gaspesie"), series_id)
    assert [local(b.start, HALIFAX).strftime("%H:%M") for b in items] == ["10:00", "09:00", "09:00", "09:00"]
    assert [e.action for e in booking_service.booking_details(context_for("recep.gaspesie"), made[3].id).history] \
        == ["booking.book", "booking.reschedule"]


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_details_of_an_occurrence_name_its_series_as_the_list_does(app_for, context_for, lang):
    """Enter on an occurrence: the details say the series and occurrence; a one-off booking and a partner's
    masked view of the occurrence say none."""
    series_id, made = _series(context_for, f"DET-{lang}")
    line = {"fr": "Série n° {s} : occurrence 3", "en": "Series #{s}: occurrence 3"}[lang].format(s=series_id)
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await _highlight(pilot, f"DET-{lang}", 3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog) and app.screen.booking_id == made[2].id
        assert line in static_text(pilot, "#details-body").splitlines()
        await pilot.press("escape")
        await settle(pilot)
        one_off = next(b for b in booking_service.list_bookings(context_for("recep.gaspesie"), own_coop_only=True)
                       if b.series_id is None)
        app.push_screen(BookingDetailsDialog(one_off.id))
        await settle(pilot)
        assert line.split(str(series_id))[0] not in static_text(pilot, "#details-body")
    partner = app_for("recep.iles", lang=lang)
    async with partner.run_test(size=SIZE) as pilot:
        await settle(pilot)
        partner.push_screen(BookingDetailsDialog(made[2].id))
        await settle(pilot)
        body = static_text(pilot, "#details-body")
        assert body and line.split(str(series_id))[0] not in body, "the partner sees a busy slot, not the series"


async def test_series_dialogs_readable_with_no_color_and_the_focus_visible(app_for, context_for, monkeypatch):
    """NO_COLOR: no colour at all, nothing drawn in its background's colour, the focused field/button reversed."""
    monkeypatch.setenv("NO_COLOR", "1")
    _series(context_for, "NOC-1", count=2)
    app = app_for("recep.gaspesie", lang="fr")
    for size in ((80, 24), (60, 20)):
        async with app.run_test(size=size) as pilot:
            await _highlight(pilot, "NOC-1", 1)
            await pilot.press("r")
            await settle(pilot)
            for stop in ("scope", "time"):
                grid = cells(app, None)
                assert not coloured_cells(grid) and not same_colour_cells(grid), stop
                focused = app.focused
                assert focused is not None and isinstance(focused, Button if stop == "scope" else Input)
                region = focused.region
                assert any(grid[region.y][x].reverse for x in range(region.x, region.right)), f"{stop}: focus unseen"
                text = screen_text(pilot)
                assert ("Celui-ci et les suivants" if stop == "scope" else "Heure (HH:MM)") in text, text
                await pilot.press("enter")
                await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        app = app_for("recep.gaspesie", lang="fr")


def _run_to(*keys: str):
    async def run_before(pilot) -> None:
        await _highlight(pilot, "SNAP-1", 2)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("stop", ["scope", "time"])
def test_snapshot_move_this_and_later(snap_compare, app_for, context_for, lang, stop):
    """80x24: "this one / this and later", then the new date and time with what happens to the later ones."""
    _series(context_for, "SNAP-1")
    keys = ("r",) if stop == "scope" else ("r", "right", "enter")
    assert snap_compare(app_for("recep.gaspesie", lang=lang), terminal_size=SIZE, run_before=_run_to(*keys))


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_a_series_with_an_interpreter_from_find_a_slot(app_for, context_for, lang):
    """Item 3: a slot that comes with an interpreter books a series with her at every occurrence."""
    from textual.widgets import Select

    from telecoop.services import admin
    from telecoop.tui.dialogs.booking_form import BookingDialog

    adm = context_for("admin.gaspesie")
    ana = admin.save_resource(adm, kind="interpreter", name="Ana Interprète", languages="es fr en", sharing="all")
    for day in ("mon", "tue", "wed", "thu", "fri"):
        admin.add_hours(adm, ana.id, weekday=day, start="07:00", end="20:00")
    app = app_for("recep.gaspesie", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#specialty", Select).value = "psychology"
        screen.query_one("#language", Select).value = "es"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BookingDialog) and form.slot.interpreter_id == ana.id
        form.query_one("#patient", Input).value = f"ES-S-{lang}"
        form.query_one("#consent").value = True
        form.query_one("#repeat", Select).value = "weekly"
        form.query_one("#count", Input).value = "2"
        form.query_one("#patient", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, SeriesPreviewDialog), static_text(pilot, "#form-error")
        for i, o in enumerate(preview.occurrences):  # the demo's own bookings: skip what is flagged
            if o.problem:
                preview.query_one("#occurrences").move_cursor(row=i)
                await pilot.press("space")
                await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BookingDetailsDialog)
    made = booking_service.list_bookings(context_for("recep.gaspesie"), own_coop_only=True, patient=f"ES-S-{lang}")
    assert made and all(b.interpreter_id == ana.id and b.series_id is not None for b in made)
