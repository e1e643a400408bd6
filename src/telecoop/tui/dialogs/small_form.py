"""A small form in a dialog: a few inputs, a confirm and a back button, one service call.

The waitlist entry and the sharing terms dialogs share this behaviour: Escape
or Back dismisses with False; Enter in an input, Ctrl+S or the confirm button
calls ``action_confirm``, which checks the inputs and hands the service call
to ``save_in_background``; a refusal is said on the ``#form-error`` line and
the dialog stays, a success dismisses with True.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from telecoop.tui.format import literal
from telecoop.tui.messages import failure_in


class SmallFormDialog(ModalScreen[bool]):
    """Dismissed with True once the service call succeeds, False when the user backs out."""

    BINDINGS = [
        Binding("escape", "close", "tui.key.close"),
        Binding("ctrl+s", "confirm", "tui.key.confirm", show=False),
    ]

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Done(Message):
        pass

    def action_close(self) -> None:
        self.dismiss(False)

    def action_confirm(self) -> None:  # pragma: no cover - every form says what it saves
        raise NotImplementedError

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.dismiss(False)

    def say(self, text: str) -> None:
        """Say a refusal on the form's line (text from any user is shown literally)."""
        self.query_one("#form-error", Static).update(literal(text))

    @work(thread=True, exclusive=True, group="small-form-save")
    def save_in_background(self, call: Callable[[], object]) -> None:
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - said on the form's line
            self.post_message(self.Failed(failure_in(self, exc).text))
            return
        self.post_message(self.Done())

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.say(message.text)

    @on(Done)
    def _done(self, message: Done) -> None:
        self.dismiss(True)
