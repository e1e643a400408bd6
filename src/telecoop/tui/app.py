"""The TeleCoop terminal app: modes, keys, language, live refresh.

Run by ``telecoop`` (``cli.py`` calls :func:`run_app`). The app talks to the
services only; every database call runs in a worker thread.
"""

from __future__ import annotations

import re
import threading
from functools import partial

from rich.align import Align
from rich.text import Text
from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.widgets import Input, LoadingIndicator
from textual.widgets.option_list import Option

from telecoop import i18n
from telecoop.i18n import t
from telecoop.services import live
from telecoop.services.context import Context
from telecoop.tui import modes
from telecoop.tui import strings_day  # noqa: F401  (registers the catalogue)
from telecoop.tui.dialogs.help import HELP_KEYS, HelpDialog
from telecoop.tui.directory import Directory, load_directory
from telecoop.tui.messages import UNSET, ServiceFailed, failure_in, guarded
from telecoop.tui.screens.base import ModeScreen
from telecoop.tui.terminal import low_bandwidth_driver
from telecoop.tui.widgets.still_loading import StillLoadingIndicator

#: Seconds between two "did another connection commit?" checks on SQLite: changes show
#: within 2 s. (PostgreSQL is not asked: its notifications arrive by themselves, issue 12.)
POLL_SECONDS = 1.5
#: Tables whose changes leave the co-ops and resources as they were: on PostgreSQL, whose
#: notifications name the table (issue 12), a booking re-queries the screens only.
SCREENS_ONLY_TABLES = frozenset({"booking", "closure"})
#: one name per key in each language (issue 10: "Échap" in French, as the hints say)
KEY_NAME_KEYS = {"escape": "tui.keyname.escape", "pageup": "tui.keyname.pageup", "pagedown": "tui.keyname.pagedown"}

#: The terminal's own 16 colours, default background: no per-cell background
#: bytes, readable on any palette. The cursor row is reversed rather than
#: coloured, so it still shows with NO_COLOR.
THEME = Theme(
    name="telecoop",
    primary="ansi_blue",
    secondary="ansi_cyan",
    warning="ansi_yellow",
    error="ansi_red",
    success="ansi_green",
    accent="ansi_cyan",
    foreground="ansi_default",
    background="ansi_default",
    surface="ansi_default",
    panel="ansi_default",
    boost="ansi_default",
    dark=True,
    ansi=True,
    variables={
        "ansi-background": "ansi_black",
        "ansi-foreground": "ansi_white",
        "block-cursor-foreground": "ansi_default",
        "block-cursor-background": "ansi_default",
        "block-cursor-text-style": "reverse",
        "block-cursor-blurred-foreground": "ansi_default",
        "block-cursor-blurred-background": "ansi_default",
        "block-cursor-blurred-text-style": "underline",
        "input-cursor-background": "ansi_default",
        "input-cursor-foreground": "ansi_default",
        "input-cursor-text-style": "reverse",
        "input-selection-background": "ansi_blue",
        "input-selection-foreground": "ansi_default",
        "footer-key-foreground": "ansi_default",
        "footer-description-foreground": "ansi_default",
        "border-blurred": "ansi_default",
        "scrollbar": "ansi_default",
        "scrollbar-background": "ansi_default",
        "scrollbar-hover": "ansi_default",
        "scrollbar-active": "ansi_default",
        "scrollbar-background-hover": "ansi_default",
        "scrollbar-background-active": "ansi_default",
        "scrollbar-corner-color": "ansi_default",
    },
)


def _mode_bindings() -> list[Binding]:
    return [
        Binding(spec.key, f"switch_mode('{spec.name}')", spec.label, priority=True, id=f"mode.{spec.name}")
        for spec in modes.MODES
    ]


class TeleCoopCommands(Provider):
    """The command palette: every key of the screen it was opened from, in the user's language.

    Mode switches, language, help and quit come with the app's keys; the
    screen's own actions (book, cancel, move...) with the screen's. So the
    palette reaches every action a key reaches, and nothing a key cannot.
    """

    def _commands(self) -> list[tuple[str, str, object]]:
        out = []
        seen = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.description.startswith("tui."):
                continue
            if binding.action in ("command_palette", "app.command_palette") or (id(active.node), binding.action) in seen:
                continue
            seen.add((id(active.node), binding.action))
            title = t(HELP_KEYS.get(binding.description, binding.description))
            keys = self.app.get_key_display(binding)
            out.append((title, keys, partial(self.app.run_action, binding.action, active.node)))
        return out

    async def discover(self) -> Hits:
        for title, keys, command in self._commands():
            yield DiscoveryHit(title, command, help=keys)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, keys, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, text=title, help=keys)  # type: ignore[arg-type]


