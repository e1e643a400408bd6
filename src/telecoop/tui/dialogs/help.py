"""The keys of the current screen (``?`` or F1)."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from telecoop.i18n import t


def help_key(description: str) -> str:
    """The long help of a binding: ``tui.key.X`` -> ``tui.help.X`` when it exists."""
    if description.startswith("tui.key."):
        long_key = "tui.help." + description[len("tui.key."):]
        if t(long_key) != long_key:
            return long_key
    return description


def key_entries(screen: Screen) -> list[tuple[str, str]]:
    """(keys, what they do) for every described binding active on ``screen``, app keys included."""
    app = screen.app
    by_action: dict[tuple[int, str], tuple[list[str], str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description.startswith("tui."):
            continue
        # issue 10: the keys of what is shown (an admin section's own keys), not every
        # key the screen has; a key merely disabled for now (None) is still listed.
        check = getattr(active.node, "check_action", None)
        if check is not None and check(binding.action.split("(", 1)[0], ()) is False:
            continue
        slot = (id(active.node), binding.action)
        keys, description = by_action.setdefault(slot, ([], binding.description))
        # The key itself, not a footer's shorthand ("←→" for two bindings).
        keys.append(app.get_key_display(replace(binding, key_display=None)))
    return [(" ".join(keys), t(help_key(description))) for keys, description in by_action.values()]


class HelpDialog(ModalScreen[None]):
    """Lists the keys of the screen it was opened from; Esc (or F1 again) closes it."""

    BINDINGS = [Binding("escape", "close", "tui.key.close")]

    def __init__(self, target: Screen, title: str | None = None) -> None:
        super().__init__()
        self.target = target
        self.title_key = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("", id="dialog-title", classes="title", markup=False)
            with VerticalScroll(id="help-body"):
                yield Static("", id="help-keys", markup=False)
            yield Static("", id="dialog-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        title = t("tui.help.title", screen=t(self.title_key)) if self.title_key else t("tui.help.title_plain")
        self.query_one("#dialog-title", Static).update(title)
        entries = key_entries(self.target)
        width = max((len(k) for k, _ in entries), default=0)
        text = Text(end="")
        for i, (keys, what) in enumerate(entries):
            if i:
                text.append("\n")
            text.append(keys.ljust(width), style="bold")
            text.append("  " + what)
        self.query_one("#help-keys", Static).update(text)
        self.query_one("#dialog-hint", Static).update(t("tui.help.hint"))

    def action_close(self) -> None:
        self.dismiss(None)
