"""Bookings: my co-op's bookings, upcoming / today / all, and what to do with one."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label, Select, Static

from telecoop.domain import model as m
from telecoop.i18n import t
from telecoop.services import booking as booking_service
from telecoop.tui.format import day_long, day_short, local_day
from telecoop.tui.messages import UNSET, guarded
from telecoop.tui.strings_day import fold
from telecoop.tui.screens.booking_list import BookingListScreen
from telecoop.tui.widgets.result_table import ResultTable
from telecoop.tui.widgets.select_options import reset_options

FILTERS = ("upcoming", "today", "all", "conflicts")
#: each filter's label (written out: no catalogue key is built at run time)
FILTER_KEYS = {
    "upcoming": "tui.bookings.upcoming",
    "today": "tui.bookings.today",
    "all": "tui.bookings.all",
    "conflicts": "tui.bookings.conflicts",
}
ACTIVE = [m.BookingStatus.BOOKED.value, m.BookingStatus.CHECKED_IN.value]


class BookingsScreen(BookingListScreen):
    """One table of bookings with a filter above and the highlighted booking's details below."""

    MODE_TITLE = "tui.mode.bookings"
    AUTO_FOCUS = "#bookings"
    TABLE_ID = "bookings"
    DETAIL_ID = "booking-detail"

    BINDINGS = [
        Binding("enter", "details", "tui.key.details"),  # issue 10: the table's Enter opens them
        Binding("slash", "search", "tui.key.search", key_display="/"),
        Binding("escape", "clear_search", "tui.key.clear_search"),
        Binding("c", "cancel_booking", "tui.key.cancel_booking"),
        Binding("r", "reschedule", "tui.key.reschedule"),
        Binding("i", "check_in", "tui.key.check_in"),
        Binding("d", "complete", "tui.key.complete"),
        Binding("n", "no_show", "tui.key.no_show"),
        Binding("m", "switch_mode", "tui.key.switch_mode", show=False),  # issue 14: in F1 and the palette (the footer is full)
    ]

    class BookingsLoaded(Message):
        def __init__(self, which: str, bookings: list[m.Booking]) -> None:
            super().__init__()
            self.which = which
            self.bookings = bookings

    def __init__(self) -> None:
        super().__init__()
        self._shown: str | None = None
        """The filter whose bookings the table shows."""
        self._requested: str | None = None
        """The filter last asked for."""

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="bookings-bar", classes="bar"):
            yield Select(self._filter_options(), value="upcoming", allow_blank=False, compact=True, id="bookings-filter")
            yield Static("", id="bookings-count", classes="notice", markup=False)
        with Horizontal(id="bookings-search-bar", classes="bar"):
            yield Label(t("tui.search.label"), id="bookings-search-label", markup=False)
            yield Input(placeholder=t("tui.search.placeholder"), max_length=60, compact=True, id="bookings-search")
        yield ResultTable(id="bookings")
        yield Static("", id="booking-detail", classes="detail", markup=False)

    def _filter_options(self) -> list[tuple[Text, str]]:
        return [(Text(t(FILTER_KEYS[f])), f) for f in FILTERS]

    def on_mount(self) -> None:
        # (ModeScreen.on_mount runs too: Textual calls each class's handler.)
        self.query_one("#bookings-search-bar").display = False
        self.reload()

    def _which(self) -> str:
        value = self.query_one("#bookings-filter", Select).value
        return value if isinstance(value, str) else "upcoming"

    def reload(self) -> None:
        self._requested = self._which()
        self._load(self._requested)

    @on(Select.Changed, "#bookings-filter")
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self._which() != self._requested:
            self.reload()

    @work(thread=True, exclusive=True, group="bookings")
    def _load(self, which: str) -> None:
        ctx = self.ctx
        if which == "upcoming":
            kwargs = {"start": ctx.now(), "statuses": ACTIVE}
        elif which == "today":
            today = local_day(ctx.now(), ctx.actor_tz)
            kwargs = {"from_date": today, "to_date": today}
        elif which == "conflicts":
            # Left standing by a forced closure or withdrawal: patients to call.
            kwargs = {"conflicts_only": True}
        else:
            kwargs = {}
        found = guarded(self, lambda: booking_service.list_bookings(ctx, own_coop_only=True, **kwargs))
        if found is not UNSET:
            self.post_message(self.BookingsLoaded(which, found))

    @on(BookingsLoaded)
    def _loaded(self, message: BookingsLoaded) -> None:
        if message.which != self._which():
            return
        first = self._shown != message.which
        self._shown = message.which
        self.bookings = message.bookings
        cursor = None
        if first and message.which == "all":
            # "All" starts with last year's; put the cursor on the first one still to come.
            now = self.ctx.now()
            upcoming = [b for b in self.bookings if b.end > now]
            cursor = str(upcoming[0].id) if upcoming else None
        self._fill(cursor)

    def refill(self) -> None:
        self._fill()

    def _fill(self, cursor: str | None = None) -> None:
        needle = self._needle()
        shown = [b for b in self.bookings if self._matches(b, needle)] if needle else self.bookings
        rows = [(str(b.id), self.booking_cells(b, with_day=True)) for b in shown]
        self.table().fill(self.booking_columns(with_day=True), rows, cursor_key=cursor)
        if needle and self.bookings:
            count = (
                t("tui.search.count", n=len(shown), total=len(self.bookings))
                if shown
                else t("tui.search.none")
            )
        else:
            count = t("tui.bookings.count", n=len(self.bookings)) if self.bookings else t("tui.bookings.empty")
        self.query_one("#bookings-count", Static).update(count)
        self.show_detail()

    # ------------------------------------------------------------------ #
    # Find by patient reference, clinician or date (issue 10)
    # ------------------------------------------------------------------ #

    def _needle(self) -> list[str]:
        return fold(self.query_one("#bookings-search", Input).value).split()

    def _matches(self, b: m.Booking, words: list[str]) -> bool:
        """Every typed word is in the patient reference, the clinician or the day (as shown or ISO).

        The table holds only this co-op's bookings (``own_coop_only``), so a
        reference never matches another co-op's patient.
        """
        day = local_day(b.start, self.ctx.actor_tz)
        hay = fold(" ".join([b.patient or "", b.clinician, day_short(day), day_long(day), day.isoformat()]))
        return all(w in hay for w in words)

    def selected_booking(self) -> m.Booking | None:
        return super().selected_booking() if self.table().row_count else None

    def action_search(self) -> None:
        """Show the search field and type into it; the table filters as you type."""
        self.query_one("#bookings-search-bar").display = True
        self.query_one("#bookings-search", Input).focus()
        self.refresh_bindings()

    def action_clear_search(self) -> None:
        """Clear the search: every booking again."""
        search = self.query_one("#bookings-search", Input)
        search.value = ""
        self.query_one("#bookings-search-bar").display = False
        self.table().focus()
        self._fill(self.table().current_key())
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_search":
            return bool(self.query_one("#bookings-search-bar").display)
        return super().check_action(action, parameters)

    @on(Input.Changed, "#bookings-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill()

    @on(Input.Submitted, "#bookings-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        """Enter: to the results, the filter kept (Enter again opens the details)."""
        event.stop()
        self.table().focus()

    def relabel(self) -> None:
        super().relabel()
        self.query_one("#bookings-search-label", Label).update(t("tui.search.label"))
        self.query_one("#bookings-search", Input).placeholder = t("tui.search.placeholder")
        select = self.query_one("#bookings-filter", Select)
        reset_options(select, self._filter_options())
        self._fill()
