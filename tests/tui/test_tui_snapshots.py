"""What the user sees at 80×24, in French and in English, on the demo database at a fixed clock.

Review the SVGs under __snapshots__/ before accepting them with --snapshot-update.
"""

from __future__ import annotations

import pytest

from tui_helpers import settle

SIZE = (80, 24)
LANGS = ["fr", "en"]


def keys_then_settle(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("lang", LANGS)
def test_find_a_slot(snap_compare, app_for, lang):
    assert snap_compare(app_for("recep.gaspesie", lang=lang), terminal_size=SIZE, run_before=keys_then_settle())


@pytest.mark.parametrize("lang", LANGS)
def test_booking_form(snap_compare, app_for, lang):
    app = app_for("recep.gaspesie", lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("down", "down", "enter"))


@pytest.mark.parametrize("lang", LANGS)
def test_agenda(snap_compare, app_for, lang):
    assert snap_compare(app_for("recep.gaspesie", lang=lang), terminal_size=SIZE, run_before=keys_then_settle("f3"))


@pytest.mark.parametrize("lang", LANGS)
def test_bookings(snap_compare, app_for, lang):
    assert snap_compare(app_for("recep.gaspesie", lang=lang), terminal_size=SIZE, run_before=keys_then_settle("f4"))


# issue 10: the booking details panel (Enter on a booking), as the patient will be told


@pytest.mark.parametrize("lang", LANGS)
def test_booking_details(snap_compare, app_for, lang):
    app = app_for("recep.gaspesie", lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("f4", "enter"))


@pytest.mark.parametrize("lang", LANGS)
def test_bookings_search(snap_compare, app_for, lang):
    app = app_for("recep.gaspesie", lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys_then_settle("f4", "slash", "J", "W"))