class TeleCoopPalette(CommandPalette):
    """Textual's command palette, with a loading indicator that stays still."""

    def on_mount(self) -> None:
        # Swapped after compose: the palette's own code finds it by type.
        moving = self.query_one(LoadingIndicator)
        moving.parent.mount(StillLoadingIndicator(), after=moving)  # type: ignore[union-attr]
        moving.remove()
        # issue 10: Textual writes its "No matches found" in English; say it in the user's
        # language (the option is recognised by the id Textual gives it).
        commands = self.query_one(CommandList)
        add_option = commands.add_option

        def add_translated(option, *args, **kwargs):
            if getattr(option, "id", None) == self._NO_MATCHES:
                option = Option(Align.center(Text(t("tui.palette.no_matches"), style="not bold")),
                                disabled=True, id=self._NO_MATCHES)
            return add_option(option, *args, **kwargs)

        commands.add_option = add_translated  # type: ignore[method-assign]


class TeleCoopApp(App[None]):
    """Find a slot, Agenda, Bookings (and, later, Admin and Reports) over one service Context."""

    CSS_PATH = "telecoop.tcss"
    TITLE = "TeleCoop"
    COMMANDS = {TeleCoopCommands}
    BINDINGS = [
        *_mode_bindings(),
        Binding("f9", "toggle_language", "tui.key.language", priority=True),
        Binding("f1", "help", "tui.key.help", priority=True),
        Binding("question_mark", "help", "tui.key.help", show=False),
        Binding("ctrl+p", "command_palette", "tui.key.palette", priority=True),
        Binding("ctrl+q", "quit", "tui.key.quit", priority=True, show=False),
        Binding("ctrl+l", "redraw", "tui.key.redraw", show=False),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    class DirectoryLoaded(Message):
        """Co-ops and resources were read (at start, or after another connection committed)."""

        def __init__(self, directory: Directory, changed: bool) -> None:
            super().__init__()
            self.directory = directory
            self.changed = changed

    class DatabaseLost(Message):
        """The database server cannot be reached (issue 12): the top line says so until it is back."""

    class DatabaseBack(Message):
        """The database server can be reached again; a re-query follows."""

    def __init__(self, ctx: Context, *, low_bandwidth: bool = False, poll_seconds: float | None = POLL_SECONDS) -> None:
        # Start straight in the user's home mode (read by App.__init__): the
        # first frame is the real screen, not a blank default one (bytes).
        self.DEFAULT_MODE = modes.home(ctx)
        self.low_bandwidth = low_bandwidth  # read by get_driver_class, from App.__init__
        # Our theme is the terminal's own ANSI colours. Textual picks its
        # NO_COLOR filter in App.__init__, from the theme current *then* (its
        # truecolor default): Monochrome, which paints "default" colours
        # black on black. Saying ANSI here makes it pick NoColor, which only
        # drops the colours and keeps reverse, bold and underline.
        super().__init__(ansi_color=True)
        self.ctx = ctx
        self.poll_seconds = poll_seconds
        self.directory = Directory()
        # Nothing moves by itself: no animation, no smooth scroll (DESIGN section 10).
        self.animation_level = "none"
        self.register_theme(THEME)
        self.theme = THEME.name
        self._mode_screens: list[ModeScreen] = []
        self._watcher: live.Watcher | None = None
        self._poll_lock = threading.Lock()
        self._poll_failing = False
        self._feed: live.LiveFeed | None = None
        self._feed_lock = threading.Lock()  # the feed starts in a worker, stops at unmount
        self._closing = False
        #: True while the database server cannot be reached (the top line is a banner)
        self.db_lost = False
        self._available = {spec.name: spec for spec in modes.available(ctx)}
        for spec in self._available.values():
            self.add_mode(spec.name, spec.screen)

    def get_driver_class(self):
        """On a slow link, a driver that sends only the cells that changed (``tui/terminal.py``)."""
        driver = super().get_driver_class()
        if self.low_bandwidth and driver.__name__ == "LinuxDriver":
            return low_bandwidth_driver() or driver
        return driver

    # ------------------------------------------------------------------ #
    # Start, stop
    # ------------------------------------------------------------------ #

    def on_mount(self) -> None:
        self._start()
        if self.poll_seconds:
            self.set_interval(self.poll_seconds, self.check_for_changes)

    @work(thread=True, exclusive=True, group="start")
    def _start(self) -> None:
        def read() -> Directory:
            # Watch first, read next: a change committed in between is not missed.
            self._watcher = live.watcher(self.ctx)
            return load_directory(self.ctx)

        directory = guarded(self, read)
        if directory is not UNSET:
            self.post_message(self.DirectoryLoaded(directory, changed=False))
        watcher = self._watcher
        if watcher is not None and watcher.can_wait and self.poll_seconds:
            # PostgreSQL: a thread of its own waits for notifications; the
            # timer's check_for_changes leaves this watcher alone.
            with self._feed_lock:
                if self._closing:
                    return  # the app quit meanwhile: on_unmount closes the watcher
                self._feed = live.LiveFeed(
                    watcher,
                    on_change=self._feed_changed,
                    on_lost=lambda _error: self.post_message(self.DatabaseLost()),
                    on_back=lambda: self.post_message(self.DatabaseBack()),
                )
                self._feed.start()

    def on_unmount(self) -> None:
        with self._feed_lock:
            self._closing = True
            feed, self._feed = self._feed, None
        if feed is not None:
            feed.close()  # its thread closes the watcher
            self._watcher = None
        if self._watcher is not None:
            with self._poll_lock:
                self._watcher.close()
            self._watcher = None

    @on(DirectoryLoaded)
    def _directory_loaded(self, message: DirectoryLoaded) -> None:
        if message.directory != self.directory:
            self.directory = message.directory
            for screen in list(self._mode_screens):
                screen.directory_changed()
        if message.changed:
            self._data_changed()

    @on(ServiceFailed)
    def _service_failed(self, message: ServiceFailed) -> None:
        self.notify(message.text, severity="error", markup=False, timeout=10)

    # ------------------------------------------------------------------ #
    # Live: another process changed something
    # ------------------------------------------------------------------ #

    def check_for_changes(self) -> None:
        """Ask whether another connection committed; reload the open screens if so.

        Called by a timer every POLL_SECONDS. The check itself is one
        ``PRAGMA data_version`` (microseconds), but it runs in a worker thread
        all the same: the UI thread never waits on SQLite, and a checkpoint or
        a writer holding the file could make even a pragma wait. While nothing
        changes nothing is redrawn, so nothing is written to the terminal.
        """
        if self._watcher is not None and self._feed is None:
            self._poll()

    def _feed_changed(self, tables: frozenset[str]) -> None:
        """PostgreSQL (issue 12): another connection committed; re-query, in the feed's thread.

        The feed waits again only after this returns, so notifications that
        arrive during the re-query become one more re-query, not one each.
        """
        if tables <= SCREENS_ONLY_TABLES:
            self.post_message(self.DirectoryLoaded(self.directory, changed=True))
            return
        try:
            directory = load_directory(self.ctx)
        except Exception as exc:  # noqa: BLE001 - said once; a lost server is the banner's to say
            if self._poll_failing:
                return
            said = failure_in(self, exc)
            if said.error is None or said.error.key not in ("store.pg_lost", "store.pg_unreachable"):
                self._poll_failing = True
                self.post_message(said)
            return
        self._poll_failing = False
        self.post_message(self.DirectoryLoaded(directory, changed=True))

    @on(DatabaseLost)
    def _database_lost(self) -> None:
        self.db_lost = True
        self._connection_shown()
        if not isinstance(self.screen, ModeScreen):
            # A dialog covers the top line: say it over the dialog too (once; the banner stays).
            self.notify(t("tui.db_lost"), severity="error", markup=False, timeout=10)

    @on(DatabaseBack)
    def _database_back(self) -> None:
        self.db_lost = False
        self._connection_shown()

    def _connection_shown(self) -> None:
        for screen in list(self._mode_screens):
            screen.connection_changed()

    @work(thread=True, group="live")
    def _poll(self) -> None:
        # One connection, one thread at a time: skip a tick rather than queue it.
        if not self._poll_lock.acquire(blocking=False):
            return
        try:
            # (A watcher that can wait, PostgreSQL's, waits a moment here for a notification
            # still on its way: only when a test drives the checks, the feed does otherwise.)
            if self._watcher is None or not self._watcher.changed(wait=0.2 if self._watcher.can_wait else 0):
                return
            directory = load_directory(self.ctx)
        except Exception as exc:  # noqa: BLE001 - said once, not every 1.5 s
            if not self._poll_failing:
                self._poll_failing = True
                self.post_message(failure_in(self, exc))
            return
        finally:
            self._poll_lock.release()
        self._poll_failing = False
        self.post_message(self.DirectoryLoaded(directory, changed=True))

    def _data_changed(self) -> None:
        current = set(map(id, self.screen_stack))
        for screen in list(self._mode_screens):
            if id(screen) in current:
                screen.reload()
            else:
                screen.stale = True  # reloads when it shows again

    def register_mode_screen(self, screen: ModeScreen) -> None:
        """Called by each mode screen when mounted: it will hear of changes and language switches."""
        if screen not in self._mode_screens:
            self._mode_screens.append(screen)

    def unregister_mode_screen(self, screen: ModeScreen) -> None:
        if screen in self._mode_screens:
            self._mode_screens.remove(screen)

    # ------------------------------------------------------------------ #
    # Keys
    # ------------------------------------------------------------------ #

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_mode":
            # A mode the user's role does not have is neither shown nor reachable;
            # an open dialog is answered (or closed) before leaving its mode.
            if parameters and parameters[0] not in self._available:
                return False
            return None if isinstance(self.screen, ModalScreen) else True
        return True

    def get_key_display(self, binding: Binding) -> str:
        if binding.key_display:
            return binding.key_display
        if re.fullmatch(r"f\d+", binding.key):
            return binding.key.upper()
        if binding.key in KEY_NAME_KEYS:
            return t(KEY_NAME_KEYS[binding.key])
        return super().get_key_display(binding)

    def action_toggle_language(self) -> None:
        """Switch French/English; every label is redrawn at once."""
        i18n.set_lang("en" if i18n.get_lang() == "fr" else "fr")
        screens: list[Screen] = list(self._mode_screens)
        screens += [s for s in self.screen_stack if s not in screens]
        for screen in screens:
            relabel = getattr(screen, "relabel", None)
            if relabel is not None and screen.is_mounted:
                relabel()
        self.refresh_bindings()

    def action_help(self) -> None:
        """List the keys of the current screen (F1 again closes the list)."""
        if isinstance(self.screen, HelpDialog):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpDialog(self.screen, getattr(self.screen, "MODE_TITLE", None)))

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(TeleCoopPalette(placeholder=t("tui.palette.placeholder"), id="--command-palette"))

    def get_loading_widget(self) -> StillLoadingIndicator:
        """What ``widget.loading = True`` shows: still text, no spinner."""
        return StillLoadingIndicator()

    def on_resize(self, event) -> None:
        # The terminal may have moved or dropped what it showed: send it all again.
        forget = getattr(self._driver, "forget_screen", None)
        if forget is not None:
            forget(event.size.width, event.size.height)

    def action_redraw(self) -> None:
        """Draw the whole screen again (after another program wrote over it, say)."""
        forget = getattr(self._driver, "forget_screen", None)
        if forget is not None:
            forget()
        self.screen.refresh(repaint=True, layout=True)

    def action_help_quit(self) -> None:
        self.notify(t("tui.quit_hint"), markup=False)

    def on_descendant_focus(self, event) -> None:
        """No blinking cursor anywhere (slow links, stable snapshots).

        An app-level rule rather than an Input subclass: it also covers the
        inputs Textual owns (the command palette's).
        """
        widget = event.widget
        if isinstance(widget, Input) and widget.cursor_blink:
            widget.cursor_blink = False


def run_app(ctx: Context, *, low_bandwidth: bool = False) -> None:
    """Open the terminal app for the user of ``ctx`` (called by ``telecoop`` and ``telecoop demo``).

    On a slow link the mouse is left alone: Textual's mouse tracking reports
    every motion, bytes upstream for nothing (everything works by keyboard).
    """
    TeleCoopApp(ctx, low_bandwidth=low_bandwidth).run(mouse=not low_bandwidth)
