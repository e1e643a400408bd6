"""issue 14: a new local date and time for one occurrence of a follow-up series.

Used by the series preview (move an occurrence before anything is written)
and by the bookings list (move "this one" or "this and later"). The date and
time are the clinician's wall time, read by the same rule as the CLI's
``--move N=DATETIME`` and ``series move``: :func:`timeutil.parse_instant` in
the clinician's zone (a time that does not exist or happens twice that day is
refused with the two valid choices). Keyboard first: the date field has the
focus, Tab goes to the time, Enter moves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from telecoop.domain.errors import TeleCoopError
from telecoop.domain.timeutil import parse_instant
from telecoop.i18n import get_lang, t
from telecoop.tui import strings_series  # noqa: F401  (registers the catalogue)
from telecoop.tui.dialogs.small_form import SmallFormDialog
from telecoop.tui.format import day_short, literal, paragraph, zone_label

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def wall_text(date_text: str, time_text: str) -> tuple[str | None, tuple[str, dict] | None]:
    """``"YYYY-MM-DD HH:MM"`` from the two fields, or the field's error (an i18n key and its parameters)."""
    date_text, time_text = date_text.strip(), time_text.strip()
    try:
        if not _DATE.fullmatch(date_text):
            raise ValueError
        day = dt.date.fromisoformat(date_text)
    except ValueError:
        return None, ("tui.occ.bad_date", {"text": date_text[:20]})
    hm = _TIME.fullmatch(time_text)
    if hm is None or int(hm[1]) > 23 or int(hm[2]) > 59:
        return None, ("tui.occ.bad_time", {"text": time_text[:20]})
    return f"{day.isoformat()} {int(hm[1]):02d}:{hm[2]}", None


class OccurrenceTimeDialog(SmallFormDialog):
    """Dismissed with True once a new time is chosen (``self.chosen``: ``"YYYY-MM-DD HH:MM"``, the
    clinician's wall time), False when the user backs out.

    ``save`` (optional) is the service call made with that text once it parses
    (off the UI thread); a refusal is said on the form's line and the dialog
    stays with the fields as typed. Without ``save`` (the preview, which
    checks the time itself) the dialog closes as soon as the text parses.
    """

    AUTO_FOCUS = "#occ-date"

    def __init__(
        self,
        index: int,
        wall: dt.datetime,
        tz: str,
        *,
        later: bool = False,
        save: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__()
        self.index = index
        self.wall = wall
        self.tz = tz
        self.later = later
        self.save = save
        self.chosen: str | None = None
        self._error: tuple[str, dict] | None = None
        self._error_text = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog occ-dialog"):
            yield Static("", id="dialog-title", classes="title", markup=False)
            yield Static("", id="occ-now", markup=False)
            yield Static("", id="occ-note", classes="summary", markup=False)
            yield Static("", id="occ-zone", markup=False)  # wraps at 60 columns
            with Horizontal(classes="row tight"):
                yield Label("", id="occ-date-label", markup=False)
                yield Input(self.wall.strftime("%Y-%m-%d"), max_length=10, compact=True, id="occ-date")
                yield Label("", id="occ-time-label", markup=False)
                yield Input(self.wall.strftime("%H:%M"), max_length=5, compact=True, id="occ-time")
            yield Static("", id="form-error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("", id="confirm", compact=True, variant="primary")
                yield Button("", id="back", compact=True)
            yield Static("", id="dialog-hint", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        title = "tui.occ.title_later" if self.later else "tui.occ.title"
        self.query_one("#dialog-title", Static).update(t(title, n=self.index))
        when = f"{day_short(self.wall.date())} {self.wall.strftime('%H:%M')}"
        self.query_one("#occ-now", Static).update(literal(t("tui.occ.now", when=when)))
        note = self.query_one("#occ-note", Static)
        note.display = self.later
        note.update(paragraph(t("tui.occ.later_note")))
        self.query_one("#occ-zone", Static).update(paragraph(t("tui.occ.zone", zone=zone_label(self.tz, long=True))))
        self.query_one("#occ-date-label", Label).update(t("tui.occ.date") + " ")
        self.query_one("#occ-time-label", Label).update("  " + t("tui.occ.time") + " ")
        self.query_one("#confirm", Button).label = t("tui.occ.ok")
        self.query_one("#back", Button).label = t("tui.occ.back")
        self.query_one("#dialog-hint", Static).update(t("tui.occ.hint"))
        self._show_error()

    def _show_error(self) -> None:
        text = t(self._error[0], **self._error[1]) if self._error else self._error_text
        self.query_one("#form-error", Static).update(paragraph(text))  # a DST refusal takes two lines

    def say(self, text: str) -> None:
        self._error, self._error_text = None, text
        self._show_error()

    def _say_key(self, key: str, **params: object) -> None:
        self._error, self._error_text = (key, params), ""
        self._show_error()

    def action_confirm(self) -> None:
        text, error = wall_text(self.query_one("#occ-date", Input).value, self.query_one("#occ-time", Input).value)
        if error is not None:
            self._say_key(error[0], **error[1])
            self.query_one("#occ-date" if error[0] == "tui.occ.bad_date" else "#occ-time", Input).focus()
            return
        assert text is not None
        try:  # the CLI's rule for --move N=DATETIME: the clinician's wall time, no gap, no repeated hour
            parse_instant(text, self.tz)
        except TeleCoopError as exc:
            self.say(exc.message(get_lang()))
            return
        self.chosen = text
        if self.save is None:
            self.dismiss(True)
            return
        self._say_key("tui.occ.saving")
        save = self.save
        self.save_in_background(lambda: save(text))
