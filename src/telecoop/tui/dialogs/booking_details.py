"""One booking in full: who, where, when (in both zones), how, its history; hand it to the patient.

Opened by Enter on a booking (Bookings, Agenda) and, right after a booking
is made, as its confirmation. From here the receptionist copies a
confirmation in the patient's language to their own clipboard (OSC 52:
it reaches the terminal of a user connected over SSH) or saves the .ics.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from telecoop.domain import model as m
from telecoop.domain.timeutil import local
from telecoop.i18n import LANGS, get_lang, t
from telecoop.services import booking as booking_service
from telecoop.services import teleconsult as teleconsult_service
from telecoop.tui import strings_day  # noqa: F401  (registers the catalogue)
from telecoop.tui import strings_series  # noqa: F401  (registers the catalogue: series in the app)
from telecoop.tui.confirmation import LANG_KEYS, confirmation_text
from telecoop.tui.format import (
    clean,
    day_long,
    day_short,
    literal,
    local_day,
    mode_label,
    specialty_label,
    status_label,
    zone_label,
)
from telecoop.tui.messages import UNSET, ServiceFailed, guarded

#: the history shows this many of the latest steps (the CLI's audit has them all)
HISTORY_SHOWN = 4


def ics_folder() -> Path:
    """Where "Save .ics" writes: the user's downloads folder."""
    return Path(platformdirs.user_downloads_dir())


#: a history line per audited action (written out: no catalogue key is built at run time)
EVENT_KEYS = {
    "booking.book": "tui.event.booking.book",
    "booking.reschedule": "tui.event.booking.reschedule",
    "booking.cancel": "tui.event.booking.cancel",
    "booking.checked_in": "tui.event.booking.checked_in",
    "booking.completed": "tui.event.booking.completed",
    "booking.no_show": "tui.event.booking.no_show",
    "booking.mode": "tui.event.booking.mode",  # issue 14
    "booking.link": "tui.event.booking.link",
}

