"""Picking a new slot for a booking: the same clinician's free slots, Enter picks."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from telecoop.domain import model as m
from telecoop.i18n import t
from telecoop.services import booking as booking_service
from telecoop.tui.format import clean, day_short, literal, local_day, time_pair
from telecoop.tui.messages import UNSET, ServiceFailed, guarded
from telecoop.tui.widgets.result_table import ResultTable

SEARCH_DAYS = 14
SEARCH_LIMIT = 40


class RescheduleDialog(ModalScreen["m.Slot | None"]):
    """Lists the next free slots of the booking's clinician (and room); dismissed with the one picked."""

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
            yield Static("", id="resched-notice", classes="error", markup=False)
            yield ResultTable(id="new-slots")
            yield Static("", id="dialog-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.relabel()
        self._search()

    @work(thread=True, exclusive=True, group="resched")
    def _search(self) -> None:
        b = self.booking
        ctx = self.app.ctx  # type: ignore[attr-defined]
        minutes = int((b.end - b.start).total_seconds() // 60)
        slots = guarded(
            self,
            lambda: booking_service.search_slots(
                ctx,
                clinician_id=b.clinician_id,
                room_id=b.room_id,
                duration=minutes,
                days=SEARCH_DAYS,
                limit=SEARCH_LIMIT,
                exclude_booking_id=b.id,
            ),
        )
        if slots is not UNSET:
            self.post_message(self.SlotsFound(slots))

    @on(SlotsFound)
    def _found(self, message: SlotsFound) -> None:
        self._slots = message.slots
        self._fill()

    def _fill(self) -> None:
        if self._slots is None:
            return
        tz = self.app.ctx.actor_tz  # type: ignore[attr-defined]
        with_room = any(s.room for s in self._slots)
        rows = []
        for i, s in enumerate(self._slots):
            cells = [literal(day_short(local_day(s.start, tz))), literal(time_pair(s.start, tz, s.tz))]
            if with_room:
                cells.append(literal(s.room or ""))
            rows.append((str(i), cells))
        columns: list[tuple[str, int | None]] = [(t("tui.col.day"), 10), (t("tui.col.time"), None)]
        if with_room:
            columns.append((t("tui.col.room"), 0))
        self.query_one("#new-slots", ResultTable).fill(columns, rows)
        if not self._slots:
            self.query_one("#resched-notice", Static).update(t("tui.resched.none"))

    def relabel(self) -> None:
        self.query_one("#dialog-title", Static).update(
            literal(t("tui.resched.title", id=self.booking.id, clinician=clean(self.booking.clinician)))
        )
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
