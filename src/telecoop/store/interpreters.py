"""issue 14: the interpreters' bookings (an interpreter is held through ``booking.interpreter_id``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlmodel import Session, col, select

from telecoop.domain import availability as av
from telecoop.domain import validate as v
from telecoop.store import tables as tb
from telecoop.store.bookings import ACTIVE, MAX_BUFFER


def busy(
    session: Session, ids: list[int], start: dt.datetime, end: dt.datetime, exclude_id: int | None = None
) -> dict[int, list[av.Interval]]:
    """Active bookings holding one of ``ids`` around [start, end) (widened by the largest buffer)."""
    out: dict[int, list[av.Interval]] = defaultdict(list)
    if not ids:
        return out
    lo, hi = start - MAX_BUFFER, end + MAX_BUFFER
    B = tb.BookingRow
    stmt = select(B.interpreter_id, B.start, B.end).where(
        B.start < hi,
        B.start > lo - dt.timedelta(minutes=v.MAX_DURATION),
        B.end > lo,
        col(B.status).in_(ACTIVE),
        col(B.interpreter_id).in_(ids),
    )
    if exclude_id is not None:
        stmt = stmt.where(B.id != exclude_id)
    for iid, s, e in session.exec(stmt).all():
        if iid is not None:
            out[iid].append((s, e))
    return out
