"""Agenda: one day or one week of a resource, or of my co-op's bookings."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Select, Static

from telecoop.domain import model as m
from telecoop.i18n import t
from telecoop.services import booking as booking_service
from telecoop.tui.format import day_long, day_short, literal, local_day
from telecoop.tui.messages import UNSET, guarded
from telecoop.tui.screens.booking_list import BookingListScreen
from telecoop.tui.strings_day import sort_key
from telecoop.tui.widgets.result_table import ResultTable
from telecoop.tui.widgets.select_options import reset_options

MY_COOP = "coop"
SHOWN = [s.value for s in m.BookingStatus if s != m.BookingStatus.CANCELLED]


class AgendaScreen(BookingListScreen):
    """Bookings of the chosen subject, by start; other co-ops' show as "busy — co-op X".

    Clinicians see their own agenda only.
    """

    MODE_TITLE = "tui.mode.agenda"
    AUTO_FOCUS = "#agenda"
    TABLE_ID = "agenda"
    DETAIL_ID = "agenda-detail"

    BINDINGS = [
        # One footer entry per pair ("←→ Day"); the help lists both keys.
        Binding("left", "move(-1)", "tui.key.day", priority=True, key_display="←→"),
        Binding("right", "move(1)", "tui.key.next_day", priority=True, show=False),
        Binding("pageup", "move(-7)", "tui.key.week", priority=True, key_display="PgUp/Dn"),
        Binding("pagedown", "move(7)", "tui.key.next_week", priority=True, show=False),
        Binding("enter", "details", "tui.key.details"),  # issue 10: the table's Enter opens them
        Binding("t", "today", "tui.key.today"),
        Binding("v", "toggle_view", "tui.key.toggle_view"),
        Binding("i", "check_in", "tui.key.check_in"),
        Binding("d", "complete", "tui.key.complete"),
        Binding("n", "no_show", "tui.key.no_show"),
    ]

    class AgendaLoaded(Message):
        def __init__(self, request: tuple, bookings: list[m.Booking]) -> None:
            super().__init__()
            self.request = request
            self.bookings = bookings

    def __init__(self) -> None:
        super().__init__()
        self.day: dt.date = dt.date.min
        self.week = False
        self._request: tuple | None = None

    # ------------------------------------------------------------------ #

    def compose_body(self) -> ComposeResult:
        self.day = local_day(self.ctx.now(), self.ctx.actor_tz)
        options = self._subject_options()
        with Horizontal(id="agenda-bar", classes="bar"):
            yield Select(options, value=options[0][1], allow_blank=False, compact=True, id="subject")
            yield Static("", id="period", classes="notice", markup=False)
        yield ResultTable(id="agenda")
        yield Static("", id="agenda-detail", classes="detail", markup=False)

    def _subject_options(self) -> list[tuple[Text, str]]:
        ctx = self.ctx
        if ctx.role == m.Role.CLINICIAN:
            own = self.directory.resource(ctx.actor.clinician_id)
            name = own.name if own else ctx.actor.name
            return [(literal(name), f"r{ctx.actor.clinician_id}")]
        options: list[tuple[Text, str]] = [(Text(t("tui.agenda.my_coop")), MY_COOP)]
        # My co-op's resources first, then the shared ones, clinicians before rooms.
        resources = sorted(
            self.directory.resources,
            key=lambda r: (r.coop != ctx.coop, r.kind != m.ResourceKind.CLINICIAN, sort_key(r.name)),
        )
        for r in resources:
            label = literal(r.name)
            label.append(f" · {r.coop}", style="dim")
            options.append((label, f"r{r.id}"))
        return options

    def on_mount(self) -> None:
        # (ModeScreen.on_mount runs too: Textual calls each class's handler.)
        self.reload()

    def _subject(self) -> str:
        value = self.query_one("#subject", Select).value
        return value if isinstance(value, str) else MY_COOP

    def _period(self) -> tuple[dt.date, dt.date]:
        if not self.week:
            return self.day, self.day
        monday = self.day - dt.timedelta(days=self.day.weekday())
        return monday, monday + dt.timedelta(days=6)

    def reload(self) -> None:
        subject = self._subject()
        first, last = self._period()
        self._request = (subject, first, last)
        self._show_period()
        self._load(self._request)

    @work(thread=True, exclusive=True, group="agenda")
    def _load(self, request: tuple) -> None:
        subject, first, last = request
        ctx = self.ctx
        resource_id = int(subject[1:]) if subject.startswith("r") else None
        found = guarded(
            self,
            lambda: booking_service.list_bookings(
                ctx,
                from_date=first,
                to_date=last,
                resource_id=resource_id,
                own_coop_only=subject == MY_COOP,
                statuses=SHOWN,
            ),
        )
        if found is not UNSET:
            self.post_message(self.AgendaLoaded(request, found))

    @on(AgendaLoaded)
    def _loaded(self, message: AgendaLoaded) -> None:
        if message.request != self._request:
            return
        self.bookings = message.bookings
        self._fill()

    def refill(self) -> None:
        self._fill()

    def _fill(self) -> None:
        # One clinician's agenda needs no clinician column: the patient (or
        # "busy — co-op") gets the width instead.
        subject = self._subject()
        resource = self.directory.resource(int(subject[1:])) if subject.startswith("r") else None
        one_clinician = self.ctx.role == m.Role.CLINICIAN or (
            resource is not None and resource.kind == m.ResourceKind.CLINICIAN
        )
        shape = {"with_day": self.week, "with_clinician": not one_clinician}
        rows = [(str(b.id), self.booking_cells(b, **shape)) for b in self.bookings]
        self.table().fill(self.booking_columns(**shape), rows)
        self._show_period()
        self.show_detail()

    def _show_period(self) -> None:
        first, last = self._period()
        if self.week:
            text = t("tui.agenda.week", start=day_short(first), end=day_short(last))
        else:
            text = day_long(first)
        count = t("tui.agenda.count", n=len(self.bookings)) if self.bookings else t("tui.agenda.empty")
        self.query_one("#period", Static).update(Text(f"{text} — {count}", end=""))

    # ------------------------------------------------------------------ #

    @on(Select.Changed, "#subject")
    def _subject_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self._request is None or self._request[0] != self._subject():
            self.reload()

    def action_move(self, days: int) -> None:
        """Move by days (±1) or weeks (±7)."""
        self.day += dt.timedelta(days=days)
        self.reload()

    def action_today(self) -> None:
        """Back to today."""
        self.day = local_day(self.ctx.now(), self.ctx.actor_tz)
        self.reload()

    def action_toggle_view(self) -> None:
        """Day view or week view."""
        self.week = not self.week
        self.reload()

    def relabel(self) -> None:
        super().relabel()
        self._reset_subjects()
        self._fill()

    def directory_changed(self) -> None:
        super().directory_changed()
        self._reset_subjects()

    def _reset_subjects(self) -> None:
        reset_options(self.query_one("#subject", Select), self._subject_options())
