"""The bookings' queries: what holds time, names for display, and the visibility conditions.

Who may see a booking, and whose patients a search may reach, are rules of
``telecoop.domain.access``; the clauses here are those rules in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlmodel import Session, col, or_, select

from telecoop.domain import availability as av
from telecoop.domain import model as m
from telecoop.domain import validate as v
from telecoop.store import tables as tb

ACTIVE = (m.BookingStatus.BOOKED.value, m.BookingStatus.CHECKED_IN.value)
MAX_BUFFER = dt.timedelta(minutes=120)


def busy(
    session: Session,
    clinician_ids: list[int],
    room_ids: list[int],
    start: dt.datetime,
    end: dt.datetime,
    exclude_id: int | None = None,
) -> dict[int, list[av.Interval]]:
    """Active bookings overlapping [start, end) (widened by the largest buffer), per resource."""
    out: dict[int, list[av.Interval]] = defaultdict(list)
    if not clinician_ids and not room_ids:
        return out
    lo, hi = start - MAX_BUFFER, end + MAX_BUFFER
    B = tb.BookingRow
    who = []
    if clinician_ids:
        who.append(col(B.clinician_id).in_(clinician_ids))
    if room_ids:
        who.append(col(B.room_id).in_(room_ids))
    # A booking never lasts more than MAX_DURATION, so "start > lo - MAX_DURATION"
    # lets the (start) index bound the scan from both sides.
    stmt = select(B.id, B.clinician_id, B.room_id, B.start, B.end).where(
        B.start < hi,
        B.start > lo - dt.timedelta(minutes=v.MAX_DURATION),
        B.end > lo,
        col(B.status).in_(ACTIVE),
        or_(*who),
    )
    if exclude_id is not None:
        stmt = stmt.where(B.id != exclude_id)
    wanted_c, wanted_r = set(clinician_ids), set(room_ids)
    for _id, cid, rid, s, e in session.exec(stmt).all():
        if cid in wanted_c:
            out[cid].append((s, e))
        if rid is not None and rid in wanted_r:
            out[rid].append((s, e))
    return out
