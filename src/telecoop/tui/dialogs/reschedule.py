"""Picking a new slot for a booking: free slots of the same specialty (any clinician, any room), Enter picks.

Issue 10: a move is often to whoever is free, not only to the same person;
the booking's current time is left out, and the old and new local times
are both on screen while the user picks.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from telecoop.tui import strings_day  # noqa: F401  (registers the catalogue)
from telecoop.tui.widgets.room_names import common_words_prefix, short_room

from telecoop.domain import model as m
from telecoop.i18n import t
from telecoop.services import search as search_service
from telecoop.tui.format import clean, day_short, literal, local_day, time_pair
from telecoop.tui.messages import UNSET, ServiceFailed, guarded
from telecoop.tui.widgets.result_table import ResultTable

SEARCH_DAYS = 14
SEARCH_LIMIT = 40


class RescheduleDialog(ModalScreen["m.Slot | None"]):
    """Lists the next free slots for the booking's specialty (with a room if it has one).

    Dismissed with the slot picked: its clinician and room may differ from the booking's.
    """

    BINDINGS = [Binding("escape", "close", "tui.key.close")]
    AUTO_FOCUS = "#new-slots"

    class SlotsFound(Message):
        def __init__(self, slots: list[m.Slot]) -> None:
            super().__init__()
            self.slots = slots

    def __init__(self, booking: m.Booking, notice_key: str = "") -> None:
        super().__init__()
        self.booking = booking
        self.notice_key = notice_key
        self._slots: list[m.Slot] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog tall"):
            yield Static("", id="dialog-title", classes="title", markup=False)
            yield Static("", id="resched-old", markup=False)
            yield Static("", id="resched-notice", classes="error", markup=False)
            yield ResultTable(id="new-slots")
            yield Static("", id="resched-new", markup=False)
            yield Static("", id="dialog-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.relabel()
        self._search()

    @work(thread=True, exclusive=True, group="resched")
    def _search(self) -> None:
        b = self.booking
        ctx = self.app.ctx  # type: ignore[attr-defined]
        minutes = int((b.end - b.start).total_seconds() // 60)
        clinician = self.app.directory.resource(b.clinician_id)  # type: ignore[attr-defined]
        specialty = clinician.specialty if clinician is not None else ""
        who: dict = {"specialty": specialty} if specialty else {"clinician_id": b.clinician_id}
        slots = guarded(
            self,
            lambda: search_service.search_slots(
                ctx,
                with_room=b.room_id is not None,
                duration=minutes,
                days=SEARCH_DAYS,
                limit=SEARCH_LIMIT,
                exclude_booking_id=b.id,
                **who,
            ),
        )
        if slots is not UNSET:
            # Its own time is no move: leave it out.
            self.post_message(
                self.SlotsFound([s for s in slots if not (s.start == b.start and s.clinician_id == b.clinician_id)])
            )

    @on(SlotsFound)
    def _found(self, message: SlotsFound) -> None:
        self._slots = message.slots
        self._fill()

    def _fill(self) -> None:
        if self._slots is None:
            return
        tz = self.app.ctx.actor_tz  # type: ignore[attr-defined]
        with_room = any(s.room for s in self._slots)
        prefix = common_words_prefix([s.room for s in self._slots if s.room])
        rows = []
        for i, s in enumerate(self._slots):
            cells = [
                literal(day_short(local_day(s.start, tz))),
                literal(time_pair(s.start, tz, s.tz)),
                literal(s.clinician, style="" if s.clinician_id == self.booking.clinician_id else "bold"),
            ]
            if with_room:
                cells.append(literal(short_room(s.room or "", prefix)))
            rows.append((str(i), cells))
        columns: list[tuple[str, int | None]] = [
            (t("tui.col.day"), 10),
            (t("tui.col.time"), None),
            (t("tui.col.clinician"), 0 if not with_room else 20),
        ]
        if with_room:
            columns.append((t("tui.col.room"), 0))
        self.query_one("#new-slots", ResultTable).fill(columns, rows)
        if not self._slots:
            self.query_one("#resched-notice", Static).update(t("tui.resched.none"))
        self._show_new()

    def _when(self, start, zone: str, who: str) -> str:
        tz = self.app.ctx.actor_tz  # type: ignore[attr-defined]
        return f"{day_short(local_day(start, tz))} {time_pair(start, tz, zone)} — {clean(who)}"

    def _show_new(self) -> None:
        """The highlighted slot's local time, under the table, beside the old one above it."""
        new = self.query_one("#resched-new", Static)
        table = self.query_one("#new-slots", ResultTable)
        if not self._slots or table.row_count == 0:
            new.update("")
            return
        s = self._slots[min(table.cursor_row, len(self._slots) - 1)]
        text = t("tui.resched.new", when=self._when(s.start, s.tz, s.clinician))
        if s.room:
            text += " · " + clean(s.room)
        new.update(literal(text))

    @on(DataTable.RowHighlighted, "#new-slots")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_new()

    def relabel(self) -> None:
        self.query_one("#dialog-title", Static).update(
            literal(t("tui.resched.title", id=self.booking.id, clinician=clean(self.booking.clinician)))
        )
        b = self.booking
        old = t("tui.resched.old", when=self._when(b.start, b.clinician_tz, b.clinician))
        self.query_one("#resched-old", Static).update(literal(old + (" · " + clean(b.room) if b.room else "")))
        self.query_one("#resched-notice", Static).update(t(self.notice_key) if self.notice_key else "")
        self.query_one("#dialog-hint", Static).update(t("tui.resched.hint"))
        self._fill()

    @on(DataTable.RowSelected, "#new-slots")
    def _picked(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self._slots:
            self.dismiss(self._slots[event.cursor_row])

    @on(ServiceFailed)
    def _failed(self, message: ServiceFailed) -> None:
        message.stop()
        self.query_one("#resched-notice", Static).update(literal(message.text))

    def action_close(self) -> None:
        self.dismiss(None)
