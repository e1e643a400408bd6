"""iCalendar (RFC 5545) export of bookings, via the icalendar library.

What calendar programs (khal, Thunderbird, phones) need to keep a synced
copy right:

- ``UID`` is ``booking-<id>-<instance>@telecoop``: the instance is a random
  identifier made once per database (``meta.instance_id``), so two
  federations' booking 12 never replace each other in one calendar, while a
  re-export of the same booking (rescheduled, cancelled) keeps its UID and
  updates the event instead of adding one.
- ``SEQUENCE`` is the number of changes made to the booking since it was
  booked, counted from the audit trail (see services/calendar.py), with
  ``LAST-MODIFIED`` (the booking's ``updated_at``), ``CREATED`` and ``DTSTAMP``.
- Times carry the ``TZID`` of the resource's zone, with its ``VTIMEZONE``, so
  a calendar shows the right wall time across DST whatever its own zone.

Patient references and reasons stay out of calendar files: calendars get
synced to phones and shared, and Law 25 asks us to spread patient data no
further than needed. The booking id lets staff find the rest in TeleCoop.
The video link goes only to those who take part in the consultation (the
booking co-op and the clinician: ``Booking.video_link`` is set for them only,
``access.sees_patient``); a visit's private link (issue 14) never: the file
says it is in TeleCoop. The interpreter is named as the room is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar

from telecoop.domain import model as m
from telecoop.i18n import STATUS_KEYS

PRODID = "-//TeleCoop//Teleconsultation//FR"
# issue 10: written-out catalogue keys (none built at run time; tests/test_i18n_keys.py).
ICS_MODE_KEYS = {"video": "ics.mode.video", "phone": "ics.mode.phone", "in-person": "ics.mode.room"}


@dataclass(frozen=True)
class EventInfo:
    """What the store knows of a booking beyond what the viewer's ``Booking`` holds."""

    sequence: int
    created: dt.datetime
    last_modified: dt.datetime
    video_link: str = ""
    """The clinician's fixed link (issue 14: a visit's private link is never written to a calendar file)."""


def uid(booking_id: int, instance: str) -> str:
    return f"booking-{booking_id}-{instance}@telecoop"


def bookings_to_ics(
    bookings: list[m.Booking],
    *,
    instance: str,
    info: Mapping[int, EventInfo],
    text: Callable[..., str],
    now: dt.datetime,
    tz: str | None = None,
) -> bytes:
    """One VCALENDAR holding a VEVENT per booking (cancelled ones as STATUS:CANCELLED).

    ``tz``: the zone of every event (a resource's agenda); else each booking's
    clinician zone. ``text(key, **params)`` gives the viewer's language.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    stamp = now.astimezone(dt.timezone.utc)
    for b in bookings:
        zone = ZoneInfo(tz or b.clinician_tz or "UTC")
        extra = info.get(b.id)
        ev = icalendar.Event()
        ev.add("uid", uid(b.id, instance))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", b.start.astimezone(zone))
        ev.add("dtend", b.end.astimezone(zone))
        if extra is not None:
            ev.add("sequence", extra.sequence)
            ev.add("created", extra.created.astimezone(dt.timezone.utc))
            ev.add("last-modified", extra.last_modified.astimezone(dt.timezone.utc))
        lines = [text("ics.booking", id=b.id)]
        if b.masked:
            ev.add("summary", text("busy.coop", coop=b.coop))
        else:
            ev.add("summary", text("ics.title", clinician=b.clinician))
        lines.append(text("ics.mode", mode=text(ICS_MODE_KEYS[b.mode.value])))
        lines.append(text("ics.clinician", clinician=b.clinician, coop=b.clinician_coop))
        if b.room:
            lines.append(text("ics.room", room=b.room))
            ev.add("location", b.room)
        if b.interpreter:  # issue 14: shown where the viewer's Booking names them (as the room)
            lines.append(text("ics.interpreter", name=b.interpreter))
        lines.append(text("ics.booked_for", coop=b.coop))
        # The one set of status words (i18n.STATUS_KEYS), as the app and the CLI say them.
        lines.append(text("ics.status", status=text(STATUS_KEYS[b.status.value])))
        # The link as the viewer's Booking carries it (set only for those access.sees_patient lets
        # see it). issue 14: a visit's private link stays in TeleCoop: calendar files are synced
        # and shared, and the link opens the visit. The file says where to find it instead.
        if not b.masked and b.video_link and b.mode == m.Mode.VIDEO:
            fixed = extra.video_link if extra is not None else ""
            if b.video_link == fixed:
                lines.append(text("ics.video", url=b.video_link))
                ev.add("url", b.video_link)
            else:
                lines.append(text("ics.video_private", id=b.id))
        ev.add("description", "\n".join(lines))
        ev.add("transp", "TRANSPARENT" if b.status == m.BookingStatus.CANCELLED else "OPAQUE")
        ev.add("status", "CANCELLED" if b.status == m.BookingStatus.CANCELLED else "CONFIRMED")
        cal.add_component(ev)
    if bookings:
        # Observances around the events only (the library's default spans
        # 1970-2038: kilobytes per zone on a slow link for nothing).
        years = [b.start.year for b in bookings] + [b.end.year for b in bookings]
        cal.add_missing_timezones(first_date=dt.date(min(years) - 1, 1, 1), last_date=dt.date(max(years) + 2, 1, 1))
    return cal.to_ical()
