"""How the app writes values on screen: literal text, days, times, labels.

Every string that comes from the database goes through :func:`literal`:
names and texts typed by one person are shown to others, so they must never
be read as Textual/Rich markup nor reach the terminal as escape sequences.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from telecoop import i18n
from telecoop.domain import model as m
from telecoop.domain.timeutil import local
from telecoop.i18n import t
from telecoop.tui import strings  # noqa: F401  (registers the TUI catalogue)

#: Shown instead of a control or format character (ESC, BEL, bidi overrides...).
REPLACEMENT = "?"


def clean(value: object) -> str:
    """``value`` as a string with every control/format character replaced.

    Rich's ``Text`` keeps ESC, so a name holding ``\\x1b[31m`` would colour or
    move the terminal; the replacement keeps the rest visible as typed.
    """
    from telecoop.domain.text import shown  # the one rule, shared with the CLI's ``safe``

    return shown("" if value is None else str(value), None)


def literal(value: object, style: str = "") -> Text:
    """A one-line ``Text`` holding ``value`` exactly as typed: no markup, no escapes.

    Cropped with an ellipsis (not wrapped) when its cell is too narrow.
    """
    return Text(clean(value), style=style, no_wrap=True, overflow="ellipsis", end="")


def paragraph(value: object, style: str = "") -> Text:
    """Like :func:`literal`, but wraps onto as many lines as it needs."""
    return Text(clean(value), style=style, end="")


# --------------------------------------------------------------------------- #
# Calendar words
# --------------------------------------------------------------------------- #


def _word(key: str, index: int, lang: str | None = None) -> str:
    return t(key, lang=lang).split()[index]


def day_short(day: dt.date) -> str:
    """``mar 8 déc`` / ``Tue Dec 8``."""
    return t(
        "tui.day.short",
        wd=_word("tui.wd.short", day.weekday()),
        d=day.day,
        mon=_word("tui.month.short", day.month - 1),
    )


def day_long(day: dt.date, lang: str | None = None) -> str:
    """``mardi 8 décembre 2026`` / ``Tuesday, December 8, 2026`` (``lang``: default the user's)."""
    return t(
        "tui.day.long",
        lang=lang,
        wd=_word("tui.wd.long", day.weekday(), lang),
        d=day.day,
        month=_word("tui.month.long", day.month - 1, lang),
        y=day.year,
    )


# issue 10: every catalogue key below is written out (none built at run time), so a
# translator's tooling finds each one; tests/test_i18n_keys.py holds the rule.
ZONE_KEYS = {
    "America/Halifax": "tui.zone.short.America/Halifax",
    "America/Blanc-Sablon": "tui.zone.short.America/Blanc-Sablon",
    "America/Toronto": "tui.zone.short.America/Toronto",
}
ZONE_LONG_KEYS = {
    "America/Halifax": "tui.zone.long.America/Halifax",
    "America/Blanc-Sablon": "tui.zone.long.America/Blanc-Sablon",
    "America/Toronto": "tui.zone.long.America/Toronto",
}
MODE_KEYS = {"video": "tui.bmode.video", "phone": "tui.bmode.phone", "in-person": "tui.bmode.room"}
ROLE_KEYS = {
    "receptionist": "tui.role.receptionist",
    "coop_admin": "tui.role.coop_admin",
    "federation_admin": "tui.role.federation_admin",
    "clinician": "tui.role.clinician",
}
SPECIALTY_KEYS = {
    "family_medicine": "tui.spec.family_medicine",
    "psychology": "tui.spec.psychology",
    "nutrition": "tui.spec.nutrition",
    "physiotherapy": "tui.spec.physiotherapy",
    "nursing": "tui.spec.nursing",
    "pediatrics": "tui.spec.pediatrics",
    "social_work": "tui.spec.social_work",
    "occupational_therapy": "tui.spec.occupational_therapy",
    "speech_therapy": "tui.spec.speech_therapy",
    "pharmacy": "tui.spec.pharmacy",
    "psychiatry": "tui.spec.psychiatry",
    "kinesiology": "tui.spec.kinesiology",
}
LANGUAGE_KEYS = {"fr": "tui.lang.fr", "en": "tui.lang.en",
                 # issue 14: languages a patient may speak, with an interpreter
                 "iu": "tui.lang.iu", "cr": "tui.lang.cr", "moe": "tui.lang.moe", "atj": "tui.lang.atj", "nsk": "tui.lang.nsk", "lsq": "tui.lang.lsq", "ase": "tui.lang.ase", "es": "tui.lang.es", "ar": "tui.lang.ar", "zh": "tui.lang.zh", "ht": "tui.lang.ht", "pt": "tui.lang.pt", "fa": "tui.lang.fa", "vi": "tui.lang.vi", "ru": "tui.lang.ru", "uk": "tui.lang.uk", "tl": "tui.lang.tl", "ta": "tui.lang.ta"}
KIND_KEYS = {"clinician": "tui.adm.kind.clinician", "room": "tui.adm.kind.room",
             "interpreter": "tui.adm.kind.interpreter"}  # issue 14
KIND_SHORT_KEYS = {"clinician": "tui.adm.kind_short.clinician", "room": "tui.adm.kind_short.room",
                   "interpreter": "tui.adm.kind_short.interpreter"}  # issue 14
SHARING_KEYS = {"private": "tui.adm.sharing.private", "all": "tui.adm.sharing.all", "listed": "tui.adm.sharing.listed"}
SHARING_SHORT_KEYS = {"private": "tui.adm.sharing_short.private", "all": "tui.adm.sharing_short.all"}


def zone_label(tz: str, *, long: bool = False, lang: str | None = None) -> str:
    """``Îles`` / ``heure des Îles`` for America/Halifax; the city for an unknown zone."""
    key = (ZONE_LONG_KEYS if long else ZONE_KEYS).get(tz)
    if key is None:
        return tz.rsplit("/", 1)[-1].replace("_", " ")
    return t(key, lang=lang)


def time_pair(instant: dt.datetime, viewer_tz: str, resource_tz: str, *, long: bool = False) -> str:
    """``10:00`` in the viewer's zone, plus ``· 11:00 Îles`` when the resource's wall time differs.

    DESIGN section 3: the app shows times in the viewer's co-op zone and,
    when the resource's zone differs, its local time as well. Two zones with
    the same wall time at that instant (Blanc-Sablon and Halifax in winter)
    need no second time.
    """
    mine = local(instant, viewer_tz)
    text = mine.strftime("%H:%M")
    if resource_tz and resource_tz != viewer_tz:
        theirs = local(instant, resource_tz)
        if theirs.strftime("%Y-%m-%d %H:%M") != mine.strftime("%Y-%m-%d %H:%M"):
            text += f" · {theirs.strftime('%H:%M')} {zone_label(resource_tz, long=long)}"
    return text


def local_day(instant: dt.datetime, tz: str) -> dt.date:
    return local(instant, tz).date()


# --------------------------------------------------------------------------- #
# Enumerations
# --------------------------------------------------------------------------- #


def status_label(status: m.BookingStatus | str) -> str:
    return i18n.status_label(m.BookingStatus(status))


def mode_label(mode: m.Mode | str) -> str:
    return t(MODE_KEYS[m.Mode(mode).value])


def role_label(role: m.Role | str) -> str:
    return t(ROLE_KEYS[m.Role(role).value])


def specialty_label(code: str, lang: str | None = None) -> str:
    key = SPECIALTY_KEYS.get(code)
    return t(key, lang=lang) if key else code


def languages_label(codes: tuple[str, ...] | list[str]) -> str:
    """``français, anglais`` / ``French, English``; an unknown code as is."""
    out = []
    for code in codes:
        key = LANGUAGE_KEYS.get(code)
        out.append(t(key) if key else code)
    return ", ".join(out)


def stranded_list(bookings: list[m.Booking], tz: str, *, most: int = 5) -> str:
    """The bookings a closure or withdrawal would strand, one per line (no patient data)."""
    lines = [
        f"#{b.id}  {day_short(local_day(b.start, tz))} {time_pair(b.start, tz, b.clinician_tz)}  {b.clinician} — {b.coop}"
        for b in bookings[:most]
    ]
    if len(bookings) > most:
        lines.append(i18n.tn("tui.stranded.more", len(bookings) - most, n=len(bookings) - most))
    return "\n".join(lines)
