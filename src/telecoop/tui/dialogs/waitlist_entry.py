"""issue 13: putting a patient of my co-op on the waitlist (specialty, days, priority)."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from telecoop.domain import model as m
from telecoop.i18n import t
from telecoop.services import waitlist as waitlist_service
from telecoop.tui.format import literal, local_day, specialty_label
from telecoop.tui.messages import failure_in


class WaitlistEntryDialog(ModalScreen[bool]):
    """Dismissed with True once the entry is added, False when the user backs out."""

    BINDINGS = [
        Binding("escape", "close", "tui.key.close"),
        Binding("ctrl+s", "confirm", "tui.key.confirm", show=False),
    ]
    AUTO_FOCUS = "#wl-patient"

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Added(Message):
        pass

    def compose(self) -> ComposeResult:
        ctx = self.app.ctx  # type: ignore[attr-defined]
        today = local_day(ctx.now(), ctx.actor_tz)
        with Vertical(id="dialog", classes="dialog"):
            yield Static(t("tui.wl.new_title"), id="dialog-title", classes="title", markup=False)
            yield Label(t("tui.book.patient"), id="wl-patient-label", markup=False)
            yield Input(max_length=m.PATIENT_MAX, compact=True, id="wl-patient")
            with Horizontal(classes="row"):
                yield Label(t("tui.wl.col.specialty") + " ", markup=False)
                yield Select([(Text(specialty_label(s)), s) for s in m.SPECIALTIES], value="psychology",
                             allow_blank=False, compact=True, id="wl-specialty")
            with Horizontal(classes="row"):
                yield Label(t("tui.wl.from") + " ", markup=False)
                yield Input(value=today.isoformat(), max_length=10, compact=True, id="wl-from")
                yield Label(" " + t("tui.wl.to") + " ", markup=False)
                yield Input(value=(today + dt.timedelta(days=14)).isoformat(), max_length=10, compact=True, id="wl-to")
                yield Label(" " + t("tui.wl.col.priority") + " ", markup=False)
                yield Input(value="0", max_length=1, compact=True, id="wl-priority")
            yield Static("", id="form-error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("tui.wl.add"), id="confirm", compact=True, variant="primary")
                yield Button(t("tui.book.back"), id="back", compact=True)

    def action_close(self) -> None:
        self.dismiss(False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.dismiss(False)

    def action_confirm(self) -> None:
        values = {name: self.query_one(f"#wl-{name}", Input).value.strip() for name in ("patient", "from", "to", "priority")}
        specialty = str(self.query_one("#wl-specialty", Select).value)
        if not values["patient"]:
            self.query_one("#form-error", Static).update(t("tui.book.patient_required"))
            return
        self._add(values, specialty)

    @work(thread=True, exclusive=True, group="waitlist-add")
    def _add(self, values: dict, specialty: str) -> None:
        try:
            waitlist_service.add(
                self.app.ctx,  # type: ignore[attr-defined]
                specialty=specialty, patient=values["patient"], from_date=values["from"], to_date=values["to"],
                priority=values["priority"] or "0",
            )
        except Exception as exc:  # noqa: BLE001 - said in the dialog
            self.post_message(self.Failed(failure_in(self, exc).text))
            return
        self.post_message(self.Added())

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.query_one("#form-error", Static).update(literal(message.text))

    @on(Added)
    def _added(self, message: Added) -> None:
        self.dismiss(True)
