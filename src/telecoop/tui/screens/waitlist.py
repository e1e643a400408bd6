"""issue 13: Waitlist — my co-op's offers (cancellations held for our patients) and waiting entries.

Offers arrive by themselves: another co-op's cancellation writes the offer,
the app's change check (``TeleCoopApp._poll``) sees the commit and this
screen reloads, and the app says "new offer" in whatever mode is open. While
nothing changes nothing is drawn; the one timer is set to the first offer's
expiry, when it lapses and passes to the next patient.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from telecoop.domain import capacity as cap
from telecoop.i18n import t
from telecoop.services import holds as hold_service
from telecoop.services import waitlist as waitlist_service
from telecoop.tui.format import day_short, literal, local_day, specialty_label, time_pair
from telecoop.tui.messages import UNSET, failure_in, guarded
from telecoop.tui.screens.base import ModeScreen
from telecoop.tui.widgets.result_table import ResultTable

ENTRY_STATUS_KEYS = {
    "waiting": "waitlist.status.waiting",
    "offered": "waitlist.status.offered",
    "booked": "waitlist.status.booked",
    "removed": "waitlist.status.removed",
}


class WaitlistScreen(ModeScreen):
    """Two tables: live offers (accept with Enter, decline with x), then entries (n new, r remove)."""

    MODE_TITLE = "tui.mode.waitlist"
    AUTO_FOCUS = "#offers"

    BINDINGS = [
        Binding("enter", "accept", "tui.key.wl.accept"),
        Binding("x", "decline", "tui.key.wl.decline"),
        Binding("n", "new_entry", "tui.key.wl.new"),
        Binding("r", "remove_entry", "tui.key.wl.remove"),
        Binding("tab", "switch_table", "tui.key.wl.switch", show=False),
    ]

    class Loaded(Message):
        def __init__(self, offers: list, entries: list, next_expiry) -> None:
            super().__init__()
            self.offers = offers
            self.entries = entries
            self.next_expiry = next_expiry

    class Done(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self) -> None:
        super().__init__()
        self.offers: list[tuple[cap.Hold, cap.WaitlistEntry]] = []
        self.entries: list[cap.WaitlistEntry] = []
        self._expiry_timer = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="offers-title", classes="notice", markup=False)
        yield ResultTable(id="offers")
        yield Static("", id="entries-title", classes="notice", markup=False)
        yield ResultTable(id="entries")
        yield Static("", id="waitlist-notice", classes="detail", markup=False)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="waitlist")
    def _load(self) -> None:
        ctx = self.ctx

        def read():
            return (waitlist_service.offers(ctx), waitlist_service.list_entries(ctx),
                    waitlist_service.next_offer_expiry(ctx))

        found = guarded(self, read)
        if found is not UNSET:
            self.post_message(self.Loaded(*found))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.offers, self.entries = message.offers, message.entries
        self._fill()
        if self._expiry_timer is not None:
            self._expiry_timer.stop()
            self._expiry_timer = None
        if message.next_expiry is not None:
            # One timer, at the first offer's expiry: it lapses and goes to the next patient.
            wait = (message.next_expiry - self.ctx.now()).total_seconds()
            self._expiry_timer = self.set_timer(max(wait, 1), self.reload)

    def _fill(self) -> None:
        tz = self.ctx.actor_tz
        offers = self.query_one("#offers", ResultTable)
        rows = []
        for hold, entry in self.offers:
            clinician = self.directory.resource(hold.clinician_id)
            rows.append((str(hold.id), [
                literal(day_short(local_day(hold.start, tz))),
                literal(time_pair(hold.start, tz, clinician.tz if clinician else tz)),
                literal(entry.patient or ""),
                literal(clinician.name if clinician else f"#{hold.clinician_id}"),
                literal(time_pair(hold.expires, tz, tz), style="bold"),
            ]))
        offers.fill([(t("tui.col.day"), 10), (t("tui.col.time"), None), (t("tui.col.patient"), 12),
                     (t("tui.col.clinician"), 0), (t("tui.wl.col.until"), None)], rows)
        entries = self.query_one("#entries", ResultTable)
        entries.fill([(t("tui.col.patient"), 12), (t("tui.wl.col.specialty"), 0), (t("tui.wl.col.days"), None),
                      (t("tui.wl.col.priority"), None), (t("tui.col.status"), 12)],
                     [(str(e.id), [
                         literal(e.patient or ""),
                         literal(specialty_label(e.specialty)),
                         literal(f"{day_short(e.from_date)}–{day_short(e.to_date)}"),
                         literal(str(e.priority)),
                         literal(t(ENTRY_STATUS_KEYS[e.status.value])),
                     ]) for e in self.entries])
        self.query_one("#offers-title", Static).update(
            Text(t("tui.wl.offers", n=len(self.offers)), style="bold") if self.offers else t("tui.wl.no_offers"))
        self.query_one("#entries-title", Static).update(t("tui.wl.entries", n=len(self.entries)))

    def _selected_offer(self) -> tuple[cap.Hold, cap.WaitlistEntry] | None:
        key = self.query_one("#offers", ResultTable).current_key()
        return next(((h, e) for h, e in self.offers if str(h.id) == key), None)

    def _selected_entry(self) -> cap.WaitlistEntry | None:
        key = self.query_one("#entries", ResultTable).current_key()
        return next((e for e in self.entries if str(e.id) == key), None)

    @on(ResultTable.RowSelected, "#offers")
    def _offer_chosen(self, event: ResultTable.RowSelected) -> None:
        event.stop()
        self.action_accept()

    def action_switch_table(self) -> None:
        offers = self.query_one("#offers", ResultTable)
        (self.query_one("#entries", ResultTable) if self.focused is offers else offers).focus()

    def action_accept(self) -> None:
        """Book the highlighted offer for its patient."""
        picked = self._selected_offer()
        if picked is None:
            return
        from telecoop.tui.dialogs.confirm import ConfirmDialog

        def answered(consent: bool | None) -> None:
            # issue 14: an offer is a video or phone visit, which needs the patient's consent
            if consent:
                self._act(lambda: waitlist_service.accept(self.ctx, picked[0].id, consent=True), "tui.wl.accepted")

        self.app.push_screen(ConfirmDialog("tui.wl.consent_q"), answered)

    def action_decline(self) -> None:
        """Give the highlighted offer back: it goes to the next patient."""
        picked = self._selected_offer()
        if picked is not None:
            self._act(lambda: hold_service.release(self.ctx, picked[0].id), "tui.wl.declined")

    def action_remove_entry(self) -> None:
        entry = self._selected_entry()
        if entry is not None:
            self._act(lambda: waitlist_service.remove(self.ctx, entry.id), "tui.wl.removed")

    def action_new_entry(self) -> None:
        from telecoop.tui.dialogs.waitlist_entry import WaitlistEntryDialog

        self.app.push_screen(WaitlistEntryDialog(), lambda added: self.reload() if added else None)

    @work(thread=True, exclusive=True, group="waitlist-act")
    def _act(self, call, key: str) -> None:
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - said on the screen, never a traceback
            self.post_message(self.Done(failure_in(self, exc).text))
        else:
            self.post_message(self.Done(t(key)))
        self._load()

    @on(Done)
    def _done(self, message: Done) -> None:
        self.query_one("#waitlist-notice", Static).update(message.text)

    def relabel(self) -> None:
        super().relabel()
        self._fill()

