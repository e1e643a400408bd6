"""The app's modes, in one registry: adding a mode is adding one ``ModeSpec``.

Each mode is a Textual app mode with its own screen stack, reached by one
function key that works even while an input has focus. The app builds its
key bindings, its footer, its command palette entries and the help list
from this tuple, and shows a mode only to the roles ``allowed`` lets in.

Admin (F5) and Reports (F6) are for co-op and federation admins only; the
services check the same roles again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen

from telecoop.domain import model as m
from telecoop.services.context import BOOKING_ROLES, Context


@dataclass(frozen=True)
class ModeSpec:
    name: str
    """Textual mode name, used by ``switch_mode``."""
    key: str
    """The key that switches to it (a function key, so inputs never eat it)."""
    title: str
    """i18n key of the mode's title (identity bar, help)."""
    label: str
    """i18n key of the short footer label; ``label`` with ``key.`` -> ``help.`` is its long help."""
    screen: Callable[[], Screen]
    """Builds the mode's base screen (imports lazily)."""
    allowed: Callable[[Context], bool]
    """Whether the acting user sees this mode."""
    footer: bool = True
    """Whether its key shows in the footer (issue 13: Waitlist does not: at 80 columns a French
    admin's mode line would push F9 off the screen; it is in F1, the palette and every offer's notice)."""


def _find() -> Screen:
    from telecoop.tui.screens.find import FindScreen

    return FindScreen()


def _agenda() -> Screen:
    from telecoop.tui.screens.agenda import AgendaScreen

    return AgendaScreen()


def _bookings() -> Screen:
    from telecoop.tui.screens.bookings import BookingsScreen

    return BookingsScreen()


def _admin() -> Screen:
    from telecoop.tui.screens.admin import AdminScreen

    return AdminScreen()


def _reports() -> Screen:
    from telecoop.tui.screens.reports import ReportsScreen

    return ReportsScreen()


def _waitlist() -> Screen:
    from telecoop.tui.screens.waitlist import WaitlistScreen

    return WaitlistScreen()


def _admins(ctx: Context) -> bool:
    return ctx.is_admin


def _books(ctx: Context) -> bool:
    return ctx.role in BOOKING_ROLES


def _anyone(ctx: Context) -> bool:
    return True


MODES: tuple[ModeSpec, ...] = (
    ModeSpec("find", "f2", "tui.mode.find", "tui.key.find", _find, _books),
    ModeSpec("agenda", "f3", "tui.mode.agenda", "tui.key.agenda", _agenda, _anyone),
    ModeSpec("bookings", "f4", "tui.mode.bookings", "tui.key.bookings", _bookings, _anyone),
    ModeSpec("admin", "f5", "tui.mode.admin", "tui.key.admin", _admin, _admins),
    ModeSpec("reports", "f6", "tui.mode.reports", "tui.key.reports", _reports, _admins),
    ModeSpec("waitlist", "f7", "tui.mode.waitlist", "tui.key.waitlist", _waitlist, _books, footer=False),  # issue 13
)


def available(ctx: Context) -> list[ModeSpec]:
    """The modes the acting user may use, in key order."""
    return [spec for spec in MODES if spec.allowed(ctx)]


def home(ctx: Context) -> str:
    """The mode the app opens on: clinicians their agenda, others Find a slot."""
    names = [spec.name for spec in available(ctx)]
    preferred = "agenda" if ctx.role == m.Role.CLINICIAN else "find"
    return preferred if preferred in names else names[0]


def spec(name: str) -> ModeSpec | None:
    for s in MODES:
        if s.name == name:
            return s
    return None
