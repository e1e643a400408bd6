"""Helpers for the TUI tests: wait for the app, read what the user sees."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from telecoop.tui.widgets.result_table import ResultTable


async def settle(pilot: Pilot) -> None:
    """Wait until no worker runs and every message they posted has been handled (no sleeps)."""
    app = pilot.app
    quiet = 0
    for _ in range(200):
        await pilot.pause()
        if any(w.is_running for w in app.workers):
            quiet = 0
            await app.workers.wait_for_complete()
            continue
        quiet += 1
        if quiet >= 3:
            return
    raise AssertionError("the app did not settle")


def screen_text(pilot: Pilot) -> str:
    """The terminal's text as the user sees it (all layers, no styles)."""
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def table_rows(pilot: Pilot, selector: str) -> list[list[str]]:
    """The plain text of every cell of a result table, row by row."""
    table = pilot.app.screen.query_one(selector, ResultTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def static_text(pilot: Pilot, selector: str) -> str:
    widget = pilot.app.screen.query_one(selector, Static)
    return str(widget.render())
