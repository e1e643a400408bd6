"""issue 14: switching a booked visit between video, phone and in person (same booking, audited).

Opened by ``m`` on a booking (its details, the Bookings list). As in the other forms, Enter on
a choice opens it, Ctrl+S (or the Switch button) confirms. The change is
the CLI's ``switch`` (``services.teleconsult.switch_mode``): the same refusals
(licence where the patient is, a room that is taken), the same audit event.
Switching to video or phone asks the patient's consent first, in the yes/no
dialog the Waitlist uses for an offer, unless the visit is already remote with
consent on record (video <-> phone). Switching to in person may take a room:
none, any free room, or a named one, atomically with the change.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Select, Static

from telecoop.domain import model as m
from telecoop.domain import teleconsult as tc
from telecoop.i18n import t
from telecoop.services import directory as directory_service
from telecoop.services import teleconsult as teleconsult_service
from telecoop.tui import strings  # noqa: F401  (registers the catalogues)
from telecoop.tui.dialogs.confirm import ConfirmDialog
from telecoop.tui.format import clean, literal, mode_label
from telecoop.tui.dialogs.small_form import SmallFormDialog
from telecoop.tui.messages import UNSET, ServiceFailed, guarded
from telecoop.tui.widgets.select_options import reset_options

#: the room choice's two words (the other values are room ids)
NO_ROOM, ANY_ROOM = "none", "any"


class ModeSwitchDialog(SmallFormDialog):
    """Dismissed with True once switched (the booking as switched is ``switched``), False when backed out."""

    AUTO_FOCUS = "#sw-mode"

    def __init__(self, booking: m.Booking) -> None:
        super().__init__()
        self.booking = booking
        self.rooms: list[m.Resource] = []
        self.switched: m.Booking | None = None
        self._error: tuple[str, dict] | str = ""

    def compose(self) -> ComposeResult:
        b = self.booking
        others = [mode for mode in m.Mode if mode != b.mode]
        with Vertical(id="dialog", classes="dialog switch-dialog"):
            yield Static("", id="dialog-title", classes="title", markup=False)
            yield Static("", id="sw-now", classes="summary", markup=False)
            with Horizontal(classes="row"):
                yield Label("", id="sw-mode-label", markup=False)
                yield Select(self._mode_options(), value=others[0].value, allow_blank=False, compact=True,
                             id="sw-mode")
            with Horizontal(classes="row tight"):
                yield Label("", id="sw-location-label", markup=False)
                yield Select([(Text(code), code) for code in tc.PROVINCES],
                             value=b.patient_location or tc.DEFAULT_PROVINCE, allow_blank=False, compact=True,
                             id="sw-location")
            with Horizontal(classes="row tight"):
                yield Label("", id="sw-room-label", markup=False)
                yield Select(self._room_options(), value=NO_ROOM, allow_blank=False, compact=True, id="sw-room")
            yield Static("", id="form-error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("", id="confirm", compact=True, variant="primary")
                yield Button("", id="back", compact=True)
            yield Static("", id="dialog-hint", classes="hint", markup=False)

    @property
    def ctx(self):
        return self.app.ctx  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self.relabel()
        self._sync_room()
        self._load_rooms()

    def _mode_options(self) -> list[tuple[Text, str]]:
        return [(Text(mode_label(mode)), mode.value) for mode in m.Mode]

    def _room_options(self) -> list[tuple[Text, str]]:
        if self.booking.room_id is not None:
            return [(Text(t("tui.sw.room.kept")), NO_ROOM)]
        options = [(Text(t("tui.sw.room.none")), NO_ROOM), (Text(t("tui.sw.room.any")), ANY_ROOM)]
        return options + [(Text(clean(r.name)), str(r.id)) for r in self.rooms]

    @work(thread=True, exclusive=True, group="switch-rooms")
    def _load_rooms(self) -> None:
        found = guarded(self, lambda: directory_service.list_resources(self.ctx, kind=m.ResourceKind.ROOM))
        if found is not UNSET:
            own = self.ctx.coop
            rooms = sorted(found, key=lambda r: (r.coop != own, r.name))  # own co-op's rooms first
            self.app.call_from_thread(self._rooms_loaded, rooms)

    def _rooms_loaded(self, rooms: list[m.Resource]) -> None:
        self.rooms = rooms
        reset_options(self.query_one("#sw-room", Select), self._room_options())

    def relabel(self) -> None:
        b = self.booking
        self.query_one("#dialog-title", Static).update(literal(t("tui.sw.title", id=b.id)))
        self.query_one("#sw-now", Static).update(literal(t(
            "tui.sw.now", mode=mode_label(b.mode), where=b.patient_location or tc.DEFAULT_PROVINCE)))
        self.query_one("#sw-mode-label", Label).update(t("tui.sw.mode"))
        self.query_one("#sw-location-label", Label).update(t("tui.sw.location"))
        self.query_one("#sw-room-label", Label).update(t("tui.sw.room"))
        reset_options(self.query_one("#sw-mode", Select), self._mode_options())
        reset_options(self.query_one("#sw-room", Select), self._room_options())
        self.query_one("#confirm", Button).label = t("tui.sw.confirm")
        self.query_one("#back", Button).label = t("tui.sw.back")
        self.query_one("#dialog-hint", Static).update(t("tui.sw.keys"))
        self._show_error()

    def _show_error(self) -> None:
        error = self._error
        text = error if isinstance(error, str) else t(error[0], **error[1])
        self.say(text)

    def _say(self, key: str, **params: object) -> None:
        self._error = (key, params)
        self._show_error()

    def _target(self) -> m.Mode:
        return m.Mode(str(self.query_one("#sw-mode", Select).value))

    def _sync_room(self) -> None:
        """A room is only taken when going in person (and only by a visit that has none)."""
        self.query_one("#sw-room", Select).disabled = (
            self._target() != m.Mode.IN_PERSON or self.booking.room_id is not None
        )

    @on(Select.Changed, "#sw-mode")
    def _mode_changed(self, event: Select.Changed) -> None:
        self._sync_room()

    # ------------------------------------------------------------------ #

    def action_confirm(self) -> None:
        b = self.booking
        new = self._target()
        where = str(self.query_one("#sw-location", Select).value)
        room = str(self.query_one("#sw-room", Select).value) if new == m.Mode.IN_PERSON else NO_ROOM
        if new == b.mode and where == (b.patient_location or tc.DEFAULT_PROVINCE) and room == NO_ROOM:
            self._say("tui.sw.same", mode=mode_label(new), where=where)
            return
        # A visit becoming remote needs the patient's agreement (the service's rule, asked here first).
        if tc.switch_needs_consent(b.mode, new, bool(b.consent_by)):

            def answered(yes: bool | None) -> None:
                if yes:
                    self._switch(new, where, room, consent=True)
                else:
                    self._say("tui.sw.no_consent")

            self.app.push_screen(ConfirmDialog("tui.sw.consent_q", mode=mode_label(new)), answered)
            return
        self._switch(new, where, room, consent=False)

    def _switch(self, new: m.Mode, where: str, room: str, *, consent: bool) -> None:
        b = self.booking

        def call() -> None:
            self.switched = teleconsult_service.switch_mode(
                self.ctx, b.id, new, room_id=int(room) if room.isdigit() else None, any_room=room == ANY_ROOM,
                consent=consent, patient_location=where, seen=b)

        self.save_in_background(call)

    @on(SmallFormDialog.Failed)
    def _refused(self, message: SmallFormDialog.Failed) -> None:
        self._error = message.text  # the base says it on the form's line

    @on(ServiceFailed)
    def _rooms_failed(self, message: ServiceFailed) -> None:
        """The rooms could not be read: said on the form's line (the choice keeps none / any room)."""
        message.stop()
        self._error = message.text
        self._show_error()


def switched_text(done: m.Booking) -> str:
    """What the screen that opened the dialog says after the switch."""
    if done.mode == m.Mode.IN_PERSON and done.room:
        return t("tui.sw.done_room", id=done.id, mode=mode_label(done.mode), room=clean(done.room))
    return t("tui.sw.done", id=done.id, mode=mode_label(done.mode))
