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


#: a binding's short label -> its long help (written out: no catalogue key is built at run time)
HELP_KEYS = {
    "tui.key.find": "tui.help.find",
    "tui.key.agenda": "tui.help.agenda",
    "tui.key.bookings": "tui.help.bookings",
    "tui.key.admin": "tui.help.admin",
    "tui.key.reports": "tui.help.reports",
    # issue 13: the Waitlist mode and its keys
    "tui.key.waitlist": "tui.help.waitlist",
    "tui.key.wl.accept": "tui.help.wl.accept",
    "tui.key.wl.decline": "tui.help.wl.decline",
    "tui.key.wl.new": "tui.help.wl.new",
    "tui.key.wl.remove": "tui.help.wl.remove",
    "tui.key.wl.switch": "tui.help.wl.switch",
    "tui.key.adm.terms": "tui.help.adm.terms",
    "tui.key.language": "tui.help.language",
    "tui.key.scroll_details": "tui.help.scroll_details",
    "tui.key.help": "tui.help.help",
    "tui.key.palette": "tui.help.palette",
    "tui.key.redraw": "tui.help.redraw",
    "tui.key.quit": "tui.help.quit",
    "tui.key.book": "tui.help.book",
    "tui.key.toggle_focus": "tui.help.toggle_focus",
    "tui.key.day": "tui.help.day",
    "tui.key.next_day": "tui.help.next_day",
    "tui.key.week": "tui.help.week",
    "tui.key.next_week": "tui.help.next_week",
    "tui.key.today": "tui.help.today",
    "tui.key.toggle_view": "tui.help.toggle_view",
    "tui.key.cancel_booking": "tui.help.cancel_booking",
    "tui.key.reschedule": "tui.help.reschedule",
    "tui.key.check_in": "tui.help.check_in",
    "tui.key.complete": "tui.help.complete",
    "tui.key.no_show": "tui.help.no_show",
    "tui.key.adm.new": "tui.help.adm.new",
    "tui.key.adm.edit": "tui.help.adm.edit",
    "tui.key.adm.toggle": "tui.help.adm.toggle",
    "tui.key.adm.hours": "tui.help.adm.hours",
    "tui.key.adm.closures": "tui.help.adm.closures",
    "tui.key.adm.delete": "tui.help.adm.delete",
    "tui.key.adm.holidays": "tui.help.adm.holidays",
    "tui.key.adm.section": "tui.help.adm.section",
    "tui.key.adm.save": "tui.help.adm.save",
    "tui.key.adm.add": "tui.help.adm.add",
    "tui.key.rep.prev": "tui.help.rep.prev",
    "tui.key.rep.next": "tui.help.rep.next",
    "tui.key.rep.month": "tui.help.rep.month",
    "tui.key.search": "tui.help.search",
    "tui.key.pick_specialty": "tui.help.pick_specialty",
    "tui.key.toggle_room": "tui.help.toggle_room",
    "tui.key.partner_rooms": "tui.help.partner_rooms",
    "tui.key.clear_search": "tui.help.clear_search",
    "tui.key.details": "tui.help.details",
    "tui.key.copy": "tui.help.copy",
    "tui.key.save_ics": "tui.help.save_ics",
    "tui.key.patient_lang": "tui.help.patient_lang",
    "tui.key.switch_mode": "tui.help.switch_mode",  # issue 14
    "tui.key.adm.platform": "tui.help.adm.platform",
}



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
    return [(" ".join(keys), t(HELP_KEYS.get(description, description))) for keys, description in by_action.values()]


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
