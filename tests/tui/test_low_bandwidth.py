"""The low-bandwidth profile in the app itself: nothing moves, nothing blinks, only changes are sent.

(The environment half, set before Textual is imported, is in tests/test_bandwidth.py,
with the byte budgets measured in a real pseudo-terminal.)
"""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input, LoadingIndicator

from telecoop.tui.app import TeleCoopApp
from telecoop.tui.terminal import ScreenDiff
from telecoop.tui.widgets.still_loading import StillLoadingIndicator
from tui_helpers import settle

SIZE = (80, 24)


def test_the_profile_picks_the_driver_that_sends_only_changes(context_for):
    ctx = context_for("recep.gaspesie")
    slow = TeleCoopApp(ctx, low_bandwidth=True, poll_seconds=None)
    assert slow.driver_class.__name__ == "LowBandwidthDriver"
    fast = TeleCoopApp(ctx, low_bandwidth=False, poll_seconds=None)
    assert fast.driver_class.__name__ == "LinuxDriver"


async def test_nothing_moves_or_blinks(app_for):
    app = app_for("recep.gaspesie")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.animation_level == "none"
        date = app.screen.query_one("#from-date", Input)
        date.focus()
        await settle(pilot)
        assert date.cursor_blink is False

        # The command palette's own input, and its "busy" indicator: still text, no timer.
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert CommandPalette.is_open(app)
        assert app.screen.query_one(Input).cursor_blink is False
        indicators = list(app.screen.query(LoadingIndicator))
        assert indicators and all(isinstance(w, StillLoadingIndicator) for w in indicators)
        assert all(w.auto_refresh is None for w in indicators)
        await pilot.press("escape")

        # Whatever a widget shows while "loading" is still text too.
        assert isinstance(app.get_loading_widget(), StillLoadingIndicator)


def test_redraw_after_the_screen_got_garbled_sends_everything_again():
    diff = ScreenDiff(80, 24)
    frame = "\x1b[1;1H\x1b[39;49mTeleCoop\x1b[0m\x1b[1;1H"
    assert diff.feed(frame)
    assert diff.feed(frame) == ""
    diff.invalidate()  # what Ctrl+L does, through the driver
    assert "TeleCoop" in diff.feed(frame)
