"""Cancelling a booking: the reason is required."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from telecoop.i18n import t
from telecoop.tui.format import paragraph


class CancelDialog(ModalScreen["str | None"]):
    """Dismissed with the reason typed, or None when the user backs out."""

    BINDINGS = [Binding("escape", "close", "tui.key.close")]
    AUTO_FOCUS = "#cancel-reason"

    def __init__(self, booking_id: int, summary: str, notice: tuple[str, dict] | None = None) -> None:
        super().__init__()
        self.booking_id = booking_id
        self.summary = summary
        self.notice = notice
        """An i18n key and its parameters said above the summary (e.g. "changed meanwhile")."""
        self._missing = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("", id="dialog-title", classes="title", markup=False)
            yield Static("", id="stale-notice", classes="summary", markup=False)
            yield Static(paragraph(self.summary), id="cancel-summary", classes="summary", markup=False)
            yield Label("", id="reason-label", markup=False)
            yield Input(max_length=200, compact=True, id="cancel-reason")
            yield Static("", id="reason-error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("", id="yes", compact=True, variant="error")
                yield Button("", id="no", compact=True)

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        self.query_one("#dialog-title", Static).update(t("tui.cancel.title", id=self.booking_id))
        self.query_one("#reason-label", Label).update(t("tui.cancel.reason"))
        self.query_one("#yes", Button).label = t("tui.cancel.confirm")
        self.query_one("#no", Button).label = t("tui.cancel.back")
        self.query_one("#reason-error", Static).update(t("tui.cancel.required") if self._missing else "")
        notice = self.query_one("#stale-notice", Static)
        notice.display = self.notice is not None
        if self.notice is not None:
            notice.update(paragraph(t(self.notice[0], **self.notice[1]), style="bold"))

    def _confirm(self) -> None:
        reason = self.query_one("#cancel-reason", Input).value.strip()
        self._missing = not reason
        if not reason:
            self.query_one("#reason-error", Static).update(t("tui.cancel.required"))
            self.query_one("#cancel-reason", Input).focus()
            return
        self.dismiss(reason)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._confirm()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "yes":
            self._confirm()
        else:
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
