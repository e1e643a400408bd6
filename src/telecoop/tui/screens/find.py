"""Find a slot: filters, free slots earliest first, Enter books one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Input, Label, Select, Static

from telecoop.domain import model as m
from telecoop.domain.errors import BadInput
from telecoop.domain.timeutil import parse_date
from telecoop.i18n import get_lang, t
from telecoop.services import search as search_service
from telecoop.tui.dialogs.booking_details import BookingDetailsDialog
from telecoop.tui.dialogs.booking_form import BookingDialog, SlotWasTaken
from telecoop.tui.format import (
    clean,
    day_long,
    day_short,
    languages_label,
    literal,
    local_day,
    specialty_label,
    time_pair,
)
from telecoop.tui.messages import UNSET, guarded
from telecoop.tui.screens.base import ModeScreen
from telecoop.tui.widgets.result_table import ResultTable
from telecoop.tui.widgets.room_names import common_words_prefix, short_room
from telecoop.tui.strings_day import sort_key
from telecoop.tui.widgets.select_options import reset_options
from telecoop.tui.widgets.tick_box import TickBox

DURATIONS = (15, 30, 45, 60)
#: from this many columns the results also show each slot's specialty
WIDE = 110
SEARCH_DAYS = 14
SEARCH_LIMIT = 60
ANY = ""


@dataclass(frozen=True)
class SlotQuery:
    """The filters of one search, as typed; equal queries are not searched twice."""

    specialty: str = ANY
    language: str = ANY
    coop: str = ANY
    with_room: bool = False
    from_date: dt.date | None = None
    duration: int = 30
    partner_rooms: bool = False

    def kwargs(self) -> dict:
        return {
            "specialty": self.specialty or None,
            "language": self.language if self.language in m.LANGUAGES else None,
            "interpreter_language": self.language if self.language not in (ANY, *m.LANGUAGES) else None,
            "coop": self.coop or None,
            "with_room": self.with_room,
            "partner_rooms": self.with_room and self.partner_rooms,
            "from_date": self.from_date,
            "duration": self.duration,
            "days": SEARCH_DAYS,
            "limit": SEARCH_LIMIT,
        }


@dataclass
class Notice:
    """The line above the results: an i18n key, its parameters and a style."""

    key: str = ""
    params: dict = field(default_factory=dict)
    style: str = ""


class FindScreen(ModeScreen):
    """Filters on two lines, free slots in a table, details of the highlighted slot below."""

    MODE_TITLE = "tui.mode.find"
    AUTO_FOCUS = "#slots"

    BINDINGS = [
        Binding("enter", "book", "tui.key.book", priority=True),
        Binding("escape", "toggle_focus", "tui.key.toggle_focus"),
        # issue 10: a typical booking in few keys, from the results.
        Binding("s", "pick_specialty", "tui.key.pick_specialty"),
        Binding("w", "toggle_room", "tui.key.toggle_room"),
        Binding("p", "partner_rooms", "tui.key.partner_rooms"),
    ]

    class SlotsFound(Message):
        """A search ended."""

        def __init__(self, query: SlotQuery, slots: list[m.Slot]) -> None:
            super().__init__()
            self.query = query
            self.slots = slots

    def __init__(self) -> None:
        super().__init__()
        self._query: SlotQuery | None = None
        self._slots: list[m.Slot] = []
        self._alternatives = False
        self._notice = Notice()
        self._back_to_results = False
        """The specialty list was opened by its key: picking returns to the results."""
        self._room_prefix = ""
        self._shown_wide = False
        """What every room shown starts with ("Salle de téléconsultation"): left out of the column."""

    # ------------------------------------------------------------------ #
    # Layout
    # ------------------------------------------------------------------ #

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="filters-1", classes="filters"):
            yield Select(self._specialty_options(), value=ANY, allow_blank=False, compact=True, id="specialty")
            yield Select(self._language_options(), value=ANY, allow_blank=False, compact=True, id="language")
            yield Select(self._coop_options(), value=ANY, allow_blank=False, compact=True, id="coop")
        with Horizontal(id="filters-2", classes="filters"):
            yield Label(t("tui.find.from"), id="from-label", markup=False)
            yield Input(
                value=self._today().isoformat(),
                placeholder=t("tui.find.date_placeholder"),
                max_length=10,
                compact=True,
                id="from-date",
            )
            default = self.ctx.settings.default_duration
            yield Select(
                self._duration_options(),
                value=default if default in DURATIONS else 30,
                allow_blank=False,
                compact=True,
                id="duration",
            )
            yield TickBox(Text(t("tui.find.with_room")), False, compact=True, id="with-room")
            yield TickBox(Text(t("tui.find.partner_rooms")), False, compact=True, id="partner-rooms")
            yield Static("", id="date-error", classes="error", markup=False)
        yield Static("", id="find-notice", classes="notice", markup=False)
        yield ResultTable(id="slots")
        yield Static("", id="slot-detail", classes="detail", markup=False)

    def _today(self) -> dt.date:
        return local_day(self.ctx.now(), self.ctx.actor_tz)

    def _specialty_options(self) -> list[tuple[Text, str]]:
        specs = sorted(m.SPECIALTIES, key=lambda s: sort_key(specialty_label(s)))
        return [(Text(t("tui.find.specialty_any")), ANY)] + [(Text(specialty_label(s)), s) for s in specs]

    def _language_options(self) -> list[tuple[Text, str]]:
        # issue 14: a language no clinician needs to speak: the slot comes with an interpreter
        return [(Text(t("tui.find.language_any")), ANY)] + [(Text(languages_label([c])), c) for c in m.LANGUAGES] + [
            (Text(t("tui.find.with_interpreter", language=languages_label([c]))), c)
            for c in m.PATIENT_LANGUAGES if c not in m.LANGUAGES
        ]

    def _coop_options(self) -> list[tuple[Text, str]]:
        coops = sorted(self.directory.coops.values(), key=lambda c: sort_key(c.name)) if self.directory else []
        return [(Text(t("tui.find.coop_any")), ANY)] + [(literal(c.name), c.slug) for c in coops]

    def _duration_options(self) -> list[tuple[Text, int]]:
        return [(Text(t("tui.find.duration", n=n)), n) for n in DURATIONS]

    def on_mount(self) -> None:
        # (ModeScreen.on_mount runs too: Textual calls each class's handler.)
        self.query_one("#partner-rooms").display = False
        self._search()

    # ------------------------------------------------------------------ #
    # Searching
    # ------------------------------------------------------------------ #

    def _read_query(self) -> SlotQuery | None:
        """The filters on screen, or None (and the error beside the date) when the date is wrong."""
        error = self.query_one("#date-error", Static)
        text = self.query_one("#from-date", Input).value.strip()
        try:
            day = parse_date(text) if text else self._today()
        except BadInput as exc:
            error.update(literal(exc.message(get_lang())))
            return None
        error.update("")

        def value(selector: str, default):
            v = self.query_one(selector, Select).value
            return default if v is Select.NULL else v

        return SlotQuery(
            specialty=value("#specialty", ANY),
            language=value("#language", ANY),
            coop=value("#coop", ANY),
            with_room=self.query_one("#with-room", Checkbox).value,
            partner_rooms=self.query_one("#partner-rooms", Checkbox).value,
            from_date=day,
            duration=value("#duration", 30),
        )

    def _search(self, *, force: bool = False) -> None:
        query = self._read_query()
        if query is None or (query == self._query and not force):
            return
        self._query = query
        self._set_notice(Notice("tui.find.searching"))
        self._run_search(query)

    @work(thread=True, exclusive=True, group="search")
    def _run_search(self, query: SlotQuery) -> None:
        slots = guarded(self, lambda: search_service.search_slots(self.ctx, **query.kwargs()))
        if slots is not UNSET:
            self.post_message(self.SlotsFound(query, slots))

    class AlternativesFound(Message):
        """The same search, from the taken slot's day, ended."""

        def __init__(self, slots: list[m.Slot]) -> None:
            super().__init__()
            self.slots = slots

    @work(thread=True, exclusive=True, group="search")
    def _run_alternatives(self, query: SlotQuery, taken: m.Slot | None) -> None:
        kwargs = query.kwargs()
        if taken is not None:
            kwargs["from_date"] = local_day(taken.start, self.ctx.actor_tz)
        slots = guarded(self, lambda: search_service.search_slots(self.ctx, **kwargs))
        if slots is not UNSET:
            gone = (taken.clinician_id, taken.start) if taken is not None else None
            self.post_message(self.AlternativesFound([s for s in slots if (s.clinician_id, s.start) != gone]))

    @on(AlternativesFound)
    def _alternatives_found(self, message: AlternativesFound) -> None:
        if not self._alternatives:
            return  # a new search started meanwhile
        self._show(message.slots, cursor_first=True)
        key = "tui.find.taken" if message.slots else "tui.find.taken_none"
        self._set_notice(Notice(key, style="bold"))

    @on(SlotsFound)
    def _slots_found(self, message: SlotsFound) -> None:
        if message.query != self._query:
            return  # an older search finished after a newer one started
        self._alternatives = False
        self._show(message.slots)
        self._set_notice(Notice("tui.find.count", {"n": len(message.slots)}) if message.slots else Notice("tui.find.none"))

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _filter_changed(self, event: Message) -> None:
        event.stop()
        # Partners' rooms are a choice within "with a room": shown only then.
        self.query_one("#partner-rooms").display = self.query_one("#with-room", Checkbox).value
        self.refresh_bindings()
        self._search()
        if self._back_to_results and isinstance(event, Select.Changed) and event.select.id == "specialty":
            self._back_to_results = False
            self.query_one("#slots").focus()

    def action_pick_specialty(self) -> None:
        """Open the specialty list (type to jump, Enter picks); the results get the focus back."""
        select = self.query_one("#specialty", Select)
        self._back_to_results = True
        select.focus()
        select.action_show_overlay()

    def action_partner_rooms(self) -> None:
        """Partners' rooms too (with a room): the patient may sit in another co-op's room."""
        box = self.query_one("#partner-rooms", Checkbox)
        box.value = not box.value

    def action_toggle_room(self) -> None:
        """With a room or not (the patient sits in a teleconsultation room)."""
        box = self.query_one("#with-room", Checkbox)
        box.value = not box.value

    @on(Input.Submitted, "#from-date")
    def _date_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._search()
        if self._read_query() is not None:
            self.query_one("#slots").focus()

    @on(Input.Changed, "#from-date")
    def _date_changed(self, event: Input.Changed) -> None:
        # Search as soon as the date is complete; say nothing about a half-typed one.
        if len(event.value.strip()) == 10:
            self._search()

    def reload(self) -> None:
        """Another connection committed: search again (alternatives stay until the next search)."""
        if not self._alternatives:
            self._search(force=True)

    # ------------------------------------------------------------------ #
    # Showing
    # ------------------------------------------------------------------ #

    def _set_notice(self, notice: Notice) -> None:
        self._notice = notice
        text = t(notice.key, **notice.params) if notice.key else ""
        self.query_one("#find-notice", Static).update(literal(text, style=notice.style))

    def _columns(self, with_room: bool) -> list[tuple[str, int | None]]:
        cols: list[tuple[str, int | None]] = [
            (t("tui.col.day"), 10),
            (t("tui.col.time"), None),
        ]
        if with_room:
            # The room is what tells slots apart here (where the patient sits): it gets
            # the width; the clinician's co-op is in the line under the table.
            cols += [(t("tui.col.clinician"), 18), (t("tui.col.room"), 0)]
        else:
            cols += [(t("tui.col.clinician"), 0), (t("tui.col.coop"), 16)]
        if self._wide():
            cols.append((t("tui.col.specialty"), 22))
        return cols

    def _wide(self) -> bool:
        """Room for a specialty column (issue 10: no width wasted on a wide terminal)."""
        return self.app.size.width >= WIDE

    def on_resize(self, event) -> None:
        if self._wide() != self._shown_wide:
            self._show(self._slots)

    def _show(self, slots: list[m.Slot], *, cursor_first: bool = False) -> None:
        self._slots = list(slots)
        tz = self.ctx.actor_tz
        with_room = any(s.room_id is not None for s in slots)
        self._room_prefix = common_words_prefix([s.room for s in slots if s.room])
        wide = self._shown_wide = self._wide()
        rows = []
        seen: set[str] = set()
        for s in slots:
            cells = [
                literal(day_short(local_day(s.start, tz))),
                literal(time_pair(s.start, tz, s.tz)),
                literal(s.clinician),
            ]
            cells.append(literal(self._room_label(s)) if with_room else literal(self.directory.coop_short(s.coop)))
            if wide:
                cells.append(literal(specialty_label(s.specialty)))
            key = _slot_key(s)
            while key in seen:
                key += "+"
            seen.add(key)
            rows.append((key, cells))
        table = self.query_one("#slots", ResultTable)
        table.fill(self._columns(with_room), rows, cursor_key=rows[0][0] if (cursor_first and rows) else None)
        self._show_detail()
        self.refresh_bindings()  # "Enter: book" shows only when there is something to book

    def _room_label(self, slot: m.Slot) -> str:
        return _room_label_for(slot, self.ctx.coop, self._room_prefix, self.directory.coop_short)

    def _highlighted(self) -> m.Slot | None:
        table = self.query_one("#slots", ResultTable)
        if not self._slots or table.row_count == 0:
            return None
        return self._slots[min(table.cursor_row, len(self._slots) - 1)]

    def _show_detail(self) -> None:
        slot = self._highlighted()
        detail = self.query_one("#slot-detail", Static)
        if slot is None:
            detail.update("")
            return
        tz = self.ctx.actor_tz
        first = t(
            "tui.detail.slot",
            day=day_long(local_day(slot.start, tz)),
            time=time_pair(slot.start, tz, slot.tz, long=True),
            clinician=clean(slot.clinician),
        )
        second = t(
            "tui.detail.slot2",
            specialty=specialty_label(slot.specialty),
            languages=languages_label(slot.languages),
            coop=clean(self.directory.coop_name(slot.coop)),
        )
        if slot.room:
            room = clean(slot.room)
            if slot.room_coop:
                room += f" ({clean(self.directory.coop_name(slot.room_coop))})"
            second = t("tui.detail.room", room=room) + " · " + second
        if slot.interpreter:  # issue 14
            second = t("tui.detail.interpreter", name=clean(slot.interpreter)) + " · " + second
        detail.update(Text(f"{first}\n{second}", end="", no_wrap=True, overflow="ellipsis"))

    @on(DataTable.RowHighlighted, "#slots")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    # ------------------------------------------------------------------ #
    # Booking
    # ------------------------------------------------------------------ #

    @on(DataTable.RowSelected, "#slots")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_book()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "partner_rooms":
            # Only a choice within "with a room" (and the footer has no room to spare).
            return self.query_one("#with-room", Checkbox).value
        if action == "book":
            # Enter books only from the results; on a filter it opens the filter.
            return self.focused is self.query_one("#slots") and bool(self._slots)
        return True

    def action_book(self) -> None:
        """Open the booking form for the highlighted slot."""
        slot = self._highlighted()
        if slot is None:
            return
        self.app.push_screen(BookingDialog(slot), self._booking_closed)

    def _booking_closed(self, result: m.Booking | SlotWasTaken | None) -> None:
        if result is None:
            return
        if isinstance(result, SlotWasTaken):
            # Say it plainly, and offer the next free slots in place of the results:
            # the service's at once, then those of this screen's own filters (any
            # clinician) from the taken slot's day (issue 10).
            self._alternatives = True
            self._show(result.alternatives, cursor_first=True)
            key = "tui.find.taken" if result.alternatives else "tui.find.taken_none"
            self._set_notice(Notice(key, style="bold"))
            self.notify(t(key), severity="warning", markup=False, timeout=8)
            if self._query is not None:
                self._run_alternatives(self._query, result.slot)
            return
        # The booking's details stay on screen as its confirmation (a toast would
        # vanish before the receptionist has told the patient).
        self.app.push_screen(BookingDetailsDialog(result.id, just_booked=True))
        self._search(force=True)

    def action_toggle_focus(self) -> None:
        """Escape moves between the filters and the results."""
        table = self.query_one("#slots")
        if self.focused is table:
            self.query_one("#specialty").focus()
        else:
            table.focus()

    # ------------------------------------------------------------------ #
    # Language and names
    # ------------------------------------------------------------------ #

    def _reset_select(self, selector: str, options: list) -> None:
        reset_options(self.query_one(selector, Select), options)

    def relabel(self) -> None:
        super().relabel()
        self._reset_select("#specialty", self._specialty_options())
        self._reset_select("#language", self._language_options())
        self._reset_select("#coop", self._coop_options())
        self._reset_select("#duration", self._duration_options())
        self.query_one("#with-room", Checkbox).label = Text(t("tui.find.with_room"))
        self.query_one("#partner-rooms", Checkbox).label = Text(t("tui.find.partner_rooms"))
        self.query_one("#from-label", Label).update(t("tui.find.from"))
        self.query_one("#from-date", Input).placeholder = t("tui.find.date_placeholder")
        self._read_query()  # re-says a date error in the new language
        self._show(self._slots)
        self._set_notice(self._notice)

    def directory_changed(self) -> None:
        super().directory_changed()
        self._reset_select("#coop", self._coop_options())
        self._show(self._slots)  # co-op names arrive with the directory


def _room_label_for(slot: m.Slot, own_coop: str, prefix: str = "", coop_label=lambda slug: slug) -> str:
    """The room's name without the ``prefix`` all rooms shown share, after its co-op when
    that is not the user's (issue 10: say where the patient will sit, in the width there is)."""
    if not slot.room:
        return ""
    name = short_room(slot.room, prefix)
    if slot.room_coop and slot.room_coop != own_coop:
        return f"{coop_label(slot.room_coop)}: {name}"
    return name


def _slot_key(slot: m.Slot) -> str:
    """Stable across searches, so the cursor stays on the same slot when results refresh."""
    return f"{slot.clinician_id}@{slot.start.isoformat()}"
