"""issue 13: the booking form keeps its slot while open, says until when, and gives it back on close."""

from __future__ import annotations

import datetime as dt

import engines
import pytest

from telecoop import i18n
from telecoop.services import booking as booking_service
from telecoop.services.context import open_context
from telecoop.tui.app import TeleCoopApp
from telecoop.tui.dialogs.booking_form import BookingDialog
from tui_helpers import screen_text, settle, static_text

from test_tui_find import find_psychologists

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.timezone.utc)  # 07:00 in Gaspésie
SIZE = (80, 24)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def open_app(demo_db):
    made = []

    def make(login="recep.gaspesie", *, lang="en", low_bandwidth=False):
        clock = Clock()
        ctx = open_context(demo_db, login, clock=clock)
        made.append(ctx)
        i18n.set_lang(lang)
        return TeleCoopApp(ctx, poll_seconds=None, low_bandwidth=low_bandwidth), clock

    yield make
    for ctx in made:
        ctx.engine.dispose()


def holds_in(db, status="held") -> list[tuple]:
    """Read past TeleCoop, on the engine under test (a file or a PostgreSQL URL)."""
    return engines.fetch(db, "SELECT clinician_id, coop, status FROM hold WHERE status = ?", (status,))


async def test_the_form_counts_down_by_the_minute_and_books_through_its_hold(open_app, demo_db):
    app, clock = open_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await find_psychologists(pilot)
        slot = screen._slots[0]
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, BookingDialog) and dialog.hold is not None
        assert static_text(pilot, "#hold-line") == "Slot kept for you until 07:10 (10 min left)"
        assert holds_in(demo_db) == [(slot.clinician_id, "gaspesie", "held")]
        # Anyone else's search no longer offers it.
        other = open_context(demo_db, "recep.iles", clock=clock)
        assert (slot.clinician_id, slot.start) not in [
            (s.clinician_id, s.start) for s in booking_service.search_slots(
                other, clinician_id=slot.clinician_id, start=slot.start, days=1, limit=5)]
        other.engine.dispose()
        clock.now = NOW + dt.timedelta(minutes=9, seconds=1)
        dialog.refresh_hold()
        await settle(pilot)
        assert static_text(pilot, "#hold-line") == "Slot kept for you until 07:10 (1 min left)"
        assert dialog._to_next_minute(59) == 59 and dialog._to_next_minute(540) == 60  # on the minute, never the second
        app.screen.query_one("#consent").value = True  # issue 14: the patient consented
        await pilot.press(*"GB-77", "enter")
        await settle(pilot)
        assert "Booked: booking #" in screen_text(pilot)
    assert holds_in(demo_db, "booked") == [(slot.clinician_id, "gaspesie", "booked")]


async def test_closing_the_form_gives_the_slot_back_and_an_expired_hold_says_so(open_app, demo_db):
    app, clock = open_app(lang="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await find_psychologists(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert static_text(pilot, "#hold-line") == "Créneau retenu pour vous jusqu'à 07:10 (encore 10 min)"
        clock.now = NOW + dt.timedelta(minutes=10)
        app.screen.refresh_hold()
        await settle(pilot)
        assert static_text(pilot, "#hold-line").startswith("Le créneau n'est plus retenu")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, BookingDialog)
        await pilot.press("enter")  # the same slot again: held anew, then given back on close
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    assert holds_in(demo_db) == []
    assert len(holds_in(demo_db, "released")) == 1  # the expired one was not "released": it had lapsed by itself


async def test_on_a_slow_link_the_line_says_until_when_and_does_not_tick(open_app):
    app, clock = open_app(low_bandwidth=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await find_psychologists(pilot)
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert static_text(pilot, "#hold-line") == "Slot kept for you until 07:10"
        # The one planned change is a minute before the end: 9 minutes away, not every minute.
        assert dialog._hold_timer is not None
        clock.now = NOW + dt.timedelta(minutes=9, seconds=30)
        dialog.refresh_hold()
        await settle(pilot)
        assert static_text(pilot, "#hold-line") == "Slot kept for you until 07:10 (1 min left)"
