"""iCalendar (RFC 5545) export of bookings, via the icalendar library.

Patient references stay out of calendar files: calendars get synced to
phones and shared, and Law 25 asks us to spread patient data no further
than needed. The booking id lets staff find the rest in TeleCoop.
"""

from __future__ import annotations

import datetime as dt

import icalendar

from telecoop.domain import model as m

PRODID = "-//TeleCoop//Teleconsultation//FR"


def bookings_to_ics(bookings: list[m.Booking], *, busy_label, title_label, now: dt.datetime, host: str = "telecoop") -> bytes:
    """One VCALENDAR holding a VEVENT per booking (cancelled ones as STATUS:CANCELLED)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    for b in bookings:
        ev = icalendar.Event()
        ev.add("uid", f"booking-{b.id}@{host}")
        ev.add("dtstamp", now.astimezone(dt.timezone.utc))
        ev.add("dtstart", b.start.astimezone(dt.timezone.utc))
        ev.add("dtend", b.end.astimezone(dt.timezone.utc))
        if b.masked:
            ev.add("summary", busy_label(b.coop))
            ev.add("transp", "OPAQUE")
        else:
            ev.add("summary", title_label(b))
            lines = [f"#{b.id}", f"{b.mode.value}"]
            if b.room:
                lines.append(b.room)
                ev.add("location", b.room)
            ev.add("description", "\n".join(lines))
        ev.add(
            "status",
            "CANCELLED" if b.status == m.BookingStatus.CANCELLED else "CONFIRMED",
        )
        cal.add_component(ev)
    return cal.to_ical()
