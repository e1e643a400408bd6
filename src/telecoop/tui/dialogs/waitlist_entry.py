"""issue 13: putting a patient of my co-op on the waitlist (specialty, days, priority)."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from telecoop.domain import model as m
from telecoop.i18n import t
from telecoop.services import waitlist as waitlist_service
from telecoop.tui.dialogs.small_form import SmallFormDialog
from telecoop.tui.format import local_day, specialty_label


class WaitlistEntryDialog(SmallFormDialog):
    """Dismissed with True once the entry is added, False when the user backs out."""

    AUTO_FOCUS = "#wl-patient"

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

    def action_confirm(self) -> None:
        values = {name: self.query_one(f"#wl-{name}", Input).value.strip() for name in ("patient", "from", "to", "priority")}
        specialty = str(self.query_one("#wl-specialty", Select).value)
        if not values["patient"]:
            self.say(t("tui.book.patient_required"))
            return
        self._add(values, specialty)

    def _add(self, values: dict, specialty: str) -> None:
        ctx = self.app.ctx  # type: ignore[attr-defined]
        self.save_in_background(lambda: waitlist_service.add(
            ctx, specialty=specialty, patient=values["patient"], from_date=values["from"], to_date=values["to"],
            priority=values["priority"] or "0",
        ))
