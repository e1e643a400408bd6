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


def zone_label(tz: str, *, long: bool = False, lang: str | None = None) -> str:
    """``Îles`` / ``heure des Îles`` for America/Halifax; the city for an unknown zone."""
    key = f"tui.zone.{'long' if long else 'short'}.{tz}"
    text = t(key, lang=lang)
    if text == key:
        return tz.rsplit("/", 1)[-1].replace("_", " ")
    return text


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
    return t(f"tui.bmode.{m.Mode(mode).value}")


def role_label(role: m.Role | str) -> str:
    return t(f"tui.role.{m.Role(role).value}")


def specialty_label(code: str, lang: str | None = None) -> str:
    key = f"tui.spec.{code}"
    text = t(key, lang=lang)
    return code if text == key else text


def languages_label(codes: tuple[str, ...] | list[str]) -> str:
    """``français, anglais`` / ``French, English``; an unknown code as is."""
    out = []
    for code in codes:
        key = f"tui.lang.{code}"
        text = t(key)
        out.append(code if text == key else text)
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
