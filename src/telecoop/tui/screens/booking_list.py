"""What the Agenda and Bookings screens share: a table of bookings and the actions on one."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.widgets import DataTable, Static

from telecoop.domain import model as m
from telecoop.domain.errors import InvalidTransition, SlotTaken, StaleBooking, TeleCoopError
from telecoop.i18n import conflict_label, t
from telecoop.tui import strings_day  # noqa: F401  (registers the catalogue: the video-link line)
from telecoop.services import booking as booking_service
from telecoop.services import series as series_service
from telecoop.domain.timeutil import local
from telecoop.messages_teleconsult import occurrence_flag
from telecoop.services.context import BOOKING_ROLES
from telecoop.tui.dialogs.booking_details import BookingDetailsDialog
from telecoop.tui.dialogs.cancel import CancelDialog
from telecoop.tui.dialogs.confirm import ConfirmDialog
from telecoop.tui.dialogs.reschedule import RescheduleDialog
from telecoop.tui.dialogs.occurrence_time import OccurrenceTimeDialog
from telecoop.tui.dialogs.series_scope import SeriesScopeDialog
from telecoop.tui import strings_series  # noqa: F401  (registers the catalogue: series in the app)
from telecoop.tui.format import (
    clean,
    day_long,
    day_short,
    literal,
    local_day,
    mode_label,
    status_label,
    time_pair,
)
from telecoop.tui.messages import failure, failure_in
from telecoop.tui.screens.base import ModeScreen
from telecoop.tui.widgets.result_table import ResultTable

#: action name -> (service status word, target status)
STATUS_ACTIONS: dict[str, tuple[str, m.BookingStatus]] = {
    "check_in": ("checked-in", m.BookingStatus.CHECKED_IN),
    "complete": ("completed", m.BookingStatus.COMPLETED),
    "no_show": ("no-show", m.BookingStatus.NO_SHOW),
}
#: action name -> its confirm question (written out: no catalogue key is built at run time)
CONFIRM_KEYS = {
    "check_in": "tui.act.confirm.checked-in",
    "complete": "tui.act.confirm.completed",
    "no_show": "tui.act.confirm.no-show",
}
#: what a clinician may do (DESIGN section 1); the service checks it again.
CLINICIAN_ACTIONS = frozenset({"complete", "no_show"})
BOOKING_ACTIONS = frozenset({"cancel_booking", "reschedule", "switch_mode", *STATUS_ACTIONS})


class BookingChanged(Message):
    """A booking action succeeded; ``text`` says what happened."""

    def __init__(self, booking: m.Booking, text: str) -> None:
        super().__init__()
        self.booking = booking
        self.text = text


class RescheduleTaken(Message):
    """The slot picked for a reschedule was taken meanwhile."""

    def __init__(self, booking: m.Booking) -> None:
        super().__init__()
        self.booking = booking


class BookingWasStale(Message):
    """A change was refused: the booking changed since the dialog opened (issue 10)."""

    def __init__(self, booking_id: int, current: m.Booking | None, ask_again: Callable[[m.Booking], None]) -> None:
        super().__init__()
        self.booking_id = booking_id
        self.current = current
        self.ask_again = ask_again


class SeriesScopeAsked(Message):
    """issue 14: the occurrence's series was read; ask "this one / this and later" (``later`` booked after it)."""

    def __init__(self, booking: m.Booking, what: str, later: int) -> None:
        super().__init__()
        self.booking, self.what, self.later = booking, what, later


