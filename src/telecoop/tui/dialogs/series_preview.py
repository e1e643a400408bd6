"""issue 14: a follow-up series' preview: each occurrence at its local time, conflicts flagged.

Space skips (or keeps again) the highlighted occurrence; m moves it to
another local date and time (the CLI's ``--move N=DATETIME``: same service
call, the moved occurrence checked again here); Enter books the series, all
or nothing, once no kept occurrence has a problem; Esc goes back to the form.
Nothing is written before Enter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from telecoop.domain import model as m
from telecoop.domain import series as ds
from telecoop.domain.errors import TeleCoopError
from telecoop.i18n import get_lang, t
from telecoop.messages_teleconsult import occurrence_flag
from telecoop.services import series as series_service
from telecoop.tui import strings_series  # noqa: F401  (registers the catalogue)
from telecoop.tui.dialogs.occurrence_time import OccurrenceTimeDialog
from telecoop.tui.format import day_short, literal, local_day, time_pair
from telecoop.tui.widgets.result_table import ResultTable


@dataclass(frozen=True)
class SeriesRequest:
    """What the booking form asked for: the series' first slot and its terms."""

    slot: m.Slot
    repeat: str
    count: int
    patient: str
    reason: str
    mode: str
    where: str
    consent: bool


class SeriesPreviewDialog(ModalScreen["m.Booking | None"]):
    """Dismissed with the series' first booking once booked; ``None`` when the user goes back."""

    BINDINGS = [
        Binding("escape", "close", "tui.key.close"),
        Binding("space", "skip", "tui.series.key_skip"),
        Binding("m", "move", "tui.series.key_move"),
        Binding("enter", "confirm", "tui.key.confirm", priority=True),
    ]

    class Done(Message):
        def __init__(self, booking: m.Booking | None, error: str | None, occurrences: list | None) -> None:
            super().__init__()
            self.booking, self.error, self.occurrences = booking, error, occurrences

    def __init__(self, request: SeriesRequest) -> None:
        super().__init__()
        self.request = request
        self.skip: set[int] = set()
        self.moves: dict[int, str] = {}
        """Occurrence index -> its new wall time, ``"YYYY-MM-DD HH:MM"`` in the clinician's zone."""
        self._planned: dict[int, dt.datetime] = {}
        """Occurrence index -> the repeat's own wall time, kept from its first move."""
        self.occurrences: list[ds.Occurrence] = []
        self._saving = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog tall"):
            yield Static("", id="dialog-title", classes="title", markup=False)
            yield ResultTable(id="occurrences")
            yield Static("", id="form-error", classes="error", markup=False)
            yield Static("", id="dialog-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.refresh_preview()

    def relabel(self) -> None:
        self._fill()

    # ------------------------------------------------------------------ #

    def _call(self, **extra):
        r = self.request
        minutes = int((r.slot.end - r.slot.start).total_seconds() // 60)
        return dict(clinician_id=r.slot.clinician_id, start=r.slot.start, duration=minutes, repeat=r.repeat,
                    count=r.count, room_id=r.slot.room_id, skip=sorted(self.skip), moves=dict(self.moves),
                    interpreter_id=r.slot.interpreter_id, **extra)  # issue 14: the slot's interpreter, each visit

    def refresh_preview(self) -> None:
        try:
            self.occurrences = series_service.preview(self.app.ctx, **self._call())  # type: ignore[attr-defined]
        except TeleCoopError as exc:
            self.query_one("#form-error", Static).update(literal(exc.message(get_lang())))
            self.occurrences = []
        self._fill()

    def _fill(self) -> None:
        tz = self.app.ctx.actor_tz  # type: ignore[attr-defined]
        slot_tz = self.request.slot.tz
        rows = []
        for o in self.occurrences:
            when = time_pair(o.start, tz, slot_tz) if o.start else o.wall.strftime("%H:%M")
            day = day_short(local_day(o.start, tz)) if o.start else day_short(o.wall.date())
            flag = occurrence_flag(o.problem, o.skipped, o.moved)
            style = "bold" if o.problem and not o.skipped else ("dim" if o.skipped else "")
            rows.append((str(o.index), [Text(str(o.index)), Text(day), Text(when), Text(flag, style=style)]))
        table = self.query_one("#occurrences", ResultTable)
        table.fill([(t("tui.series.col_n"), 3), (t("tui.series.col_day"), None), (t("tui.series.col_time"), None),
                    (t("tui.series.col_status"), 0)], rows)
        bad = [o.index for o in self.occurrences if o.problem and not o.skipped]
        title = t("tui.series.title", count=len(self.occurrences))
        self.query_one("#dialog-title", Static).update(title)
        hint = t("tui.series.keys_move_conflicts", n=len(bad)) if bad else t("tui.series.keys_move")
        self.query_one("#dialog-hint", Static).update(hint)

    def action_skip(self) -> None:
        if self._saving:
            return
        key = self.query_one("#occurrences", ResultTable).current_key()
        if key is None:
            return
        self.skip ^= {int(key)}
        self.query_one("#form-error", Static).update("")
        self.refresh_preview()

    def action_move(self) -> None:
        """Another local date and time for the highlighted occurrence; checked again in the preview."""
        if self._saving:
            return
        key = self.query_one("#occurrences", ResultTable).current_key()
        occ = next((o for o in self.occurrences if str(o.index) == key), None)
        if occ is None:
            return

        dialog = OccurrenceTimeDialog(occ.index, occ.wall, self.request.slot.tz)

        def moved(chosen: bool | None) -> None:
            if not chosen or dialog.chosen is None:
                return
            planned = self._planned.setdefault(occ.index, occ.wall)  # first move: still the repeat's time
            if dialog.chosen == planned.strftime("%Y-%m-%d %H:%M"):
                self.moves.pop(occ.index, None)  # back to the repeat's own time: no longer moved
            else:
                self.moves[occ.index] = dialog.chosen
            self.skip.discard(occ.index)  # moved to be booked: no longer skipped
            self.query_one("#form-error", Static).update("")
            self.refresh_preview()

        self.app.push_screen(dialog, moved)

    def action_close(self) -> None:
        if not self._saving:
            self.dismiss(None)

    def action_confirm(self) -> None:
        if self._saving:
            return
        self.refresh_preview()  # looked at again right before booking: someone may have taken one meanwhile
        bad = [o.index for o in self.occurrences if o.problem and not o.skipped]
        if bad:
            self.query_one("#form-error", Static).update(
                t("tui.series.still_conflicts_move", which=", ".join(map(str, bad))))
            return
        self._saving = True
        self.query_one("#form-error", Static).update(t("tui.book.saving"))
        self._book()

    @work(thread=True, exclusive=True, group="series")
    def _book(self) -> None:
        r = self.request
        try:
            _sid, made = series_service.book_series(
                self.app.ctx, **self._call(), patient=r.patient, reason=r.reason, mode=r.mode,  # type: ignore[attr-defined]
                patient_location=r.where, consent=r.consent)
        except series_service.SeriesConflict as exc:
            self.post_message(self.Done(None, None, exc.occurrences))
            return
        except TeleCoopError as exc:
            self.post_message(self.Done(None, exc.message(get_lang()), None))
            return
        self.post_message(self.Done(made[0] if made else None, None, None))

    @on(Done)
    def _done(self, message: Done) -> None:
        self._saving = False
        if message.booking is not None:
            self.dismiss(message.booking)
            return
        if message.occurrences is not None:  # taken meanwhile: shown again, flagged
            self.refresh_preview()
            return
        self.query_one("#form-error", Static).update(literal(message.error or ""))
