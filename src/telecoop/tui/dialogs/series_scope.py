"""issue 14: "this one" or "this and later", asked before cancelling or moving an occurrence of a series."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from telecoop.i18n import t
from telecoop.tui import strings_series  # noqa: F401  (registers the catalogue)
from telecoop.tui.format import paragraph

#: what the dialog asks about (written out: no catalogue key is built at run time)
TITLE_KEYS = {"cancel": "tui.scope.title_cancel", "move": "tui.scope.title_move"}


class SeriesScopeDialog(ModalScreen["str | None"]):
    """Dismissed with ``"one"``, ``"later"``, or None when the user backs out."""

    BINDINGS = [
        Binding("escape", "close", "tui.key.close"),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]
    AUTO_FOCUS = "#scope-one"

    def __init__(self, what: str, booking_id: int, series_id: int, index: int, later: int) -> None:
        super().__init__()
        self.what = what
        self.booking_id = booking_id
        self.series_id = series_id
        self.index = index
        self.later = later
        """How many booked occurrences come after this one."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("", id="dialog-title", classes="title", markup=False)
            yield Static("", id="scope-question", classes="summary", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("", id="scope-one", compact=True, variant="primary")
                yield Button("", id="scope-later", compact=True)
                yield Button("", id="scope-back", compact=True)
            yield Static("", id="dialog-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        self.query_one("#dialog-title", Static).update(t(TITLE_KEYS[self.what], id=self.booking_id))
        question = t("tui.scope.question", n=self.index, series=self.series_id, later=self.later)
        self.query_one("#scope-question", Static).update(paragraph(question))
        self.query_one("#scope-one", Button).label = t("tui.scope.one")
        self.query_one("#scope-later", Button).label = t("tui.scope.later")
        self.query_one("#scope-back", Button).label = t("tui.scope.back")
        self.query_one("#dialog-hint", Static).update(t("tui.scope.hint"))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss({"scope-one": "one", "scope-later": "later"}.get(event.button.id or ""))

    def action_close(self) -> None:
        self.dismiss(None)
