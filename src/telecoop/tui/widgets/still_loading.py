"""A loading indicator that does not move: one line of text, drawn once.

Textual's LoadingIndicator redraws itself 16 times a second, even hidden
(as it sits in the command palette); with animations off it already shows
still text, but its timer keeps waking the app, and its text is English.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import LoadingIndicator

from telecoop.i18n import t


class StillLoadingIndicator(LoadingIndicator):
    """``Loading…`` in the user's language; no timer."""

    @property
    def auto_refresh(self) -> float | None:
        return None

    @auto_refresh.setter
    def auto_refresh(self, interval: float | None) -> None:
        """Ignored: LoadingIndicator asks for a redraw every 1/16 s when mounted."""

    def render(self) -> Text:
        return Text(t("tui.loading"), style="dim", end="")
