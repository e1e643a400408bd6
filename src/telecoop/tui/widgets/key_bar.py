"""The footer: the keys of the current screen, then the mode and global keys.

A home-made footer rather than Textual's: it translates binding descriptions
(they are i18n keys) when it draws, so F9 relabels it at once; it wraps
whole entries onto a second line instead of scrolling sideways at 80
columns; and it draws plain text (bold keys, no per-key backgrounds), which
costs few bytes on a slow link and still reads with NO_COLOR.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget

from telecoop.i18n import t


class KeyBar(Widget):
    """Bindings with ``show=True``: the screen's first, the app's (modes, language) below."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        max-height: 3;
        width: 100%;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._last: tuple[str, ...] | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen) -> None:
        # Focus moves publish this signal often; redraw only when the keys changed.
        if self._plain() != self._last:
            self.refresh(layout=True)

    def _entries(self) -> tuple[list[tuple[str, str, bool, bool]], list[tuple[str, str, bool, bool]]]:
        """(key text, label, highlighted, enabled) for the screen's keys and for the app's."""
        app = self.app
        local: list[tuple[str, str, bool, bool]] = []
        glob: list[tuple[str, str, bool, bool]] = []
        seen: set[str] = set()
        current = getattr(app, "current_mode", None)
        for active in self.screen.active_bindings.values():
            binding = active.binding
            # Only the app's own keys (descriptions are i18n keys): Textual's
            # widgets describe theirs in English.
            if not binding.show or not binding.description.startswith("tui.") or binding.action in seen:
                continue
            seen.add(binding.action)
            mine = binding.action == f"switch_mode('{current}')"
            entry = (app.get_key_display(binding), t(binding.description), mine, active.enabled)
            (glob if active.node is app else local).append(entry)
        # The help and palette keys are global but read best beside the screen's keys.
        moved = [e for e in glob if e[1] in (t("tui.key.help"), t("tui.key.palette"))]
        glob = [e for e in glob if e not in moved]
        return local + moved, glob

    def _lines(self, width: int) -> list[Text]:
        lines: list[Text] = []
        for group in self._entries():
            line = Text(no_wrap=True, overflow="crop", end="")
            for key, label, mine, enabled in group:
                piece = len(key) + 1 + len(label)
                if line.cell_len and line.cell_len + 2 + piece > width:
                    lines.append(line)
                    line = Text(no_wrap=True, overflow="crop", end="")
                if line.cell_len:
                    line.append("  ")
                # Dimmed: a mode key while a dialog waits for an answer.
                # (None, not False: an explicit "off" would cost escape codes.)
                reverse, dim = mine or None, (not enabled) or None
                line.append(key, style=Style(bold=True, reverse=reverse, dim=dim))
                line.append(" ")
                line.append(label, style=Style(reverse=reverse, dim=dim))
            if line.cell_len:
                lines.append(line)
        return lines

    def _plain(self) -> tuple[str, ...]:
        return tuple(line.plain for line in self._lines(max(self.size.width, 20)))

    def render(self) -> Text:
        lines = self._lines(max(self.size.width, 20))
        self._last = tuple(line.plain for line in lines)
        return Text("\n", end="").join(lines)

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: D102
        return max(len(self._lines(max(width, 20))), 1)

    def relabel(self) -> None:
        self._last = None
        self.refresh(layout=True)
