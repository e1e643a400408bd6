"""What every mode screen shares: identity bar, key bar, live reload, relabel, errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen

from telecoop.services.context import Context
from telecoop.tui.messages import ServiceFailed
from telecoop.tui.widgets.identity_bar import IdentityBar
from telecoop.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from telecoop.tui.app import TeleCoopApp
    from telecoop.tui.directory import Directory


class ModeScreen(Screen[None]):
    """Base of the mode screens.

    Subclasses compose their body in :meth:`compose_body`, fetch their data
    in :meth:`reload` (through a worker) and redraw their words in
    :meth:`relabel`. The app calls ``reload`` when another connection
    committed, at once when the screen shows, later (``stale``) otherwise.
    """

    MODE_TITLE: ClassVar[str] = ""
    """i18n key of the title shown in the identity bar."""

    def __init__(self) -> None:
        super().__init__()
        self.stale = False

    @property
    def tc(self) -> TeleCoopApp:
        return cast("TeleCoopApp", self.app)

    @property
    def ctx(self) -> Context:
        return self.tc.ctx

    @property
    def directory(self) -> Directory:
        return self.tc.directory

    def compose(self) -> ComposeResult:
        yield IdentityBar(self.MODE_TITLE)
        yield from self.compose_body()
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.tc.register_mode_screen(self)

    def on_unmount(self) -> None:
        self.tc.unregister_mode_screen(self)

    def on_screen_resume(self) -> None:
        if self.stale:
            self.stale = False
            self.reload()

    def reload(self) -> None:
        """Fetch this screen's data again (in a worker)."""

    def relabel(self) -> None:
        """Redraw every visible word in the current language."""
        self.query_one(IdentityBar).relabel()
        self.query_one(KeyBar).relabel()

    def connection_changed(self) -> None:
        """The database server went away or came back (issue 12): the top line says which."""
        self.query_one(IdentityBar).relabel()

    def directory_changed(self) -> None:
        """The co-ops or resources were reloaded (names may have changed)."""
        self.query_one(IdentityBar).relabel()

    @on(ServiceFailed)
    def _service_failed(self, message: ServiceFailed) -> None:
        self.notify(message.text, severity="error", markup=False, timeout=8)
