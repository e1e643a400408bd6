"""The confirmation a receptionist hands to the patient, in the patient's language.

Plain text (it goes to the user's clipboard and from there into an e-mail or a
text message): the time is the patient's local time (where the room is, else
the booking co-op's zone), the clinician and how the visit happens. No
patient data beyond the booking number: the patient knows who they are.
"""

from __future__ import annotations

from telecoop.domain import model as m
from telecoop.domain.timeutil import local
from telecoop.i18n import t
from telecoop.tui import strings_day  # noqa: F401  (registers the catalogue)
from telecoop.tui.format import clean, day_long, specialty_label, zone_label


# issue 10: written-out keys (none built at run time), so a translator's tooling finds them.
MODE_KEYS = {"video": "conf.mode.video", "phone": "conf.mode.phone", "in-person": "conf.mode.room"}
LANG_KEYS = {"fr": "conf.lang.fr", "en": "conf.lang.en"}


def confirmation_text(d: m.BookingDetails, lang: str) -> str:
    """The confirmation for booking ``d`` in ``lang`` (``fr`` or ``en``), one fact a line."""
    b = d.booking
    tz = d.patient_tz
    start = local(b.start, tz)
    lines = [
        t("conf.intro", lang, id=b.id),
        t("conf.when", lang, day=day_long(start.date(), lang), time=start.strftime("%H:%M"),
          zone=zone_label(tz, long=True, lang=lang)),
        t("conf.with", lang, name=clean(d.clinician.name), specialty=specialty_label(d.clinician.specialty, lang)),
        t("conf.how", lang, minutes=d.minutes, mode=t(MODE_KEYS[b.mode.value], lang)),
    ]
    if d.room is not None and d.room_coop is not None:
        lines.append(t("conf.where", lang, room=clean(d.room.name), coop=clean(d.room_coop.name)))
    if d.video_link:
        lines.append(t("conf.link", lang, link=clean(d.video_link)))
    lines.append(t("conf.contact", lang, coop=clean(d.booking_coop.name)))
    return "\n".join(lines)
