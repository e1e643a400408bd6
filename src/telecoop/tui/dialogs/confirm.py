"""Yes or no, for an action that cannot be undone."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from telecoop.i18n import t
from telecoop.tui.format import paragraph


class ConfirmDialog(ModalScreen[bool]):
    """Dismissed with True when confirmed, False otherwise.

    Holds its question as an i18n key and parameters (already cleaned of
    control characters by the caller), so F9 can say it again.
    """

    BINDINGS = [Binding("escape", "close", "tui.key.close")]
    AUTO_FOCUS = "#yes"

    def __init__(self, key: str, notice: tuple[str, dict] | None = None, **params: object) -> None:
        super().__init__()
        self.key = key
        self.params = params
        self.notice = notice
        """An i18n key and its parameters said above the question (e.g. "changed meanwhile")."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("", id="dialog-title", classes="title", markup=False)
            yield Static("", id="stale-notice", classes="summary", markup=False)
            yield Static("", id="question", classes="summary", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("", id="yes", compact=True, variant="primary")
                yield Button("", id="no", compact=True)

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        self.query_one("#dialog-title", Static).update(t("tui.confirm.title"))
        # Line breaks of the message itself stay (a list of bookings); each line is cleaned.
        lines = [paragraph(line) for line in t(self.key, **self.params).split("\n")]
        self.query_one("#question", Static).update(Text("\n", end="").join(lines))
        notice = self.query_one("#stale-notice", Static)
        notice.display = self.notice is not None
        if self.notice is not None:
            notice.update(paragraph(t(self.notice[0], **self.notice[1]), style="bold"))
        self.query_one("#yes", Button).label = t("tui.confirm.yes")
        self.query_one("#no", Button).label = t("tui.confirm.no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_close(self) -> None:
        self.dismiss(False)
