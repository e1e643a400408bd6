"""issue 13: a cancellation elsewhere arrives as an offer in the waiting co-op's open app, and is booked there."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from telecoop import i18n
from telecoop.services import booking as booking_service
from telecoop.services import waitlist as waitlist_service
from telecoop.services.context import open_context
from telecoop.tui.app import TeleCoopApp
from telecoop.tui.screens.waitlist import WaitlistScreen
from tui_helpers import screen_text, settle, static_text, table_rows

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.timezone.utc)
SIZE = (80, 24)
TUESDAY = dt.date(2026, 12, 8)


@pytest.fixture
def contexts(demo_db):
    made = {}

    def make(login):
        if login not in made:
            made[login] = open_context(demo_db, login, clock=lambda: NOW)
        return made[login]

    yield make
    for ctx in made.values():
        ctx.engine.dispose()


async def _until(pilot, condition, what: str) -> None:
    """Wait on the thing itself: the app's own 1.5 s change check, bounded (never a fixed sleep)."""
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.05)
        await pilot.pause()
    raise AssertionError(f"never happened: {what}")


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_an_offer_made_by_another_connection_shows_up_live_and_is_booked(contexts, lang):
    gaspesie = contexts("recep.gaspesie")
    entry = waitlist_service.add(gaspesie, specialty="psychology", from_date=TUESDAY, to_date=TUESDAY,
                                 patient="GA-WAIT")
    # The Îles co-op's own connection (another app, another process in real life).
    iles = contexts("recep.iles")
    slot = booking_service.search_slots(iles, clinician_id=8, from_date=TUESDAY, days=1, limit=1)[0]
    booked = booking_service.book(iles, clinician_id=8, start=slot.start, duration=30, patient="IL-1", consent=True)

    i18n.set_lang(lang)
    app = TeleCoopApp(open_context(gaspesie.engine.url.database, "recep.gaspesie", clock=lambda: NOW))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, WaitlistScreen)
        assert table_rows(pilot, "#offers") == []
        assert "GA-WAIT" in [row[0] for row in table_rows(pilot, "#entries")]  # beside the demo's own

        booking_service.cancel(iles, booked.id, reason="patient malade")
        # The app's change check (every 1.5 s) sees the other connection's commit.
        await _until(pilot, lambda: bool(app.screen.offers), "the offer in the Waitlist table")
        await settle(pilot)
        rows = table_rows(pilot, "#offers")
        assert len(rows) == 1 and rows[0][2] == "GA-WAIT"
        said = "New waitlist offer (F7)" if lang == "en" else "Nouvelle offre de la liste d'attente (F7)"
        await _until(pilot, lambda: any(n.message == said for n in app._notifications), "the new offer said")
        await pilot.press("enter")  # accept the highlighted offer
        await settle(pilot)
        await pilot.press("enter")  # "Yes": the patient consents to a teleconsultation (issue 14)
        await settle(pilot)
        await _until(pilot, lambda: not app.screen.offers, "the accepted offer gone")
        expected = "Offer accepted" if lang == "en" else "Offre acceptée"
        assert static_text(pilot, "#waitlist-notice").startswith(expected)
    app.ctx.engine.dispose()
    mine = booking_service.list_bookings(gaspesie, own_coop_only=True, start=slot.start)
    assert [(b.patient, b.start) for b in mine if b.patient == "GA-WAIT"] == [("GA-WAIT", slot.start)]
    assert entry.id in [e.id for e in waitlist_service.list_entries(gaspesie, include_closed=True)]


async def test_a_new_entry_from_the_app(contexts):
    i18n.set_lang("en")
    gaspesie = contexts("recep.gaspesie")
    app = TeleCoopApp(gaspesie, poll_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7", "n")
        await settle(pilot)
        await pilot.press(*"GA-NEW", "enter")
        await settle(pilot)
        assert isinstance(app.screen, WaitlistScreen)
        await settle(pilot)
        assert "GA-NEW" in [row[0] for row in table_rows(pilot, "#entries")]
        waiting = len(waitlist_service.list_entries(gaspesie))  # the demo's patients and the new one
        assert waiting >= 2 and f"Patients waiting: {waiting}" in screen_text(pilot)


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_a_refused_entry_is_said_on_the_form_and_adds_nothing(contexts, lang):
    """A bad date is the service's refusal, said on the dialog's line; Escape then backs out."""
    i18n.set_lang(lang)
    gaspesie = contexts("recep.gaspesie")
    before = waitlist_service.list_entries(gaspesie, include_closed=True)
    app = TeleCoopApp(gaspesie, poll_seconds=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f7", "n")
        await settle(pilot)
        app.screen.query_one("#wl-from").value = "2026-02-30"
        await pilot.press(*"GA-BAD", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, WaitlistScreen)
        error = static_text(pilot, "#form-error")
        assert "2026-02-30" in error
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WaitlistScreen)
    assert waitlist_service.list_entries(gaspesie, include_closed=True) == before
