"""A checkbox that reads without colour: ``[x] With room`` / ``[ ] With room``.

Textual's checkbox shows the same ``X`` on and off and tells them apart by
colour only, which a NO_COLOR or monochrome terminal loses.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widgets import Checkbox


class TickBox(Checkbox):
    DEFAULT_CSS = """
    TickBox, TickBox:focus {
        background: ansi_default;
        border: none;
        padding: 0;
    }
    """

    @property
    def _button(self) -> Content:
        return Content("[x]" if self.value else "[ ]")


class FormTickBox(TickBox, inherit_bindings=False):
    """A tick box inside a form whose key line says "Enter: book": Space ticks it, and Enter goes on to
    the form (a receptionist who ticks consent and presses Enter books; Textual's checkbox would untick
    it instead, and nothing would be booked)."""

    BINDINGS = [Binding("space", "toggle_button", show=False)]
