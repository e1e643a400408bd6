"""The top line: the mode's title, and who is logged in (name, co-op, role).

No clock: a ticking clock would write to a slow SSH link every minute. While
the database cannot be reached (issue 12: PostgreSQL gone mid-session) the
whole line is a banner saying so, in the error colour, until it is back.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from telecoop.i18n import t
from telecoop.tui.format import clean, role_label


class IdentityBar(Widget):
    """One line: ``TeleCoop · Trouver un créneau`` on the left, the user on the right."""

    DEFAULT_CSS = """
    IdentityBar {
        dock: top;
        height: 1;
        width: 100%;
        text-style: reverse;
    }
    IdentityBar.-db-lost {
        color: $error;
        text-style: reverse bold;
    }
    """

    def __init__(self, title_key: str) -> None:
        super().__init__()
        self.title_key = title_key

    def render(self) -> Text:
        app = self.app
        if self.has_class("-db-lost"):
            return Text(f" {t('tui.db_lost')}", no_wrap=True, overflow="ellipsis", end="")
        ctx = app.ctx  # type: ignore[attr-defined]
        directory = getattr(app, "directory", None)
        width = max(self.size.width, 20)
        left = f" TeleCoop · {t(self.title_key)} "
        coop = directory.coop_name(ctx.coop) if directory else ctx.coop
        who = [clean(ctx.actor.name), clean(coop), role_label(ctx.role)]
        right = " · ".join(who) + " "
        if len(left) + len(right) > width:
            # The co-op's full name is the first thing to give up, then its slug.
            who[1] = clean(ctx.coop)
            right = " · ".join(who) + " "
        room = width - len(left)
        if len(right) > room:
            right = right[: max(room - 2, 0)] + "… "
        text = Text(no_wrap=True, overflow="crop", end="")
        text.append(left, style="bold")
        text.append(" " * max(width - len(left) - len(right), 0))
        text.append(right)
        return text

    def on_mount(self) -> None:
        self.set_class(bool(getattr(self.app, "db_lost", False)), "-db-lost")

    def relabel(self) -> None:
        """Redraw in the current language; the banner shows while the app says the database is lost."""
        self.set_class(bool(getattr(self.app, "db_lost", False)), "-db-lost")
        self.refresh()