class BookingDetailsDialog(ModalScreen[None]):
    """The details of booking ``booking_id``; ``just_booked`` titles it as the booking's confirmation."""

    BINDINGS = [
        Binding("escape", "close", "tui.key.close"),
        Binding("c", "copy", "tui.key.copy"),
        Binding("s", "save_ics", "tui.key.save_ics"),
        Binding("l", "patient_lang", "tui.key.patient_lang"),
        # issue 14: the patient asks to come in person; a fresh private link
        Binding("p", "in_person", "tui.key.in_person"),
        Binding("k", "new_link", "tui.key.new_link"),
        # issue 14: video, phone or in person, any direction (the CLI's switch)
        Binding("m", "switch_mode", "tui.key.switch_mode"),
        # a long booking on a small terminal: the details scroll, the buttons and keys stay
        Binding("pagedown", "scroll_details(1)", "tui.key.scroll_details", show=False),
        Binding("pageup", "scroll_details(-1)", "tui.key.scroll_details", show=False),
    ]
    AUTO_FOCUS = "#details-copy"

    class Loaded(Message):
        def __init__(self, details: m.BookingDetails) -> None:
            super().__init__()
            self.details = details

    def __init__(self, booking_id: int, *, just_booked: bool = False) -> None:
        super().__init__()
        self.booking_id = booking_id
        self.just_booked = just_booked
        self.details: m.BookingDetails | None = None
        self.patient_lang: str | None = None
        self._status_line = ("", {})

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog details-dialog"):
            yield Static("", id="dialog-title", classes="title", markup=False)
            with VerticalScroll(id="details-scroll", can_focus=False):
                yield Static("", id="details-body", markup=False)
            yield Static("", id="details-lang", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("", id="details-copy", compact=True, variant="primary")
                yield Button("", id="details-ics", compact=True)
                yield Button("", id="details-close", compact=True)
            yield Static("", id="details-status", classes="error", markup=False)
            yield Static("", id="dialog-hint", classes="hint", markup=False)

    @property
    def ctx(self):
        return self.app.ctx  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self.relabel()
        self._load()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """The details get what the screen has left beside the title, buttons and keys; beyond, they scroll."""
        dialog = self.query_one("#dialog")
        scroll = self.query_one("#details-scroll", VerticalScroll)
        width = dialog.content_region.width
        if not width:
            return  # not laid out yet; the next resize or relabel fits it
        others = 0
        for child in dialog.children:  # their heights as they want them, not as squeezed now
            if child is scroll:
                continue
            height = child.styles.height
            if height is not None and height.is_cells:
                lines = int(height.value)
            else:
                lines = child.get_content_height(self.size, self.size, width)
            others += lines + child.styles.margin.top + child.styles.margin.bottom
        scroll.styles.max_height = max(3, self.size.height - others - 2)  # 2: the dialog's border

    def action_scroll_details(self, pages: int) -> None:
        scroll = self.query_one("#details-scroll", VerticalScroll)
        if pages > 0:
            scroll.scroll_page_down(animate=False)
        else:
            scroll.scroll_page_up(animate=False)

    @work(thread=True, exclusive=True, group="details")
    def _load(self) -> None:
        found = guarded(self, lambda: booking_service.booking_details(self.ctx, self.booking_id))
        if found is not UNSET:
            self.post_message(self.Loaded(found))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.details = message.details
        if self.patient_lang is None:
            lang = message.details.booking_coop.lang
            self.patient_lang = lang if lang in LANGS else get_lang()
        self.relabel()

    @on(ServiceFailed)
    def _failed(self, message: ServiceFailed) -> None:
        message.stop()
        self._say("", text=message.text)

    # ------------------------------------------------------------------ #

    def relabel(self) -> None:
        self.query_one("#details-copy", Button).label = t("tui.details.copy")
        self.query_one("#details-ics", Button).label = t("tui.details.ics")
        self.query_one("#details-close", Button).label = t("tui.details.close")
        self.query_one("#dialog-hint", Static).update(t("tui.details.keys"))
        key, params = self._status_line
        if key:
            self.query_one("#details-status", Static).update(literal(t(key, **params)))
        d = self.details
        title = self.query_one("#dialog-title", Static)
        if d is None:
            title.update(literal(t("tui.details.title", id=self.booking_id, status="…")))
            return
        b = d.booking
        if self.just_booked:
            title.update(literal(t("tui.details.booked_title", id=b.id)))
        else:
            title.update(literal(t("tui.details.title", id=b.id, status=status_label(b.status))))
        self.query_one("#details-body", Static).update(self._body(d))
        lang_line = t("tui.details.lang") + " " + t(LANG_KEYS[self.patient_lang or get_lang()])
        self.query_one("#details-lang", Static).update(literal(lang_line))
        self.call_after_refresh(self._fit)

    def _body(self, d: m.BookingDetails) -> Text:
        b = d.booking
        tz = self.ctx.actor_tz
        mine = local(b.start, tz)
        lines = [t("tui.details.when", day=day_long(mine.date()), time=mine.strftime("%H:%M"),
                   zone=zone_label(tz, long=True))]
        theirs = local(b.start, d.clinician.tz)
        if theirs.strftime("%Y-%m-%d %H:%M") != mine.strftime("%Y-%m-%d %H:%M"):
            when = theirs.strftime("%H:%M")
            if theirs.date() != mine.date():
                when = f"{day_short(theirs.date())} {when}"
            lines.append(t("tui.details.there", time=when, zone=zone_label(d.clinician.tz, long=True)))
        lines.append(t("tui.details.clinician", name=clean(d.clinician.name),
                       specialty=specialty_label(d.clinician.specialty), coop=clean(d.clinician_coop.name)))
        if d.room is not None and d.room_coop is not None:
            lines.append(t("tui.details.room", name=clean(d.room.name), coop=clean(d.room_coop.name),
                           region=clean(d.room_coop.region)))
        else:
            lines.append(t("tui.details.no_room"))
        how = t("tui.details.how", minutes=d.minutes, mode=mode_label(b.mode))
        if b.masked:
            how += " · " + t("tui.details.busy", coop=clean(d.booking_coop.name))
        else:
            how += " · " + t("tui.details.patient", patient=clean(b.patient or ""))
        lines.append(how)
        if not b.masked and b.series_id is not None:  # issue 14: the list's series line, here too
            lines.append(t("tui.details.series", series=b.series_id, n=b.series_index))
        if d.video_link:
            lines.append(t("tui.details.video", link=clean(d.video_link)))
        if not b.masked:
            if d.history:
                lines.append(t("tui.details.history"))
                for e in d.history[-HISTORY_SHOWN:]:
                    lines.append(t("tui.details.event", when=self._when(e.at), what=self._what(e),
                                   actor=clean(e.actor)))
            else:
                lines.append(t("tui.details.no_history"))
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        text.append("\n".join(lines))
        return text

    def _when(self, instant) -> str:
        tz = self.ctx.actor_tz
        return f"{day_short(local_day(instant, tz))} {local(instant, tz).strftime('%H:%M')}"

    def _what(self, e: m.BookingEvent) -> str:
        key = EVENT_KEYS.get(e.action)
        return t(key, when=self._when(e.start) if e.start else "") if key else e.action

    def _say(self, key: str, text: str | None = None, **params) -> None:
        self._status_line = (key, params)
        self.query_one("#details-status", Static).update(literal(text if text is not None else t(key, **params)))

    # ------------------------------------------------------------------ #

    def action_copy(self) -> None:
        """Copy the patient's confirmation, in their language, to the user's clipboard (OSC 52)."""
        if self.details is None:
            return
        self.app.copy_to_clipboard(confirmation_text(self.details, self.patient_lang or get_lang()))
        self._say("tui.details.copied", language=t(LANG_KEYS[self.patient_lang or get_lang()]))

    def action_patient_lang(self) -> None:
        """French or English for the confirmation."""
        if self.details is None:
            return
        self.patient_lang = LANGS[(LANGS.index(self.patient_lang) + 1) % len(LANGS)] if self.patient_lang in LANGS else LANGS[0]
        self.relabel()

    def action_in_person(self) -> None:
        d = self.details
        if d is None or d.booking.masked or d.booking.mode == m.Mode.IN_PERSON:
            return
        self._change(lambda: teleconsult_service.switch_mode(self.ctx, d.booking.id, "in-person", seen=d.booking),
                     "tui.details.switched")

    def action_switch_mode(self) -> None:
        """Video, phone or in person: the switch dialog (consent asked when the visit becomes remote)."""
        from telecoop.tui.dialogs.mode_switch import ModeSwitchDialog, switched_text

        from telecoop.services.context import BOOKING_ROLES

        d = self.details
        if d is None or d.booking.masked:
            return
        if self.ctx.role not in BOOKING_ROLES:  # a clinician: the booking co-op's staff switch it
            self._say("perm.denied")
            return
        if d.booking.status != m.BookingStatus.BOOKED:
            self._say("tui.act.not_now", status=status_label(d.booking.status))
            return

        dialog = ModeSwitchDialog(d.booking)

        def answered(ok: bool | None) -> None:
            if ok and dialog.switched is not None:
                self._say("", text=switched_text(dialog.switched))
                self._load()

        self.app.push_screen(dialog, answered)

    def action_new_link(self) -> None:
        d = self.details
        if d is None or d.booking.masked or d.booking.mode != m.Mode.VIDEO:
            return
        self._change(lambda: teleconsult_service.regenerate_link(self.ctx, d.booking.id), "tui.details.new_link")

    @work(thread=True, exclusive=True, group="details-change")
    def _change(self, call, said: str) -> None:
        found = guarded(self, call)
        if found is UNSET:
            return
        self.app.call_from_thread(self._say, said)
        self.app.call_from_thread(self._load)

    def action_save_ics(self) -> None:
        """Write the booking's .ics (no patient data in it) to the downloads folder."""
        if self.details is None:
            return
        self._save_ics(self.details.booking.id, self.patient_lang or get_lang())

    @work(thread=True, exclusive=True, group="details-ics")
    def _save_ics(self, booking_id: int, lang: str) -> None:
        """The calendar service builds the file (the CLI's ``ics``: same UID, zone, masking)."""
        from telecoop import locations
        from telecoop.services.calendar import export_ics

        data = guarded(self, lambda: export_ics(self.ctx, booking_id=booking_id, lang=lang))
        if data is UNSET:
            return
        path = ics_folder() / f"telecoop-{booking_id}.ics"
        try:
            locations.make_private_dir(path.parent)
            locations.write_private_bytes(path, data)
        except OSError as exc:
            self.app.call_from_thread(
                self._say, "tui.details.save_failed", path=str(path), error=exc.strerror or type(exc).__name__
            )
            return
        self.app.call_from_thread(self._say, "tui.details.saved", path=str(path))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"details-copy": self.action_copy, "details-ics": self.action_save_ics}.get(
            event.button.id or "", self.action_close
        )()

    def action_close(self) -> None:
        self.dismiss(None)
