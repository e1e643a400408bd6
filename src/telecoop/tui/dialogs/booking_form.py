"""The booking form: patient reference, reason, mode; confirming books in a worker.

issue 13: opening the form places a hold on the slot (the co-op's setting,
10 minutes by default), shown as "kept for you until 10:42"; confirming turns
the hold into the booking, closing the form releases it, and a dropped link
leaves it to expire by itself. The countdown follows the minute, never the
second: in the full profile the minutes left change once a minute; on a slow
link (zero bytes while idle) the line says only until when, and changes just
twice, one minute before the end and at the end.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from telecoop.domain import capacity as cap
from telecoop.domain import model as m
from telecoop.domain import teleconsult as tc
from telecoop.domain.errors import BadInput, NotPermitted, SlotTaken
from telecoop.domain.timeutil import local
from telecoop.i18n import field_label, get_lang, t
from telecoop.services import booking as booking_service
from telecoop.services import holds as hold_service
from telecoop.tui.dialogs.admin_form import short_error_text
from telecoop.tui.format import clean, day_long, literal, local_day, mode_label, specialty_label, time_pair
from telecoop.tui.messages import ServiceFailed, failure_in, named_error, resource_names
from telecoop.tui.widgets.select_options import reset_options
from telecoop.tui.widgets.tick_box import FormTickBox, TickBox
from telecoop.domain.series import MAX_COUNT
from telecoop.tui.dialogs.series_preview import SeriesPreviewDialog, SeriesRequest

FIELDS = ("patient",)  # the other fields' errors go to the line above the buttons
REPEAT_KEYS = {
    "": "tui.book.repeat.none",
    "weekly": "tui.book.repeat.weekly",
    "every-2-weeks": "tui.book.repeat.every-2-weeks",
    "monthly": "tui.book.repeat.monthly",
}
# issue 14: a refusal's short form, for the one line above the buttons
SHORT_REFUSALS = {"tc.consent_missing": "tui.book.consent_short", "tc.not_licensed": "tui.book.licence_short"}


def short_refusal(exc: NotPermitted) -> str | None:
    key = SHORT_REFUSALS.get(exc.key)
    return t(key, **exc.params) if key else None


@dataclass(frozen=True)
class SlotWasTaken:
    """The slot went to someone else between the search and the confirmation."""

    alternatives: list[m.Slot]
    slot: m.Slot | None = None
    """The slot that was taken (issue 10: the screen searches again from its day)."""


def _release_quietly(ctx, hold_id: int) -> None:
    """Give a hold back; one that expired or is gone frees itself all the same."""
    try:
        hold_service.release(ctx, hold_id)
    except Exception:  # noqa: BLE001 - expired or gone: nothing to say
        pass


class BookingDialog(ModalScreen["m.Booking | SlotWasTaken | None"]):
    """Asks for the patient reference, reason and mode, then books the slot.

    Dismissed with the new ``Booking``; with ``SlotWasTaken`` (and the next
    free slots) when another person took the slot meanwhile; with ``None``
    when the user backs out. Bad input is said under its field and the
    dialog stays open.
    """

    BINDINGS = [
        Binding("escape", "close", "tui.key.close"),
        Binding("ctrl+s", "confirm", "tui.key.confirm", show=False),
        # Enter on the consent tick box (its own Space ticks it); a field, list or button keeps its own Enter
        Binding("enter", "confirm", "tui.key.confirm", show=False),
    ]
    AUTO_FOCUS = "#patient"

    class Booked(Message):
        def __init__(self, booking: m.Booking) -> None:
            super().__init__()
            self.booking = booking

    class Taken(Message):
        def __init__(self, alternatives: list[m.Slot]) -> None:
            super().__init__()
            self.alternatives = alternatives

    class Refused(Message):
        """The service refused one field's value (BadInput)."""

        def __init__(self, field: str | None, text: str, short: str | None = None) -> None:
            super().__init__()
            self.field = field
            self.text = text
            self.short = short
            """The error without the field's name or value, for a line too narrow for ``text``."""

    class HoldPlaced(Message):
        def __init__(self, hold: cap.Hold) -> None:
            super().__init__()
            self.hold = hold

    class HoldRefused(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, slot: m.Slot) -> None:
        super().__init__()
        self.slot = slot
        self._saving = False
        self.hold: cap.Hold | None = None
        """The hold that keeps the slot while the form is open (None until placed, or if refused)."""
        self._hold_lock = threading.Lock()  # placing the hold, then booking: never both at once
        self._closed = False
        self._booked = False
        self._hold_timer = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("", id="dialog-title", classes="title", markup=False)
            yield Static("", id="slot-summary", classes="summary", markup=False)
            yield Static("", id="hold-line", classes="hold", markup=False)
            yield Label("", id="patient-label", markup=False)
            yield Input(max_length=m.PATIENT_MAX, compact=True, id="patient")
            yield Static("", id="patient-error", classes="error", markup=False)
            # issue 14: asked right after who the patient is (video and phone need it)
            yield FormTickBox("", False, compact=True, id="consent")
            yield Label("", id="reason-label", markup=False)
            yield Input(max_length=200, compact=True, id="reason")
            with Horizontal(classes="row"):
                yield Label("", id="mode-label", markup=False)
                yield Select(
                    self._mode_options(),
                    value=(m.Mode.ROOM if self.slot.room_id else m.Mode.VIDEO).value,
                    allow_blank=False,
                    compact=True,
                    id="mode",
                )
                # issue 14: where the patient will be, and their consent to a teleconsultation
                yield Label("", id="location-label", markup=False)
                yield Select(
                    [(Text(code), code) for code in tc.PROVINCES],
                    value=tc.DEFAULT_PROVINCE,
                    allow_blank=False,
                    compact=True,
                    id="location",
                )
            # issue 14: a follow-up series (previewed before anything is booked)
            with Horizontal(classes="row tight"):
                yield Label("", id="repeat-label", markup=False)
                yield Select(self._repeat_options(), value="", allow_blank=False, compact=True, id="repeat")
                yield Label("", id="count-label", markup=False)
                yield Input("4", max_length=2, compact=True, id="count", type="integer")
            yield Static("", id="form-error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("", id="confirm", compact=True, variant="primary")
                yield Button("", id="back", compact=True)
            yield Static("", id="dialog-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.relabel()
        self._place_hold()

    # ------------------------------------------------------------------ #
    # issue 13: the hold
    # ------------------------------------------------------------------ #

    @work(thread=True, exclusive=True, group="hold")
    def _place_hold(self) -> None:
        slot = self.slot
        ctx = self.app.ctx  # type: ignore[attr-defined]
        with self._hold_lock:
            if self._closed:
                return
            try:
                hold = hold_service.place(
                    ctx, clinician_id=slot.clinician_id, start=slot.start,
                    duration=int((slot.end - slot.start).total_seconds() // 60), room_id=slot.room_id,
                )
            except SlotTaken as exc:
                self.post_message(self.Taken(list(exc.alternatives)))
                return
            except Exception as exc:  # noqa: BLE001 - the form still works, without a hold
                self.post_message(self.HoldRefused(failure_in(self, exc).text))
                return
            self.hold = hold
        self.post_message(self.HoldPlaced(hold))

    @on(HoldPlaced)
    def _hold_placed(self, message: HoldPlaced) -> None:
        message.stop()
        self.refresh_hold()

    @on(HoldRefused)
    def _hold_refused(self, message: HoldRefused) -> None:
        message.stop()
        self._error(None, message.text)

    def _low_bandwidth(self) -> bool:
        return bool(getattr(self.app, "low_bandwidth", False))

    def refresh_hold(self) -> None:
        """Say until when the slot is kept, and plan the next change of that line (the minute, never the second)."""
        hold = self.hold
        if hold is None or not self.is_mounted:
            return
        now = self.app.ctx.now()  # type: ignore[attr-defined]
        tz = self.app.ctx.actor_tz  # type: ignore[attr-defined]
        until = local(hold.expires, tz).strftime("%H:%M")
        left = cap.seconds_left(hold.expires, now)
        minutes = cap.minutes_left(hold.expires, now)
        line = self.query_one("#hold-line", Static)
        if left <= 0:
            line.update(Text(t("tui.hold.expired"), style="bold"))
            return
        if self._low_bandwidth() and minutes > 1:
            line.update(t("tui.hold.until", until=until))
            wait = left - 60  # one change, a minute before the end
        else:
            line.update(Text(t("tui.hold.left", until=until, minutes=minutes), style="bold" if minutes <= 1 else ""))
            wait = self._to_next_minute(left)
        if self._hold_timer is not None:
            self._hold_timer.stop()
        self._hold_timer = self.set_timer(max(wait, 1), self.refresh_hold)

    @staticmethod
    def _to_next_minute(left: int) -> int:
        """Seconds until the rounded-up minutes left change (or the hold ends)."""
        return left % 60 or 60

    def _give_back_hold(self) -> None:
        """Release the form's hold now (the slot is about to be booked another way)."""
        hold, self.hold = self.hold, None
        if hold is None:
            return
        if self._hold_timer is not None:
            self._hold_timer.stop()
        _release_quietly(self.app.ctx, hold.id)  # type: ignore[attr-defined]

    def on_unmount(self) -> None:
        """Closing the form gives the slot back (unless it became the booking)."""
        self._closed = True
        if self._hold_timer is not None:
            self._hold_timer.stop()
        hold = self.hold
        if hold is None or self._booked:
            return
        ctx = self.app.ctx  # type: ignore[attr-defined]
        # An app worker: the dialog's own are gone with it. If the app ends first, the hold expires.
        self.app.run_worker(lambda: _release_quietly(ctx, hold.id), thread=True, group="release-hold",
                            exit_on_error=False)

    def _repeat_options(self) -> list[tuple[Text, str]]:
        return [(Text(t(REPEAT_KEYS[word])), word) for word in REPEAT_KEYS]

    def _mode_options(self) -> list[tuple[Text, str]]:
        return [(Text(mode_label(mode)), mode.value) for mode in m.Mode]

    def relabel(self) -> None:
        """All words in the current language (F9 works inside the dialog too)."""
        slot = self.slot
        tz = self.app.ctx.actor_tz  # type: ignore[attr-defined]
        self.query_one("#dialog-title", Static).update(t("tui.book.title"))
        summary = Text(end="")
        summary.append(f"{day_long(local_day(slot.start, tz))}, {time_pair(slot.start, tz, slot.tz, long=True)}\n")
        summary.append(clean(slot.clinician), style="bold")
        coop = self.app.directory.coop_name(slot.coop)  # type: ignore[attr-defined]
        summary.append(f" — {specialty_label(slot.specialty)} — {clean(coop)}")
        if slot.room:
            summary.append("\n" + t("tui.detail.room", room=clean(slot.room)))
        if slot.interpreter:
            summary.append("\n" + t("tui.detail.interpreter", name=clean(slot.interpreter)))
        self.query_one("#slot-summary", Static).update(summary)
        self.query_one("#patient-label", Label).update(t("tui.book.patient"))
        self.query_one("#reason-label", Label).update(t("tui.book.reason"))
        self.query_one("#mode-label", Label).update(t("tui.book.mode") + " ")
        reset_options(self.query_one("#mode", Select), self._mode_options())
        self.query_one("#location-label", Label).update("  " + t("tui.book.location") + " ")
        self.query_one("#consent", TickBox).label = Text(t("tui.book.consent"))
        self.query_one("#repeat-label", Label).update(t("tui.book.repeat") + " ")
        reset_options(self.query_one("#repeat", Select), self._repeat_options())
        self.query_one("#count-label", Label).update("  " + t("tui.book.count") + " ")
        self.query_one("#confirm", Button).label = t("tui.book.confirm")
        self.query_one("#back", Button).label = t("tui.book.back")
        self.query_one("#dialog-hint", Static).update(t("tui.book.keys"))
        self.refresh_hold()

    # ------------------------------------------------------------------ #

    def _error(self, field: str | None, text: str, short: str | None = None) -> None:
        """Say ``text`` on its one line, or ``short`` when ``text`` does not fit it (issue 10b)."""
        line = self.query_one(f"#{field}-error" if field in FIELDS else "#form-error", Static)
        if short and cell_len(text) > line.content_region.width:
            text = short
        line.update(literal(text))

    def _clear_errors(self) -> None:
        for selector in ("#patient-error", "#form-error"):
            self.query_one(selector, Static).update("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed, "#confirm")
    def _confirm_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed, "#back")
    def _back_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        if not self._saving:
            self.dismiss(None)

    def action_confirm(self) -> None:
        """Check what can be checked here, then book in a worker."""
        if self._saving:
            return
        self._clear_errors()
        patient = self.query_one("#patient", Input).value.strip()
        if not patient:
            self._error("patient", t("tui.book.patient_required"))
            self.query_one("#patient", Input).focus()
            return
        reason = self.query_one("#reason", Input).value.strip()
        mode = str(self.query_one("#mode", Select).value)
        where = str(self.query_one("#location", Select).value)
        consent = self.query_one("#consent", TickBox).value
        repeat = str(self.query_one("#repeat", Select).value or "")
        if repeat:  # issue 14: the series is previewed first; nothing is written before its Enter
            count_text = self.query_one("#count", Input).value.strip()
            count = int(count_text) if count_text.isdigit() else 0
            if not 2 <= count <= MAX_COUNT:
                self._error(None, t("tui.book.count_range", max=MAX_COUNT))
                return
            request = SeriesRequest(self.slot, repeat, count, patient, reason, mode, where, consent)
            # The series is written whole by its preview; the form's hold on the first occurrence
            # would stand in its way, so it is given back first (the preview flags a slot taken since).
            self._give_back_hold()
            self.app.push_screen(SeriesPreviewDialog(request), self._series_closed)
            return
        self._saving = True
        self.query_one("#confirm", Button).disabled = True
        self.query_one("#form-error", Static).update(t("tui.book.saving"))
        self._book(patient, reason, mode, where, consent)

    def _series_closed(self, booking: m.Booking | None) -> None:
        if booking is not None:
            self.dismiss(booking)

    @work(thread=True, exclusive=True, group="book")
    def _book(self, patient: str, reason: str, mode: str, where: str = "QC", consent: bool = False) -> None:
        slot = self.slot
        minutes = int((slot.end - slot.start).total_seconds() // 60)

        def call() -> m.Booking:
            hold = self.hold
            if hold is not None and slot.interpreter_id is not None:
                # A hold keeps clinician and room, not an interpreter: give it back and book
                # all three at once (the next free slots are offered if it went meanwhile).
                self._give_back_hold()
                hold = None
            if hold is not None:
                try:
                    return hold_service.confirm(self.app.ctx, hold.id, patient=patient, reason=reason,  # type: ignore[attr-defined]
                                                mode=mode, patient_location=where, consent=consent)
                except hold_service.HoldExpired:
                    pass  # kept no longer: book it if it is still free (else the next free slots)
            return booking_service.book(
                self.app.ctx,  # type: ignore[attr-defined]
                clinician_id=slot.clinician_id,
                start=slot.start,
                duration=minutes,
                patient=patient,
                reason=reason,
                mode=mode,
                room_id=slot.room_id,
                patient_location=where,
                consent=consent,
                interpreter_id=slot.interpreter_id,  # issue 14: the one the search found
            )

        try:
            with self._hold_lock:
                booking = call()
                self._booked = True
        except SlotTaken as exc:
            self.post_message(self.Taken(list(exc.alternatives)))
            return
        except NotPermitted as exc:  # issue 14: no consent, or not licensed where the patient is
            said = exc.message(get_lang())
            self.post_message(self.Refused(None, said, short_refusal(exc)))
            return
        except BadInput as exc:
            field = exc.params.get("field")
            if exc.key == "booking.patient_long":
                field = "patient"
            field = field if isinstance(field, str) else None
            short = short_error_text(exc)
            if short is not None and field is not None and field not in FIELDS:  # said on the form's line
                short = t("tui.ferr.on_field", field=field_label(field), error=short)
            said = named_error(exc, resource_names(self)).message(get_lang())  # a resource by its name
            self.post_message(self.Refused(field, said, short))
            return
        except Exception as exc:  # noqa: BLE001 - said in the dialog, never a traceback
            self.post_message(failure_in(self, exc))
            return
        self.post_message(self.Booked(booking))

    def _done_saving(self) -> None:
        self._saving = False
        self.query_one("#confirm", Button).disabled = False
        self.query_one("#form-error", Static).update("")

    @on(Booked)
    def _booked(self, message: Booked) -> None:
        self.dismiss(message.booking)

    @on(Taken)
    def _taken(self, message: Taken) -> None:
        self.dismiss(SlotWasTaken(message.alternatives, self.slot))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._done_saving()
        self._error(message.field, message.text, message.short)

    @on(ServiceFailed)
    def _failed(self, message: ServiceFailed) -> None:
        message.stop()
        self._done_saving()
        # issue 12: the server gone says so in its short form when the whole message does not fit
        self._error(None, message.text, short_error_text(message.error) if message.error is not None else None)
