"""Every mode readable with NO_COLOR, in 16 and in 256 colours, at 80x24 and 60x20: no
glyph in its own background's colour, and the highlighted row of every table, list and
dropdown visible.

16 and 256 colours are one app (only the terminal's downgrade differs), so one walk
checks both at each stop; NO_COLOR changes the app's line filter, so it walks alone.

The cells are read from the composed screen (Textual's line filters applied) and
their colours downgraded as Rich does for the colour system (``colour_check.py``).
"""

from __future__ import annotations

import pytest
from rich.color import ColorSystem
from textual.widgets import DataTable, OptionList, Select
from textual.widgets._select import SelectOverlay

from colour_check import cells, coloured_cells, row_marked, same_colour_cells
from tui_helpers import settle

SIZES = {"80x24": (80, 24), "60x20": (60, 20)}
SEEN: list[str] = []
SYSTEMS = {"no_color": None, "16": ColorSystem.STANDARD, "256": ColorSystem.EIGHT_BIT}
WALKS = {"no_color": ("no_color",), "colour": ("16", "256")}
"""One walk per app: NO_COLOR alone; 16 and 256 colours checked at every stop of one walk."""


def _cursor_line(widget) -> tuple[int, int] | None:
    """(screen line of the cursor row, screen line of another visible row) of a table or list."""
    region = widget.content_region
    if isinstance(widget, DataTable):
        if widget.row_count < 2 or not widget.show_cursor:
            return None
        top = region.y + (widget.header_height if widget.show_header else 0)
        y = top + widget.cursor_row - int(widget.scroll_y)
        count = widget.row_count
    else:
        if widget.option_count < 2 or widget.highlighted is None:
            return None
        top = region.y
        widget._update_lines()
        # An option may wrap onto several lines: find its first one.
        lines = [i for i, (index, _) in enumerate(widget._lines) if index == widget.highlighted]
        y = top + lines[0] - int(widget.scroll_y)
        count = len(widget._lines)
        others = [top + i - int(widget.scroll_y) for i in range(count) if i not in lines]
        others = [r for r in others if top <= r < region.bottom]
        return (y, others[0]) if others and top <= y < region.bottom else None
    rows = [top + i - int(widget.scroll_y) for i in range(count)]
    visible = [r for r in rows if top <= r < region.bottom]
    others = [r for r in visible if r != y]
    if not (top <= y < region.bottom) or not others:
        return None
    return y, others[0]


def _check(app, walk, where: str, only=None) -> int:
    """Assert the screen is readable in each colour system of ``walk``; returns how many
    cursors were checked (counted once per screen, whatever the number of systems)."""
    checked = 0
    for system in WALKS[walk]:
        checked = _check_system(app, system, f"{where} [{system}]", only)
    return checked


def _check_system(app, system, where: str, only=None) -> int:
    grid = cells(app, SYSTEMS[system])
    assert not same_colour_cells(grid), f"{where}: glyphs in their background's colour: {same_colour_cells(grid)[:5]}"
    if system == "no_color":
        assert not coloured_cells(grid), f"{where}: colours despite NO_COLOR: {coloured_cells(grid)[:5]}"
    checked = 0
    for widget in only or [*app.screen.query(DataTable), *app.screen.query(OptionList)]:
        if not widget.display or not widget.region.area or (isinstance(widget, SelectOverlay) and not widget.parent.expanded):
            continue
        lines = _cursor_line(widget)
        if lines is None:
            continue
        y, other = lines
        region = widget.content_region
        x1 = region.right - (widget.scrollbar_size_vertical if widget.show_vertical_scrollbar else 0)
        share = row_marked(grid, y, other, region.x, x1)
        assert share >= 0.9, f"{where}: the cursor row of {widget!r} is not visible ({share:.0%} of it differs)"
        checked += 1
        SEEN.append(f"{where}: {type(widget).__name__}#{widget.id or widget.parent.id}")  # says what was seen on failure
    return checked


