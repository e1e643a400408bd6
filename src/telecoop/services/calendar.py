"""Calendar export: the bookings a user may see, as an iCalendar file.

Why SEQUENCE comes from the audit trail rather than a counter column: every
reschedule and status change already writes exactly one audit event in the
same transaction (services/booking.py), and the trail is append-only, so the
count of a booking's events after ``booking.book`` only ever rises. A
separate counter would be a second record of the same fact that could drift
from it (an import, a manual repair), and it would need a schema change.
"""

from __future__ import annotations

import datetime as dt

from telecoop.domain.errors import BadInput
from telecoop.i18n import t
from telecoop.io.ics import EventInfo, bookings_to_ics
from telecoop.services.booking import get_booking, list_bookings
from telecoop.services.context import Context
from telecoop.services.directory import get_resource
from telecoop.store import audit as store_audit
from telecoop.store import bookings as store_bookings
from telecoop.store.engine import instance_id, read_session


def _event_info(session, ids: list[int]) -> dict[int, EventInfo]:
    if not ids:
        return {}
    changes = store_audit.changes_after_booking(session, ids)
    rows = store_bookings.stamps(session, ids)
    return {
        bid: EventInfo(sequence=int(changes.get(str(bid), 0)), created=created, last_modified=updated,
                       video_link=link or "")
        for bid, created, updated, link in rows
    }


def export_ics(
    ctx: Context,
    *,
    booking_id: int | None = None,
    resource_id: int | None = None,
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
    lang: str | None = None,
) -> bytes:
    """One booking, or a resource's agenda, as iCalendar bytes in the viewer's language
    (``lang``, default the current one).

    Only what ``get_booking``/``list_bookings`` let this user see; other
    co-ops' bookings show as busy, with no video link.
    """
    if (booking_id is None) == (resource_id is None):
        raise BadInput("ics.usage")
    tz = None
    if booking_id is not None:
        items = [get_booking(ctx, booking_id)]
    else:
        assert resource_id is not None  # one of the two, checked above
        tz = get_resource(ctx, resource_id).tz
        items = list_bookings(ctx, resource_id=resource_id, from_date=from_date, to_date=to_date)
    with read_session(ctx.engine) as s:
        instance = instance_id(s)
        info = _event_info(s, [b.id for b in items])
    def text(key: str, **params: object) -> str:
        return t(key, lang=lang, **params)

    return bookings_to_ics(items, instance=instance, info=info, text=text, now=ctx.now(), tz=tz)