class BookingListScreen(ModeScreen):
    """A screen whose table rows are bookings (row key = booking id).

    Subclasses fill ``self.bookings`` and the table ``#TABLE_ID``, and list
    in their BINDINGS the actions they offer among BOOKING_ACTIONS.
    """

    TABLE_ID: ClassVar[str] = "bookings"
    DETAIL_ID: ClassVar[str] = "booking-detail"

    def __init__(self) -> None:
        super().__init__()
        self.bookings: list[m.Booking] = []

    # ------------------------------------------------------------------ #
    # Rows
    # ------------------------------------------------------------------ #

    def booking_cells(self, b: m.Booking, *, with_day: bool, with_clinician: bool = True) -> list[Text]:
        """Cells of one booking: [day,] time, patient (or "busy — co-op"), [clinician,] status."""
        tz = self.ctx.actor_tz
        cells = []
        if with_day:
            cells.append(literal(day_short(local_day(b.start, tz))))
        cells.append(literal(time_pair(b.start, tz, b.clinician_tz)))
        if b.masked:
            cells.append(literal(t("busy.coop", coop=self.directory.coop_short(b.coop)), style="italic"))
        else:
            cells.append(literal(b.patient or ""))
        if with_clinician:
            cells.append(literal(b.clinician))
        if b.conflict and b.status.active:
            # Stranded by a forced closure: a mark that reads without colour.
            cells.append(literal(f"!{status_label(b.status)}", style="bold"))
        else:
            cells.append(literal(status_label(b.status), style="" if b.status.active else "dim"))
        return cells

    def booking_columns(self, *, with_day: bool, with_clinician: bool = True) -> list[tuple[str, int | None]]:
        """Columns matching :meth:`booking_cells`; without the clinician, the patient takes the room."""
        cols: list[tuple[str, int | None]] = []
        if with_day:
            cols.append((t("tui.col.day"), 10))
        cols += [(t("tui.col.time"), None), (t("tui.col.patient"), 12 if with_clinician else 0)]
        if with_clinician:
            cols.append((t("tui.col.clinician"), 0))
        cols.append((t("tui.col.status"), 10))
        return cols

    def table(self) -> ResultTable:
        return self.query_one(f"#{self.TABLE_ID}", ResultTable)

    def selected_booking(self) -> m.Booking | None:
        key = self.table().current_key()
        for b in self.bookings:
            if str(b.id) == key:
                return b
        return None

    def show_detail(self) -> None:
        detail = self.query_one(f"#{self.DETAIL_ID}", Static)
        b = self.selected_booking()
        if b is None:
            detail.update("")
            return
        tz = self.ctx.actor_tz
        first = t(
            "tui.detail.booking",
            id=b.id,
            day=day_long(local_day(b.start, tz)),
            time=time_pair(b.start, tz, b.clinician_tz, long=True),
            clinician=clean(b.clinician),
        )
        second = []
        if b.masked:
            second.append(t("busy.coop", coop=clean(self.directory.coop_name(b.coop))))
        else:
            second.append(clean(b.patient or ""))
            second.append(mode_label(b.mode))
            if b.series_id is not None:  # issue 14: c and r ask "this one / this and later"
                second.append(t("tui.details.series", series=b.series_id, n=b.series_index))
        if b.video_link:  # the clinician's day: the link to open (issue 10)
            second.append(t("tui.details.video", link=clean(b.video_link)))
        if b.room:
            second.append(t("tui.detail.room", room=clean(b.room)))
        if b.reason:
            second.append(t("tui.detail.reason", reason=clean(b.reason)))
        if b.cancel_reason:
            second.append(t("tui.detail.cancel_reason", reason=clean(b.cancel_reason)))
        if b.booked_by:
            second.append(t("tui.detail.booked_by", login=clean(b.booked_by)))
        if b.conflict and b.status.active:
            second.insert(0, t("tui.detail.conflict", what=conflict_label(b.conflict)))
        detail.update(Text(first + "\n" + " · ".join(second), end="", no_wrap=True, overflow="ellipsis"))

    def directory_changed(self) -> None:
        super().directory_changed()
        self.show_detail()
        self.refill()  # co-op names arrive with the directory

    def refill(self) -> None:
        """Redraw the table's rows from the bookings already read."""

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()

    def action_details(self) -> None:
        """Open the highlighted booking's details (Enter)."""
        b = self.selected_booking()
        if b is None:
            self.notify(t("tui.act.none"), severity="warning", markup=False)
            return
        self.app.push_screen(BookingDetailsDialog(b.id))

    # ------------------------------------------------------------------ #
    # Actions
    # ------------------------------------------------------------------ #

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in BOOKING_ACTIONS:
            if self.ctx.role == m.Role.CLINICIAN:
                return action in CLINICIAN_ACTIONS
            return self.ctx.role in BOOKING_ROLES
        return True

    def _actionable(self, target: m.BookingStatus | None) -> m.Booking | None:
        """The highlighted booking if ``target`` is a step it may take; else say why not.

        ``target`` None: the booking must still be ``booked`` (to move it).
        """
        b = self.selected_booking()
        if b is None:
            self.notify(t("tui.act.none"), severity="warning", markup=False)
            return None
        if b.masked:
            self.notify(t("tui.act.masked"), severity="warning", markup=False)
            return None
        allowed = b.status == m.BookingStatus.BOOKED if target is None else target in m.next_statuses(b.status, b.mode)
        if not allowed:
            self.notify(t("tui.act.not_now", status=status_label(b.status)), severity="warning", markup=False)
            return None
        if target is not None:
            # The clock's rule, said before the confirm dialog (the service checks it again).
            try:
                booking_service.check_status_change(self.ctx, b.id, b.status, target, b.mode, b.start, b.end)
            except InvalidTransition as exc:
                self.notify(exc.message(), severity="warning", markup=False)
                return None
        return b

    def action_check_in(self) -> None:
        """Check the patient in (asks first: it cannot be undone)."""
        self._status_action("check_in")

    def action_complete(self) -> None:
        """Mark the consultation completed (asks first)."""
        self._status_action("complete")

    def action_no_show(self) -> None:
        """Mark the patient a no-show (asks first)."""
        self._status_action("no_show")

    def _status_action(self, action: str) -> None:
        b = self._actionable(STATUS_ACTIONS[action][1])
        if b is not None:
            self._ask_status(action, b)

    def _ask_status(self, action: str, b: m.Booking, notice: tuple[str, dict] | None = None) -> None:
        word, _target = STATUS_ACTIONS[action]

        def answered(yes: bool | None) -> None:
            if yes:
                self._apply(
                    lambda: booking_service.set_status(self.ctx, b.id, word, seen=b),
                    lambda done: t("tui.act.done", id=done.id, status=status_label(done.status)),
                    ask_again=lambda now: self._ask_status(action, now, self._stale_notice(now)),
                )

        self.app.push_screen(
            ConfirmDialog(CONFIRM_KEYS[action], notice, id=b.id, patient=clean(b.patient or "")), answered
        )

    def _stale_notice(self, now: m.Booking) -> tuple[str, dict]:
        """"Changed by someone else; now: …": said above the question asked again."""
        tz = self.ctx.actor_tz
        when = f"{day_short(local_day(now.start, tz))} {time_pair(now.start, tz, now.clinician_tz)}"
        return "tui.stale.notice", {
            "id": now.id,
            "when": when,
            "clinician": clean(now.clinician),
            "status": status_label(now.status),
        }

    def action_cancel_booking(self) -> None:
        """Cancel the booking; the dialog asks the (required) reason."""
        b = self._actionable(m.BookingStatus.CANCELLED)
        if b is not None and b.series_id is not None:  # issue 14: this one, or this and later?
            self._series_scope(b, "cancel")
        elif b is not None:
            self._ask_cancel(b)

    def _cancel_summary(self, b: m.Booking) -> str:
        """What the cancel dialog says of the booking: day, time, clinician, patient."""
        tz = self.ctx.actor_tz
        return (f"{day_long(local_day(b.start, tz))}, {time_pair(b.start, tz, b.clinician_tz, long=True)}"
                f" — {clean(b.clinician)} — {clean(b.patient or '')}")

    def _ask_cancel(self, b: m.Booking, notice: tuple[str, dict] | None = None) -> None:
        summary = self._cancel_summary(b)

        def answered(reason: str | None) -> None:
            if reason:
                self._apply(
                    lambda: booking_service.cancel(self.ctx, b.id, reason=reason, seen=b),
                    lambda done: t("booking.cancelled", id=done.id),
                    ask_again=lambda now: self._ask_cancel(now, self._stale_notice(now)),
                )

        self.app.push_screen(CancelDialog(b.id, summary, notice), answered)

    def action_switch_mode(self) -> None:
        """issue 14: video, phone or in person, same booking (the details' ``m``, the CLI's ``switch``)."""
        from telecoop.tui.dialogs.mode_switch import ModeSwitchDialog, switched_text

        b = self._actionable(None)
        if b is None:
            return

        dialog = ModeSwitchDialog(b)

        def answered(ok: bool | None) -> None:
            if ok and dialog.switched is not None:
                self.notify(switched_text(dialog.switched), markup=False, timeout=6)
                self.reload()

        self.app.push_screen(dialog, answered)

    def action_reschedule(self, notice: str = "") -> None:
        """Move the booking: pick one of the clinician's free slots."""
        b = self._actionable(None)
        if b is None:
            return
        if b.series_id is not None:  # issue 14: this one, or this and later, to a date and time
            self._series_scope(b, "move")
            return
        self._open_reschedule(b, notice)

    def _open_reschedule(self, b: m.Booking, notice: str = "") -> None:
        tz = self.ctx.actor_tz

        def picked(slot: m.Slot | None) -> None:
            if slot is None:
                return
            self._apply(
                lambda: booking_service.reschedule(
                    self.ctx, b.id, start=slot.start, clinician_id=slot.clinician_id, room_id=slot.room_id, seen=b
                ),
                lambda done: t(
                    "tui.act.moved_from",
                    id=done.id,
                    old=f"{day_short(local_day(b.start, tz))} {time_pair(b.start, tz, b.clinician_tz)}",
                    new=f"{day_short(local_day(done.start, tz))} {time_pair(done.start, tz, done.clinician_tz)}"
                    + (f" — {clean(done.clinician)}" if done.clinician_id != b.clinician_id else ""),
                ),
                retry=b,
                ask_again=lambda now: self._open_reschedule(now, "tui.stale.moved"),
            )

        self.app.push_screen(RescheduleDialog(b, notice), picked)

    # ------------------------------------------------------------------ #
    # issue 14: an occurrence of a follow-up series, "this one" or "this and later"
    # ------------------------------------------------------------------ #

    @work(thread=True, group="booking-action")
    def _series_scope(self, b: m.Booking, what: str) -> None:
        """Read the series (how many booked occurrences come after this one), then ask."""
        try:
            items = series_service.series_bookings(self.ctx, int(b.series_id or 0))
        except Exception as exc:  # noqa: BLE001 - said in the app, never a traceback
            self.post_message(failure_in(self, exc))
            return
        later = sum(1 for x in items if (x.series_index or 0) > (b.series_index or 0)
                    and x.status == m.BookingStatus.BOOKED)
        self.post_message(SeriesScopeAsked(b, what, later))

    @on(SeriesScopeAsked)
    def _series_scope_asked(self, message: SeriesScopeAsked) -> None:
        b, what = message.booking, message.what
        if message.later == 0:  # the last one left: nothing to choose
            self._series_chosen(b, what, "one", 0)
            return
        self.app.push_screen(
            SeriesScopeDialog(what, b.id, int(b.series_id or 0), b.series_index or 0, message.later),
            lambda scope: self._series_chosen(b, what, scope, message.later) if scope else None,
        )

    def _series_chosen(self, b: m.Booking, what: str, scope: str, later: int) -> None:
        series_id, index, only = int(b.series_id or 0), b.series_index or 0, scope == "one"
        if what == "cancel":
            summary = self._cancel_summary(b)
            scope_line = None if only else ("tui.scope.cancel_later", {"series": series_id, "n": index,
                                                                       "count": later + 1})

            def answered(reason: str | None) -> None:
                if reason:
                    self._apply(
                        lambda: series_service.cancel_series(self.ctx, series_id, from_occurrence=index,
                                                             reason=reason, only=only, seen=b),
                        lambda done: t("tui.scope.cancelled", series=series_id, count=len(done)),
                        ask_again=lambda now: self._series_scope(now, "cancel"),
                    )

            self.app.push_screen(CancelDialog(b.id, summary, scope_line), answered)
            return
        moved: list[m.Booking] = []

        def save(text: str) -> None:
            """Run off the UI thread by the dialog; a refusal names the occurrence that cannot move."""
            try:
                moved[:] = series_service.move_series(self.ctx, series_id, from_occurrence=index, start=text,
                                                      only=only, seen=b)
            except series_service.SeriesConflict as exc:
                occ = exc.occurrences[0]
                raise TeleCoopError("tui.occ.later_problem", n=occ.index,
                                    problem=occurrence_flag(occ.problem, False, False)) from exc
            except TeleCoopError as exc:
                which = exc.occurrence  # the occurrence the service could not move
                if which is None:
                    raise
                raise TeleCoopError("tui.occ.later_problem", n=which, problem=failure_in(self, exc).text) from exc

        def closed(done: bool | None) -> None:
            if done and moved:
                self.notify(t("tui.scope.moved", series=series_id, count=len(moved)), markup=False, timeout=6)
                self.reload()

        wall = local(b.start, b.clinician_tz).naive().replace(tzinfo=None)
        self.app.push_screen(OccurrenceTimeDialog(index, wall, b.clinician_tz, later=not only, save=save), closed)

    @work(thread=True, group="booking-action")
    def _apply(
        self,
        call: Callable[[], m.Booking],
        said: Callable[[m.Booking], str],
        retry: m.Booking | None = None,
        ask_again: Callable[[m.Booking], None] | None = None,
    ) -> None:
        """Run one booking change off the UI thread; the handlers below say how it went.

        ``ask_again``: when the booking changed since the dialog opened, the
        same question on the booking as it is now.
        """
        try:
            done = call()
        except StaleBooking as exc:
            if ask_again is not None:
                self.post_message(BookingWasStale(int(exc.params.get("id", 0)), exc.current, ask_again))
                return
            self.post_message(failure_in(self, exc))
            return
        except SlotTaken:
            if retry is not None:
                self.post_message(RescheduleTaken(retry))
                return
            self.post_message(failure(SlotTaken()))
            return
        except Exception as exc:  # noqa: BLE001 - said in the app, never a traceback
            self.post_message(failure_in(self, exc))
            return
        self.post_message(BookingChanged(done, said(done)))

    @on(BookingChanged)
    def _booking_changed(self, message: BookingChanged) -> None:
        self.notify(message.text, markup=False, timeout=6)
        self.reload()

    @on(BookingWasStale)
    def _booking_was_stale(self, message: BookingWasStale) -> None:
        """Say it, refresh the table, and ask again on the booking as it is now (if still possible)."""
        self.reload()
        now = message.current
        if now is None or now.masked or not (now.status == m.BookingStatus.BOOKED or now.status.active):
            self.notify(t("booking.changed", id=message.booking_id), severity="warning", markup=False, timeout=8)
            return
        message.ask_again(now)

    @on(RescheduleTaken)
    def _reschedule_taken(self, message: RescheduleTaken) -> None:
        self.notify(t("tui.resched.taken"), severity="warning", markup=False)
        self._open_reschedule(message.booking, "tui.resched.taken")