async def _every_select(pilot, walk, where: str) -> int:
    """Open each visible dropdown in turn, move its cursor, check it, close it."""
    app = pilot.app
    checked = 0
    for select in list(app.screen.query(Select)):
        if not select.display or not select.region.area:
            continue
        select.focus()
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert select.expanded
        await pilot.press("down")
        await settle(pilot)
        checked += _check(app, walk, f"{where} #{select.id} open", only=[select.query_one(SelectOverlay)])
        await pilot.press("escape")
        await settle(pilot)
    return checked


@pytest.fixture
def colour_app(app_for, monkeypatch):
    def make(walk: str, login: str):
        if walk == "no_color":
            monkeypatch.setenv("NO_COLOR", "1")
        else:
            monkeypatch.delenv("NO_COLOR", raising=False)
        return app_for(login)

    return make


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("walk", WALKS)
async def test_every_mode_readable_with_a_visible_cursor(colour_app, walk, size):
    app = colour_app(walk, "fed.admin")
    seen_before = len(SEEN)
    async with app.run_test(size=SIZES[size]) as pilot:
        await settle(pilot)
        cursors = 0
        for key, mode in (("f2", "find"), ("f3", "agenda"), ("f4", "bookings"), ("f5", "admin"), ("f6", "reports"),
                          ("f7", "waitlist")):  # issue 13: the demo's waiting patients give its table a cursor
            await pilot.press(key)
            await settle(pilot)
            assert app.current_mode == mode
            cursors += _check(app, walk, mode)
            cursors += await _every_select(pilot, walk, mode)
        # Admin: each section, and the form that adds to it (the staff form's
        # clinician dropdown is where a wrong pick hurts).
        await pilot.press("f5")
        await settle(pilot)
        admin = app.screen
        for section in ("resources", "closures", "staff", "coops"):
            admin.query_one(f"#{section}", DataTable).focus()
            admin._go_to(section)
            await settle(pilot)
            cursors += _check(app, walk, f"admin {section}")
            await pilot.press("n")
            await settle(pilot)
            assert app.screen is not admin
            cursors += _check(app, walk, f"admin {section} form")
            cursors += await _every_select(pilot, walk, f"admin {section} form")
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is admin
        admin._go_to("resources")
        await settle(pilot)
        for key in ("h", "c"):  # hours and closures of a resource
            await pilot.press(key)
            await settle(pilot)
            cursors += _check(app, walk, f"admin {key}")
            cursors += await _every_select(pilot, walk, f"admin {key}")
            await pilot.press("escape")
            await settle(pilot)
        # The booking form, from the first free slot of Find.
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#slots", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "BookingDialog"
        cursors += _check(app, walk, "booking form")
        cursors += await _every_select(pilot, walk, "booking form")
        await pilot.press("escape")
        await settle(pilot)
        # issue 14: the modality switch (mode, where the patient is, room), over one of the co-op's visits.
        from telecoop.domain import model as m
        from telecoop.services import booking as booking_service
        from telecoop.tui.dialogs.mode_switch import ModeSwitchDialog

        visit = next(b for b in booking_service.list_bookings(app.ctx, own_coop_only=True)
                     if b.status == m.BookingStatus.BOOKED and b.room_id is None)
        app.push_screen(ModeSwitchDialog(visit))
        await settle(pilot)
        app.screen.query_one("#sw-mode", Select).value = "in-person"  # the room choice opens too
        await settle(pilot)
        cursors += _check(app, walk, "switch dialog")
        cursors += await _every_select(pilot, walk, "switch dialog")
        # Tables, lists and every dropdown opened: a cursor was seen in each.
        # 11 tables and lists, 21 dropdowns: a visible cursor was seen in each.
        assert cursors >= 32, SEEN  # issue 13: and the Waitlist entries (F7); issue 14: the switch
        assert any(s.startswith("waitlist [") and "#entries" in s for s in SEEN[seen_before:]), SEEN
        assert {f"switch dialog #{i} open" for i in ("sw-mode", "sw-location", "sw-room")} <= {
            s.split(" [")[0] for s in SEEN[seen_before:]}, SEEN
